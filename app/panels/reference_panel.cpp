// What this file is: the reference lab: runs A and B after a published run's last epoch, beside
// the numbers the source printed (core/lesson/published.h), as a table big enough for the back
// of the room. Ours are computed from each run's history as the source's loop computes its own
// (core/lesson/epoch_summary.h); where a run does not train as the source did (learning rate,
// batch size), the table says so under its row.
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/lesson/epoch_summary.h"
#include "core/lesson/published.h"
#include "panels/panel.h"
#include "panels/plot_area.h"
#include "ui/problems.h"
#include "ui/text.h"

namespace bnlab {
namespace {

std::string number(float v) {
  if (!std::isfinite(v)) return "—";
  char s[16];
  std::snprintf(s, sizeof s, "%.3f", v);
  return s;
}

// One run's rows: ours after the source's last epoch, and the source's.
struct RunRows {
  std::string run;               // "A", "B"
  const PublishedRun* source = nullptr;
  std::string ours_label, note;  // note: what is missing, or how the run differs from the source
  float loss = NAN, train = NAN, test = NAN;
};

RunRows rows_for(const char* run, const TrainerSnapshot* s, const History* h, const PublishedRun* src) {
  RunRows r;
  r.run = run;
  r.source = src;
  if (!src) return r;
  const std::string epochs = std::to_string(src->epochs);
  if (!s || !s->config || !s->data || !h || s->data->train.size() == 0) {
    r.note = ui::tr("reference.no_run");
    return r;
  }
  const TrainConfig& t = s->config->train;
  char lr[32];
  std::snprintf(lr, sizeof lr, "%g", t.lr);
  r.ours_label = ui::fill(ui::tr("reference.ours"), {{"lr", lr}, {"batch", std::to_string(t.batch_size)}});
  const int64_t per_epoch = t.batch_size > 0 ? s->data->train.size() / t.batch_size : 0;
  if (per_epoch < 1) {
    r.note = ui::tr("reference.no_epoch");
    return r;
  }
  const EpochSummary e = epoch_summary(*h, per_epoch, src->epochs);
  if (s->diverged) r.note = ui::tr("reference.diverged");
  else if (!e.trained)
    r.note = ui::fill(ui::tr("reference.training"), {{"step", std::to_string(s->step)},
                                                     {"last", std::to_string(e.last_step)}, {"epochs", epochs}});
  if (e.trained) {
    r.loss = e.train_loss;
    r.train = e.train_accuracy;
  }
  if (e.tested) r.test = e.test_accuracy;
  if (r.note.empty() && (std::abs(t.lr - src->lr) > 1e-6f * src->lr || t.batch_size != src->batch_size)) {
    char theirs[32];
    std::snprintf(theirs, sizeof theirs, "%g", src->lr);
    r.note = ui::fill(ui::tr("reference.differs"), {{"lr", theirs}, {"batch", std::to_string(src->batch_size)}});
  }
  return r;
}

// Each run in four lines: our label, our numbers, the source's name, its numbers (and a note).
// The numbers sit in three right-aligned columns under one header, so a half-width cell holds it.
void draw_table(plot::Canvas& canvas, plot::Rect rect, const std::vector<RunRows>& runs, const plot::PlotTheme& look,
                const plot::Color (&colors)[2]) {
  canvas.rect_filled(rect, look.background);
  canvas.push_clip(rect);
  const float base = canvas.default_text_size() * 1.2f;
  // Shrink the text only if the longest line would not fit the cell.
  float widest = canvas.measure_text(ui::tr("reference.after_last_epoch"), base).x;
  for (const RunRows& r : runs) {
    if (!r.source) continue;
    widest = std::max({widest, canvas.measure_text(r.run + " · " + r.ours_label, base).x,
                       canvas.measure_text(ui::tr(r.source->name_key.c_str()), base).x * 1.0f + base,
                       canvas.measure_text(r.note, base * 0.85f).x + base});
  }
  const float ts = base * std::min(1.0f, (rect.width() - base) / std::max(widest, 1.0f));
  const float pad = ts * 0.5f, line = ts * 1.35f;
  const float col = std::max(canvas.measure_text("0.000", ts).x,
                             std::max(canvas.measure_text(ui::tr("reference.train"), ts).x,
                                      canvas.measure_text(ui::tr("reference.test"), ts).x)) + ts;
  const float x_test = rect.x1 - pad, x_train = x_test - col, x_loss = x_train - col;
  const plot::Color dim = look.text.with_alpha(0.7f);
  float y = rect.y0 + pad;
  canvas.text({rect.x0 + pad, y}, ui::tr("reference.after_last_epoch"), {ts, look.text});
  y += line;
  for (auto [x, key] : {std::pair{x_loss, "reference.loss"}, {x_train, "reference.train"}, {x_test, "reference.test"}})
    canvas.text({x, y}, ui::tr(key), {ts, dim, plot::HAlign::right});
  y += line * 1.2f;
  auto numbers = [&](float loss, float train, float test, plot::Color c) {
    for (auto [x, v] : {std::pair{x_loss, loss}, {x_train, train}, {x_test, test}})
      canvas.text({x, y}, number(v), {ts, c, plot::HAlign::right});
    y += line;
  };
  for (size_t i = 0; i < runs.size(); ++i) {
    const RunRows& r = runs[i];
    if (!r.source) continue;
    canvas.text({rect.x0 + pad, y}, r.run + " · " + r.ours_label, {ts, colors[i]});
    y += line;
    numbers(r.loss, r.train, r.test, colors[i]);
    if (!r.note.empty()) {  // under our numbers: it says why they are missing or how we differ
      canvas.text({rect.x0 + pad + ts, y}, r.note, {ts * 0.85f, look.text});
      y += line;
    }
    canvas.text({rect.x0 + pad + ts, y}, ui::tr(r.source->name_key.c_str()), {ts, dim});
    y += line;
    if (std::isfinite(r.source->test_accuracy)) {
      numbers(r.source->loss, r.source->train_accuracy, r.source->test_accuracy, dim);
    } else {
      canvas.text({x_test, y}, ui::tr("reference.not_printed"), {ts, dim, plot::HAlign::right});
      y += line;
    }
    y += line * 0.6f;
  }
  canvas.pop_clip();
}

std::string table_csv(const std::vector<RunRows>& runs) {
  std::string out = "run,source,what,loss,train_accuracy,test_accuracy\n";
  for (const RunRows& r : runs) {
    if (!r.source) continue;
    out += r.run + "," + r.source->id + ",ours," + number(r.loss) + "," + number(r.train) + "," + number(r.test) + "\n";
    out += r.run + "," + r.source->id + ",published," + number(r.source->loss) + "," + number(r.source->train_accuracy) +
           "," + number(r.source->test_accuracy) + "\n";
  }
  return out;
}

struct ReferencePanel : Panel {
  std::string source_[2];  // the published run each of A and B is set beside ("" : none)

