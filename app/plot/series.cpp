// What this file is: EMA smoothing and min/max decimation of long series.
#include "plot/series.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace bnlab::plot {
namespace {

float x_at(const float* xs, int i) { return xs ? xs[i] : static_cast<float>(i); }

// Maps x to a column in [0, columns); −1 for x that cannot be placed (x ≤ 0 on a log axis).
struct ColumnMap {
  double t_lo, scale;
  int columns;
  bool log_x;
  ColumnMap(double x_lo, double x_hi, int cols, bool log) : columns(std::max(1, cols)), log_x(log) {
    t_lo = log ? std::log10(x_lo) : x_lo;
    const double t_hi = log ? std::log10(x_hi) : x_hi;
    scale = t_hi > t_lo ? columns / (t_hi - t_lo) : 0.0;
  }
  int operator()(float x) const {
    if (log_x && !(x > 0.0f)) return -1;
    const double t = log_x ? std::log10(static_cast<double>(x)) : x;
    return std::clamp(static_cast<int>((t - t_lo) * scale), 0, columns - 1);
  }
};

bool ends_with_break(const std::vector<float>& xs) { return xs.empty() || std::isnan(xs.back()); }

}  // namespace

std::vector<float> ema_smooth(const float* ys, int n, float weight) {
  std::vector<float> out;
  ema_smooth(ys, n, weight, out);
  return out;
}

void ema_smooth(const float* ys, int n, float weight, std::vector<float>& out) {
  out.assign(ys, ys + std::max(0, n));
  const double w = std::clamp(static_cast<double>(weight), 0.0, 0.999);
  if (n <= 0 || w == 0.0) return;
  if (std::all_of(ys, ys + n, [&](float v) { return v == ys[0]; })) return;
  double last = 0.0, w_pow = 1.0;  // w_pow = w^k after k finite values
  int i = 0;
  // While w^k is not negligible, divide by the accumulated weight 1 − w^k ...
  for (; i < n && w_pow > 1e-17; ++i) {
    if (!std::isfinite(ys[i])) continue;
    last = last * w + (1.0 - w) * ys[i];
    w_pow *= w;
    out[i] = static_cast<float>(last / (1.0 - w_pow));
  }
  // ... after which 1 − w^k rounds to 1 in double precision, and the loop is one multiply-add.
  for (; i < n; ++i) {
    if (!std::isfinite(ys[i])) continue;
    last = last * w + (1.0 - w) * ys[i];
    out[i] = static_cast<float>(last);
  }
}

bool is_ascending(const float* xs, int n) {
  if (!xs) return true;
  // Branch-free blocks the compiler vectorizes (std::is_sorted's early exit keeps it scalar).
  constexpr int kBlock = 4096;
  for (int start = 0; start + 1 < n; start += kBlock) {
    const int stop = std::min(n - 1, start + kBlock);
    int descents = 0;
    for (int i = start; i < stop; ++i) descents += xs[i + 1] < xs[i];
    if (descents) return false;
  }
  return true;
}

void visible_range(const float* xs, int n, double x_lo, double x_hi, int* begin, int* end) {
  if (!xs) {
    *begin = static_cast<int>(std::clamp(std::ceil(x_lo), 0.0, static_cast<double>(n)));
    *end = static_cast<int>(std::clamp(std::floor(x_hi) + 1.0, 0.0, static_cast<double>(n)));
  } else {
    *begin = static_cast<int>(std::lower_bound(xs, xs + n, x_lo, [](float a, double b) { return a < b; }) - xs);
    *end = static_cast<int>(std::upper_bound(xs, xs + n, x_hi, [](double a, float b) { return a < b; }) - xs);
  }
  *end = std::max(*begin, *end);
}

namespace {

// Calls visit(i, j) for each non-empty column, [i, j) being the indices whose x falls in it,
// over ascending xs in [begin, end). Column ends are found by binary search on the same mapping
// a reader would use, so the cost is one tight pass over the values plus log n per column.
template <class Visit>
void for_each_column(const float* xs, int begin, int end, const ColumnMap& column, Visit visit) {
  int i = begin;
  while (i < end && column(x_at(xs, i)) < 0) {  // x ≤ 0 on a log axis sorts first, has no column
    visit(i, i + 1);
    ++i;
  }
  while (i < end) {
    const int c = column(x_at(xs, i));
    int lo = i + 1, hi = end;
    while (lo < hi) {
      const int mid = lo + (hi - lo) / 2;
      if (column(x_at(xs, mid)) <= c)
        lo = mid + 1;
      else
        hi = mid;
    }
    visit(i, lo);
    i = lo;
  }
}

}  // namespace

