// What this file is: drawing recorded items in screen space, the heatmap colour bar, and finding
// the point nearest the mouse (plot_legend.cpp draws the legend). Everything arrives here
// already reduced, so the work per frame is bounded by the plot's width, not by the length of
// the series.
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "plot/plot_state.h"
#include "plot/ticks.h"

namespace bnlab::plot::detail {
namespace {

bool finite(Vec2 p) { return std::isfinite(p.x) && std::isfinite(p.y); }

void draw_lines(Canvas& canvas, const Item& it, const Axis& x, const Axis& y) {
  thread_local std::vector<Vec2> run;
  run.clear();
  auto flush = [&] {
    if (run.size() >= 2) canvas.polyline(run.data(), static_cast<int>(run.size()), it.color, it.width, false);
    if (run.size() == 1) canvas.circle_filled(run[0], it.width * 0.75f + 0.5f, it.color);  // isolated sample
    run.clear();
  };
  for (size_t i = 0; i < it.xs.size(); ++i) {
    const Vec2 p{x.to_px(it.xs[i]), y.to_px(it.ys[i])};
    if (finite(p))
      run.push_back(p);
    else
      flush();  // a break, or a value a log axis cannot show
  }
  flush();
}

void draw_band(Canvas& canvas, const Item& it, const Axis& x, const Axis& y) {
  thread_local std::vector<Vec2> upper, lower;
  upper.clear();
  lower.clear();
  const Color fill = it.color.with_alpha(it.color.a * it.fill_alpha);
  auto flush = [&] {
    canvas.strip_filled(upper.data(), lower.data(), static_cast<int>(upper.size()), fill);
    upper.clear();
    lower.clear();
  };
  for (size_t i = 0; i < it.xs.size(); ++i) {
    const Vec2 hi{x.to_px(it.xs[i]), y.to_px(it.zs[i])}, lo{x.to_px(it.xs[i]), y.to_px(it.ys[i])};
    if (finite(hi) && finite(lo)) {
      upper.push_back(hi);
      lower.push_back(lo);
    } else {
      flush();
    }
  }
  flush();
}

void draw_histogram(Canvas& canvas, const Item& it, const Axis& x, const Axis& y) {
  // Bars stand on zero, or on the bottom edge of a log axis.
  const float base = y.log ? y.p0 : std::clamp(y.to_px(0.0), std::min(y.p0, y.p1) - 1.0f, std::max(y.p0, y.p1) + 1.0f);
  const Color fill = it.color.with_alpha(it.color.a * it.fill_alpha);
  std::vector<Vec2> outline;
  outline.push_back({x.to_px(it.xs[0]), base});
  for (size_t b = 0; b < it.ys.size(); ++b) {
    const float x0 = x.to_px(it.xs[b]), x1 = x.to_px(it.xs[b + 1]);
    float top = y.to_px(it.ys[b]);
    if (!std::isfinite(top)) top = base;
    canvas.rect_filled({x0, std::min(top, base), x1, std::max(top, base)}, fill);
    outline.push_back({x0, top});
    outline.push_back({x1, top});
  }
  outline.push_back({x.to_px(it.xs.back()), base});
  canvas.polyline(outline.data(), static_cast<int>(outline.size()), it.color, it.width, false);
}

void draw_ridgeline(Canvas& canvas, const Item& it, const Axis& x, const Axis& y, const PlotTheme& theme) {
  // Opaque fills, farthest row (highest baseline) first, so nearer rows hide the ones behind.
  const Color fill = mix(theme.plot_background, it.color, std::clamp(it.fill_alpha + 0.15f, 0.0f, 1.0f));
  std::vector<int> order(it.starts.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](int a, int b) { return it.zs[it.starts[a]] > it.zs[it.starts[b]]; });
  std::vector<Vec2> top, base;
  for (int r : order) {
    const size_t begin = it.starts[r];
    const size_t end = r + 1 < static_cast<int>(it.starts.size()) ? it.starts[r + 1] : it.xs.size();
    top.clear();
    base.clear();
    for (size_t i = begin; i < end; ++i) {
      const Vec2 t{x.to_px(it.xs[i]), y.to_px(it.ys[i])}, b{x.to_px(it.xs[i]), y.to_px(it.zs[i])};
      if (!finite(t) || !finite(b)) continue;
      top.push_back(t);
      base.push_back(b);
    }
    canvas.strip_filled(top.data(), base.data(), static_cast<int>(top.size()), fill);
    canvas.polyline(top.data(), static_cast<int>(top.size()), it.color, it.width, false);
  }
}

void draw_scatter(Canvas& canvas, const Item& it, const Axis& x, const Axis& y, const PlotTheme& theme) {
  const float xl = std::min(x.p0, x.p1) - it.radius, xh = std::max(x.p0, x.p1) + it.radius;
  const float yl = std::min(y.p0, y.p1) - it.radius, yh = std::max(y.p0, y.p1) + it.radius;
  for (size_t i = 0; i < it.xs.size(); ++i) {
    const Vec2 p{x.to_px(it.xs[i]), y.to_px(it.ys[i])};
    if (!finite(p) || p.x < xl || p.x > xh || p.y < yl || p.y > yh) continue;
    const Color c = it.classes.empty()
                        ? it.color
                        : theme.palette[static_cast<size_t>(std::abs(it.classes[i])) % theme.palette.size()];
    canvas.circle_filled(p, it.radius, c);
  }
}

void draw_heatmap(Canvas& canvas, const Item& it, const Axis& x, const Axis& y) {
  const GridBounds& g = it.bounds;
  const double hx = it.cols > 1 ? (g.x1 - g.x0) / (it.cols - 1) * 0.5 : 0.5;
  const double hy = it.rows > 1 ? (g.y1 - g.y0) / (it.rows - 1) * 0.5 : 0.5;
  if (!x.log && !y.log) {                      // cells are equal on screen: one image, data row 0 at the bottom
    thread_local std::vector<float> top_down;  // (rows, cols), row 0 at the top
    top_down.resize(it.zs.size());
    for (int r = 0; r < it.rows; ++r)
      std::copy_n(it.zs.begin() + static_cast<ptrdiff_t>(r) * it.cols, it.cols,
                  top_down.begin() + static_cast<ptrdiff_t>(it.rows - 1 - r) * it.cols);
    const float xa = x.to_px(g.x0 - hx), xb = x.to_px(g.x1 + hx), ya = y.to_px(g.y1 + hy), yb = y.to_px(g.y0 - hy);
    canvas.heatmap({std::min(xa, xb), std::min(ya, yb), std::max(xa, xb), std::max(ya, yb)},
                   {it.key, top_down.data(), it.cols, it.rows, it.vmin, it.vmax, it.map});
    return;
  }
  // Log axes: cells differ in size on screen, so each is its own rectangle.
  const float inv = 1.0f / (it.vmax - it.vmin);
  auto colour = [&](int c, int r) {
    return colormap_at(it.map, (it.zs[static_cast<size_t>(r) * it.cols + c] - it.vmin) * inv);
  };
  const double sx = it.cols > 1 ? 2.0 * hx : 1.0, sy = it.rows > 1 ? 2.0 * hy : 1.0;
  for (int r = 0; r < it.rows; ++r) {
    for (int c = 0; c < it.cols; ++c) {
      const double cx = g.x0 + c * sx, cy = g.y0 + r * sy;
      const float xa = x.to_px(cx - hx), xb = x.to_px(cx + hx), ya = y.to_px(cy + hy), yb = y.to_px(cy - hy);
      if (!std::isfinite(xa) || !std::isfinite(xb) || !std::isfinite(ya) || !std::isfinite(yb)) continue;
      canvas.rect_filled({std::min(xa, xb), std::min(ya, yb), std::max(xa, xb), std::max(ya, yb)}, colour(c, r));
    }
  }
}

void draw_contour(Canvas& canvas, const Item& it, const Axis& x, const Axis& y) {
  for (size_t i = 0; i + 1 < it.xs.size(); i += 2) {
    const Vec2 a{x.to_px(it.xs[i]), y.to_px(it.ys[i])}, b{x.to_px(it.xs[i + 1]), y.to_px(it.ys[i + 1])};
    if (finite(a) && finite(b)) canvas.line(a, b, it.color, it.width);
  }
}

}  // namespace

