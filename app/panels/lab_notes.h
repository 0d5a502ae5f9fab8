// What this file is: a plot with lines of text under its axes, drawn in one plot_area, so the
// numbers a lab states appear in the window, in its exports and in a scene's rendered pages alike
// (ImGui text is not drawn by `bnlab scene render`). Used by the invariance labs.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "panels/panel.h"
#include "plot/canvas.h"

namespace bnlab {

// Draws `axes(canvas, rect)` in the part of a w × h area above `notes`, each note wrapped to the
// area's width. `notes` are kept whole: the axes get what is left (Begin draws nothing if that is
// too small).
void plot_with_notes(PanelContext& ctx, const std::string& id, const std::vector<std::string>& notes,
                     const std::function<void(plot::Canvas&, plot::Rect)>& axes, float w, float h);

// A number for a note: 3 significant digits, "1.23e-07" below 1e-3.
std::string short_number(double v);

}  // namespace bnlab
