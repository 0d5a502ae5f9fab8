// What this file is: what the ICS and smoothness panels share: the runs' frames, the sentence
// for what is missing, the diverged-run note, and the interval the panel asks the trainers to
// measure at (a multiple of the probe interval, since the measures travel in the probe frames).
#pragma once

#include <string>
#include <vector>

#include "core/probes/landscape_series.h"
#include "panels/panel.h"

namespace bnlab {

// Measures are attached to the probe frame of their step, and frames come every 10 steps: an
// interval that is not a multiple of 10 would measure steps no frame keeps.
constexpr int kProbeEvery = 10;
int measure_interval(int steps);  // rounded to a multiple of 10, in [10, 1000]

// Runs A and B's frames (at most 400 each over the whole run); a run that is not there has none.
struct RunFrames {
  FrameList a, b;
};
RunFrames run_frames(const PanelContext& ctx);

// The sentence for a panel that has nothing to plot yet ("" if the runs are there), and the
// notes for a run that diverged (its measures stop at that step).
std::string runs_missing(const PanelContext& ctx);
std::vector<std::string> diverged_notes(const PanelContext& ctx);

}  // namespace bnlab
