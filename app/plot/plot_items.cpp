// What this file is: the item calls (Line, Band, Histogram, Ridgeline, Scatter, Heatmap,
// Contour). Each turns the caller's arrays into an Item of what will be drawn (smoothed,
// reduced to the view, in data units) and widens the data extent for fitting; End() draws.
#include <algorithm>
#include <cmath>
#include <limits>

#include "plot/contour.h"
#include "plot/plot_state.h"
#include "plot/series.h"

namespace bnlab::plot {

using namespace detail;

namespace {

Frame* current() {
  Frame& f = context().frame;
  return f.open ? &f : nullptr;
}

// "loss##a" shows as "loss"; "##anything" is not shown at all.
std::string_view label_of(std::string_view name) { return name.substr(0, name.find("##")); }

Item& add_item(Frame& f, std::string_view name, ItemKind kind, const ItemStyle& style) {
  Item& it = f.items.emplace_back();
  it.name = std::string(label_of(name));
  // A hidden item ("##rim train") is still named in the CSV, by what follows the "##".
  if (it.name.empty() && name.size() > 2) it.csv_name = std::string(name.substr(name.find("##") + 2));
  it.kind = kind;
  it.in_legend = !it.name.empty();
  it.hoverable = it.in_legend;
  it.color = style.color.a > 0.0f ? Restyled(style.color)
                                  : f.spec.theme.palette[f.palette_next++ % f.spec.theme.palette.size()];
  it.width = style.line_width * f.spec.line_width_scale;
  it.fill_alpha = style.fill_alpha;
  it.radius = style.marker_radius * std::max(1.0f, f.spec.line_width_scale * 0.75f);
  return it;
}

// The x-range to reduce a series to: the view, or while fitting the series' own extent (which
// the fitted view will contain, so its columns are at least as fine as the screen's).
void reduction_range(const Frame& f, const float* xs, int n, double* lo, double* hi) {
  if (!f.fitting) {
    *lo = f.view->x_lo;
    *hi = f.view->x_hi;
    return;
  }
  if (!xs) {
    *lo = f.spec.log_x ? 1.0 : 0.0;
    *hi = std::max(*lo, static_cast<double>(n - 1));
  } else {
    const auto usable = [&](float x) { return std::isfinite(x) && (!f.spec.log_x || x > 0.0f); };
    int a = 0, b = n - 1;
    while (a < n && !usable(xs[a])) ++a;
    while (b > a && !usable(xs[b])) --b;
    *lo = a < n ? xs[a] : 0.0;
    *hi = a < n ? xs[b] : 1.0;
  }
  // Fixed ends cut the fitted view: reduce to them, or the columns would be coarser than pixels.
  const double fixed_lo = f.spec.x_min, fixed_hi = f.spec.x_max;
  if (std::isfinite(fixed_lo) && fixed_lo > *lo) *lo = fixed_lo;
  if (std::isfinite(fixed_hi) && fixed_hi < *hi) *hi = fixed_hi;
  if (*hi < *lo) *hi = *lo;
}

void widen(Frame& f, const std::vector<float>& xs, const std::vector<float>& ys) {
  for (size_t i = 0; i < xs.size(); ++i) {
    if (std::isnan(xs[i]) || !std::isfinite(ys[i])) continue;
    f.extent.add_x(xs[i], f.spec.log_x);
    f.extent.add_y(ys[i], f.spec.log_y);
  }
}

void record_line(Frame& f, Item& it, const float* xs, const float* ys, int n, bool ascending) {
  if (ascending) {
    double lo = 0.0, hi = 1.0;
    reduction_range(f, xs, n, &lo, &hi);
    XYSeries d = decimate_minmax(xs, ys, n, lo, hi, f.columns, f.spec.log_x);
    it.xs = std::move(d.xs);
    it.ys = std::move(d.ys);
  } else {  // a parametric curve: no column reduction, gaps still honoured
    for (int i = 0; i < n; ++i) {
      const bool ok = std::isfinite(xs[i]) && std::isfinite(ys[i]);
      it.xs.push_back(ok ? xs[i] : kNaN);
      it.ys.push_back(ok ? ys[i] : kNaN);
    }
  }
  widen(f, it.xs, it.ys);
}

}  // namespace

void Line(std::string_view name, const float* xs, const float* ys, int n, const ItemStyle& style) {
  Frame* f = current();
  if (!f || !ys || n <= 0) return;
  Item& line = add_item(*f, name, ItemKind::line, style);
  const bool ascending = is_ascending(xs, n);
  const float w = std::clamp(style.smoothing, 0.0f, 0.99f);
  if (w <= 0.0f) {
    record_line(*f, line, xs, ys, n, ascending);
    return;
  }
  // Smoothed: the raw series as a faint ghost behind (TensorBoard's look), then the EMA.
  if (style.raw_ghost) {
    Item ghost = line;
    ghost.name += " (raw)";
    ghost.color = line.color.with_alpha(line.color.a * 0.25f);
    ghost.in_legend = ghost.hoverable = false;
    record_line(*f, ghost, xs, ys, n, ascending);
    f->items.insert(f->items.end() - 1, std::move(ghost));
  }
  Item& smooth = f->items.back();
  std::vector<float>& scratch = context().scratch;
  ema_smooth(ys, n, w, scratch);
  record_line(*f, smooth, xs, scratch.data(), n, ascending);
}

void Band(std::string_view name, const float* xs, const float* lo, const float* hi, int n, const ItemStyle& style) {
  Frame* f = current();
  if (!f || !lo || !hi || n <= 0) return;
  Item& it = add_item(*f, name, ItemKind::band, style);
  it.hoverable = false;
  if (is_ascending(xs, n)) {
    double a = 0.0, b = 1.0;
    reduction_range(*f, xs, n, &a, &b);
    BandSeries d = decimate_band(xs, lo, hi, n, a, b, f->columns, f->spec.log_x);
    it.xs = std::move(d.xs);
    it.ys = std::move(d.lo);
    it.zs = std::move(d.hi);
  } else {
    for (int i = 0; i < n; ++i) {
      const bool ok = std::isfinite(xs[i]) && std::isfinite(lo[i]) && std::isfinite(hi[i]);
      it.xs.push_back(ok ? xs[i] : kNaN);
      it.ys.push_back(ok ? lo[i] : kNaN);
      it.zs.push_back(ok ? hi[i] : kNaN);
    }
  }
  widen(*f, it.xs, it.ys);
  widen(*f, it.xs, it.zs);
}

void Histogram(std::string_view name, const float* counts, int bins, double lo, double hi, const ItemStyle& style) {
  Frame* f = current();
  if (!f || !counts || bins <= 0 || !(hi > lo)) return;
  Item& it = add_item(*f, name, ItemKind::histogram, style);
  it.hoverable = false;
  for (int i = 0; i <= bins; ++i) it.xs.push_back(static_cast<float>(lo + (hi - lo) * i / bins));
  it.ys.assign(counts, counts + bins);
  f->extent.add_x(lo, f->spec.log_x);
  f->extent.add_x(hi, f->spec.log_x);
  if (!f->spec.log_y) f->extent.add_y(0.0, false);
  for (float c : it.ys) f->extent.add_y(c, f->spec.log_y);
}

void Ridgeline(std::string_view name, const RidgeRow* rows, int n_rows, float row_height, const ItemStyle& style) {
  Frame* f = current();
  if (!f || !rows || n_rows <= 0) return;
  Item& it = add_item(*f, name, ItemKind::ridgeline, style);
  it.hoverable = false;
  float peak = 0.0f;
  for (int r = 0; r < n_rows; ++r)
    for (int b = 0; rows[r].counts && b < rows[r].bins; ++b)
      if (std::isfinite(rows[r].counts[b])) peak = std::max(peak, rows[r].counts[b]);
  const float scale = peak > 0.0f ? row_height / peak : 0.0f;
  for (int r = 0; r < n_rows; ++r) {
    const RidgeRow& row = rows[r];
    if (!row.counts || row.bins <= 0 || !(row.hi > row.lo)) continue;
    it.starts.push_back(static_cast<int>(it.xs.size()));
    auto point = [&](float x, float count) {
      it.xs.push_back(x);
      const float c = std::isfinite(count) ? count : 0.0f;
      it.ys.push_back(row.baseline + c * scale);
      it.zs.push_back(row.baseline);
      it.counts.push_back(c);
    };
    const double span = static_cast<double>(row.hi) - row.lo;
    point(row.lo, 0.0f);  // the curve rises from the baseline at lo and returns to it at hi
    for (int b = 0; b < row.bins; ++b) point(static_cast<float>(row.lo + span * (b + 0.5) / row.bins), row.counts[b]);
    point(row.hi, 0.0f);
  }
  widen(*f, it.xs, it.ys);
  widen(*f, it.xs, it.zs);
}

void Scatter(std::string_view name, const float* xs, const float* ys, int n, const ItemStyle& style,
             const int* classes) {
  Frame* f = current();
  if (!f || !xs || !ys || n <= 0) return;
  Item& it = add_item(*f, name, ItemKind::scatter, style);
  for (int i = 0; i < n; ++i) {
    if (!std::isfinite(xs[i]) || !std::isfinite(ys[i])) continue;
    it.xs.push_back(xs[i]);
    it.ys.push_back(ys[i]);
    if (classes) it.classes.push_back(classes[i]);
  }
  widen(*f, it.xs, it.ys);
}

void Heatmap(std::string_view name, const float* values, int cols, int rows, const GridBounds& bounds, float vmin,
             float vmax, Colormap map) {
  Frame* f = current();
  if (!f || !values || cols <= 0 || rows <= 0) return;
  Item& it = add_item(*f, name, ItemKind::heatmap, ItemStyle{});
  it.in_legend = it.hoverable = false;  // the colour bar explains it
  it.zs.assign(values, values + static_cast<size_t>(cols) * rows);
  it.cols = cols;
  it.rows = rows;
  it.bounds = bounds;
  it.vmin = vmin;
  it.vmax = vmax > vmin ? vmax : vmin + 1.0f;
  it.map = map;
  // The raw name ("##loss" has no label) and the item's position: unique within the plot.
  it.key = f->id + '/' + std::to_string(f->items.size() - 1) + '/' + std::string(name);
  const double hx = cols > 1 ? (bounds.x1 - bounds.x0) / (cols - 1) * 0.5 : 0.5;
  const double hy = rows > 1 ? (bounds.y1 - bounds.y0) / (rows - 1) * 0.5 : 0.5;
  f->extent.add_x(bounds.x0 - hx, f->spec.log_x);
  f->extent.add_x(bounds.x1 + hx, f->spec.log_x);
  f->extent.add_y(bounds.y0 - hy, f->spec.log_y);
  f->extent.add_y(bounds.y1 + hy, f->spec.log_y);
}

void Contour(std::string_view name, const float* field, int nx, int ny, const GridBounds& bounds, const float* levels,
             int n_levels, const ItemStyle& style) {
  Frame* f = current();
  if (!f || !field || !levels || nx < 2 || ny < 2) return;
  Item& it = add_item(*f, name, ItemKind::contour, style);
  it.hoverable = false;
  const double sx = (bounds.x1 - bounds.x0) / (nx - 1), sy = (bounds.y1 - bounds.y0) / (ny - 1);
  for (int k = 0; k < n_levels; ++k) {
    for (const Segment& s : marching_squares(field, nx, ny, levels[k])) {
      it.xs.push_back(static_cast<float>(bounds.x0 + s.x0 * sx));
      it.ys.push_back(static_cast<float>(bounds.y0 + s.y0 * sy));
      it.xs.push_back(static_cast<float>(bounds.x0 + s.x1 * sx));
      it.ys.push_back(static_cast<float>(bounds.y0 + s.y1 * sy));
      it.zs.push_back(levels[k]);
      it.zs.push_back(levels[k]);
    }
  }
  f->extent.add_x(bounds.x0, f->spec.log_x);
  f->extent.add_x(bounds.x1, f->spec.log_x);
  f->extent.add_y(bounds.y0, f->spec.log_y);
  f->extent.add_y(bounds.y1, f->spec.log_y);
}

}  // namespace bnlab::plot
