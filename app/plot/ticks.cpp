// What this file is: tick placement and tick labels for linear and log axes.
#include "plot/ticks.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace bnlab::plot {
namespace {

// log10 that lands exactly on k for powers of ten despite rounding (log10(1e-5) may come out
// as -5.000000000000001, and its floor would then be a decade too low).
double floor_log10(double v) { return std::floor(std::log10(v) + 1e-6); }

std::string trim_zeros(std::string s) {
  if (s.find('.') == std::string::npos) return s;
  while (!s.empty() && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

std::string fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  std::string s = trim_zeros(buf);
  return s == "-0" ? "0" : s;
}

int decimals_for(double step) { return std::clamp(static_cast<int>(-floor_log10(step)), 0, 6); }

}  // namespace

double nice_step(double span, int intervals) {
  if (!(span > 0.0) || !std::isfinite(span)) return 1.0;
  const double raw = span / std::max(1, intervals);
  const double mag = std::pow(10.0, floor_log10(raw));
  for (double m : {1.0, 2.0, 5.0}) {
    if (m * mag >= raw * (1.0 - 1e-9)) return m * mag;
  }
  return 10.0 * mag;
}

AxisTicks linear_ticks(double lo, double hi, int max_ticks) {
  AxisTicks t;
  if (!std::isfinite(lo) || !std::isfinite(hi)) return t;
  if (hi < lo) std::swap(lo, hi);
  if (!(hi > lo)) {
    t.major.push_back(lo);
    t.labels.push_back(format_tick(lo, std::abs(lo) > 0 ? std::abs(lo) : 1.0));
    return t;
  }
  // Intervals, not ticks: n intervals of at least span/n fit at most n + 1 ticks in the span.
  double step = nice_step(hi - lo, std::max(1, max_ticks - 1));
  // A span that straddles one multiple of the step gets a single tick; the next smaller nice
  // step gives it two or more (readability wins over max_ticks then).
  for (int tries = 0; tries < 3; ++tries) {
    const double eps = step * 1e-9;
    t.major.clear();
    for (double k = std::ceil((lo - eps) / step);; k += 1.0) {
      double v = k * step;  // multiples of step, so ticks stay put while the view pans
      if (v > hi + eps) break;
      t.major.push_back(std::abs(v) < eps ? 0.0 : v);
    }
    if (t.major.size() >= 2) break;
    const double mantissa = step / std::pow(10.0, floor_log10(step));
    step *= mantissa < 1.5 ? 0.5 : mantissa < 3.0 ? 0.5 : 0.4;  // 1 -> 0.5, 2 -> 1, 5 -> 2
  }
  for (double v : t.major) t.labels.push_back(format_tick(v, step));
  // Minor marks: fifths of a 1 or 5 step, quarters of a 2 step (0.5 apart, never 0.4).
  const double mantissa = step / std::pow(10.0, floor_log10(step));
  const double minor = step / (std::abs(mantissa - 2.0) < 0.5 ? 4.0 : 5.0);
  const double me = minor * 1e-6;
  for (double k = std::ceil((lo - me) / minor); k * minor <= hi + me; k += 1.0) {
    const double v = k * minor;
    const double r = std::remainder(v, step);
    if (std::abs(r) > me) t.minor.push_back(v);
  }
  return t;
}

AxisTicks log_ticks(double lo, double hi, int max_ticks) {
  AxisTicks t;
  if (hi < lo) std::swap(lo, hi);
  if (!(lo > 0.0) || !std::isfinite(hi)) return linear_ticks(lo, hi, max_ticks);
  max_ticks = std::max(2, max_ticks);
  const double a = std::log10(lo) - 1e-9, b = std::log10(hi) + 1e-9;
  const int k0 = static_cast<int>(std::ceil(a)), k1 = static_cast<int>(std::floor(b));
  const int decades = k1 - k0 + 1;
  auto add_major = [&](double v) {
    t.major.push_back(v);
    t.labels.push_back(format_tick(v, std::pow(10.0, floor_log10(v))));
  };
  if (decades >= 2) {
    const int stride = (decades + max_ticks - 1) / max_ticks;
    const bool with_2_5 = stride == 1 && decades * 3 <= max_ticks;
    for (int k = k0 - 1; k <= k1; ++k) {
      const double p = std::pow(10.0, k);
      if (k >= k0 && k % stride == 0)
        add_major(p);
      else if (k >= k0)
        t.minor.push_back(p);
      if (stride > 1) continue;
      for (int m = 2; m <= 9; ++m) {
        const double v = m * p;
        if (v < lo || v > hi) continue;
        if (with_2_5 && (m == 2 || m == 5))
          add_major(v);
        else
          t.minor.push_back(v);
      }
    }
    return t;  // built in increasing order: 10^k < 2·10^k < 5·10^k < 10^(k+1)
  }
  // Less than two decades: the 1-2-5 sequence if it gives at least two ticks, else linear.
  for (int k = k0 - 1; k <= k1; ++k) {
    for (double m : {1.0, 2.0, 5.0}) {
      const double v = m * std::pow(10.0, k);
      if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) add_major(v);
    }
  }
  if (t.major.size() >= 2 && static_cast<int>(t.major.size()) <= max_ticks) return t;
  return linear_ticks(lo, hi, max_ticks);
}

std::string format_tick(double value, double step) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  step = std::abs(step);
  if (!(step > 0.0) || !std::isfinite(step)) step = value != 0.0 ? std::abs(value) : 1.0;
  const double a = std::abs(value);
  if (a < step * 1e-6) return "0";
  if (a >= 1e4 && a < 1e15) {
    static const char* suffix[] = {"k", "M", "G", "T"};
    int u = 0;
    double unit = 1e3;
    while (u < 3 && a >= unit * 1e3) {
      unit *= 1e3;
      ++u;
    }
    return fixed(value / unit, std::min(3, decimals_for(step / unit))) + suffix[u];
  }
  if (a < 1e-3 || a >= 1e15) {
    int e = static_cast<int>(floor_log10(a));
    const int decimals = std::clamp(e - static_cast<int>(floor_log10(step)), 0, 3);
    double mant = value / std::pow(10.0, e);
    const double scale = std::pow(10.0, decimals);
    if (std::abs(std::round(mant * scale) / scale) >= 10.0) {  // 9.99e-5 rounding up to 10e-5
      mant /= 10.0;
      ++e;
    }
    return fixed(mant, decimals) + "e" + std::to_string(e);
  }
  return fixed(value, decimals_for(step));
}

}  // namespace bnlab::plot
