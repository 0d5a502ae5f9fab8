// What this file is: the per-column extents of a dense line (dense_line.h).
#include "plot/dense_line.h"

#include <algorithm>
#include <cmath>

namespace bnlab::plot {

bool is_dense(const Vec2* points, int n, float x_min, float x_max) {
  if (n < 8) return false;
  int inside = 0;
  float lo = x_max, hi = x_min;
  for (int i = 0; i < n; ++i) {
    if (i > 0 && !(points[i].x >= points[i - 1].x)) return false;  // goes back, or NaN
    if (points[i].x < x_min || points[i].x > x_max) continue;
    ++inside;
    lo = std::min(lo, points[i].x);
    hi = std::max(hi, points[i].x);
  }
  return inside >= 8 && inside >= 1.5f * std::max(1.0f, hi - lo);
}

void column_spans(const Vec2* points, int n, float x_min, float x_max, ColumnSpans& out) {
  out.spans.clear();
  if (n < 2) return;
  const float lo_x = std::max(points[0].x, x_min), hi_x = std::min(points[n - 1].x, x_max);
  if (!(lo_x <= hi_x)) return;
  const int first = static_cast<int>(std::floor(lo_x));
  // A line that ends exactly on a column's left edge does not enter that column.
  const int last = std::max(first, static_cast<int>(std::ceil(hi_x)) - 1);
  out.first_column = first;
  out.spans.assign(static_cast<size_t>(last - first + 1), ColumnSpan{});
  auto add = [&](int column, float y0, float y1) {
    ColumnSpan& s = out.spans[static_cast<size_t>(std::clamp(column, first, last) - first)];
    s.lo = std::min({s.lo, y0, y1});
    s.hi = std::max({s.hi, y0, y1});
    const int direction = y1 > y0 ? 1 : y1 < y0 ? -1 : 0;
    if (direction == 0) return;
    if (s.direction == -direction) s.turns = true;
    s.direction = direction;
  };
  for (int i = 0; i + 1 < n; ++i) {
    const Vec2 a = points[i], b = points[i + 1];
    if (b.x < lo_x || a.x > hi_x) continue;
    if (b.x == a.x) {  // a vertical step: both ends in one column
      add(static_cast<int>(std::floor(a.x)), a.y, b.y);
      continue;
    }
    const float slope = (b.y - a.y) / (b.x - a.x);
    const float x0 = std::max(a.x, lo_x), x1 = std::min(b.x, hi_x);
    const int c0 = static_cast<int>(std::floor(x0)), c1 = std::min(last, static_cast<int>(std::floor(x1)));
    for (int c = c0; c <= c1; ++c) {  // the segment's piece inside column c
      const float xa = std::max(x0, static_cast<float>(c)), xb = std::min(x1, static_cast<float>(c + 1));
      add(c, a.y + slope * (xa - a.x), a.y + slope * (xb - a.x));
    }
  }
}

}  // namespace bnlab::plot
