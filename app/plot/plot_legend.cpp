// What this file is: the legend: which items it lists, how they are arranged (a boxed column
// inside the axes, or rows above the axes when that column would hide the data of a small plot)
// and drawing it. Two runs in one plot are the app's whole point, so a plot with two or more
// named series always gets its key; only how compact it is depends on the room.
#include <algorithm>
#include <cmath>
#include <unordered_set>

#include "plot/plot_state.h"

namespace bnlab::plot::detail {
namespace {

float widest(Canvas& canvas, const std::vector<std::string>& names, float size) {
  float w = 0.0f;
  for (const std::string& n : names) w = std::max(w, canvas.measure_text(n, size).x);
  return w;
}

}  // namespace

// The middle, because series names differ at their ends ("A (BN) 1", "A (BN) 2").
std::string elide_middle(Canvas& canvas, const std::string& s, float size, float max_width) {
  if (canvas.measure_text(s, size).x <= max_width) return s;
  std::vector<size_t> ends;  // byte offset after each code point
  size_t i = 0;
  uint32_t c = 0;
  while (next_codepoint(s, i, c)) ends.push_back(i);
  for (size_t keep = ends.size(); keep-- > 1;) {
    const size_t head = (keep + 1) / 2, tail = keep - head;  // code points kept at each end
    const size_t head_bytes = ends[head - 1];
    const size_t tail_from = tail > 0 ? ends[ends.size() - tail - 1] : s.size();
    std::string cut = s.substr(0, head_bytes) + "…" + s.substr(tail_from);
    if (canvas.measure_text(cut, size).x <= max_width) return cut;
  }
  return "…";
}

float LegendLayout::width() const {
  return 2.0f * margin + static_cast<float>(columns) * cell + static_cast<float>(columns - 1) * column_gap;
}

float LegendLayout::height() const {
  const int rows = (static_cast<int>(entries.size()) + columns - 1) / std::max(1, columns);
  return 2.0f * margin + static_cast<float>(rows) * row;
}

LegendLayout legend_column(Canvas& canvas, const std::vector<Item>& items, float ts) {
  LegendLayout L;
  std::unordered_set<std::string> seen;
  for (const Item& it : items) {
    if (!it.in_legend || !seen.insert(it.name).second) continue;
    L.entries.push_back(&it);
    L.names.push_back(it.name);
  }
  L.text_size = ts;
  L.swatch = ts * 1.4f;
  L.gap = ts * 0.4f;
  L.row = ts * 1.3f;
  L.margin = ts * 0.4f;
  L.columns = 1;
  L.cell = L.swatch + L.gap + widest(canvas, L.names, ts);
  return L;
}

LegendLayout legend_rows(Canvas& canvas, const LegendLayout& column, float scale, float max_width) {
  LegendLayout L = column;
  const float s = column.text_size * scale;
  L.text_size = s;
  L.swatch = s * 1.1f;
  L.gap = s * 0.35f;
  L.row = s * 1.25f;
  L.margin = 0.0f;  // no box: the rows sit on the plot's background, outside the axes
  L.column_gap = s * 0.9f;
  // Whole names, as many columns as fit; only a name wider than the whole row is shortened.
  for (std::string& name : L.names) name = elide_middle(canvas, name, s, max_width - L.swatch - L.gap);
  L.cell = L.swatch + L.gap + widest(canvas, L.names, s);
  const int n = static_cast<int>(L.entries.size());
  const int fit = static_cast<int>(std::floor((max_width + L.column_gap) / (L.cell + L.column_gap)));
  L.columns = std::clamp(fit, 1, std::max(1, n));
  const int rows = (n + L.columns - 1) / L.columns;
  L.columns = (n + rows - 1) / std::max(1, rows);  // as even as the rows allow: 3 + 3, not 4 + 2
  return L;
}

void draw_legend(Canvas& canvas, const LegendLayout& L, const PlotTheme& theme) {
  if (L.place == LegendLayout::Place::none || L.entries.empty()) return;
  if (L.place == LegendLayout::Place::inside) {
    canvas.rect_filled(L.box, theme.legend_background);
    canvas.rect_outline(L.box, theme.grid, 1.0f);
  }
  const float ts = L.text_size;
  const TextStyle style{ts, theme.text, HAlign::left, VAlign::middle};
  for (size_t i = 0; i < L.entries.size(); ++i) {
    const Item& it = *L.entries[i];
    const int col = static_cast<int>(i) % L.columns, row = static_cast<int>(i) / L.columns;
    const float sx = L.box.x0 + L.margin + static_cast<float>(col) * (L.cell + L.column_gap);
    const float cy = L.box.y0 + L.margin + L.row * (static_cast<float>(row) + 0.5f);
    switch (it.kind) {
      case ItemKind::line:
      case ItemKind::contour:
        canvas.line({sx, cy}, {sx + L.swatch, cy}, it.color, std::min(it.width, ts * 0.3f));
        break;
      case ItemKind::scatter:
        canvas.circle_filled({sx + L.swatch * 0.5f, cy}, ts * 0.25f, it.color);
        break;
      default:
        canvas.rect_filled({sx, cy - ts * 0.3f, sx + L.swatch, cy + ts * 0.3f},
                           it.color.with_alpha(std::max(0.5f, it.fill_alpha)));
    }
    canvas.text({sx + L.swatch + L.gap, cy}, L.names[i], style);
  }
}

}  // namespace bnlab::plot::detail
