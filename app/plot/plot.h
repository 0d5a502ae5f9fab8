// What this file is: bnlab's plots, in ImPlot's call shape. A panel writes
//
//   plot::ImGuiCanvas canvas(ImGui::GetWindowDrawList());
//   if (plot::Begin(canvas, "curves", rect, spec)) {
//     plot::Line("loss A", steps, loss_a, n, {.color = a, .smoothing = 0.6f});
//     plot::Band("A 15–85%", steps, p15, p85, n, {.color = a});
//     plot::End();
//   }
//
// Data is passed every frame and never kept by reference; what the plot keeps, per id, is its
// view (ranges, fit flag) and the data it last drew, for the hover read-out and CSV export.
// Items are recorded during the frame (already smoothed and reduced to ≤ 2 points per pixel
// column) and drawn by End(), once the axes are known; the same calls draw on screen and, with
// a CairoCanvas (export_plot in cairo_canvas.h), into PNG, SVG or PDF files.
// Not thread-safe: call from the UI thread only.
#pragma once

#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "plot/canvas.h"
#include "plot/theme.h"

namespace bnlab::plot {

inline constexpr double kAuto = std::numeric_limits<double>::quiet_NaN();

struct PlotSpec {
  // Every member has a default initializer, so designated initializers such as
  // PlotSpec{.log_y = true} compile without -Wmissing-field-initializers warnings.
  std::string title{}, x_label{}, y_label{};  // UTF-8; empty ones take no room
  bool log_x = false, log_y = false;
  // A key to the named items: a box in the axes' corner where it covers little; else, for two
  // or more items, rows above the axes (or, with no height to spare, over their top), smaller.
  bool legend = true;
  float line_width_scale = 1.0f;  // every line width is multiplied by it (projector theme: 2)
  PlotTheme theme = dark_theme();
  // On screen: the mouse zooms, pans, fits and shows the read-out (HandleInput). Off for plots
  // whose panel uses the mouse itself.
  bool interactive = true;
  // Ends that "fit to data" must not move (accuracy in [0, 1], say); kAuto ends follow the data.
  double x_min = kAuto, x_max = kAuto, y_min = kAuto, y_max = kAuto;
  // One data unit spans as many pixels on x as on y, whatever the rectangle's shape, so a circle
  // in the data is drawn as a circle (the loss contours of standardized inputs). The shorter
  // range is widened around its centre, past fixed ends if need be. Linear axes only.
  bool equal_aspect = false;
};

struct ItemStyle {
  Color color{0, 0, 0, 0};     // alpha 0: the theme's palette, one colour per item in call order
  float line_width = 1.5f;     // canvas units, times PlotSpec::line_width_scale
  float smoothing = 0.0f;      // Line: TensorBoard's debiased EMA weight, 0 (off) to 0.99
  bool raw_ghost = true;       // Line with smoothing: draw the raw series faintly behind
  float fill_alpha = 0.3f;     // Band, Histogram, Ridgeline fills
  float marker_radius = 3.0f;  // Scatter
};

// Where a grid of samples lies in data space: sample (0, 0) at (x0, y0), the last one at
// (x1, y1). Heatmap cells are centred on the samples; contour nodes are the samples.
struct GridBounds {
  double x0 = 0.0, x1 = 1.0, y0 = 0.0, y1 = 1.0;
};

// One histogram of a ridgeline: `bins` counts over [lo, hi], drawn as a filled curve whose base
// sits at y = baseline (a step, an epoch, or simply the row's index).
struct RidgeRow {
  const float* counts = nullptr;
  int bins = 0;
  float lo = 0.0f, hi = 1.0f;
  float baseline = 0.0f;
};

// Starts a plot in `rect` (canvas units; screen pixels on an ImGuiCanvas). Returns false, and
// then End() must not be called, when the rectangle is too small to draw axes in or another
// plot is open. On an interactive canvas it calls HandleInput(id, rect) itself.
bool Begin(Canvas& canvas, const std::string& id, Rect rect, const PlotSpec& spec);
// Fits the axes if the view is in fit mode, draws axes, items, legend, colour bar and the hover
// read-out, and keeps what was drawn for LastPlotCsv().
void End();

// Names starting with "##" stay out of the legend and the read-out.
// xs ascending (null: x = 0, 1, 2, ...); non-finite ys leave gaps.
void Line(std::string_view name, const float* xs, const float* ys, int n, const ItemStyle& style = {});
// The region between lo and hi, e.g. percentile bands.
void Band(std::string_view name, const float* xs, const float* lo, const float* hi, int n, const ItemStyle& style = {});
// Bars: `bins` counts over [lo, hi], equal widths.
void Histogram(std::string_view name, const float* counts, int bins, double lo, double hi, const ItemStyle& style = {});
// Histograms over time, stacked: each row is scaled so that the highest count of all rows
// reaches `row_height` above its baseline; rows with higher baselines are drawn behind.
void Ridgeline(std::string_view name, const RidgeRow* rows, int n_rows, float row_height, const ItemStyle& style = {});
// Points; with `classes`, point i takes palette colour classes[i] (mod 8).
void Scatter(std::string_view name, const float* xs, const float* ys, int n, const ItemStyle& style = {},
             const int* classes = nullptr);
// values[r * cols + c] at sample (c, r); colours from (v − vmin) / (vmax − vmin) along `map`.
// A colour bar for the first heatmap is drawn right of the axes.
void Heatmap(std::string_view name, const float* values, int cols, int rows, const GridBounds& bounds, float vmin,
             float vmax, Colormap map = Colormap::viridis);
// Isolines of field[j * nx + i] at each of the levels (marching squares, contour.h).
void Contour(std::string_view name, const float* field, int nx, int ny, const GridBounds& bounds, const float* levels,
             int n_levels, const ItemStyle& style = {});

// Screen input for plot `id` occupying `rect`: wheel zooms around the mouse (Shift: x only,
// Ctrl: y only), left-drag without modifier keys pans (Shift/Ctrl/Alt + drag are left to the
// panel), double-click fits to the data again. It places an invisible button over `rect`, so
// the window does not move while dragging and ImGui's layout cursor ends below the plot.
// Begin() calls it on an interactive canvas; does nothing outside an ImGui frame; acts once per
// id per frame.
void HandleInput(const std::string& id, Rect rect);
// The next End() of `id` fits the axes to the data (as a double-click does).
void FitView(const std::string& id);
// The current view of `id` (data units), false if the id has not been drawn yet.
bool ViewRange(const std::string& id, double* x_lo, double* x_hi, double* y_lo, double* y_hi);

// The axes' rectangle of `id` on screen at its last on-screen End(), and the mapping between
// screen pixels and data through it (log axes included). False until `id` was drawn on screen.
bool AxesRect(const std::string& id, Rect* rect);
bool PixelToData(const std::string& id, Vec2 pixel, double* x, double* y);
bool DataToPixel(const std::string& id, double x, double y, Vec2* pixel);

// The data `id` drew last, as CSV in long form, one row per point:
//   series,kind,x,y,value
// kind and columns: line (x, y: after smoothing and decimation, gaps omitted; a smoothed line
// also writes the faint raw series it draws, as "<name> (raw)"); band (x, y = lo,
// value = hi); histogram (x = bin centre, y = count, value = bin width); ridgeline (x = bin
// centre, y = the row's baseline, value = count); scatter (x, y, value = class or empty);
// heatmap (x, y = sample, value); contour (x, y = segment end points in pairs, value = level).
// Empty if the id has not been drawn.
std::string LastPlotCsv(const std::string& id);

// The same data as JSON, for scripts that would rather not parse CSV:
//   {"plot": id, "series": [{"name": ..., "kind": ..., "x": [...], "y": [...], "value": [...]}]}
// one object per item in drawing order, with the CSV's columns as arrays; "value" only for the
// kinds whose CSV rows have one (a scatter's only with classes). Non-finite numbers are null.
// Empty if the id has not been drawn.
std::string LastPlotJson(const std::string& id);

// How an export re-dresses plots that panels describe for the screen: another theme and line
// width, and the series colours a panel took from the screen's theme (runs A and B, say)
// swapped for the export theme's, matched by RGB with the alpha kept.
struct Restyle {
  PlotTheme theme = dark_theme();
  float line_width_scale = 1.0f;
  std::vector<std::pair<Color, Color>> recolor;  // {screen colour, export colour}
};
// While one lives, Begin() draws every plot with `restyle` instead of its spec's theme and line
// width. One at a time, on the UI thread, around an export's drawing (plot_export.h).
class ScopedRestyle {
 public:
  explicit ScopedRestyle(const Restyle& restyle);
  ~ScopedRestyle();
  ScopedRestyle(const ScopedRestyle&) = delete;
  ScopedRestyle& operator=(const ScopedRestyle&) = delete;
};
// The restyle in force, or null: for drawings that are not plots (the network diagram) and
// choose their colours themselves.
const Restyle* ActiveRestyle();
// `c` as the active restyle recolours it (unchanged without one).
Color Restyled(Color c);

// Forgets every plot's view and data (tests; a reset of the whole layout).
void ResetState();

}  // namespace bnlab::plot
