// What this file is: how a panel puts a plot on screen and exports it. A panel describes a plot
// once, as a function of a canvas and a rectangle; the same function draws it in the window
// and, from the plot's Export menu (right-click; Ctrl+E over it for a PNG at 2×), into PNG, SVG
// or PDF at a chosen size and theme (dark, light, projector, print), and into the CSV or JSON of
// exactly the data drawn, named by panel and time in the export folder.
#pragma once

#include <functional>
#include <string>

#include "panels/frame_series.h"
#include "panels/panel.h"
#include "plot/canvas.h"
#include "plot/plot.h"

namespace bnlab {

using PlotDrawing = std::function<void(plot::Canvas&, plot::Rect)>;
// The CSV of a drawing that is not a plot (the network diagram); plots export their own data.
using CsvSource = std::function<std::string()>;

// The plot spec every panel starts from: the theme's colours and line widths.
plot::PlotSpec base_spec(const PanelContext& ctx, const char* title, const char* x_label, const char* y_label);
plot::Color to_color(const ImVec4& c);

// Draws `drawing` in a `width` × `height` area at the cursor (0: the rest of the window) and
// offers the export menu on right-click. `id` names the plot and its files; the CSV is the
// data the plot drew, or what `csv` returns.
void plot_area(PanelContext& ctx, const std::string& id, const PlotDrawing& drawing, float width = 0.0f,
               float height = 0.0f, const CsvSource& csv = nullptr);

// An export's look in the theme `name` (dark, light, projector, print): its plot colours, and the
// series colours the panels took from the screen's theme swapped for that theme's.
plot::Restyle restyle_for(const PanelContext& ctx, const std::string& name);

// The frames of one run over its whole history, at most `max_frames`.
std::vector<std::shared_ptr<const ProbeFrame>> recent_frames(const History* h, int max_frames = 400);

// Inside Begin/End: one line per block for runs A and B ("A 1", "B 3", ...), each run in its
// colour, later blocks fainter. Blocks whose latest value is negative (not measured, e.g. the
// saturation of a ReLU block) and the last `skip_last` blocks are left out.
void lines_per_block(const PanelContext& ctx, const std::function<FrameValue(int block)>& value, int skip_last = 0,
                     float smoothing = 0.0f);

}  // namespace bnlab
