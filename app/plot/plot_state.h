// What this file is: the plot module's internal state, shared by plot.cpp (Begin/End, axes),
// plot_items.cpp (recording items), plot_draw.cpp (drawing them) and plot_input.cpp (mouse):
// the recorded items, the per-id view kept between frames, and the plot being built.
#pragma once

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <unordered_map>
#include <vector>

#include "plot/canvas.h"
#include "plot/plot.h"
#include "plot/ticks.h"

namespace bnlab::plot {
class HeatmapRenderer;
}

namespace bnlab::plot::detail {

enum class ItemKind { line, band, histogram, ridgeline, scatter, heatmap, contour };

// One item as drawn, in data units. What xs/ys/zs hold depends on the kind:
//   line       xs, ys; a NaN pair breaks the line
//   band       xs, ys = lo, zs = hi; NaN x breaks
//   histogram  xs = bins + 1 edges, ys = counts
//   ridgeline  per row (row r starts at starts[r]): xs, ys = curve top, zs = baseline, counts
//   scatter    xs, ys; classes
//   heatmap    zs = values (cols × rows), bounds, vmin, vmax, map, key
//   contour    xs, ys = segment end points in pairs, zs = level of each point
struct Item {
  std::string name;
  std::string csv_name;  // a hidden item's name in the CSV
  ItemKind kind = ItemKind::line;
  Color color;
  float width = 1.5f;
  float fill_alpha = 0.3f;
  float radius = 3.0f;
  bool in_legend = true;
  bool hoverable = true;
  std::vector<float> xs, ys, zs;
  std::vector<float> counts;  // ridgeline: the count at each point, for the CSV
  std::vector<int> classes, starts;
  int cols = 0, rows = 0;
  GridBounds bounds;
  float vmin = 0.0f, vmax = 1.0f;
  Colormap map = Colormap::viridis;
  std::string key;  // heatmap: plot id and item, which the GPU path keeps a texture under
};

// Data extents, accumulated while items are recorded.
struct Extent {
  double x_lo = std::numeric_limits<double>::infinity(), x_hi = -std::numeric_limits<double>::infinity();
  double y_lo = std::numeric_limits<double>::infinity(), y_hi = -std::numeric_limits<double>::infinity();
  void add_x(double v, bool log) {
    if (!std::isfinite(v) || (log && v <= 0.0)) return;
    x_lo = std::min(x_lo, v);
    x_hi = std::max(x_hi, v);
  }
  void add_y(double v, bool log) {
    if (!std::isfinite(v) || (log && v <= 0.0)) return;
    y_lo = std::min(y_lo, v);
    y_hi = std::max(y_hi, v);
  }
};

// A data range shown along one screen span; log axes map log10(v) linearly.
struct Axis {
  double lo = 0.0, hi = 1.0;
  bool log = false;
  float p0 = 0.0f, p1 = 1.0f;  // screen position of lo and of hi (p1 < p0 for y)

