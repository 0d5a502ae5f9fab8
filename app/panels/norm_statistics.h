// What this file is: what the γ/β panel draws for the norms that compute their statistics per
// sample (LN, GN, IN): the current batch's means and variances as one point per sample and
// group, and an LN's per-value γ and β summarized per channel. BN's per-channel vectors are
// drawn as they are. In a header because the tests check the points without a window.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/probes/probe.h"

namespace bnlab {

// One point per sample and group of the latest batch: sample n's groups side by side around
// x = n (within ±0.4, in group order), so the samples read as columns along the x axis.
struct SampleGroupPoints {
  int samples = 0, groups = 0;
  std::vector<float> x, mean, var;  // (samples·groups), sample-major as the probe keeps them
};

inline SampleGroupPoints sample_group_points(const BlockProbe& b) {
  SampleGroupPoints p;
  const size_t n = std::min(b.batch_mean.size(), b.batch_var.size());
  if (b.stat_groups <= 0 || n == 0) return p;
  p.groups = b.stat_groups;
  p.samples = static_cast<int>(n / static_cast<size_t>(p.groups));
  const size_t points = static_cast<size_t>(p.samples) * static_cast<size_t>(p.groups);
  p.x.resize(points);
  p.mean.assign(b.batch_mean.begin(), b.batch_mean.begin() + static_cast<std::ptrdiff_t>(points));
  p.var.assign(b.batch_var.begin(), b.batch_var.begin() + static_cast<std::ptrdiff_t>(points));
  for (int s = 0; s < p.samples; ++s)
    for (int g = 0; g < p.groups; ++g)
      p.x[static_cast<size_t>(s) * p.groups + g] =
          static_cast<float>(s) + (p.groups > 1 ? 0.8f * (static_cast<float>(g) + 0.5f) / p.groups - 0.4f : 0.0f);
  return p;
}

// The mean over each channel of a (C, H·W) vector, channel-major as LN's γ and β of a conv block
// are ((C, H, W) like nn.LayerNorm([C, H, W])'s weight): the summary an LN's thousands of
// per-value parameters are drawn as, one line or heatmap row per channel like the other norms'.
// Empty when the size is not a multiple of `channels`.
inline std::vector<float> channel_means(const std::vector<float>& values, int channels) {
  if (channels <= 0 || values.empty() || values.size() % static_cast<size_t>(channels) != 0) return {};
  const size_t each = values.size() / static_cast<size_t>(channels);
  std::vector<float> means(static_cast<size_t>(channels));
  for (size_t c = 0; c < means.size(); ++c) {
    double sum = 0.0;
    for (size_t i = 0; i < each; ++i) sum += values[c * each + i];
    means[c] = static_cast<float>(sum / static_cast<double>(each));
  }
  return means;
}

}  // namespace bnlab
