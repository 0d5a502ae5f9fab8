// What this file is: the train-vs-inference lab's table, drawn on a plot canvas so the window,
// exports and `bnlab scene render` show the same: one row per way BN can run at inference
// (batch, running, population statistics), test loss and accuracy of runs A and B, the sentence
// saying what the numbers are over, and the single-example-in-training-mode line. Its CSV is the
// same numbers.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/probes/inference_modes.h"
#include "plot/canvas.h"
#include "plot/theme.h"

namespace bnlab {

struct InferenceTable {
  std::optional<InferenceComparison> a, b;  // nullopt: not computed yet (or the run has none)
  std::string title;                        // above the table
  std::vector<std::string> notes;           // sentences under it, in the UI's language
  plot::Color color_a{}, color_b{}, warning{};
};

void draw_inference_table(plot::Canvas& canvas, plot::Rect rect, const plot::PlotTheme& theme, const InferenceTable& t);
std::string inference_table_csv(const InferenceTable& t);
// A sentence where a plot would be (what is missing and what to do), wrapped to the rectangle.
void draw_message(plot::Canvas& canvas, plot::Rect rect, const plot::PlotTheme& theme, const std::string& text);

}  // namespace bnlab
