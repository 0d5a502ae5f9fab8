// What this file is: the train-vs-inference table on a canvas (inference_table.h).
#include "panels/inference_table.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "ui/text.h"
#include "ui/text_wrap.h"

namespace bnlab {
namespace {

// Row order: what training does, what PyTorch's eval() does, what the paper's Algorithm 2 does.
constexpr const char* kRowKeys[3] = {"inference.row_batch", "inference.row_running", "inference.row_population"};

const EvalResult& row_of(const InferenceComparison& c, int row) {
  return row == 0 ? c.batch : row == 1 ? c.running : c.population;
}

std::string number(const char* format, double v) {
  if (!std::isfinite(v)) return "—";
  char buf[32];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

}  // namespace

void draw_inference_table(plot::Canvas& canvas, plot::Rect rect, const plot::PlotTheme& theme, const InferenceTable& t) {
  canvas.rect_filled(rect, theme.background);
  const float ts = canvas.default_text_size(), pad = ts * 0.4f, line = ts * 1.35f;
  canvas.push_clip(rect);
  float y = rect.y0 + pad;
  auto measure = [&](std::string_view s) { return canvas.measure_text(s, 0).x; };
  for (const std::string& l : ui::wrap_text(t.title, rect.width() - 2 * pad, measure)) {
    canvas.text({rect.x0 + pad, y}, l, {0, theme.text});
    y += line;
  }
  // Columns: the row's name, then loss and accuracy of A, then of B, under a line naming the run.
  // The name column takes what its longest name needs; the numbers share the rest.
  float name_w = measure(ui::tr("inference.statistics"));
  for (const char* k : kRowKeys) name_w = std::max(name_w, measure(ui::tr(k)));
  name_w = std::min(name_w + 2 * pad, rect.width() * 0.4f);
  const float col_w = (rect.width() - name_w - pad) / 4.0f;
  const plot::Color run_color[2] = {t.color_a, t.color_b};
  auto right_of = [&](int column) { return rect.x0 + name_w + col_w * static_cast<float>(column + 1) - pad; };
  y += pad * 0.5f;
  for (int run = 0; run < 2; ++run)
    canvas.text({(right_of(run * 2) + right_of(run * 2 + 1)) * 0.5f - col_w * 0.25f, y}, run == 0 ? "A" : "B",
                {0, run_color[run], plot::HAlign::center});
  y += line;
  canvas.text({rect.x0 + pad, y}, ui::tr("inference.statistics"), {0, theme.text});
  for (int c = 0; c < 4; ++c)
    canvas.text({right_of(c), y}, ui::tr(c % 2 == 0 ? "inference.loss" : "inference.accuracy"),
                {0, run_color[c / 2], plot::HAlign::right});
  y += line;
  canvas.line({rect.x0 + pad, y - pad * 0.5f}, {rect.x1 - pad, y - pad * 0.5f}, theme.grid, 1.0f);
  for (int row = 0; row < 3; ++row) {
    canvas.text({rect.x0 + pad, y}, ui::tr(kRowKeys[row]), {0, theme.text});
    for (int run = 0; run < 2; ++run) {
      const std::optional<InferenceComparison>& c = run == 0 ? t.a : t.b;
      for (int k = 0; k < 2; ++k) {
        std::string cell = "…";
        if (c) {
          const EvalResult& r = row_of(*c, row);
          cell = k == 0 ? number("%.3f", r.loss) : number("%.1f%%", 100.0 * r.accuracy);
        }
        canvas.text({right_of(run * 2 + k), y}, cell, {0, theme.text, plot::HAlign::right});
      }
    }
    y += line;
  }
  y += pad;
  for (const std::string& note : t.notes)
    for (const std::string& l : ui::wrap_text(note, rect.width() - 2 * pad, measure)) {
      canvas.text({rect.x0 + pad, y}, l, {0, theme.text});
      y += ts * 1.2f;
    }
  canvas.pop_clip();
}

void draw_message(plot::Canvas& canvas, plot::Rect rect, const plot::PlotTheme& theme, const std::string& text) {
  canvas.rect_filled(rect, theme.background);
  const float ts = canvas.default_text_size(), pad = ts * 0.4f;
  float y = rect.y0 + pad;
  canvas.push_clip(rect);
  for (const std::string& l :
       ui::wrap_text(text, rect.width() - 2 * pad, [&](std::string_view s) { return canvas.measure_text(s, 0).x; })) {
    canvas.text({rect.x0 + pad, y}, l, {0, theme.text});
    y += ts * 1.2f;
  }
  canvas.pop_clip();
}

std::string inference_table_csv(const InferenceTable& t) {
  static const char* kModes[3] = {"batch", "running", "population"};
  std::string csv = "run,statistics,step,test_examples,test_loss,test_accuracy\n";
  for (int run = 0; run < 2; ++run) {
    const std::optional<InferenceComparison>& c = run == 0 ? t.a : t.b;
    if (!c) continue;
    for (int row = 0; row < 3; ++row) {
      const EvalResult& r = row_of(*c, row);
      char buf[160];
      std::snprintf(buf, sizeof buf, "%s,%s,%lld,%d,%.6g,%.6g\n", run == 0 ? "A" : "B", kModes[row],
                    static_cast<long long>(c->step), r.examples, r.loss, r.accuracy);
      csv += buf;
    }
  }
  return csv;
}

}  // namespace bnlab
