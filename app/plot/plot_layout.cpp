// What this file is: the layout of one plot, outside in: title, axis labels, the colour bar's
// room, then the axes, whose left edge depends on the widest y tick label and whose x ticks
// depend on their width; last the legend, inside the axes or in rows above them, which then
// shrink. With equal scales the view's ranges depend on the axes' shape and the y tick labels on
// those ranges, so the axes are placed again until they stop moving.
#include <algorithm>
#include <cmath>

#include "plot/plot_state.h"
#include "plot/ticks.h"

namespace bnlab::plot::detail {
namespace {

AxisTicks ticks_for(const Axis& a, int max_ticks) {
  return a.log ? log_ticks(a.lo, a.hi, max_ticks) : linear_ticks(a.lo, a.hi, max_ticks);
}

float max_label_width(Canvas& canvas, const std::vector<std::string>& labels, float size) {
  float w = 0.0f;
  for (const std::string& s : labels) w = std::max(w, canvas.measure_text(s, size).x);
  return w;
}

struct Ranges {
  double x_lo, x_hi, y_lo, y_hi;
  bool near(const Ranges& o) const {
    const double tx = 1e-9 * (x_hi - x_lo), ty = 1e-9 * (y_hi - y_lo);
    return std::abs(x_lo - o.x_lo) <= tx && std::abs(x_hi - o.x_hi) <= tx && std::abs(y_lo - o.y_lo) <= ty &&
           std::abs(y_hi - o.y_hi) <= ty;
  }
};

// `base` with the range that has fewer data units per pixel widened around its centre until
// both have the same: one unit is then as long on screen along x as along y.
Ranges equal_scales(Ranges base, Rect area) {
  const double w = area.width(), h = area.height();
  const double ux = (base.x_hi - base.x_lo) / w, uy = (base.y_hi - base.y_lo) / h;  // units per pixel
  if (ux > uy) {
    const double c = 0.5 * (base.y_lo + base.y_hi), half = 0.5 * ux * h;
    base.y_lo = c - half;
    base.y_hi = c + half;
  } else if (uy > ux) {
    const double c = 0.5 * (base.x_lo + base.x_hi), half = 0.5 * uy * w;
    base.x_lo = c - half;
    base.x_hi = c + half;
  }
  return base;
}

// The axes and ticks inside `outer` (the rectangle left for the axes and their tick labels),
// within the plot's rectangle `r`.
void place_axes(Canvas& canvas, const PlotSpec& spec, const Ranges& v, Rect outer, Rect r, float ts, float pad,
                Layout* L) {
  Rect area = outer;
  Axis y{v.y_lo, v.y_hi, spec.log_y, area.y1, area.y0};
  L->yt = ticks_for(y, std::max(2, static_cast<int>(area.height() / (ts * 2.2f))));
  area.x0 += max_label_width(canvas, L->yt.labels, ts) + pad * 0.75f;
  area.x0 = std::min(area.x0, area.x1 - 1.0f);
  Axis x;
  // An x tick label is centred on its tick, so at an end of the axes half of it reaches past
  // them ("2000" on a run of 2000 steps): the axes give way until no label crosses the plot's
  // edge, where the window or the file would clip it.
  for (int round = 0; round < 3; ++round) {
    x = Axis{v.x_lo, v.x_hi, spec.log_x, area.x0, area.x1};
    for (int max_x = std::max(2, static_cast<int>(area.width() / (ts * 5.0f)));; --max_x) {
      L->xt = ticks_for(x, max_x);
      const float widest = max_label_width(canvas, L->xt.labels, ts) + ts;
      if (max_x <= 2 || widest * static_cast<float>(L->xt.major.size()) <= area.width()) break;
    }
    float over_left = 0.0f, over_right = 0.0f;
    for (size_t i = 0; i < L->xt.major.size(); ++i) {
      const float px = x.to_px(L->xt.major[i]);
      if (!(px >= area.x0 - 0.5f && px <= area.x1 + 0.5f)) continue;
      const float half = canvas.measure_text(L->xt.labels[i], ts).x * 0.5f;
      over_left = std::max(over_left, r.x0 + 1.0f - (px - half));
      over_right = std::max(over_right, px + half - (r.x1 - 1.0f));
    }
    if (over_left <= 0.0f && over_right <= 0.0f) break;
    area.x0 = std::min(area.x0 + over_left, area.x1 - 1.0f);
    area.x1 = std::max(area.x1 - over_right, area.x0 + 1.0f);
  }
  L->area = area;
  L->x = x;
  L->y = y;
}

// How many of the items' points lie under `box`: lines' and scatters' points and both edges of
// bands, a few thousand per item at most (a long history is sampled evenly).
int points_under(const Frame& f, const Layout& L, const Rect& box) {
  int n = 0;
  auto under = [&](float x, float y) {
    const float px = L.x.to_px(x), py = L.y.to_px(y);
    return px >= box.x0 && px <= box.x1 && py >= box.y0 && py <= box.y1;
  };
  for (const Item& it : f.items) {
    if (it.kind != ItemKind::line && it.kind != ItemKind::scatter && it.kind != ItemKind::band) continue;
    const size_t count = it.ys.size(), stride = std::max<size_t>(1, count / 2000);
    for (size_t i = 0; i < count; i += stride) {
      const float x = i < it.xs.size() ? it.xs[i] : static_cast<float>(i);
      n += under(x, it.ys[i]);
      if (it.kind == ItemKind::band && i < it.zs.size()) n += under(x, it.zs[i]);
    }
  }
  return n;
}

}  // namespace

Layout layout_plot(Canvas& canvas, const Frame& f, ViewState& view) {
  const PlotSpec& spec = f.spec;
  Layout L;
  const float ts = canvas.default_text_size();
  const float pad = std::round(ts * 0.5f);
  L.text_size = ts;
  L.pad = pad;
  const Rect r = f.rect;
  Rect outer{r.x0 + pad, r.y0 + pad, r.x1 - pad, r.y1 - pad};
  if (!spec.title.empty()) outer.y0 += ts * 1.15f + pad;
  if (!spec.x_label.empty()) outer.y1 -= ts + pad * 0.5f;
  outer.y1 -= ts + pad * 0.5f;  // x tick labels
  if (!spec.y_label.empty()) outer.x0 += ts + pad * 0.5f;
  for (const Item& it : f.items)
    if (it.kind == ItemKind::heatmap && !L.heatmap) L.heatmap = &it;
  if (L.heatmap) {
    L.bar_ticks =
        linear_ticks(L.heatmap->vmin, L.heatmap->vmax, std::max(2, static_cast<int>(outer.height() / (ts * 4.0f))));
    outer.x1 -= ts * 1.0f + pad + max_label_width(canvas, L.bar_ticks.labels, ts) + pad;
  }
  outer.y1 = std::max(outer.y1, outer.y0 + 1.0f);  // huge fonts in a small panel: degrade, never invert
  outer.x1 = std::max(outer.x1, outer.x0 + 1.0f);

  // The axes in `box`: placed, and with equal scales the ranges widened for their shape.
  const Ranges base{view.x_lo, view.x_hi, view.y_lo, view.y_hi};
  Ranges shown = base;
  auto lay_axes = [&](Rect box) {
    shown = base;
    place_axes(canvas, spec, shown, box, r, ts, pad, &L);
    if (!spec.equal_aspect || spec.log_x || spec.log_y) return;
    // Widened ranges change the y tick labels, their width the axes' width, and that the
    // widening: a few rounds settle it (a label gains or loses a digit at most).
    for (int round = 0; round < 4; ++round) {
      const Ranges next = equal_scales(base, L.area);
      const bool settled = next.near(shown);
      shown = next;
      if (settled) break;
      place_axes(canvas, spec, shown, box, r, ts, pad, &L);
    }
    shown = equal_scales(base, L.area);  // exact for the axes as placed, even if labels had not settled
    L.x.lo = shown.x_lo;
    L.x.hi = shown.x_hi;
    L.y.lo = shown.y_lo;
    L.y.hi = shown.y_hi;
  };
  lay_axes(outer);

  if (spec.legend) {
    LegendLayout legend = legend_column(canvas, f.items, ts);
    const Rect a = L.area;
    // Inside, a corner of the axes that hides no data: the one of the last frame if it still
    // hides none (a legend that jumps with every new point distracts), else the first such of
    // top right, top left, bottom right, bottom left. If every corner hides data, rows above the
    // axes if they fit, else the corner that hides the fewest points.
    const bool fits_inside =
        !legend.entries.empty() && legend.width() <= a.width() * 0.5f && legend.height() <= a.height() * 0.6f;
    int corner = -1, fewest = 0;
    if (fits_inside) {
      const float m = ts * 0.4f, w = legend.width(), h = legend.height();
      const Rect corners[4] = {{a.x1 - m - w, a.y0 + m, a.x1 - m, a.y0 + m + h},
                               {a.x0 + m, a.y0 + m, a.x0 + m + w, a.y0 + m + h},
                               {a.x1 - m - w, a.y1 - m - h, a.x1 - m, a.y1 - m},
                               {a.x0 + m, a.y1 - m - h, a.x0 + m + w, a.y1 - m}};
      const int previous = std::clamp(view.legend_corner, 0, 3);
      for (int k = -1; k < 4 && (corner < 0 || fewest > 0); ++k) {
        const int c = k < 0 ? previous : k;
        const int n = points_under(f, L, corners[c]);
        if (corner < 0 || n < fewest) corner = c, fewest = n;
      }
      legend.box = corners[corner];
    }
    auto rows_fit_above = [&] {  // as the branch below decides it; asked only if every corner hides data
      if (legend.entries.size() < 2) return false;
      float rows_h = 0.0f;
      for (float scale : {1.0f, 0.85f, 0.72f}) {
        rows_h = legend_rows(canvas, legend, scale, r.width() - 2.0f * pad).height();
        if (rows_h <= r.height() * 0.25f) break;
      }
      return outer.y1 - std::min(outer.y0 + rows_h + ts * 0.6f, outer.y1 - 1.0f) >= std::max(ts * 3.0f, outer.height() * 0.5f);
    };
    if (fits_inside && (fewest == 0 || !rows_fit_above())) {
      legend.place = LegendLayout::Place::inside;
      view.legend_corner = corner;
      L.legend = legend;
    } else if (legend.entries.size() >= 2) {
      // Rows above the axes, so the key hides no data; smaller text if the rows would take more
      // than a quarter of the plot's height.
      const float max_width = r.width() - 2.0f * pad;
      LegendLayout rows;
      for (float scale : {1.0f, 0.85f, 0.72f}) {
        rows = legend_rows(canvas, legend, scale, max_width);
        if (rows.height() <= r.height() * 0.25f) break;
      }
      const float h = rows.height(), top = outer.y0;
      // The axes' top y tick label reaches half a line above them.
      Rect below = outer;
      below.y0 = std::min(outer.y0 + h + ts * 0.6f, outer.y1 - 1.0f);
      if (below.height() >= std::max(ts * 3.0f, outer.height() * 0.5f)) {
        lay_axes(below);
        rows.place = LegendLayout::Place::above;
        const float w = rows.width();
        const float x1 = std::max(L.area.x1, r.x0 + pad + w);  // ending over the axes' right end if it fits
        rows.box = Rect{x1 - w, top, x1, top + h};
      } else {
        // Too little height for both (a large font in a small cell): the axes keep theirs and
        // the rows lie over them from their top down, boxed like the column, in text as large
        // as lets them fit above the plot's bottom edge. They may cover the x tick labels and
        // the x axis label, which End() then leaves out: in a plot this small the key to the
        // runs says more.
        const float m = ts * 0.3f;
        const float x1 = L.area.x1 - m;
        const float left = r.x0 + pad + (spec.y_label.empty() ? 0.0f : ts + pad * 0.5f);  // clear of the y label
        const float top = L.area.y0 + m, bottom = r.y1 - pad;
        for (float scale : {1.0f, 0.85f, 0.72f}) {
          rows = legend_rows(canvas, legend, scale, x1 - left - 2.0f * m);
          rows.margin = m;
          if (top + rows.height() <= bottom) break;
        }
        rows.place = LegendLayout::Place::inside;
        // Still too tall: raised as far as the title, rather than cut off at the bottom.
        const float y0 = std::max(std::min(top, bottom - rows.height()), outer.y0 - pad * 0.5f);
        rows.box = Rect{x1 - rows.width(), y0, x1, y0 + rows.height()};
      }
      L.legend = rows;
    }
  }
  view.x_lo = shown.x_lo;
  view.x_hi = shown.x_hi;
  view.y_lo = shown.y_lo;
  view.y_hi = shown.y_hi;
  if (L.heatmap) L.bar = Rect{L.area.x1 + pad, L.area.y0, L.area.x1 + pad + ts, L.area.y1};
  return L;
}

}  // namespace bnlab::plot::detail
