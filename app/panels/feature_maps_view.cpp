// What this file is: the feature-maps lab's picture and CSV (feature_maps_view.h).
#include "panels/feature_maps_view.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "ui/text.h"
#include "ui/text_wrap.h"

namespace bnlab {

StageScale stage_scale(const FeatureMaps& f, size_t stage) {
  const std::vector<float>& m = f.maps[stage];
  float lo = 0.0f, hi = 0.0f;
  for (float v : m) lo = std::min(lo, v), hi = std::max(hi, v);
  if (f.stages[stage] == MapStage::activated) {
    lo = *std::min_element(m.begin(), m.end());
    hi = *std::max_element(m.begin(), m.end());
    if (hi <= lo) hi = lo + 1e-6f;
    return {lo, hi, plot::Colormap::viridis};
  }
  const float a = std::max({std::abs(lo), std::abs(hi), 1e-6f});
  return {-a, a, plot::Colormap::diverging};
}

namespace {

std::string two_decimals(float v) {
  char s[32];
  std::snprintf(s, sizeof s, "%.2f", static_cast<double>(v));
  std::string out = s;
  if (out == "-0.00") out = "0.00";
  if (!out.empty() && out[0] == '-') out = "−" + out.substr(1);
  return out;
}

// The channels' columns and rows that give the largest square image in `w` × `h`.
struct Grid {
  int cols = 1, rows = 1;
  float side = 0;
};
Grid best_grid(int channels, int stages, float w, float h, float text_h, float gap, float min_cell_w) {
  Grid best;
  for (int cols = 1; cols <= channels; ++cols) {
    const int rows = (channels + cols - 1) / cols;
    if (cols > 1 && w / cols < min_cell_w) break;  // γ and β under each map must not run into the next
    const float side = std::min(w / cols - gap, (h / rows - text_h - gap) / stages - gap * 0.4f);
    if (side > best.side) best = {cols, rows, side};
  }
  return best;
}

}  // namespace

void draw_feature_maps(plot::Canvas& canvas, plot::Rect rect, const FeatureMapsView& v) {
  canvas.rect_filled(rect, v.theme.background);
  if (!v.maps || v.maps->maps.empty()) return;
  const FeatureMaps& f = *v.maps;
  const float ts = canvas.default_text_size(), pad = ts * 0.4f, line = ts * 1.2f, small = ts * 0.8f;
  auto measure = [&](std::string_view s) { return canvas.measure_text(s, 0).x; };
  canvas.push_clip(rect);
  float y = rect.y0 + pad;
  for (const std::string& h : v.header)
    for (const std::string& l : ui::wrap_text(h, rect.width() - 2 * pad, measure)) {
      canvas.text({rect.x0 + pad, y}, l, {0, v.theme.text});
      y += line;
    }
  y += pad;
  const float body_h = rect.y1 - pad - y;
  // The input image on the left, as tall as a third of the body and at most 8 lines of text.
  const float in_side = std::min({body_h * 0.4f, ts * 8.0f, rect.width() * 0.18f});
  float x = rect.x0 + pad;
  if (f.input_shape.h > 1 && in_side > ts) {
    canvas.text({x, y}, v.input_name, {small, v.theme.text});
    const int hw = f.input_shape.h * f.input_shape.w;
    float lo = *std::min_element(f.input.begin(), f.input.begin() + hw);
    float hi = *std::max_element(f.input.begin(), f.input.begin() + hw);
    if (hi <= lo) hi = lo + 1e-6f;
    canvas.heatmap({x, y + line, x + in_side, y + line + in_side},
                   {"feature-maps-input", f.input.data(), f.input_shape.w, f.input_shape.h, lo, hi, plot::Colormap::greys});
    x += in_side + ts;
  }
  // The stages' names (and colour ranges) in a column, then the channels.
  const size_t stages = f.maps.size();
  std::vector<std::string> names, ranges;
  float name_w = 0;
  for (size_t s = 0; s < stages; ++s) {
    const StageScale sc = stage_scale(f, s);
    names.push_back(s < v.stage_names.size() ? v.stage_names[s] : "");
    ranges.push_back(two_decimals(sc.lo) + " … " + two_decimals(sc.hi));
    name_w = std::max({name_w, canvas.measure_text(names.back(), small).x, canvas.measure_text(ranges.back(), small).x});
  }
  const float gap = ts * 0.35f, text_h = f.gamma.empty() ? 0.0f : 2.0f * small * 1.15f;
  const float maps_x0 = x + name_w + ts * 0.6f;
  const float text_w = f.gamma.empty() ? 0.0f : canvas.measure_text("β −0.00", small).x + gap;
  // Every channel if each map keeps room for its row's name and range beside it; else the
  // first ones that do, and a line saying how many are shown.
  int shown = f.channels;
  Grid g;
  const float min_side = small * 2.4f, note_h = shown > 1 ? line : 0.0f;
  for (; shown >= 1; --shown) {
    const float avail_h = body_h - line - (shown < f.channels ? note_h : 0.0f);
    g = best_grid(shown, static_cast<int>(stages), rect.x1 - pad - maps_x0, avail_h, text_h, gap, text_w);
    if (g.side >= min_side) break;
  }
  if (shown < 1 || g.side < 4.0f) {
    canvas.pop_clip();
    return;
  }
  const float cell_w = g.side + gap, stage_h = g.side + gap * 0.4f;
  const float cell_h = stage_h * static_cast<float>(stages) + text_h + gap;
  const int hw = f.h * f.w;
  for (int r = 0; r < g.rows; ++r) {
    const float ry = y + line + cell_h * static_cast<float>(r);
    for (size_t s = 0; s < stages; ++s) {  // the names beside each row of channels
      const float sy = ry + stage_h * static_cast<float>(s) + g.side * 0.5f;
      canvas.text({x, sy}, names[s], {small, v.theme.text, plot::HAlign::left, plot::VAlign::bottom});
      canvas.text({x, sy}, ranges[s], {small * 0.9f, v.theme.text.with_alpha(0.75f), plot::HAlign::left, plot::VAlign::top});
    }
    for (int k = 0; k < g.cols; ++k) {
      const int c = r * g.cols + k;
      if (c >= shown) break;
      const float cx = maps_x0 + cell_w * static_cast<float>(k);
      if (r == 0) {
        const std::string label = "c = " + std::to_string(c + 1);
        canvas.text({cx + g.side * 0.5f, y}, canvas.measure_text(label, small).x < cell_w ? label : std::to_string(c + 1),
                    {small, v.theme.text, plot::HAlign::center});
      }
      for (size_t s = 0; s < stages; ++s) {
        const StageScale sc = stage_scale(f, s);
        const std::string key = "feature-maps-" + std::to_string(s) + "-" + std::to_string(c);
        const plot::Rect dst{cx, ry + stage_h * static_cast<float>(s), cx + g.side, ry + stage_h * static_cast<float>(s) + g.side};
        canvas.heatmap(dst, {key, f.maps[s].data() + static_cast<size_t>(c) * hw, f.w, f.h, sc.lo, sc.hi, sc.map});
        canvas.rect_outline(dst, v.theme.frame.with_alpha(0.6f), v.line_width * 0.75f);
      }
      if (!f.gamma.empty()) {
        const float ty = ry + stage_h * static_cast<float>(stages);
        canvas.text({cx, ty}, "γ " + two_decimals(f.gamma[c]), {small, v.theme.text});
        canvas.text({cx, ty + small * 1.15f}, "β " + two_decimals(f.beta[c]), {small, v.theme.text});
      }
    }
  }
  if (shown < f.channels)
    canvas.text({x, rect.y1 - pad - line},
                ui::fill(v.partial, {{"shown", std::to_string(shown)}, {"channels", std::to_string(f.channels)}}),
                {small, v.theme.text});
  canvas.pop_clip();
}

std::string feature_maps_csv(const FeatureMaps& f) {
  static const char* names[] = {"z", "normalized", "activated"};
  std::string out = "stage,channel,row,column,value\n";
  char row[128];
  const int hw = f.h * f.w;
  for (size_t s = 0; s < f.maps.size(); ++s)
    for (int c = 0; c < f.channels; ++c)
      for (int i = 0; i < hw; ++i) {
        std::snprintf(row, sizeof row, "%s,%d,%d,%d,%.9g\n", names[static_cast<int>(f.stages[s])], c + 1, i / f.w,
                      i % f.w, static_cast<double>(f.maps[s][static_cast<size_t>(c) * hw + i]));
        out += row;
      }
  for (size_t c = 0; c < f.gamma.size(); ++c) {
    std::snprintf(row, sizeof row, "gamma,%zu,,,%.9g\nbeta,%zu,,,%.9g\n", c + 1, static_cast<double>(f.gamma[c]), c + 1,
                  static_cast<double>(f.beta[c]));
    out += row;
  }
  return out;
}

}  // namespace bnlab
