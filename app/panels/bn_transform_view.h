// What this file is: the BN transform lab's picture (bn_transform_panel.cpp draws it through
// plot_area, so the window, exports and `bnlab scene render` show the same): a table of the
// batch's numbers, stage by stage, and one number line per stage with each example's dot in its
// own colour on every line, joined from line to line so the eye can follow it. Also the message
// a lab shows instead of a picture, drawn on the same canvas so a rendered scene shows it too.
#pragma once

#include <string>
#include <vector>

#include "core/lesson/bn_transform.h"
#include "plot/canvas.h"
#include "plot/theme.h"

namespace bnlab {

struct BnTransformView {
  const BnBatch* batch = nullptr;
  const BnStages* stages = nullptr;
  // Translated lines above the picture; in a small cell only the first `header_kept` of them.
  std::vector<std::string> header;
  size_t header_kept = 1;
  std::string header_short;  // a small cell's first line instead of header[0]
  // A cell too small for the table and the lines together shows one: 0 the table, 1 the lines.
  int shown = 0;
  // The statistics, γ and β beside the number lines: as sentences with their formulas where there
  // is room, else as short "μ_B = 0.313" items that flow along the lines.
  std::vector<std::string> summary, compact;
  std::string table_title;           // what the table's rows are (conv: one position per example)
  plot::PlotTheme theme;
  float line_width = 1.0f;
};

// Example i's colour among m: hues spread around the wheel, dark enough for a light background.
plot::Color example_color(int i, int m);

// A number as the table and the lines show it: three decimals (so y = z reads the same
// when γ = √(σ²+ε) and β = μ_B), or four significant digits for large or tiny values.
std::string format_value(double v);

// Returns false when the cell was too small for the table and the lines together (one was shown).
bool draw_bn_transform(plot::Canvas& canvas, plot::Rect rect, const BnTransformView& v);

// The table's numbers (every value of the batch, not only those shown) and the statistics, as CSV.
std::string bn_transform_csv(const BnBatch& b, const BnStages& st);

// `text` wrapped in `rect` on the theme's background: what a lab says when it has nothing to draw.
void draw_message(plot::Canvas& canvas, plot::Rect rect, const std::string& text, const plot::PlotTheme& theme);

}  // namespace bnlab