  const char* key() const override { return "panel.reference"; }
  void apply_setting(const std::string& name, const nlohmann::json& v) override {
    if (name == "a") source_[0] = v == "none" ? "" : v.get<std::string>();
    if (name == "b") source_[1] = v == "none" ? "" : v.get<std::string>();
  }

  void draw(PanelContext& ctx) override {
    const PublishedRun* src[2] = {published_run(source_[0]), published_run(source_[1])};
    if (!src[0] && !src[1]) {
      ImGui::TextWrapped("%s", ui::tr("reference.none"));
      return;
    }
    const std::vector<RunRows> runs = {rows_for("A", ctx.a.get(), ctx.history_a.get(), src[0]),
                                       rows_for("B", ctx.b.get(), ctx.history_b.get(), src[1])};
    const plot::PlotTheme look = plot::theme_by_name(ctx.theme.name);
    const plot::Color colors[2] = {to_color(ctx.theme.run_a), to_color(ctx.theme.run_b)};
    plot_area(
        ctx, "reference", [&](plot::Canvas& canvas, plot::Rect rect) { draw_table(canvas, rect, runs, look, colors); },
        0.0f, 0.0f, [&] { return table_csv(runs); });
  }
};

}  // namespace

std::unique_ptr<Panel> make_reference_panel() { return std::make_unique<ReferencePanel>(); }

}  // namespace bnlab
