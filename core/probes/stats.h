// What this file is: the statistics that probes compute on a tap's values: a fixed-range
// histogram, exact percentiles (numpy's linear interpolation), mean and standard deviation, and
// the Wasserstein-1 distance between two histograms (the "distribution shift" plots).
#pragma once

#include <array>
#include <cstdint>
#include <vector>

namespace bnlab {

// The percentiles every tap reports: the BN paper's Figure 1 uses 15/50/85, TensorBoard's
// distribution plot 0/7/16/31/50/69/84/93/100.
inline constexpr std::array<float, 11> kPercentiles = {0, 7, 15, 16, 31, 50, 69, 84, 85, 93, 100};

// The percentiles of one unit that the BN paper's Figure 1(b, c) plots over training.
inline constexpr std::array<float, 3> kUnitPercentiles = {15, 50, 85};

struct Histogram {
  float lo = 0.0f, hi = 1.0f;   // the range the bins cover; values outside go to the end bins
  std::vector<uint32_t> bins;   // (bin_count)
  uint64_t total() const;
};

struct Summary {
  float mean = 0.0f, std = 0.0f;  // std biased (over all values)
  std::array<float, kPercentiles.size()> percentiles{};
};

Histogram histogram(const float* values, int64_t n, float lo, float hi, int bin_count);
// Mean, std and exact percentiles of the finite values, in a few linear passes. With `hist`
// given, it is filled in the same passes: its range [lo, hi] is first widened to cover the
// values (a running range, so successive frames stay comparable), and its bin count kept.
Summary summarize(const float* values, int64_t n, std::vector<float>& scratch, Histogram* hist = nullptr);
// The 15th, 50th and 85th percentiles (numpy's linear interpolation) of the finite values, which
// it reorders; NaN for each when none is finite.
std::array<float, 3> unit_percentiles(std::vector<float>& values);
// W1 = ∫ |F_a(x) − F_b(x)| dx with each histogram's mass spread evenly over its bins.
double wasserstein1(const Histogram& a, const Histogram& b);

}  // namespace bnlab
