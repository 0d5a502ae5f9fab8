// What this file is: the feature-maps lab's picture (feature_maps_panel.cpp draws it through
// plot_area, so the window, exports and `bnlab scene render` show the same): the test image,
// then one column per channel of the block: its map at each stage (z, after BN, after the
// activation) as small images, and the channel's γ_c and β_c under them. Every map of a stage
// shares one colour scale, so channels can be compared before and after BN.
#pragma once

#include <string>
#include <vector>

#include "core/lesson/feature_maps.h"
#include "plot/canvas.h"
#include "plot/theme.h"

namespace bnlab {

struct FeatureMapsView {
  const FeatureMaps* maps = nullptr;
  std::vector<std::string> header;       // translated lines above the picture
  std::vector<std::string> stage_names;  // (stages): "z", "BN(z)", "σ(BN(z))"
  std::string input_name;                // "input"
  std::string partial;                   // "Channels 1–{shown} of {channels}..." when not all fit
  plot::PlotTheme theme;
  float line_width = 1.0f;
};

// Where a stage's colours run: symmetric about 0 for z and the norm's output (a diverging map:
// the sign reads at once), the values' own range for the activation's output.
struct StageScale {
  float lo = -1.0f, hi = 1.0f;
  plot::Colormap map{};
};
StageScale stage_scale(const FeatureMaps& f, size_t stage);

void draw_feature_maps(plot::Canvas& canvas, plot::Rect rect, const FeatureMapsView& v);

// Every value drawn, as CSV: stage, channel, row, column, value; and each channel's γ and β.
std::string feature_maps_csv(const FeatureMaps& f);

}  // namespace bnlab
