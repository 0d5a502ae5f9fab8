// What this file is: histogram, percentiles and Wasserstein-1 distance.
#include "core/probes/stats.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace bnlab {

uint64_t Histogram::total() const { return std::accumulate(bins.begin(), bins.end(), uint64_t{0}); }

Histogram histogram(const float* values, int64_t n, float lo, float hi, int bin_count) {
  Histogram h;
  h.lo = lo;
  h.hi = hi > lo ? hi : lo + 1.0f;
  h.bins.assign(bin_count, 0);
  const float scale = static_cast<float>(bin_count) / (h.hi - h.lo);
  for (int64_t i = 0; i < n; ++i) {
    const float v = values[i];
    if (!std::isfinite(v)) continue;  // a diverging run still gets a histogram of what is finite
    const int b = static_cast<int>((v - h.lo) * scale);
    ++h.bins[std::clamp(b, 0, bin_count - 1)];
  }
  return h;
}

Summary summarize(const float* values, int64_t n, std::vector<float>& scratch) {
  Summary s;
  if (n == 0) return s;
  double sum = 0.0, sum_sq = 0.0;
  for (int64_t i = 0; i < n; ++i) sum += values[i];
  const double mean = sum / static_cast<double>(n);
  for (int64_t i = 0; i < n; ++i) sum_sq += (values[i] - mean) * (values[i] - mean);
  s.mean = static_cast<float>(mean);
  s.std = static_cast<float>(std::sqrt(sum_sq / static_cast<double>(n)));

  scratch.assign(values, values + n);
  // Select the needed order statistics left to right: each selection only searches the part
  // of the array right of the previous one, which is already partitioned.
  auto first = scratch.begin();
  for (size_t k = 0; k < kPercentiles.size(); ++k) {
    const double pos = kPercentiles[k] / 100.0 * static_cast<double>(n - 1);
    const int64_t lower = static_cast<int64_t>(std::floor(pos));
    const auto nth = scratch.begin() + lower;
    if (nth >= first) std::nth_element(first, nth, scratch.end());
    first = nth;
    const float a = *nth;
    const double frac = pos - static_cast<double>(lower);
    float b = a;
    if (frac > 0.0 && lower + 1 < n) b = *std::min_element(nth + 1, scratch.end());
    s.percentiles[k] = static_cast<float>(a + frac * (static_cast<double>(b) - a));
  }
  return s;
}

namespace {

// The CDF of a histogram at x, its mass spread evenly within each bin; `below[i]` is the mass
// of bins 0..i-1.
double cdf(const Histogram& h, const std::vector<double>& below, double x) {
  if (x <= h.lo) return 0.0;
  if (x >= h.hi) return 1.0;
  const double pos = (x - h.lo) / (h.hi - h.lo) * static_cast<double>(h.bins.size());
  const size_t full = std::min(static_cast<size_t>(pos), h.bins.size() - 1);
  return (below[full] + h.bins[full] * (pos - static_cast<double>(full))) / below.back();
}

std::vector<double> mass_below(const Histogram& h) {
  std::vector<double> below(h.bins.size() + 1, 0.0);
  for (size_t i = 0; i < h.bins.size(); ++i) below[i + 1] = below[i] + h.bins[i];
  return below;
}

}  // namespace

double wasserstein1(const Histogram& a, const Histogram& b) {
  const std::vector<double> below_a = mass_below(a), below_b = mass_below(b);
  if (below_a.back() == 0.0 || below_b.back() == 0.0) return 0.0;
  // Both CDFs are piecewise linear between the union of their bin edges: integrate exactly on it.
  std::vector<double> edges;
  for (const Histogram* h : {&a, &b})
    for (size_t i = 0; i <= h->bins.size(); ++i)
      edges.push_back(h->lo + (h->hi - h->lo) * static_cast<double>(i) / static_cast<double>(h->bins.size()));
  std::sort(edges.begin(), edges.end());
  double w = 0.0;
  for (size_t i = 0; i + 1 < edges.size(); ++i) {
    const double x0 = edges[i], x1 = edges[i + 1];
    if (x1 <= x0) continue;
    const double d0 = cdf(a, below_a, x0) - cdf(b, below_b, x0);
    const double d1 = cdf(a, below_a, x1) - cdf(b, below_b, x1);
    // ∫|linear| over the interval, splitting where it crosses zero.
    if (d0 * d1 >= 0.0) {
      w += 0.5 * (std::abs(d0) + std::abs(d1)) * (x1 - x0);
    } else {
      const double t = std::abs(d0) / (std::abs(d0) + std::abs(d1));
      w += 0.5 * (std::abs(d0) * t + std::abs(d1) * (1.0 - t)) * (x1 - x0);
    }
  }
  return w;
}

}  // namespace bnlab
