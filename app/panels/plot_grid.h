// What this file is: how a panel with several plots shares its cell. All of them are shown when
// each gets the smallest legible size (side by side, in two columns, or stacked); otherwise the
// panel shows one, chosen with a row of radio buttons, rather than several too small to read.
#pragma once

#include <functional>
#include <vector>

#include "plot/canvas.h"

namespace bnlab {

// The smallest legible plot, in lines of text. The lecture's requirement is 500×300 pixels at
// the projector theme's 24-pixel text (1280×720, two panels side by side), readable from the
// back of a room. In lines, a theme with 18-pixel text (dark, light: a screen at arm's length)
// asks for 375×225, so a medium cell there keeps all its plots.
constexpr float kMinPlotWidthInLines = 500.0f / 24.0f, kMinPlotHeightInLines = 300.0f / 24.0f;

// Where a panel's plots go in the area left at the cursor, row by row.
struct PlotGrid {
  int columns = 0, rows = 0;  // 0: too small for all of them, so the panel shows one
  std::vector<plot::Rect> rects;
  plot::Rect area;
  bool all() const { return !rects.empty(); }
};

// `count` plots in two columns (side by side, for two), else all in a row, else stacked: the
// first of these in which every plot gets the smallest legible size; none, if none does. With
// two columns the first takes `first_share` of the width, as long as the second keeps its
// minimum. `above`: the height of something the panel will draw first (to decide, before
// drawing it, whether all fit).
PlotGrid arrange_plots(int count, float first_share = 0.5f, float above = 0.0f);

// Draws plot i as draw(i, width, height) at its place, and leaves the cursor below the area
// (plots take space in ImGui's layout only where they take the mouse, not in a headless render).
void draw_in_grid(const PlotGrid& grid, const std::function<void(int i, float width, float height)>& draw);

// Radio buttons choosing the one plot a small cell shows: on the line of the panel's controls
// when they fit there (`after_controls`), else on a line of their own.
void plot_choice(const std::vector<const char*>& labels, int* shown, bool after_controls);

// For a row of controls: the next item on this line if `width` pixels of it fit, else on the
// next line, so a narrow cell wraps its controls instead of cutting them off.
void same_line_if_fits(float width);

// The width of a checkbox or radio button with this label, for same_line_if_fits.
float toggle_width(const char* label);

}  // namespace bnlab
