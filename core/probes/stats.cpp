// What this file is: histogram, percentiles and Wasserstein-1 distance.
#include "core/probes/stats.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include <Eigen/Core>

#include "core/probes/bin_gather.h"

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

namespace {

// counts[b] += how many of `bins` are b. Four interleaved tallies: neighbouring values of a tap
// mostly fall in one bin, and with a single tally each increment would wait for the last one's
// store (W3's probes spent most of their time here).
void count_bins(const Eigen::Map<Eigen::ArrayXi>& bins, int64_t* counts, int bin_count) {
  std::vector<int64_t> tally(4 * static_cast<size_t>(bin_count), 0);
  const int64_t n = bins.size(), n4 = n - n % 4;
  int64_t* t = tally.data();
  for (int64_t i = 0; i < n4; i += 4) {
    ++t[bins[i]];
    ++t[bin_count + bins[i + 1]];
    ++t[2 * bin_count + bins[i + 2]];
    ++t[3 * bin_count + bins[i + 3]];
  }
  for (int64_t i = n4; i < n; ++i) ++t[bins[i]];
  for (int b = 0; b < bin_count; ++b) counts[b] += t[b] + t[bin_count + b] + t[2 * bin_count + b] + t[3 * bin_count + b];
}

}  // namespace

// Exact order statistics in linear time: a fine histogram over [min, max] tells which bin holds
// each wanted rank; only the values of those few bins are gathered and selected among. This is
// several times cheaper than successive nth_element calls over the whole array, which matters
// because probes run every few training steps.
Summary summarize(const float* values, int64_t n, std::vector<float>& scratch, Histogram* hist) {
  Summary s;
  if (n == 0) {
    s.mean = s.std = NAN;
    s.percentiles.fill(NAN);
    return s;
  }
  // The mean, the spread and the range in one read of the values, block by block (a conv tap is
  // more than the L2 cache holds; each block's reductions read it from L1). The blocks' means and
  // sums of squared deviations are combined as Chan et al.'s parallel variance does.
  const Eigen::Map<const Eigen::ArrayXf> all(values, n);
  float lo = INFINITY, hi = -INFINITY;
  double mean = 0.0, squares = 0.0;
  constexpr int64_t kBlock = 4096;
  for (int64_t at = 0; at < n; at += kBlock) {
    const int64_t count = std::min(kBlock, n - at);
    const Eigen::Map<const Eigen::ArrayXf> block(values + at, count);
    const float block_mean = block.sum() / static_cast<float>(count);
    lo = std::min(lo, block.minCoeff());
    hi = std::max(hi, block.maxCoeff());
    const double delta = block_mean - mean, weight = static_cast<double>(count) / static_cast<double>(at + count);
    mean += delta * weight;
    squares += (block - block_mean).square().sum() + delta * delta * weight * static_cast<double>(at);
  }
  // A NaN or an infinity makes the mean NaN or infinite: only then is each value looked at.
  if (!std::isfinite(mean) && !all.allFinite()) {  // rare (a diverging run): summarize the finite values alone
    std::vector<float> finite_values;
    for (int64_t i = 0; i < n; ++i)
      if (std::isfinite(values[i])) finite_values.push_back(values[i]);
    return summarize(finite_values.data(), static_cast<int64_t>(finite_values.size()), scratch, hist);
  }
  s.mean = static_cast<float>(mean);
  s.std = static_cast<float>(std::sqrt(squares / static_cast<double>(n)));
  const int64_t finite = n;

  constexpr int kBins = kGatherBins;
  std::vector<int64_t> below(kBins + 1, 0);  // below[b]: values in fine bins < b
  int coarse_bins = 0;
  if (hist) {
    hist->lo = std::min(hist->lo, lo);
    hist->hi = std::max(hist->hi, hi);
    if (!(hist->hi > hist->lo)) hist->hi = hist->lo + 1.0f;
    coarse_bins = static_cast<int>(hist->bins.size());
  }
  // The fine bins (for the percentiles) span [lo, hi]; or, when the histogram's bins are groups
  // of a power of two of them, the histogram's range, and then one count gives both: the fine
  // index is the histogram's scaled by that power of two, exactly (scaling by a power of two
  // commutes with float rounding), so a histogram bin is the sum of its group. This halves the
  // counting on a conv tap, half a million values (W3's probes).
  const int group = coarse_bins > 0 && kBins % coarse_bins == 0 ? kBins / coarse_bins : 0;
  const bool shared = group > 0 && (group & (group - 1)) == 0;
  const float fine_lo = shared ? hist->lo : lo;
  const float scale = shared ? kBins / (hist->hi - hist->lo) : lo < hi ? kBins / (hi - lo) : 0.0f;
  // Bin indices computed vectorized first (into a buffer this thread keeps); counting them is
  // then a plain loop. A histogram counted apart goes first: the gather below needs the fine ones.
  thread_local std::vector<int> fine_buffer;
  fine_buffer.resize(static_cast<size_t>(n));
  Eigen::Map<Eigen::ArrayXi> fine(fine_buffer.data(), n);
  if (coarse_bins > 0 && !shared) {
    fine = ((all - hist->lo) * (coarse_bins / (hist->hi - hist->lo))).cast<int>().max(0).min(coarse_bins - 1);
    std::vector<int64_t> counts(static_cast<size_t>(coarse_bins), 0);
    count_bins(fine, counts.data(), coarse_bins);
    for (int b = 0; b < coarse_bins; ++b) hist->bins[b] = static_cast<uint32_t>(counts[b]);
  }
  fine = ((all - fine_lo) * scale).cast<int>().min(kBins - 1);
  count_bins(fine, below.data() + 1, kBins);
  if (shared) {
    for (int b = 0; b < coarse_bins; ++b) {
      const auto first = below.begin() + 1 + b * group;  // below[1 + i] holds fine bin i's count here
      hist->bins[b] = static_cast<uint32_t>(std::accumulate(first, first + group, int64_t{0}));
    }
  }
  if (lo == hi) {
    s.percentiles.fill(lo);
    return s;
  }
  for (int b = 0; b < kBins; ++b) below[b + 1] += below[b];

  // The ranks needed: floor(pos) and the one after it, for each percentile.
  std::array<int64_t, 2 * kPercentiles.size()> ranks{};
  for (size_t k = 0; k < kPercentiles.size(); ++k) {
    const double pos = kPercentiles[k] / 100.0 * static_cast<double>(finite - 1);
    ranks[2 * k] = static_cast<int64_t>(std::floor(pos));
    ranks[2 * k + 1] = std::min(ranks[2 * k] + 1, finite - 1);
  }
  auto bin_of_rank = [&](int64_t r) {
    return static_cast<int>(std::upper_bound(below.begin(), below.end(), r) - below.begin()) - 1;
  };
  // Gather the values of the needed bins, bin after bin, into scratch. The first and the last
  // rank are the range's ends, which need none.
  std::vector<int> slot(kBins, -1);
  std::vector<int> needed;
  for (int64_t r : ranks) {
    const int b = bin_of_rank(r);
    if (r > 0 && r < finite - 1 && slot[b] < 0) {
      slot[b] = static_cast<int>(needed.size());
      needed.push_back(b);
    }
  }
  std::vector<int64_t> offset(needed.size() + 1, 0);
  for (size_t j = 0; j < needed.size(); ++j) offset[j + 1] = offset[j] + (below[needed[j] + 1] - below[needed[j]]);
  scratch.resize(static_cast<size_t>(offset.back()));
  std::vector<int64_t> fill(offset.begin(), offset.end() - 1);
  if (!needed.empty()) gather_bins(fine.data(), values, n, slot.data(), fill.data(), scratch.data());
  // r's bin partitioned around rank r: the position of r and the bin's end.
  auto select = [&](int64_t r) {
    const int b = bin_of_rank(r);
    const auto first = scratch.begin() + offset[slot[b]], last = scratch.begin() + offset[slot[b] + 1];
    const auto nth = first + (r - below[b]);
    std::nth_element(first, nth, last);
    return std::pair{nth, last};
  };
  auto value_at_rank = [&](int64_t r) { return r == 0 ? lo : r == finite - 1 ? hi : *select(r).first; };
  for (size_t k = 0; k < kPercentiles.size(); ++k) {
    const double pos = kPercentiles[k] / 100.0 * static_cast<double>(finite - 1);
    const int64_t r = ranks[2 * k], next = ranks[2 * k + 1];
    const double frac = pos - static_cast<double>(r);
    float a, b;
    if (frac > 0.0 && r > 0 && bin_of_rank(next) == bin_of_rank(r)) {  // the next value: the least above r
      const auto [nth, last] = select(r);
      a = *nth;
      b = *std::min_element(nth + 1, last);
    } else {
      a = value_at_rank(r);
      b = frac > 0.0 ? value_at_rank(next) : a;
    }
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

std::array<float, 3> unit_percentiles(std::vector<float>& values) {
  // A unit's values are a batch (dense) or a batch's positions of one channel (conv): few enough
  // to select among directly, without summarize's histogram pass.
  const auto finite_end = std::partition(values.begin(), values.end(), [](float v) { return std::isfinite(v); });
  const int64_t n = finite_end - values.begin();
  std::array<float, 3> out;
  out.fill(NAN);
  if (n == 0) return out;
  auto at_rank = [&](int64_t r) {
    std::nth_element(values.begin(), values.begin() + r, finite_end);
    return values[static_cast<size_t>(r)];
  };
  for (size_t k = 0; k < kUnitPercentiles.size(); ++k) {
    const double pos = kUnitPercentiles[k] / 100.0 * static_cast<double>(n - 1);
    const int64_t lo = static_cast<int64_t>(std::floor(pos));
    const double frac = pos - static_cast<double>(lo);
    const float a = at_rank(lo);
    const float b = frac > 0.0 ? at_rank(lo + 1) : a;
    out[k] = static_cast<float>(a + frac * (static_cast<double>(b) - a));
  }
  return out;
}

}  // namespace bnlab