void draw_item(Canvas& canvas, const Item& it, const Axis& x, const Axis& y, const PlotTheme& theme) {
  switch (it.kind) {
    case ItemKind::line:
      draw_lines(canvas, it, x, y);
      break;
    case ItemKind::band:
      draw_band(canvas, it, x, y);
      break;
    case ItemKind::histogram:
      draw_histogram(canvas, it, x, y);
      break;
    case ItemKind::ridgeline:
      draw_ridgeline(canvas, it, x, y, theme);
      break;
    case ItemKind::scatter:
      draw_scatter(canvas, it, x, y, theme);
      break;
    case ItemKind::heatmap:
      draw_heatmap(canvas, it, x, y);
      break;
    case ItemKind::contour:
      draw_contour(canvas, it, x, y);
      break;
  }
}

void draw_colorbar(Canvas& canvas, const Item& heatmap, const AxisTicks& t, Rect bar, const PlotTheme& theme,
                   float text_size, LabelSpace& space) {
  constexpr int kSteps = 64;
  Color cells[kSteps];
  for (int i = 0; i < kSteps; ++i)
    cells[i] = colormap_at(heatmap.map, 1.0f - (static_cast<float>(i) + 0.5f) / kSteps);  // top: vmax
  canvas.image(bar, cells, 1, kSteps);
  canvas.rect_outline(bar, theme.frame, 1.0f);
  const TextStyle style{text_size, theme.text, HAlign::left, VAlign::middle};
  for (size_t i = 0; i < t.major.size(); ++i) {
    const float py =
        bar.y1 - static_cast<float>((t.major[i] - heatmap.vmin) / (heatmap.vmax - heatmap.vmin)) * bar.height();
    canvas.line({bar.x1, py}, {bar.x1 + text_size * 0.3f, py}, theme.frame, 1.0f);
    const Vec2 at{bar.x1 + text_size * 0.45f, py};
    if (space.take(LabelSpace::box(canvas, at, t.labels[i], style))) canvas.text(at, t.labels[i], style);
  }
}

