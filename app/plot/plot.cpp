// What this file is: Begin() and End(): the per-id view state, fitting the axes to the data, and
// drawing the axes, grid, labels, legend and colour bar where plot_layout.cpp put them. Items
// are recorded in plot_items.cpp and drawn by plot_draw.cpp; plot_csv.cpp writes what was drawn.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "plot/plot_state.h"
#include "plot/ticks.h"

namespace bnlab::plot {
namespace detail {

Context& context() {
  // One per process, like ImGui's own context: the plots live on the UI thread only.
  static Context ctx;
  return ctx;
}

}  // namespace detail

using namespace detail;

namespace {

constexpr float kMinWidth = 80.0f, kMinHeight = 60.0f;

// The range of one axis after a fit: the data's extent, the spec's fixed ends, a margin on y,
// and never empty.
void fit_axis(double data_lo, double data_hi, double fixed_lo, double fixed_hi, bool log, double margin, double* lo,
              double* hi) {
  const bool has_data = data_lo <= data_hi;
  double a = std::isfinite(fixed_lo) ? fixed_lo : has_data ? data_lo : (log ? 1.0 : 0.0);
  double b = std::isfinite(fixed_hi) ? fixed_hi : has_data ? data_hi : (log ? 10.0 : 1.0);
  if (log) {
    a = a > 0.0 ? std::log10(a) : 0.0;
    b = b > 0.0 ? std::log10(b) : a + 1.0;
  }
  if (!(b > a)) {  // one value: a span around it
    const double half = log ? 0.5 : (a != 0.0 ? std::abs(a) * 0.1 : 0.5);
    a -= half;
    b += half;
  } else {
    const double m = (b - a) * margin;
    if (!std::isfinite(fixed_lo)) a -= m;
    if (!std::isfinite(fixed_hi)) b += m;
  }
  *lo = log ? std::pow(10.0, a) : a;
  *hi = log ? std::pow(10.0, b) : b;
}

std::string format_value(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

}  // namespace

bool Begin(Canvas& canvas, const std::string& id, Rect rect, const PlotSpec& spec) {
  Context& ctx = context();
  if (ctx.frame.open || rect.width() < kMinWidth || rect.height() < kMinHeight) return false;
  if (canvas.interactive() && spec.interactive) HandleInput(id, rect);
  Frame& f = ctx.frame;
  f = Frame{};
  f.open = true;
  f.canvas = &canvas;
  f.id = id;
  f.rect = rect;
  f.spec = spec;
  if (ctx.restyle) {
    f.spec.theme = ctx.restyle->theme;
    f.spec.line_width_scale = ctx.restyle->line_width_scale;
  }
  f.view = &ctx.views[id];
  if (f.view->drawn && (f.view->log_x != spec.log_x || f.view->log_y != spec.log_y)) f.view->fit = true;
  f.fitting = f.view->fit || !f.view->drawn;
  f.columns = std::max(1, static_cast<int>(std::ceil(rect.width() * canvas.pixel_scale())));
  f.items.reserve(8);
  return true;
}

void End() {
  Context& ctx = context();
  Frame& f = ctx.frame;
  if (!f.open) return;
  Canvas& canvas = *f.canvas;
  const PlotSpec& spec = f.spec;
  const PlotTheme& theme = spec.theme;
  ViewState& view = *f.view;

  if (f.fitting) {
    fit_axis(f.extent.x_lo, f.extent.x_hi, spec.x_min, spec.x_max, spec.log_x, 0.0, &view.x_lo, &view.x_hi);
    fit_axis(f.extent.y_lo, f.extent.y_hi, spec.y_min, spec.y_max, spec.log_y, 0.05, &view.y_lo, &view.y_hi);
  }

  const Layout L = layout_plot(canvas, f, view);
  const Rect r = f.rect, area = L.area;
  const Axis &x = L.x, &y = L.y;
  const AxisTicks &xt = L.xt, &yt = L.yt;
  const float ts = L.text_size, pad = L.pad;

  const float lw = std::max(1.0f, spec.line_width_scale);
  // On screen the window behind the plot already has the theme's background colour (ui/theme.cpp),
  // and under software OpenGL every full-size layer costs milliseconds a frame; files get it.
  if (!canvas.interactive()) canvas.rect_filled(r, theme.background);
  canvas.rect_filled(area, theme.plot_background);
  auto vertical = [&](double v, Color c) {
    const float px = x.to_px(v);
    if (px >= area.x0 && px <= area.x1) canvas.line({px, area.y0}, {px, area.y1}, c, 1.0f);
  };
  auto horizontal = [&](double v, Color c) {
    const float py = y.to_px(v);
    if (py >= area.y0 && py <= area.y1) canvas.line({area.x0, py}, {area.x1, py}, c, 1.0f);
  };
  for (double v : xt.minor) vertical(v, theme.grid_minor);
  for (double v : yt.minor) horizontal(v, theme.grid_minor);
  for (double v : xt.major) vertical(v, theme.grid);
  for (double v : yt.major) horizontal(v, theme.grid);

  canvas.push_clip(area);
  for (const Item& it : f.items) draw_item(canvas, it, x, y, theme);
  canvas.pop_clip();
  canvas.rect_outline(area, theme.frame, lw);

  // The title, the legend and the y label first, always drawn; then the x label and the tick
  // labels where they are clear of them and of each other (LabelSpace).
  LabelSpace space(r);
  const float centre = (area.x0 + area.x1) * 0.5f;
  TextStyle label{ts, theme.text, HAlign::center, VAlign::bottom};
  float below_title = r.y0 + pad;
  if (!spec.title.empty()) {
    const TextStyle tl{ts * 1.15f, theme.text, HAlign::center, VAlign::top};
    // Centred on the axes, but kept inside the plot when the axes sit off-centre; a title wider
    // than the plot loses its middle rather than both ends to the window's edge.
    const std::string title = elide_middle(canvas, spec.title, tl.size, r.width() - 2.0f * pad);
    const float half = canvas.measure_text(title, tl.size).x * 0.5f;
    const Vec2 at{std::max(r.x0 + pad + half, std::min(centre, r.x1 - pad - half)), r.y0 + pad};
    const Rect box = LabelSpace::box(canvas, at, title, tl);
    space.reserve(box);
    below_title = box.y1;
    canvas.text(at, title, tl);
  }
  if (L.legend.place != LegendLayout::Place::none) space.reserve(L.legend.box);
  draw_legend(canvas, L.legend, theme);
  if (!spec.x_label.empty()) {
    // Left out only where a legend over a tiny plot's axes covers it (plot_layout.cpp).
    const Vec2 at{centre, r.y1 - pad};
    if (space.take(LabelSpace::box(canvas, at, spec.x_label, label))) canvas.text(at, spec.x_label, label);
  }
  if (!spec.y_label.empty()) {
    // Centred on the axes, between the title and the plot's bottom edge; a label longer than
    // that (a large font in a short plot) loses its middle.
    const TextStyle vl{ts, theme.text, HAlign::center, VAlign::top, true};
    const float lo = below_title, hi = r.y1 - pad;
    const std::string text = elide_middle(canvas, spec.y_label, ts, hi - lo);
    const float half = canvas.measure_text(text, ts).x * 0.5f;
    const float cy = std::clamp((area.y0 + area.y1) * 0.5f, lo + half, std::max(lo + half, hi - half));
    space.reserve(Rect{r.x0 + pad, cy - half, r.x0 + pad + ts, cy + half});  // turned on its side
    canvas.text({r.x0 + pad, cy}, text, vl);
  }

  label.v = VAlign::top;
  for (size_t i = 0; i < xt.major.size(); ++i) {
    const float px = x.to_px(xt.major[i]);
    if (px < area.x0 - 0.5f || px > area.x1 + 0.5f) continue;
    const Vec2 at{px, area.y1 + pad * 0.5f};
    // Half a line between neighbours, so "500 1000" does not read as one number.
    if (space.take(LabelSpace::box(canvas, at, xt.labels[i], label), ts * 0.5f)) canvas.text(at, xt.labels[i], label);
  }
  label.h = HAlign::right;
  label.v = VAlign::middle;
  for (size_t i = 0; i < yt.major.size(); ++i) {
    const float py = y.to_px(yt.major[i]);
    if (py < area.y0 - 0.5f || py > area.y1 + 0.5f) continue;
    const Vec2 at{area.x0 - pad * 0.5f, py};
    if (space.take(LabelSpace::box(canvas, at, yt.labels[i], label))) canvas.text(at, yt.labels[i], label);
  }
  if (L.heatmap) draw_colorbar(canvas, *L.heatmap, L.bar_ticks, L.bar, theme, ts, space);

  // Hover read-out: the nearest drawn point, marked, with its series and coordinates.
  Vec2 mouse;
  const Item* hit = nullptr;
  float hx = 0.0f, hy = 0.0f;
  if (canvas.interactive() && view.hovered && mouse_position(&mouse) && area.contains(mouse) &&
      nearest_point(f.items, x, y, mouse, &hit, &hx, &hy)) {
    canvas.circle_filled({x.to_px(hx), y.to_px(hy)}, 3.5f * lw, hit->color.with_alpha(1.0f));
    show_tooltip(hit->name + "\nx = " + format_value(hx) + "\ny = " + format_value(hy));
  }

  // An export draws the same plot elsewhere (a file, at the origin): the mouse still maps
  // through the on-screen rectangle.
  if (canvas.interactive()) view.area = area;
  view.log_x = spec.log_x;
  view.log_y = spec.log_y;
  view.drawn = true;
  view.items = std::move(f.items);
  f = Frame{};
}

void FitView(const std::string& id) { context().views[id].fit = true; }

bool AxesRect(const std::string& id, Rect* rect) {
  const auto it = context().views.find(id);
  if (it == context().views.end() || !it->second.drawn || it->second.area.width() <= 0.0f) return false;
  *rect = it->second.area;
  return true;
}

bool PixelToData(const std::string& id, Vec2 pixel, double* x, double* y) {
  Rect area;
  if (!AxesRect(id, &area)) return false;
  const ViewState& v = context().views[id];
  *x = Axis{v.x_lo, v.x_hi, v.log_x, area.x0, area.x1}.from_px(pixel.x);
  *y = Axis{v.y_lo, v.y_hi, v.log_y, area.y1, area.y0}.from_px(pixel.y);
  return true;
}

bool DataToPixel(const std::string& id, double x, double y, Vec2* pixel) {
  Rect area;
  if (!AxesRect(id, &area)) return false;
  const ViewState& v = context().views[id];
  *pixel = {Axis{v.x_lo, v.x_hi, v.log_x, area.x0, area.x1}.to_px(x),
            Axis{v.y_lo, v.y_hi, v.log_y, area.y1, area.y0}.to_px(y)};
  return true;
}

bool ViewRange(const std::string& id, double* x_lo, double* x_hi, double* y_lo, double* y_hi) {
  const auto it = context().views.find(id);
  if (it == context().views.end() || !it->second.drawn) return false;
  *x_lo = it->second.x_lo;
  *x_hi = it->second.x_hi;
  *y_lo = it->second.y_lo;
  *y_hi = it->second.y_hi;
  return true;
}

ScopedRestyle::ScopedRestyle(const Restyle& restyle) { context().restyle = &restyle; }
ScopedRestyle::~ScopedRestyle() { context().restyle = nullptr; }
const Restyle* ActiveRestyle() { return context().restyle; }

Color Restyled(Color c) {
  const Restyle* r = context().restyle;
  if (!r) return c;
  constexpr float kSame = 0.5f / 255.0f;  // the same 8-bit colour
  for (const auto& [from, to] : r->recolor)
    if (std::abs(c.r - from.r) < kSame && std::abs(c.g - from.g) < kSame && std::abs(c.b - from.b) < kSame)
      return to.with_alpha(c.a);
  return c;
}

void ResetState() {
  Context& ctx = context();
  ctx.views.clear();
  ctx.frame = Frame{};
}

}  // namespace bnlab::plot
