// What this file is: Santurkar et al.'s measures (landscape.h) as series over training, read from
// a run's probe frames, which hold them at the steps they were measured: what the `ics` and
// `smoothness` panels plot, kept here so the tests check the panels' numbers without a window.
//   ICS (Santurkar et al. 2018, §2.2 and Fig. 5): per block, ‖G − G′‖ and cos(G, G′).
//   Smoothness (§3.1 and Fig. 4): over the step sizes η of one measurement, the lowest and the
//   highest L(w − ηg) (4a, "loss landscape"), the lowest and the highest ‖∇L(w) − ∇L(w − ηg)‖
//   (4b, "gradient predictiveness"), and the effective β-smoothness (4c).
#pragma once

#include <memory>
#include <vector>

#include "core/probes/probe.h"

namespace bnlab {

using FrameList = std::vector<std::shared_ptr<const ProbeFrame>>;

// One point per measured frame: for a single value lo = hi.
struct MeasureSeries {
  std::vector<float> steps, lo, hi;  // (measurements)
};

enum class IcsQuantity { grad_diff, cosine };
enum class SmoothnessQuantity { loss, grad_diff, beta };

// Block `block`'s ICS in the frames that measured it (block 0 has no earlier block: G′ = G).
MeasureSeries ics_series(const FrameList& frames, int block, IcsQuantity q);
MeasureSeries smoothness_series(const FrameList& frames, SmoothnessQuantity q);
// The latest frame with a smoothness measurement; nullptr if none.
std::shared_ptr<const ProbeFrame> latest_smoothness(const FrameList& frames);
// How many blocks the latest frame with an ICS measurement has (0: none measured yet).
int ics_blocks(const FrameList& frames);

}  // namespace bnlab
