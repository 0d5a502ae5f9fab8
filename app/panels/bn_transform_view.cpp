// What this file is: the BN transform lab's picture and CSV (bn_transform_view.h).
#include "panels/bn_transform_view.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>

#include "plot/ticks.h"
#include "ui/text_wrap.h"

namespace bnlab {
namespace {

// Lines the picture draws, one per stage, in the order BN computes them.
constexpr int kStages = 4;
// Up to this many values a line shows each as a faint dot; more (a conv channel) as a histogram.
constexpr size_t kMaxDots = 400;
constexpr int kBins = 48;

const std::vector<float>& stage_values(const BnBatch& b, const BnStages& st, int k) {
  switch (k) {
    case 0: return b.z;
    case 1: return st.centred;
    case 2: return st.x_hat;
    default: return st.y;
  }
}

const char* stage_name(int k) {
  static const char* names[kStages] = {"z", "z − μ_B", "x̂", "y = γx̂ + β"};
  return names[k];
}

// Example n's value in the table: the value itself (dense), or its map's centre (conv).
size_t table_index(const BnBatch& b, int n) {
  return static_cast<size_t>(n) * b.positions + static_cast<size_t>(b.conv ? centre_position(b) : 0);
}

}  // namespace

plot::Color example_color(int i, int m) {
  // HSV with s = 0.75, v = 0.8: distinct hues that keep their contrast on white and on dark grey.
  const float h = 6.0f * static_cast<float>(i) / static_cast<float>(std::max(1, m)), s = 0.75f, v = 0.8f;
  const float c = v * s, x = c * (1.0f - std::abs(std::fmod(h, 2.0f) - 1.0f)), o = v - c;
  float r = 0, g = 0, b = 0;
  switch (static_cast<int>(h) % 6) {
    case 0: r = c, g = x; break;
    case 1: r = x, g = c; break;
    case 2: g = c, b = x; break;
    case 3: g = x, b = c; break;
    case 4: r = x, b = c; break;
    default: r = c, b = x; break;
  }
  return {r + o, g + o, b + o, 1.0f};
}

std::string format_value(double v) {
  char s[32];
  const double a = std::abs(v);
  if (a >= 1000.0)
    std::snprintf(s, sizeof s, "%.4g", v);
  else
    std::snprintf(s, sizeof s, "%.3f", v);
  std::string out = s;
  if (out == "-0.000") out = "0.000";  // a minus on zero reads as a difference that is not there
  if (!out.empty() && out[0] == '-') out = "−" + out.substr(1);
  return out;
}

void draw_message(plot::Canvas& canvas, plot::Rect rect, const std::string& text, const plot::PlotTheme& theme) {
  canvas.rect_filled(rect, theme.background);
  const float ts = canvas.default_text_size(), pad = ts * 0.5f;
  float y = rect.y0 + pad;
  for (const std::string& l :
       ui::wrap_text(text, rect.width() - 2 * pad, [&](std::string_view s) { return canvas.measure_text(s, 0).x; })) {
    canvas.text({rect.x0 + pad, y}, l, {0, theme.text});
    y += ts * 1.2f;
  }
}

namespace {

// The table: i, z, x̂, y, one row per example; returns its width and height.
plot::Vec2 draw_table(plot::Canvas& canvas, float x0, float y0, float max_h, const BnTransformView& v, bool measure_only) {
  const BnBatch& b = *v.batch;
  const BnStages& st = *v.stages;
  const float ts0 = canvas.default_text_size();
  const int rows = b.m + 1;
  // m = 16 rows must fit the cell: the table's text shrinks (to 70% at most) before rows are cut.
  const float ts = std::clamp(max_h / (static_cast<float>(rows) * 1.2f + 1.2f), ts0 * 0.7f, ts0);
  const float line = ts * 1.2f, gap = ts * 0.9f;
  const char* heads[4] = {"i", "z", "x̂", "y"};
  float widths[4];
  for (int c = 0; c < 4; ++c) widths[c] = canvas.measure_text(heads[c], ts).x;
  widths[0] += ts * 0.9f;  // the example's colour disc
  std::vector<std::array<std::string, 4>> cells;
  for (int n = 0; n < b.m; ++n) {
    const size_t i = table_index(b, n);
    cells.push_back({std::to_string(n + 1), format_value(b.z[i]), format_value(st.x_hat[i]), format_value(st.y[i])});
    for (int c = 0; c < 4; ++c) widths[c] = std::max(widths[c], canvas.measure_text(cells.back()[c], ts).x + (c ? 0 : ts * 0.9f));
  }
  float total = 0;
  for (float w : widths) total += w + gap;
  const int fit = std::min(b.m, std::max(0, static_cast<int>(max_h / line) - 1 - (v.table_title.empty() ? 0 : 1)));
  const float height = line * static_cast<float>(fit + 1 + (v.table_title.empty() ? 0 : 1));
  if (measure_only) return {total, height};
  float y = y0;
  if (!v.table_title.empty()) {
    canvas.text({x0, y}, v.table_title, {ts, v.theme.text});
    y += line;
  }
  float x = x0;
  for (int c = 0; c < 4; ++c) {
    canvas.text({x + widths[c], y}, heads[c], {ts, v.theme.text, plot::HAlign::right});
    x += widths[c] + gap;
  }
  canvas.line({x0, y + line - ts * 0.1f}, {x0 + total - gap, y + line - ts * 0.1f}, v.theme.frame, v.line_width);
  y += line;
  for (int n = 0; n < fit; ++n) {
    x = x0;
    canvas.circle_filled({x + ts * 0.3f, y + line * 0.45f}, ts * 0.28f, example_color(n, b.m));
    for (int c = 0; c < 4; ++c) {
      canvas.text({x + widths[c], y}, cells[n][c], {ts, v.theme.text, plot::HAlign::right});
      x += widths[c] + gap;
    }
    y += line;
  }
  return {total, height};
}

// One number line: its name, an axis over [lo, hi], every value faint (dots or a histogram),
// and the table's examples as coloured dots; returns where each example's dot went.
std::vector<plot::Vec2> draw_line(plot::Canvas& canvas, plot::Rect r, int k, double lo, double hi, float name_w,
                                  const BnTransformView& v) {
  const BnBatch& b = *v.batch;
  const std::vector<float>& values = stage_values(b, *v.stages, k);
  const float ts = canvas.default_text_size(), small = ts * 0.8f;
  const float ax0 = r.x0 + name_w + ts * 0.6f, ax1 = r.x1 - ts * 0.8f;
  const float base = r.y0 + (r.height() - small * 1.3f) * 0.62f;  // the axis, with the tick labels below it
  auto px = [&](double value) { return ax0 + static_cast<float>((value - lo) / (hi - lo)) * (ax1 - ax0); };
  canvas.text({r.x0, base}, stage_name(k), {ts, v.theme.text, plot::HAlign::left, plot::VAlign::middle});
  canvas.line({ax0, base}, {ax1, base}, v.theme.frame, v.line_width);
  const plot::AxisTicks ticks = plot::linear_ticks(lo, hi, std::max(2, static_cast<int>((ax1 - ax0) / (ts * 4.0f))));
  for (size_t t = 0; t < ticks.major.size(); ++t) {
    const float x = px(ticks.major[t]);
    canvas.line({x, base - ts * 0.2f}, {x, base + ts * 0.2f}, v.theme.frame, v.line_width);
    std::string label = ticks.labels[t];
    if (!label.empty() && label[0] == '-') label = "−" + label.substr(1);
    canvas.text({x, base + ts * 0.25f}, label, {small, v.theme.text, plot::HAlign::center});
  }
  const float dot = ts * 0.3f, rise = std::max(dot * 2.0f, (base - r.y0) - dot * 1.5f);
  const plot::Color faint = v.theme.text.with_alpha(0.22f);
  if (values.size() > static_cast<size_t>(b.m)) {  // a conv channel: its m·p·q values
    if (values.size() <= kMaxDots) {
      for (float value : values) canvas.circle_filled({px(value), base}, dot * 0.6f, faint);
    } else {
      std::vector<int> counts(kBins, 0);
      for (float value : values)
        ++counts[std::clamp(static_cast<int>((value - lo) / (hi - lo) * kBins), 0, kBins - 1)];
      const int top = *std::max_element(counts.begin(), counts.end());
      const float bw = (ax1 - ax0) / kBins;
      for (int i = 0; i < kBins; ++i)
        if (counts[i] > 0)
          canvas.rect_filled({ax0 + bw * i, base - rise * counts[i] / top, ax0 + bw * (i + 1) - 1.0f, base}, faint);
    }
  }
  std::vector<plot::Vec2> at;
  for (int n = 0; n < b.m; ++n) {
    const plot::Vec2 p{px(values[table_index(b, n)]), base};
    canvas.circle_filled(p, dot, example_color(n, b.m));
    at.push_back(p);
  }
  if (k == 0) {  // μ_B on the line of z: where the batch's values are centred from
    const float x = px(v.stages->mean);
    canvas.line({x, r.y0 + small * 0.5f}, {x, base + ts * 0.2f}, v.theme.text, v.line_width * 1.5f);
    canvas.text({x + ts * 0.15f, r.y0}, "μ_B", {small, v.theme.text});
  }
  return at;
}

}  // namespace

namespace {

// `lines` wrapped to `width`; with `flow`, the items run on one line after another, wrapping
// between items only.
std::vector<std::string> wrapped(plot::Canvas& canvas, const std::vector<std::string>& lines, float width, bool flow) {
  auto measure = [&](std::string_view s) { return canvas.measure_text(s, 0).x; };
  std::vector<std::string> out;
  if (flow) {
    std::string row;
    for (const std::string& item : lines) {
      if (measure(item) > width) {  // an item wider than the cell is wrapped on lines of its own
        if (!row.empty()) out.push_back(row);
        row.clear();
        for (std::string& w : ui::wrap_text(item, width, measure)) out.push_back(std::move(w));
        continue;
      }
      const std::string joined = row.empty() ? item : row + "    " + item;
      if (!row.empty() && measure(joined) > width) {
        out.push_back(row);
        row = item;
      } else {
        row = joined;
      }
    }
    if (!row.empty()) out.push_back(row);
    return out;
  }
  for (const std::string& l : lines)
    for (std::string& w : ui::wrap_text(l, width, measure)) out.push_back(std::move(w));
  return out;
}

void draw_lines_of_text(plot::Canvas& canvas, float x, float y, const std::vector<std::string>& lines, plot::Color color) {
  const float line = canvas.default_text_size() * 1.2f;
  for (size_t i = 0; i < lines.size(); ++i) canvas.text({x, y + line * static_cast<float>(i)}, lines[i], {0, color});
}

// The number lines in `area`, one per stage, if each gets room for its dots and tick labels.
void draw_number_lines(plot::Canvas& canvas, plot::Rect area, const BnTransformView& v) {
  const BnBatch& b = *v.batch;
  const float ts = canvas.default_text_size();
  // One range for every line, so the lines show how each stage moves and stretches the values.
  double lo = 0.0, hi = 0.0;
  for (int k = 0; k < kStages; ++k)
    for (float value : stage_values(b, *v.stages, k)) lo = std::min<double>(lo, value), hi = std::max<double>(hi, value);
  const double margin = std::max(1e-6, (hi - lo) * 0.04);
  lo -= margin, hi += margin;
  float name_w = 0;
  for (int k = 0; k < kStages; ++k) name_w = std::max(name_w, canvas.measure_text(stage_name(k), 0).x);
  const float each = area.height() / kStages;
  if (each < ts * 1.8f || area.width() < name_w + ts * 6.0f) return;
  std::vector<plot::Vec2> before;
  for (int k = 0; k < kStages; ++k) {
    const plot::Rect r{area.x0, area.y0 + each * k, area.x1, area.y0 + each * (k + 1)};
    std::vector<plot::Vec2> at = draw_line(canvas, r, k, lo, hi, name_w, v);
    for (size_t n = 0; n < before.size() && n < at.size(); ++n)  // each example from line to line
      canvas.line(before[n], at[n], example_color(static_cast<int>(n), b.m).with_alpha(0.35f), v.line_width);
    before = std::move(at);
  }
}

}  // namespace

bool draw_bn_transform(plot::Canvas& canvas, plot::Rect rect, const BnTransformView& v) {
  canvas.rect_filled(rect, v.theme.background);
  if (!v.batch || !v.stages || v.batch->m == 0) return true;
  const float ts = canvas.default_text_size(), pad = ts * 0.4f, line = ts * 1.2f;
  canvas.push_clip(rect);
  // A small cell (under 24 lines of text) keeps the header's first lines only, the first short.
  const bool small = rect.height() < ts * 24.0f;
  std::vector<std::string> head = v.header;
  if (small && head.size() > v.header_kept) head.resize(v.header_kept);
  if (small && !head.empty() && !v.header_short.empty()) head[0] = v.header_short;
  const std::vector<std::string> head_lines = wrapped(canvas, head, rect.width() - 2 * pad, false);
  draw_lines_of_text(canvas, rect.x0 + pad, rect.y0 + pad, head_lines, v.theme.text);
  const float y = rect.y0 + pad + line * static_cast<float>(head_lines.size()) + pad;
  const float body_h = rect.y1 - pad - y;
  const float min_lines_h = kStages * ts * 2.2f;  // the number lines' least comfortable height
  bool both = true;
  // Wide: the table left, the summary and the lines right. Narrow: the table and the summary
  // (short items) side by side above the lines, or, with no room for both, one of them.
  const float full_table_w = draw_table(canvas, 0, 0, body_h, v, true).x;
  if (rect.width() - 2 * pad - full_table_w >= ts * 16.0f) {
    draw_table(canvas, rect.x0 + pad, y, body_h, v, false);
    plot::Rect right{rect.x0 + pad + full_table_w + ts, y, rect.x1 - pad, rect.y1 - pad};
    std::vector<std::string> s = wrapped(canvas, v.summary, right.width(), false);
    if (right.height() - line * static_cast<float>(s.size()) < min_lines_h) s = wrapped(canvas, v.compact, right.width(), true);
    draw_lines_of_text(canvas, right.x0, right.y0, s, v.theme.text);
    right.y0 += line * static_cast<float>(s.size()) + pad;
    draw_number_lines(canvas, right, v);
  } else {
    // The whole table at no less than 85% of the text size, if the lines keep their room under it.
    const float full_table_h = draw_table(canvas, 0, 0, body_h, v, true).y * 0.85f;
    both = body_h - full_table_h >= min_lines_h;
    const float table_h = both ? body_h - min_lines_h : body_h;
    float used = 0;
    if (both || v.shown == 0) {
      const plot::Vec2 table = draw_table(canvas, rect.x0 + pad, y, table_h, v, false);
      const float sx = rect.x0 + pad + table.x + ts * 0.5f;
      const std::vector<std::string> s = wrapped(canvas, v.compact, rect.x1 - pad - sx, true);
      draw_lines_of_text(canvas, sx, y, s, v.theme.text);
      used = std::max(table.y, line * static_cast<float>(s.size()));
    } else {
      const std::vector<std::string> s = wrapped(canvas, v.compact, rect.width() - 2 * pad, true);
      draw_lines_of_text(canvas, rect.x0 + pad, y, s, v.theme.text);
      used = line * static_cast<float>(s.size());
    }
    if (both || v.shown == 1) draw_number_lines(canvas, {rect.x0 + pad, y + used + pad, rect.x1 - pad, rect.y1 - pad}, v);
  }
  canvas.pop_clip();
  return both;
}

std::string bn_transform_csv(const BnBatch& b, const BnStages& st) {
  std::string out = "i,example,position,z,z_minus_mu,x_hat,y\n";
  char row[256];
  for (size_t i = 0; i < b.z.size(); ++i) {
    const int n = static_cast<int>(i) / b.positions;
    std::snprintf(row, sizeof row, "%d,%d,%d,%.9g,%.9g,%.9g,%.9g\n", n + 1, b.examples[n], static_cast<int>(i) % b.positions,
                  b.z[i], st.centred[i], st.x_hat[i], st.y[i]);
    out += row;
  }
  std::snprintf(row, sizeof row,
                "# count,%lld\n# mu_B,%.9g\n# var_B,%.9g\n# eps,%.9g\n# gamma,%.9g\n# beta,%.9g\n# max_abs_y_minus_z,%.9g\n",
                static_cast<long long>(b.count()), st.mean, st.var, b.eps, st.gamma, st.beta, st.max_abs_y_minus_z);
  return out + row;
}

}  // namespace bnlab
