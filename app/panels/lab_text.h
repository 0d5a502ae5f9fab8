// What this file is: sentences in a lab panel, drawn through the plot canvas like its plots, so a
// scene page rendered headless shows them as the window does (ImGui's own text is not drawn
// there): a setup line above the plots, or the one sentence that says what is missing.
#pragma once

#include <string>
#include <vector>

#include "panels/panel.h"

namespace bnlab {

// The paragraphs, wrapped to the panel's width, at the cursor; the cursor ends below them. At
// most `max_lines` lines are drawn (0: all), the last ending in "…" if the text goes on. Returns
// the height taken.
float lab_text(PanelContext& ctx, const std::string& id, const std::vector<std::string>& paragraphs, int max_lines = 0);

// The height lab_text would take for these paragraphs at the panel's width.
float lab_text_height(const std::vector<std::string>& paragraphs, int max_lines = 0);

// The sentences above a panel's `plots` plots: all of them when every plot still fits below
// (plot_grid.h); else as many lines as leave the one plot a small cell shows its legible height
// and a row of choices, the last ending in "…" where the text goes on, or none if not even two
// fit: in a small cell the plot comes first. Returns whether all the plots fit.
bool lab_setup_text(PanelContext& ctx, const std::string& id, const std::vector<std::string>& paragraphs, int plots);

// A sentence alone in the rest of the panel: what the lab needs and what to do.
void lab_message(PanelContext& ctx, const std::string& id, const std::string& message);

}  // namespace bnlab
