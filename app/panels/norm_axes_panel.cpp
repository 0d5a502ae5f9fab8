// What this file is: the norm-axes panel: which values each norm averages over, as in the Group
// Normalization paper's Figure 2 (Wu and He 2018). The N × C × H·W block of values the selected
// block's norm sees at the run's batch size is drawn four times, as a box with N across, C in
// depth and H·W upright; in each, the values one statistic (μ, σ²) is computed over are shaded:
// BN one channel across the batch, LN one sample, IN one sample's channel, GN one sample's group
// of channels. Under each box, how many statistics a batch gives and over how many values each
// (norm_axes.h); the block's own norm is framed. Drawn on a plot canvas, so the window, PNG
// exports and `bnlab scene render` show the same picture.
#include <imgui.h>

#include <algorithm>
#include <string>
#include <vector>

#include "panels/norm_axes.h"
#include "panels/panel.h"
#include "panels/plot_area.h"
#include "ui/problems.h"
#include "ui/text.h"
#include "ui/text_wrap.h"

namespace bnlab {
namespace {

// An axis with more entries than this is drawn with this many slices, so one slice stays wide
// enough to see; the numbers under the box are exact, the box is a sketch (as the paper's is).
constexpr int kMaxSlices = 8;

struct Style {
  plot::PlotTheme theme;
  plot::Color shade, own;
  float line_width = 1.0f;
};

// A product of named factors, "N·H·W = 60·784 = 47040"; factors of a dense block's H·W (1) are
// left out, and a single factor is not repeated ("H·W = 784").
std::string formula(const std::vector<std::pair<std::string, int64_t>>& factors) {
  std::string names, values;
  int64_t product = 1;
  int count = 0;
  for (const auto& [name, value] : factors) {
    names += (count ? "·" : "") + name;
    values += (count ? "·" : "") + std::to_string(value);
    product *= value;
    ++count;
  }
  return names + " = " + (count > 1 ? values + " = " : "") + std::to_string(product);
}

const char* name_key(NormKind k) {
  switch (k) {
    case NormKind::batch: return "norm_axes.bn";
    case NormKind::layer: return "norm_axes.ln";
    case NormKind::group: return "norm_axes.gn";
    case NormKind::instance: return "norm_axes.in";
    case NormKind::none: break;
  }
  return "norm_axes.bn";
}

// The two lines under a box: how many statistics, over how many values each.
std::vector<std::string> count_lines(const NormAxes& a, const NormAxesRow& r) {
  if (!r.applies) return {ui::tr("norm_axes.in_dense")};
  using F = std::vector<std::pair<std::string, int64_t>>;
  const bool hw = a.conv;  // a dense block's H·W = 1 adds nothing to a product
  F stats, values;
  switch (r.kind) {
    case NormKind::batch:
      stats = {{"C", a.c}};
      values = {{"N", a.n}};
      break;
    case NormKind::layer:
      stats = {{"N", a.n}};
      values = {{"C", a.c}};
      break;
    case NormKind::instance:
      stats = {{"N", a.n}, {"C", a.c}};
      break;
    case NormKind::group:
      stats = {{"N", a.n}, {"G", r.groups}};
      values = {{"C/G", a.c / std::max(1, r.groups)}};
      break;
    case NormKind::none: break;
  }
  if (hw) values.push_back({"H·W", a.hw()});
  if (values.empty()) values.push_back({"H·W", 1});
  std::vector<std::string> lines = {ui::fill(ui::tr("norm_axes.statistics"), {{"formula", formula(stats)}}),
                                    ui::fill(ui::tr("norm_axes.values"), {{"formula", formula(values)}})};
  // BN on a dense block at batch size 1, or GN with one unit a group: x̂ = 0 for every value.
  if (r.values_each == 1) lines.push_back(ui::tr("norm_axes.one_value"));
  return lines;
}

// The line above the boxes: the block, its shape and the batch size.
std::string shape_line(const NormAxes& a) {
  std::vector<std::pair<std::string, std::string>> v = {{"block", std::to_string(a.block + 1)},
                                                        {"n", std::to_string(a.n)},
                                                        {"c", std::to_string(a.c)},
                                                        {"h", std::to_string(a.h)},
                                                        {"w", std::to_string(a.w)},
                                                        {"hw", std::to_string(a.hw())}};
  std::string s = ui::fill(ui::tr(a.conv ? "norm_axes.shape_conv" : "norm_axes.shape_dense"), v);
  s += " ";
  s += a.own == NormKind::none ? ui::tr("norm_axes.no_norm") : ui::tr("norm_axes.shaded");
  return s;
}

// A box in oblique projection: a point (n, c, s) of the unit cube (N across, C in depth, H·W
// upright) at `origin` (the front face's bottom-left) + n·front_w across, s·front_h up, c·depth.
struct Box {
  plot::Vec2 origin;
  float front_w = 0, front_h = 0;
  plot::Vec2 depth;  // where c = 1 moves a point: right and up
  plot::Vec2 at(float n, float c, float s) const {
    return {origin.x + n * front_w + c * depth.x, origin.y - s * front_h + c * depth.y};
  }
};

// The three faces seen of the part [n0,n1]×[c0,c1]×[s0,s1]: front, top and right, each a shade
// of `fill` so the part reads as a solid.
void solid(plot::Canvas& canvas, const Box& b, float n0, float n1, float c0, float c1, float s0, float s1,
           plot::Color fill, plot::Color edge, float lw) {
  const plot::Vec2 front[4] = {b.at(n0, c0, s0), b.at(n1, c0, s0), b.at(n1, c0, s1), b.at(n0, c0, s1)};
  const plot::Vec2 top[4] = {b.at(n0, c0, s1), b.at(n1, c0, s1), b.at(n1, c1, s1), b.at(n0, c1, s1)};
  const plot::Vec2 right[4] = {b.at(n1, c0, s0), b.at(n1, c1, s0), b.at(n1, c1, s1), b.at(n1, c0, s1)};
  canvas.convex_filled(front, 4, fill);
  canvas.convex_filled(top, 4, plot::mix(fill, {1, 1, 1, 1}, 0.3f));
  canvas.convex_filled(right, 4, plot::mix(fill, {0, 0, 0, 1}, 0.2f));
  for (const auto* face : {front, top, right}) canvas.polyline(face, 4, edge, lw, true);
}

// The slice of one entry of an axis with `count` entries, as a fraction of the axis.
float slice(int64_t count) { return 1.0f / static_cast<float>(std::clamp<int64_t>(count, 1, kMaxSlices)); }

// The lines under a box in a cell of `width`, wrapped.
std::vector<std::string> wrapped_counts(plot::Canvas& canvas, const NormAxes& a, const NormAxesRow& r, float width) {
  std::vector<std::string> lines;
  for (const std::string& l : count_lines(a, r))
    for (std::string& w : ui::wrap_text(l, width, [&](std::string_view s) { return canvas.measure_text(s, 0).x; }))
      lines.push_back(std::move(w));
  return lines;
}

// One of the four boxes, with its heading above and its counts below, in `cell`; `below_lines`
// are kept for the counts in every cell, so the boxes of a row line up.
void draw_cell(plot::Canvas& canvas, const plot::Rect& cell, const NormAxes& a, const NormAxesRow& r, const Style& st,
               size_t below_lines) {
  const float ts = canvas.default_text_size(), pad = ts * 0.3f, line = ts * 1.15f;
  const bool own = r.kind == a.own;
  if (own) {
    canvas.rect_filled(cell, st.own.with_alpha(0.10f));
    canvas.rect_outline(cell, st.own, st.line_width * 2.0f);
  }
  const plot::Color text = r.applies ? st.theme.text : st.theme.text.with_alpha(0.55f);
  const float width = cell.width() - 2 * pad;
  auto measure = [&](std::string_view s) { return canvas.measure_text(s, 0).x; };
  std::string heading = ui::tr(name_key(r.kind));
  if (own) heading += std::string(" · ") + ui::tr("norm_axes.this_block");
  const std::vector<std::string> head = ui::wrap_text(heading, width, measure);
  const std::vector<std::string> below = wrapped_counts(canvas, a, r, width);
  canvas.push_clip(cell);
  float y = cell.y0 + pad;
  for (const std::string& l : head) {
    canvas.text({cell.x0 + pad, y}, l, {0, own ? st.own : text});
    y += line;
  }
  const float bottom = cell.y1 - pad - line * static_cast<float>(std::max(below.size(), below_lines));
  for (size_t i = 0; i < below.size(); ++i)
    canvas.text({cell.x0 + pad, bottom + line * static_cast<float>(i)}, below[i], {0, text});

  // The box fills what is left, with room for its axis names: "H·W" left, "N" below, "C" right.
  const float label = ts * 0.85f;
  const float hw_w = canvas.measure_text("H·W", label).x + pad;
  const float area_x0 = cell.x0 + pad + hw_w, area_x1 = cell.x1 - pad - canvas.measure_text("C", label).x - pad;
  const float area_y0 = y + pad, area_y1 = bottom - label - pad;
  const float aw = area_x1 - area_x0, ah = area_y1 - area_y0;
  if (aw > ts * 2 && ah > ts * 2) {
    // The box's size k: front k·0.66 wide, depth k·0.34 across and k·0.19 up, front height a
    // share of its width (a dense block has one position per unit: a flat slab), fitted to the area.
    const float upright = a.conv ? 0.75f : 0.16f;
    const float k = std::min(aw, ah / (upright * 0.66f + 0.19f));
    Box b;
    b.front_w = k * 0.66f;
    b.depth = {k * 0.34f, -k * 0.19f};
    b.front_h = b.front_w * upright;
    b.origin = {area_x0 + (aw - k) * 0.5f, area_y1 - (ah - (b.front_h - b.depth.y)) * 0.5f};
    const plot::Color base = plot::mix(st.theme.plot_background, st.theme.frame, 0.08f);
    const plot::Color edge = st.theme.frame.with_alpha(r.applies ? 1.0f : 0.4f);
    solid(canvas, b, 0, 1, 0, 1, 0, 1, base, edge, st.line_width);
    // The channels as slices on the top face, where they are few enough to tell apart.
    if (a.c > 1 && a.c <= kMaxSlices)
      for (int k = 1; k < a.c; ++k) {
        const float c = static_cast<float>(k) / a.c;
        canvas.line(b.at(0, c, 1), b.at(1, c, 1), edge.with_alpha(0.35f), st.line_width * 0.75f);
        canvas.line(b.at(1, c, 0), b.at(1, c, 1), edge.with_alpha(0.35f), st.line_width * 0.75f);
      }
    if (r.applies) {
      const float n1 = r.kind == NormKind::batch ? 1.0f : slice(a.n);
      const float c1 = r.kind == NormKind::batch || r.kind == NormKind::instance ? slice(a.c)
                       : r.kind == NormKind::group                           ? slice(r.groups)
                                                                             : 1.0f;
      solid(canvas, b, 0, n1, 0, c1, 0, 1, st.shade, edge, st.line_width);
    }
    const plot::TextStyle axis{label, text, plot::HAlign::center, plot::VAlign::top};
    canvas.text({b.origin.x + b.front_w * 0.5f, b.origin.y + pad * 0.5f}, "N", axis);
    const plot::Vec2 c_at = b.at(1, 0.5f, 0);
    canvas.text({c_at.x + pad, c_at.y}, "C", {label, text, plot::HAlign::left, plot::VAlign::top});
    canvas.text({b.origin.x - pad, b.origin.y - b.front_h * 0.5f}, "H·W",
                {label, text, plot::HAlign::right, plot::VAlign::middle});
  }
  canvas.pop_clip();
}

void draw_picture(plot::Canvas& canvas, plot::Rect rect, const NormAxes& a, const Style& st) {
  canvas.rect_filled(rect, st.theme.background);
  const float ts = canvas.default_text_size(), pad = ts * 0.4f, line = ts * 1.2f;
  canvas.push_clip(rect);
  auto measure = [&](std::string_view s) { return canvas.measure_text(s, 0).x; };
  float y = rect.y0 + pad;
  for (const std::string& l : ui::wrap_text(shape_line(a), rect.width() - 2 * pad, measure)) {
    canvas.text({rect.x0 + pad, y}, l, {0, st.theme.text});
    y += line;
  }
  // Four in a row when each gets 11 lines of text across, else two rows of two.
  const int columns = rect.width() >= 4 * 11 * ts ? 4 : 2, rows = 4 / columns;
  const float cw = (rect.width() - 2 * pad) / columns, ch = (rect.y1 - pad - y) / rows;
  size_t below_lines = 0;
  for (const NormAxesRow& r : a.rows)
    below_lines = std::max(below_lines, wrapped_counts(canvas, a, r, cw - pad - 2 * ts * 0.3f).size());
  for (int i = 0; i < 4; ++i) {
    const float x0 = rect.x0 + pad + cw * static_cast<float>(i % columns), y0 = y + ch * static_cast<float>(i / columns);
    draw_cell(canvas, {x0 + pad * 0.5f, y0 + pad * 0.5f, x0 + cw - pad * 0.5f, y0 + ch - pad * 0.5f}, a, a.rows[i], st,
              below_lines);
  }
  canvas.pop_clip();
}

// The picture's numbers as CSV, one row per norm.
std::string axes_csv(const NormAxes& a) {
  std::string out = "norm,applies,statistics,values_each,groups,n,c,h,w,own\n";
  for (const NormAxesRow& r : a.rows)
    out += std::string(norm_abbreviation(r.kind)) + "," + (r.applies ? "1" : "0") + "," + std::to_string(r.statistics) +
           "," + std::to_string(r.values_each) + "," + std::to_string(r.groups) + "," + std::to_string(a.n) + "," +
           std::to_string(a.c) + "," + std::to_string(a.h) + "," + std::to_string(a.w) + "," +
           (r.kind == a.own ? "1" : "0") + "\n";
  return out;
}

struct NormAxesPanel : Panel {
  const char* key() const override { return "panel.norm_axes"; }

  void draw(PanelContext& ctx) override {
    const TrainerSnapshot* s = ctx.a.get();
    if (!s || !s->config || !s->data) {
      ImGui::TextDisabled("%s", ui::tr("norm_axes.no_network"));
      return;
    }
    const std::optional<NormAxes> axes = norm_axes(*s->config, s->data->train.sample_shape, ctx.selected_block);
    if (!axes) {
      ImGui::TextDisabled("%s", ui::tr("norm_axes.no_network"));
      return;
    }
    Style st;
    st.theme = plot::theme_by_name(ctx.theme.name);
    st.shade = to_color(ctx.theme.run_a);
    st.own = to_color(ctx.theme.accent);
    st.line_width = ctx.theme.line_width / 1.5f;  // 1 on screen themes, 2 for the projector
    plot_area(
        ctx, "norm-axes", [&](plot::Canvas& canvas, plot::Rect rect) { draw_picture(canvas, rect, *axes, st); }, 0.0f,
        0.0f, [&] { return axes_csv(*axes); });
  }
};

}  // namespace

std::unique_ptr<Panel> make_norm_axes_panel() { return std::make_unique<NormAxesPanel>(); }

}  // namespace bnlab
