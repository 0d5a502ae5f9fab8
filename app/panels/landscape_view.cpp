// What this file is: what the ICS and smoothness panels share (landscape_view.h).
#include "panels/landscape_view.h"

#include <algorithm>

#include "panels/plot_area.h"
#include "ui/text.h"

namespace bnlab {

int measure_interval(int steps) {
  const int rounded = (std::max(steps, 1) + kProbeEvery / 2) / kProbeEvery * kProbeEvery;
  return std::clamp(rounded, kProbeEvery, 1000);
}

RunFrames run_frames(const PanelContext& ctx) {
  return {recent_frames(ctx.history_a.get()), recent_frames(ctx.history_b.get())};
}

std::string runs_missing(const PanelContext& ctx) {
  if (!ctx.a || !ctx.a->config || !ctx.a->data) return ui::tr("ics.no_runs");
  return "";
}

std::vector<std::string> diverged_notes(const PanelContext& ctx) {
  std::vector<std::string> notes;
  const TrainerSnapshot* runs[2] = {ctx.a.get(), ctx.b.get()};
  for (int r = 0; r < 2; ++r)
    if (runs[r] && runs[r]->diverged)
      notes.push_back(ui::fill(ui::tr("ics.diverged"),
                               {{"run", r == 0 ? "A" : "B"}, {"step", std::to_string(runs[r]->diverged_at)}}));
  return notes;
}

}  // namespace bnlab
