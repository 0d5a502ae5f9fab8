// What this file is: the hyperparameter search's heatmap and small multiples (search_grid_view.h).
#include "panels/search_grid_view.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "ui/text_wrap.h"

namespace bnlab {
namespace {

float text_width(plot::Canvas& c, const std::string& s, float size = 0.0f) { return c.measure_text(s, size).x; }

// The caption's lines at the width of the drawing: the heatmap draws them, the curves keep the
// same room so that the two grids stand level side by side.
std::vector<std::string> caption_lines(plot::Canvas& canvas, plot::Rect rect, const SearchView& v) {
  if (v.caption.empty()) return {};
  return ui::wrap_text(v.caption, rect.width() - canvas.default_text_size() * 0.4f,
                       [&](std::string_view t) { return canvas.measure_text(t, 0).x; });
}

float luminance(plot::Color c) { return 0.2126f * c.r + 0.7152f * c.g + 0.0722f * c.b; }

// A diverged cell (or one that could not be built): crossed out in the warning colour, with the word, so it reads as "no number"
// and not as the worst colour of the scale.
void draw_diverged(plot::Canvas& canvas, plot::Rect r, const SearchView& v, float lw, const std::string& word) {
  canvas.rect_filled(r, v.warning.with_alpha(0.18f));
  canvas.line({r.x0, r.y0}, {r.x1, r.y1}, v.warning.with_alpha(0.8f), lw);
  canvas.line({r.x0, r.y1}, {r.x1, r.y0}, v.warning.with_alpha(0.8f), lw);
  const float ts = canvas.default_text_size();
  const float size = std::min(ts, ts * (r.width() - 4.0f) / std::max(1.0f, text_width(canvas, word)));
  if (size < ts * 0.5f) return;
  const plot::Vec2 mid{(r.x0 + r.x1) / 2, (r.y0 + r.y1) / 2};
  const plot::Vec2 box = canvas.measure_text(word, size);
  canvas.rect_filled({mid.x - box.x / 2 - 2, mid.y - box.y / 2, mid.x + box.x / 2 + 2, mid.y + box.y / 2},
                     v.theme.plot_background.with_alpha(0.85f));
  canvas.text(mid, word, {size, v.warning, plot::HAlign::center, plot::VAlign::middle});
}

// The title, the axes' titles and the values' labels around the cells.
SearchGridLayout draw_frame(plot::Canvas& canvas, plot::Rect rect, const SearchView& v, bool caption) {
  const SearchGridLayout l = layout_search_grid(canvas, rect, v);
  canvas.rect_filled(rect, v.theme.background);
  const float ts = canvas.default_text_size();
  if (caption) {
    const std::vector<std::string> lines = caption_lines(canvas, rect, v);
    for (size_t k = 0; k < lines.size(); ++k)
      canvas.text({rect.x0 + ts * 0.2f, l.cells.y1 + ts * 2.4f + ts * 1.15f * static_cast<float>(k)}, lines[k],
                  {0, v.theme.text.with_alpha(0.8f)});
  }
  canvas.text({(rect.x0 + rect.x1) / 2, rect.y0 + ts * 0.1f}, v.title, {0, v.theme.text, plot::HAlign::center});
  canvas.text({rect.x0 + ts * 0.1f, (l.cells.y0 + l.cells.y1) / 2}, v.row_title,
              {0, v.theme.text, plot::HAlign::center, plot::VAlign::top, true});
  canvas.text({(l.cells.x0 + l.cells.x1) / 2, l.cells.y1 + ts * 1.25f}, v.col_title, {0, v.theme.text, plot::HAlign::center});
  for (int i = 0; i < l.rows; ++i) {
    const plot::Rect c = l.cell(i, 0);
    canvas.text({l.cells.x0 - ts * 0.3f, (c.y0 + c.y1) / 2}, v.row_labels[i],
                {0, v.theme.text, plot::HAlign::right, plot::VAlign::middle});
  }
  for (int j = 0; j < l.cols; ++j) {
    const plot::Rect c = l.cell(0, j);
    const float w = text_width(canvas, v.col_labels[j]);
    const float size = w > c.width() ? std::max(ts * 0.6f, ts * c.width() / w) : 0.0f;
    canvas.text({(c.x0 + c.x1) / 2, l.cells.y1 + ts * 0.15f}, v.col_labels[j], {size, v.theme.text, plot::HAlign::center});
  }
  return l;
}

void frame_special(plot::Canvas& canvas, const SearchGridLayout& l, const SearchView& v, int best) {
  if (best >= 0) canvas.rect_outline(l.cell(best / l.cols, best % l.cols), v.accent, 4.0f * v.line_width / 1.5f);
  if (v.b_cell >= 0 && v.b_cell < l.rows * l.cols) {
    plot::Rect r = l.cell(v.b_cell / l.cols, v.b_cell % l.cols);
    const float in = 5.0f * v.line_width / 1.5f;
    canvas.rect_outline({r.x0 + in, r.y0 + in, r.x1 - in, r.y1 - in}, v.run_b, 2.0f * v.line_width / 1.5f);
  }
}

}  // namespace

plot::Rect SearchGridLayout::cell(int i, int j) const {
  const float w = cells.width() / static_cast<float>(std::max(1, cols)), h = cells.height() / static_cast<float>(std::max(1, rows));
  return {cells.x0 + w * j, cells.y0 + h * i, cells.x0 + w * (j + 1), cells.y0 + h * (i + 1)};
}

int SearchGridLayout::hit(plot::Vec2 p) const {
  if (rows <= 0 || cols <= 0 || p.x < cells.x0 || p.x >= cells.x1 || p.y < cells.y0 || p.y >= cells.y1) return -1;
  const int j = std::min(cols - 1, static_cast<int>((p.x - cells.x0) / cells.width() * cols));
  const int i = std::min(rows - 1, static_cast<int>((p.y - cells.y0) / cells.height() * rows));
  return i * cols + j;
}

SearchGridLayout layout_search_grid(plot::Canvas& canvas, plot::Rect rect, const SearchView& v) {
  const float ts = canvas.default_text_size();
  float label_w = 0.0f;
  for (const std::string& s : v.row_labels) label_w = std::max(label_w, text_width(canvas, s));
  SearchGridLayout l;
  l.rows = static_cast<int>(v.rows());
  l.cols = static_cast<int>(v.cols());
  const float caption_h = ts * 1.15f * static_cast<float>(caption_lines(canvas, rect, v).size());
  l.cells = {rect.x0 + ts * 1.4f + label_w + ts * 0.4f, rect.y0 + ts * 1.5f, rect.x1 - ts * 0.3f,
             rect.y1 - ts * 2.5f - caption_h};
  if (l.cells.width() < 10 || l.cells.height() < 10) l.rows = l.cols = 0;
  return l;
}

std::string search_cell_text(double value, SearchMetric metric) {
  char s[32];
  if (higher_is_better(metric)) std::snprintf(s, sizeof s, "%.1f%%", 100.0 * value);
  else std::snprintf(s, sizeof s, "%.3f", value);
  return s;
}

SearchGridLayout draw_search_heatmap(plot::Canvas& canvas, plot::Rect rect, const SearchView& v) {
  const SearchGridLayout l = draw_frame(canvas, rect, v, true);
  if (l.rows == 0) return l;
  const SearchScale scale = search_scale(v.results, v.metric);
  const float ts = canvas.default_text_size(), lw = 2.0f * v.line_width / 1.5f;
  for (int i = 0; i < l.rows; ++i)
    for (int j = 0; j < l.cols; ++j) {
      const size_t k = static_cast<size_t>(i * l.cols + j);
      const plot::Rect c = l.cell(i, j);
      const CellResult& r = v.results[k];
      canvas.rect_filled(c, v.theme.plot_background);
      if (r.diverged || !r.error.empty()) {
        draw_diverged(canvas, c, v, lw, r.diverged ? v.diverged : v.failed);
      } else if (const double value = search_metric(r, v.metric); std::isfinite(value)) {
        // Brighter is better whatever the metric: viridis' yellow is the best cell.
        const plot::Color fill = plot::colormap_at(plot::Colormap::viridis, static_cast<float>(search_shade(value, scale, v.metric)));
        canvas.rect_filled(c, r.finished ? fill : fill.with_alpha(0.45f));  // faint while the cell still trains
        const std::string text = search_cell_text(value, v.metric);
        const float w = text_width(canvas, text);
        const float size = w + 6.0f > c.width() ? std::max(ts * 0.55f, ts * (c.width() - 6.0f) / w) : 0.0f;
        const plot::Color ink = !r.finished ? v.theme.text : luminance(fill) > 0.45f ? plot::Color{0, 0, 0, 1} : plot::Color{1, 1, 1, 1};
        canvas.text({(c.x0 + c.x1) / 2, (c.y0 + c.y1) / 2}, text, {size, ink, plot::HAlign::center, plot::VAlign::middle});
      }
      canvas.rect_outline(c, v.theme.frame.with_alpha(0.5f), 1.0f);
    }
  frame_special(canvas, l, v, scale.best);
  return l;
}

SearchGridLayout draw_search_curves(plot::Canvas& canvas, plot::Rect rect, const SearchView& v) {
  const SearchGridLayout l = draw_frame(canvas, rect, v, false);
  if (l.rows == 0) return l;
  const bool accuracy = higher_is_better(v.metric);
  // One y scale for every cell, so the multiples compare at a glance: accuracy 0-1; loss from 0
  // to the highest test loss of the cells that did not diverge.
  const double y_max = accuracy ? 1.0 : search_curves_loss_max(v.results);
  const float pad = std::max(2.0f, canvas.default_text_size() * 0.15f), lw = v.line_width;
  for (int i = 0; i < l.rows; ++i)
    for (int j = 0; j < l.cols; ++j) {
      const CellResult& r = v.results[static_cast<size_t>(i * l.cols + j)];
      const plot::Rect c = l.cell(i, j);
      const plot::Rect in{c.x0 + pad, c.y0 + pad, c.x1 - pad, c.y1 - pad};
      canvas.rect_filled(in, v.theme.plot_background);
      canvas.rect_outline(in, v.theme.frame.with_alpha(0.5f), 1.0f);
      if (r.diverged || !r.error.empty()) {
        draw_diverged(canvas, in, v, 2.0f * lw / 1.5f, r.diverged ? v.diverged : v.failed);
        continue;
      }
      const double x_max = static_cast<double>(std::max<int64_t>(1, r.steps_planned));
      auto at = [&](double step, double y) {
        return plot::Vec2{in.x0 + static_cast<float>(step / x_max) * in.width(),
                          in.y1 - static_cast<float>(std::clamp(y / y_max, 0.0, 1.0)) * in.height()};
      };
      canvas.push_clip(in);
      std::vector<plot::Vec2> line;
      if (!accuracy) {
        for (const CellTrainLoss& p : r.train_loss) line.push_back(at(static_cast<double>(p.step), p.loss));
        if (line.size() > 1) canvas.polyline(line.data(), static_cast<int>(line.size()), v.run_a.with_alpha(0.35f), lw * 0.7f, false);
        line.clear();
      }
      for (const CellEval& e : r.evals) line.push_back(at(static_cast<double>(e.step), accuracy ? e.accuracy : e.loss));
      if (line.size() > 1) canvas.polyline(line.data(), static_cast<int>(line.size()), v.run_a, lw, false);
      for (const plot::Vec2& p : line) canvas.circle_filled(p, lw * 1.2f, v.run_a);
      canvas.pop_clip();
    }
  frame_special(canvas, l, v, search_scale(v.results, v.metric).best);
  return l;
}

double search_curves_loss_max(const std::vector<CellResult>& results) {
  std::vector<double> finals;
  double y_max = 0.0;
  for (const CellResult& r : results) {
    if (r.diverged || r.evals.empty()) continue;
    for (const CellEval& e : r.evals)
      if (std::isfinite(e.loss)) y_max = std::max(y_max, e.loss);
    if (std::isfinite(r.evals.back().loss)) finals.push_back(r.evals.back().loss);
  }
  // A run whose loss blew up (40 where the others end near 1) would flatten every other curve
  // into the bottom line: the scale stops at three times the median final loss, and that run's
  // curve runs along the top.
  if (!finals.empty()) {
    std::nth_element(finals.begin(), finals.begin() + finals.size() / 2, finals.end());
    y_max = std::min(y_max, 3.0 * finals[finals.size() / 2]);
  }
  return y_max > 0.0 ? y_max * 1.1 : 1.0;
}

std::string search_heatmap_csv(const SearchView& v) {
  std::string csv = "row,column,value\n";
  for (size_t k = 0; k < v.results.size() && v.cols() > 0; ++k) {
    const double value = search_metric(v.results[k], v.metric);
    char num[32];
    std::snprintf(num, sizeof num, "%.6g", value);
    csv += "\"" + v.row_labels[k / v.cols()] + "\",\"" + v.col_labels[k % v.cols()] + "\"," +
           (v.results[k].diverged          ? std::string("diverged")
            : !v.results[k].error.empty() ? std::string("failed")
            : std::isfinite(value) ? std::string(num) : std::string()) + "\n";
  }
  return csv;
}

std::string search_curves_csv(const SearchView& v) {
  std::string csv = "row,column,series,step,value\n";
  char line[160];
  for (size_t k = 0; k < v.results.size() && v.cols() > 0; ++k) {
    const std::string cell = "\"" + v.row_labels[k / v.cols()] + "\",\"" + v.col_labels[k % v.cols()] + "\",";
    for (const CellEval& e : v.results[k].evals) {
      std::snprintf(line, sizeof line, "test_loss,%lld,%.6g\n", static_cast<long long>(e.step), e.loss);
      csv += cell + line;
      std::snprintf(line, sizeof line, "test_accuracy,%lld,%.6g\n", static_cast<long long>(e.step), e.accuracy);
      csv += cell + line;
    }
    for (const CellTrainLoss& p : v.results[k].train_loss) {
      std::snprintf(line, sizeof line, "train_loss,%lld,%.6g\n", static_cast<long long>(p.step), static_cast<double>(p.loss));
      csv += cell + line;
    }
  }
  return csv;
}

}  // namespace bnlab
