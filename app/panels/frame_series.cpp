// What this file is: frame series extraction.
#include "panels/frame_series.h"

#include <cmath>

namespace bnlab {

FrameTrack frame_series(const std::vector<std::shared_ptr<const ProbeFrame>>& frames, const FrameValue& value) {
  FrameTrack s;
  s.steps.reserve(frames.size());
  s.values.reserve(frames.size());
  for (const auto& f : frames) {
    const float v = value(*f);
    s.steps.push_back(static_cast<float>(f->step));
    s.values.push_back(v);
  }
  return s;
}

FrameValue tap_percentile(int block, int tap, int k) {
  return [=](const ProbeFrame& f) {
    return block < static_cast<int>(f.blocks.size()) ? f.blocks[block].taps[tap].summary.percentiles[k] : NAN;
  };
}

FrameValue unit_percentile(int block, int tap, int unit, int k) {
  return [=](const ProbeFrame& f) {
    if (block >= static_cast<int>(f.blocks.size())) return NAN;
    const auto& units = f.blocks[block].taps[tap].units;
    return unit >= 0 && unit < static_cast<int>(units.size()) ? units[unit][k] : NAN;
  };
}

FrameValue tap_shift(int block, int tap) {
  return [=](const ProbeFrame& f) { return block < static_cast<int>(f.blocks.size()) ? f.blocks[block].taps[tap].shift : NAN; };
}

FrameValue block_value(int block, float BlockProbe::*member) {
  return [=](const ProbeFrame& f) { return block < static_cast<int>(f.blocks.size()) ? f.blocks[block].*member : NAN; };
}

}  // namespace bnlab
