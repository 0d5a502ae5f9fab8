// What this file is: a panel's plots arranged in its cell (plot_grid.h).
#include "panels/plot_grid.h"

#include <imgui.h>

#include <algorithm>
#include <string>

namespace bnlab {

PlotGrid arrange_plots(int count, float first_share, float above) {
  ImVec2 origin = ImGui::GetCursorScreenPos(), avail = ImGui::GetContentRegionAvail();
  origin.y += above;
  avail.y -= above;
  const ImVec2 gap = ImGui::GetStyle().ItemSpacing;
  const float line = ImGui::GetFontSize();
  const float min_w = kMinPlotWidthInLines * line, min_h = kMinPlotHeightInLines * line;
  PlotGrid grid;
  grid.area = {origin.x, origin.y, origin.x + avail.x, origin.y + avail.y};
  // Two columns first, as the panels have always been laid out (two plots side by side, γ/β's
  // two rows of two), then all in a row, then stacked: the first in which every plot is legible.
  int best_columns = 0;
  for (int columns : {2, count, 1}) {
    if (columns > count) continue;
    const int rows = (count + columns - 1) / columns;
    const float plot_w = (avail.x - gap.x * (columns - 1)) / columns, plot_h = (avail.y - gap.y * (rows - 1)) / rows;
    if (plot_w >= min_w && plot_h >= min_h) {
      best_columns = columns;
      break;
    }
  }
  if (best_columns == 0) return grid;
  const int columns = best_columns, rows = (count + columns - 1) / columns;
  const float usable_w = avail.x - gap.x * (columns - 1), row_h = (avail.y - gap.y * (rows - 1)) / rows;
  std::vector<float> widths(columns, usable_w / columns);
  if (columns == 2) {
    widths[0] = std::clamp(usable_w * first_share, min_w, usable_w - min_w);
    widths[1] = usable_w - widths[0];
  }
  grid.columns = columns;
  grid.rows = rows;
  for (int i = 0; i < count; ++i) {
    const int row = i / columns, column = i % columns;
    float x = origin.x;
    for (int c = 0; c < column; ++c) x += widths[c] + gap.x;
    const float y = origin.y + row * (row_h + gap.y);
    grid.rects.push_back({x, y, x + widths[column], y + row_h});
  }
  return grid;
}

void draw_in_grid(const PlotGrid& grid, const std::function<void(int i, float width, float height)>& draw) {
  for (size_t i = 0; i < grid.rects.size(); ++i) {
    const plot::Rect& r = grid.rects[i];
    ImGui::SetCursorScreenPos(ImVec2(r.x0, r.y0));
    draw(static_cast<int>(i), r.width(), r.height());
  }
  ImGui::SetCursorScreenPos(ImVec2(grid.area.x0, grid.area.y0));
  ImGui::Dummy(ImVec2(grid.area.width(), grid.area.height()));
}

float toggle_width(const char* label) {
  return ImGui::GetFrameHeight() + ImGui::GetStyle().ItemInnerSpacing.x + ImGui::CalcTextSize(label, nullptr, true).x;
}

void same_line_if_fits(float width) {
  ImGui::SameLine();
  if (ImGui::GetContentRegionAvail().x < width) ImGui::NewLine();
}

void plot_choice(const std::vector<const char*>& labels, int* shown, bool after_controls) {
  const float spacing = ImGui::GetStyle().ItemSpacing.x;
  float width = 0.0f;
  for (const char* label : labels) width += toggle_width(label) + spacing;
  if (after_controls) same_line_if_fits(width - spacing);
  for (size_t i = 0; i < labels.size(); ++i) {
    if (i > 0) ImGui::SameLine();
    // Its ID is its place, not its (translated) words.
    const std::string label = std::string(labels[i]) + "###plot_choice." + std::to_string(i);
    ImGui::RadioButton(label.c_str(), shown, static_cast<int>(i));
  }
}

}  // namespace bnlab
