// What this file is: the batch-size lab's drawings (the panel, batch_noise_panel.cpp, chooses
// which and where): the spread of μ_B against m on log-log axes, μ_B and σ²_B per batch size as
// strips of dots, a batch of one in numbers, and the train/test gap at two batch sizes as bars.
// Each draws through plot_area, so it is the same in the window, in exports and in a scene page;
// sentences a plot needs are drawn under its axes on the same canvas.
#pragma once

#include <string>
#include <vector>

#include "core/lesson/batch_noise.h"
#include "core/train/batch_gap.h"
#include "panels/panel.h"

namespace bnlab {

// The views, in the order of the panel's `shown` setting.
enum class NoiseView { spread, mean, variance, one, gap };
inline constexpr int kNoiseViews = 5;

void draw_spread(PanelContext& ctx, const BatchNoiseResult& r, const std::string& which, float w, float h);
// μ_B (`mean`) or σ²_B per batch size, with the population's value as a line.
void draw_strips(PanelContext& ctx, const BatchNoiseResult& r, bool mean, const std::string& which, float w, float h);
void draw_batch_of_one(PanelContext& ctx, const BatchNoiseResult& r, const std::string& which, float w, float h);

// The gap experiment as it stands: `cells` (null before it ran) of `plan`, the setup sentence.
struct GapView {
  const std::vector<GapCell>* cells = nullptr;
  GapPlan plan;
  std::string setup;  // how the runs were made comparable, in the UI's language
  bool running = false;
};
void draw_gap(PanelContext& ctx, const GapView& v, float w, float h);

// Sentences alone in a w × h area (a problem, a hint), drawn on the plot canvas so a scene page
// shows them as the window does.
void draw_words(PanelContext& ctx, const std::string& id, const std::string& words, float w, float h);

}  // namespace bnlab