Rect LabelSpace::box(Canvas& canvas, Vec2 pos, std::string_view text, const TextStyle& style) {
  const Vec2 m = canvas.measure_text(text, style.size);
  const float fh = style.h == HAlign::left ? 0.0f : style.h == HAlign::center ? 0.5f : 1.0f;
  const float fv = style.v == VAlign::top ? 0.0f : style.v == VAlign::middle ? 0.5f : 1.0f;
  const float x0 = pos.x - fh * m.x, y0 = pos.y - fv * m.y;
  return {x0, y0, x0 + m.x, y0 + m.y};
}

bool LabelSpace::take(Rect b, float spacing) {
  constexpr float kSlack = 0.01f;  // rounding, not overlap
  if (b.x0 < bounds_.x0 - kSlack || b.x1 > bounds_.x1 + kSlack || b.y0 < bounds_.y0 - kSlack ||
      b.y1 > bounds_.y1 + kSlack)
    return false;
  b.x0 -= spacing * 0.5f;
  b.x1 += spacing * 0.5f;
  for (const Rect& t : taken_)
    if (b.x0 < t.x1 - kSlack && t.x0 < b.x1 - kSlack && b.y0 < t.y1 - kSlack && t.y0 < b.y1 - kSlack) return false;
  taken_.push_back(b);
  return true;
}

bool nearest_point(const std::vector<Item>& items, const Axis& x, const Axis& y, Vec2 mouse, const Item** item,
                   float* px, float* py) {
  float best = std::numeric_limits<float>::infinity();
  for (const Item& it : items) {
    if (!it.hoverable || (it.kind != ItemKind::line && it.kind != ItemKind::scatter)) continue;
    for (size_t i = 0; i < it.xs.size(); ++i) {
      const float sx = x.to_px(it.xs[i]), sy = y.to_px(it.ys[i]);
      const float d = (sx - mouse.x) * (sx - mouse.x) + (sy - mouse.y) * (sy - mouse.y);
      if (d < best) {  // NaN distances (breaks) never compare less
        best = d;
        *item = &it;
        *px = it.xs[i];
        *py = it.ys[i];
      }
    }
  }
  return std::isfinite(best);
}

}  // namespace bnlab::plot::detail
