// What this file is: turning a run's probe frames into the series the panels plot: one value
// per frame for a block and tap (a percentile, the shift, the saturation, a norm, a γ).
#pragma once

#include <functional>
#include <memory>
#include <vector>

#include "core/probes/probe.h"

namespace bnlab {

struct FrameTrack {
  std::vector<float> steps, values;  // (frames)
};

using FrameValue = std::function<float(const ProbeFrame&)>;

// Frames that lack the block (the network changed) are skipped.
FrameTrack frame_series(const std::vector<std::shared_ptr<const ProbeFrame>>& frames, const FrameValue& value);

// Shorthands for a block's tap: percentile index k of kPercentiles, and the shift.
FrameValue tap_percentile(int block, int tap, int k);
FrameValue tap_shift(int block, int tap);
// Unit `unit` (from 0) of a block's tap: percentile k of kUnitPercentiles (15, 50, 85); NaN where
// the frame lacks the block or the unit.
FrameValue unit_percentile(int block, int tap, int unit, int k);
FrameValue block_value(int block, float BlockProbe::*member);

}  // namespace bnlab