  double t(double v) const { return log ? (v > 0.0 ? std::log10(v) : std::numeric_limits<double>::quiet_NaN()) : v; }
  double from_t(double t) const { return log ? std::pow(10.0, t) : t; }
  float to_px(double v) const {
    const double tl = t(lo), th = t(hi);
    const double px = p0 + (t(v) - tl) / (th - tl) * (p1 - p0);
    // Far-off points (a zoomed-in view's neighbours) stay finite and within float precision.
    return static_cast<float>(std::isnan(px) ? px : std::clamp(px, -1e7, 1e7));
  }
  double from_px(float px) const {
    const double tl = t(lo), th = t(hi);
    return from_t(tl + (px - p0) / static_cast<double>(p1 - p0) * (th - tl));
  }
};

// What a plot id keeps between frames.
struct ViewState {
  double x_lo = 0.0, x_hi = 1.0, y_lo = 0.0, y_hi = 1.0;
  bool fit = true;
  bool drawn = false;  // End() has run at least once
  bool log_x = false, log_y = false;
  Rect area;                // the axes' rectangle at the last End()
  int input_frame = -1;     // ImGui frame of the last HandleInput()
  bool hovered = false;     // the mouse was over the plot in that frame
  std::vector<Item> items;  // what the last End() drew
  int legend_corner = 0;    // the legend's corner inside the axes at the last End() (plot_layout.cpp)
};

// The plot between Begin() and End().
struct Frame {
  bool open = false;
  Canvas* canvas = nullptr;
  std::string id;
  Rect rect;
  PlotSpec spec;
  ViewState* view = nullptr;
  std::vector<Item> items;
  Extent extent;
  int palette_next = 0;
  bool fitting = false;
  int columns = 1;  // device pixel columns across the rectangle: the decimation resolution
};

struct Context {
  std::unordered_map<std::string, ViewState> views;
  Frame frame;
  std::vector<float> scratch;                   // smoothing buffer, reused across items and frames
  HeatmapRenderer* heatmap_renderer = nullptr;  // SetHeatmapRenderer (imgui_canvas.h)
  const Restyle* restyle = nullptr;             // ScopedRestyle
};

Context& context();

// plot_legend.cpp: a legend's entries and their arrangement. Inside the axes' top-right corner
// when a one-column box covers little of them; otherwise, for two or more entries, in rows
// above the axes, in as many columns as fit and with smaller text if the rows would take too
// much of the plot's height.
struct LegendLayout {
  enum class Place { none, inside, above };
  Place place = Place::none;
  std::vector<const Item*> entries;  // named items, first of each name, in call order
  std::vector<std::string> names;    // as drawn: shortened with "…" when a column is too narrow
  float text_size = 13.0f;
  float swatch = 18.0f, gap = 5.0f;      // a series' mark, and the space between it and the name
  float cell = 0.0f, column_gap = 0.0f;  // width of a column (mark, gap, widest name), between columns
  float row = 17.0f, margin = 0.0f;      // height of a row; inside the box's edge
  int columns = 1;
  Rect box;  // where it is drawn
  float width() const;
  float height() const;
};
// The entries of `items` laid out in one column at `text_size` (place still none).
LegendLayout legend_column(Canvas& canvas, const std::vector<Item>& items, float text_size);
// The same entries in rows across at most `max_width`, text scaled by `scale`: whole names in
// as many columns as fit (a name wider than `max_width` loses its middle).
LegendLayout legend_rows(Canvas& canvas, const LegendLayout& column, float scale, float max_width);
void draw_legend(Canvas& canvas, const LegendLayout& legend, const PlotTheme& theme);
// `s` with code points taken out of its middle and replaced by "…", at most `max_width` wide.
std::string elide_middle(Canvas& canvas, const std::string& s, float size, float max_width);

// plot_layout.cpp: where End() puts the axes and their ticks inside the frame's rectangle.
struct Layout {
  Rect area;                      // the axes
  Axis x, y;                      // data to screen, through `area`
  AxisTicks xt, yt;               // ticks of the two axes
  const Item* heatmap = nullptr;  // the first heatmap, which gets the colour bar
  AxisTicks bar_ticks;            // its colour bar's ticks
  Rect bar;                       // and where the bar goes
  LegendLayout legend;
  float text_size = 13.0f, pad = 7.0f;
};
// Lays the plot out for the frame's view, widening the view's ranges first if the spec asks for
// equal scales (so it writes `view`'s ranges).
Layout layout_plot(Canvas& canvas, const Frame& f, ViewState& view);

// Where texts already stand in a plot, so that a tick label that would overlap one, or cross
// the plot's edge, is left out (its grid line or tick mark stays). In a narrow plot, or with a
// large font, even the fewest nice ticks can be too many for their labels.
class LabelSpace {
 public:
  explicit LabelSpace(Rect bounds) : bounds_(bounds) {}
  // The box of horizontal `text` drawn at `pos` in `style`.
  static Rect box(Canvas& canvas, Vec2 pos, std::string_view text, const TextStyle& style);
  // Takes `box` if it lies inside the bounds and, widened by `spacing` / 2 left and right, is
  // clear of every box taken before; false (and nothing taken) otherwise.
  bool take(Rect box, float spacing = 0.0f);
  // Marks `box` as taken whatever is there: titles and axis labels, which are always drawn.
  void reserve(Rect box) { taken_.push_back(box); }

 private:
  Rect bounds_;
  std::vector<Rect> taken_;
};

// plot_draw.cpp
void draw_item(Canvas& canvas, const Item& item, const Axis& x, const Axis& y, const PlotTheme& theme);
// Labels only the ticks whose labels `space` can take.
void draw_colorbar(Canvas& canvas, const Item& heatmap, const AxisTicks& ticks, Rect bar, const PlotTheme& theme,
                   float text_size, LabelSpace& space);
// The hoverable point nearest to `mouse` (screen); false if there is none.
bool nearest_point(const std::vector<Item>& items, const Axis& x, const Axis& y, Vec2 mouse, const Item** item,
                   float* px, float* py);

// plot_input.cpp: the mouse position inside an ImGui frame, and a tooltip.
bool mouse_position(Vec2* out);
void show_tooltip(const std::string& text);

}  // namespace bnlab::plot::detail
