// What this file is: one BN parameter or statistic of one block (γ, β, a running mean...) as a
// feature × time matrix for a heatmap, and the choice between drawing it as lines or as that
// heatmap. Probe frames are not evenly spaced in steps (the history keeps every 2^k-th of its
// older frames, so early gaps grow to thousands of steps) while heatmap columns are: a column
// between two frames interpolates them linearly, as a line plot of the same frames would.
// In a header because the tests link bnlab_core and bnlab_plot but not the app's panels.
#pragma once

#include <algorithm>
#include <cmath>
#include <memory>
#include <vector>

#include "core/probes/probe.h"

namespace bnlab {

// Up to this many features are drawn as one line each; with more, the lines are a tangle and a
// heatmap shows the same data legibly.
inline constexpr int kMaxFeatureLines = 24;

inline bool draw_features_as_heatmap(int features) { return features > kMaxFeatureLines; }

struct FeatureTimeMatrix {
  int cols = 0;               // time columns, evenly spaced in steps
  int rows = 0;               // features (the newest frame's count)
  std::vector<float> values;  // (rows, cols) row-major: values[feature * cols + column]; NaN: not recorded
  double first_step = 0.0, last_step = 0.0;  // the steps of column 0 and of the last column
  float lo = NAN, hi = NAN;   // finite range of values (NaN when there is none)
};

using FeatureMember = std::vector<float> BlockProbe::*;

// `frames` in step order (as History::frames returns them). A frame without the block, or with
// fewer features (BN was off for a while, the network changed), leaves NaN in its cells and in
// the columns between it and its neighbours.
inline FeatureTimeMatrix feature_time_matrix(const std::vector<std::shared_ptr<const ProbeFrame>>& frames, int block,
                                             FeatureMember member, int max_cols) {
  FeatureTimeMatrix m;
  if (frames.empty() || block < 0 || max_cols <= 0) return m;
  auto features_of = [&](const ProbeFrame& f) -> const std::vector<float>* {
    return block < static_cast<int>(f.blocks.size()) ? &(f.blocks[block].*member) : nullptr;
  };
  const std::vector<float>* newest = features_of(*frames.back());
  if (!newest || newest->empty()) return m;
  m.rows = static_cast<int>(newest->size());
  m.first_step = static_cast<double>(frames.front()->step);
  m.last_step = static_cast<double>(frames.back()->step);
  m.cols = std::min<int>(max_cols, static_cast<int>(frames.size()));
  m.values.assign(static_cast<size_t>(m.rows) * m.cols, NAN);
  // Feature r of a frame, NaN where it was not recorded.
  auto value = [&](size_t frame, int r) {
    const std::vector<float>* v = features_of(*frames[frame]);
    return v && r < static_cast<int>(v->size()) ? (*v)[r] : NAN;
  };
  size_t frame = 0;  // the last frame at or before the column's step
  for (int c = 0; c < m.cols; ++c) {
    const double step =
        m.cols > 1 ? m.first_step + (m.last_step - m.first_step) * c / (m.cols - 1) : m.last_step;
    while (frame + 1 < frames.size() && static_cast<double>(frames[frame + 1]->step) <= step) ++frame;
    const bool between = frame + 1 < frames.size() && static_cast<double>(frames[frame]->step) < step;
    const float t = between ? static_cast<float>((step - frames[frame]->step) /
                                                 static_cast<double>(frames[frame + 1]->step - frames[frame]->step))
                            : 0.0f;
    for (int r = 0; r < m.rows; ++r) {
      // NaN on either side makes the mix NaN: no colour is made up across a gap in the data.
      const float x = between ? (1.0f - t) * value(frame, r) + t * value(frame + 1, r) : value(frame, r);
      m.values[static_cast<size_t>(r) * m.cols + c] = x;
      if (!std::isfinite(x)) continue;
      m.lo = std::isnan(m.lo) ? x : std::min(m.lo, x);
      m.hi = std::isnan(m.hi) ? x : std::max(m.hi, x);
    }
  }
  return m;
}

// A colour range symmetric around `centre` that holds [lo, hi], so a diverging colour map puts
// its neutral middle at the centre (γ = 1, β = 0). Never narrower than ±min_half: parameters
// that have not moved yet show as neutral rather than as noise blown up to full colour.
inline void centred_range(float lo, float hi, float centre, float min_half, float* vmin, float* vmax) {
  float half = min_half;
  if (std::isfinite(lo)) half = std::max(half, std::abs(lo - centre));
  if (std::isfinite(hi)) half = std::max(half, std::abs(hi - centre));
  *vmin = centre - half;
  *vmax = centre + half;
}

}  // namespace bnlab