XYSeries decimate_minmax(const float* xs, const float* ys, int n, double x_lo, double x_hi, int columns, bool log_x) {
  XYSeries out;
  if (n <= 0) return out;
  int begin = 0, end = 0;
  visible_range(xs, n, x_lo, x_hi, &begin, &end);
  const ColumnMap column(x_lo, x_hi, columns, log_x);
  auto push = [&](int i) {
    out.xs.push_back(x_at(xs, i));
    out.ys.push_back(ys[i]);
  };
  auto push_break = [&] {
    if (ends_with_break(out.xs)) return;
    out.xs.push_back(kNaN);
    out.ys.push_back(kNaN);
  };
  auto drawable = [&](int i) { return std::isfinite(ys[i]) && (!log_x || x_at(xs, i) > 0.0f); };

  out.xs.reserve(2 * static_cast<size_t>(std::min(end - begin, std::max(1, columns))) + 4);
  out.ys.reserve(out.xs.capacity());
  if (begin > 0 && drawable(begin - 1)) push(begin - 1);
  for_each_column(xs, begin, end, column, [&](int i, int j) {
    int lo_i = -1, hi_i = -1;
    float lo_v = std::numeric_limits<float>::infinity(), hi_v = -lo_v;
    bool gap = column(x_at(xs, i)) < 0;
    for (int k = i; k < j; ++k) {  // the hot loop: one compare pair per point
      const float v = ys[k];
      if (!std::isfinite(v)) {
        gap = true;
        continue;
      }
      if (v < lo_v) lo_v = v, lo_i = k;
      if (v > hi_v) hi_v = v, hi_i = k;
    }
    if (gap) push_break();
    if (lo_i >= 0) {
      push(std::min(lo_i, hi_i));
      if (hi_i != lo_i) push(std::max(lo_i, hi_i));
    }
    if (gap) push_break();
  });
  if (end < n) {
    if (drawable(end))
      push(end);
    else
      push_break();
  }
  while (!out.xs.empty() && std::isnan(out.xs.back())) {  // no trailing break
    out.xs.pop_back();
    out.ys.pop_back();
  }
  return out;
}

BandSeries decimate_band(const float* xs, const float* lo, const float* hi, int n, double x_lo, double x_hi,
                         int columns, bool log_x) {
  BandSeries out;
  if (n <= 0) return out;
  int begin = 0, end = 0;
  visible_range(xs, n, x_lo, x_hi, &begin, &end);
  const ColumnMap column(x_lo, x_hi, columns, log_x);
  auto drawable = [&](int i) { return std::isfinite(lo[i]) && std::isfinite(hi[i]) && (!log_x || x_at(xs, i) > 0.0f); };
  auto push = [&](float x, float l, float h) {
    out.xs.push_back(x);
    out.lo.push_back(l);
    out.hi.push_back(h);
  };
  auto push_break = [&] {
    if (!ends_with_break(out.xs)) push(kNaN, kNaN, kNaN);
  };
  if (begin > 0 && drawable(begin - 1)) push(x_at(xs, begin - 1), lo[begin - 1], hi[begin - 1]);
  for_each_column(xs, begin, end, column, [&](int i, int j) {
    int first = -1, last = -1;
    float l_min = 0.0f, h_max = 0.0f;
    auto flush = [&] {
      if (first < 0) return;
      push(x_at(xs, first), l_min, h_max);
      if (last != first) push(x_at(xs, last), l_min, h_max);
      first = last = -1;
    };
    for (int k = i; k < j; ++k) {
      if (!drawable(k)) {  // a gap splits even a column: the band must not bridge it
        flush();
        push_break();
        continue;
      }
      if (first < 0) {
        first = k;
        l_min = lo[k];
        h_max = hi[k];
      }
      last = k;
      l_min = std::min(l_min, lo[k]);
      h_max = std::max(h_max, hi[k]);
    }
    flush();
  });
  if (end < n && drawable(end)) push(x_at(xs, end), lo[end], hi[end]);
  while (!out.xs.empty() && std::isnan(out.xs.back())) {
    out.xs.pop_back();
    out.lo.pop_back();
    out.hi.pop_back();
  }
  return out;
}

}  // namespace bnlab::plot
