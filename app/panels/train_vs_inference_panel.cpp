// What this file is: the train-vs-inference lab. Runs A's and B's latest weights (their
// ModelState) evaluated the three ways BN can run at inference, side by side: each test batch's
// own statistics (what training does), the running statistics (PyTorch's eval()), and population
// statistics from a pass over the training set (Ioffe & Szegedy 2015, Algorithm 2); then, for
// the selected BN block of run A, how far the running mean and variance are from the population
// ones, feature by feature, with the largest gap named; and what goes wrong in training mode one
// example at a time. The numbers come from core/probes/inference_modes.h on a LabJob per run,
// started again whenever a newer ModelState has arrived and the last job has finished.
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/probes/inference_modes.h"
#include "panels/inference_table.h"
#include "panels/lab_job.h"
#include "panels/panel.h"
#include "panels/plot_area.h"
#include "panels/plot_grid.h"
#include "core/train/twin_runs.h"
#include "ui/problems.h"
#include "ui/text.h"

namespace bnlab {
namespace {

constexpr int kSingleExamples = 200;  // test images run one at a time in training mode

// One run's evaluations: the job, and which state and settings it was started with.
struct RunEvaluation {
  LabJob<InferenceComparison> job;
  std::shared_ptr<const ModelState> started;
  int settings_version = -1;

  // Whether the snapshot has a network (or the panel settings) newer than the last job's.
  bool stale(const std::shared_ptr<const TrainerSnapshot>& s, int version) const {
    return s && s->model_state && s->data && (s->model_state != started || version != settings_version);
  }
  // Starts a job for the snapshot's newest state once the last has finished.
  void update(const std::shared_ptr<const TrainerSnapshot>& s, const InferenceSettings& settings, int version) {
    if (!stale(s, version)) return;
    if (version != settings_version) job.cancel();  // new settings: the old numbers are not wanted
    if (job.running()) return;
    started = s->model_state;
    settings_version = version;
    InferenceSettings set = settings;
    if (s->config) set.batch_size = s->config->train.batch_size;
    if (s->config) set.loss = s->config->train.loss == "mse" ? LossKind::mse : LossKind::cross_entropy;
    job.start([state = started, data = s->data, set](const std::atomic<bool>& cancel) {
      std::optional<InferenceComparison> c = compare_inference(*state, *data, set, &cancel);
      return c ? std::make_shared<const InferenceComparison>(std::move(*c)) : nullptr;
    });
  }
  std::optional<InferenceComparison> result() const {
    auto r = job.result();
    return r ? std::optional<InferenceComparison>(*r) : std::nullopt;
  }
};

std::string fmt(const char* format, double v) {
  char buf[48];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

struct TrainVsInferencePanel : Panel {
  static constexpr const char* kKey = "panel.train_vs_inference";
  // Mutable: busy() starts the job a headless render waits for (see there); on the window's
  // thread, as draw().
  mutable RunEvaluation a_, b_;
  int test_examples_ = 2000, population_examples_ = 10000;
  int edit_test_ = 2000, edit_population_ = 10000;  // the sliders' values while dragged
  int settings_version_ = 0;
  int shown_ = 0;  // in a small cell, the gap plot shown: 0 mean, 1 variance
  const ui::Session* session_ = nullptr;  // the lab's, which outlives its panels

  const char* key() const override { return kKey; }
  // A headless render waits until both runs' newest networks are evaluated. It draws no frame
  // while it waits, so a network that arrived while a job ran is started from here: waiting on
  // it alone would never end. Before its first draw the panel knows no session and asks for the
  // frame that gives it one.
  bool busy() const override {
    if (!session_) return true;
    const TwinRuns* twins = session_->twins();
    if (twins) {
      a_.update(twins->a().snapshot(), settings(), settings_version_);
      b_.update(twins->b().snapshot(), settings(), settings_version_);
    }
    return a_.job.running() || b_.job.running();
  }

  InferenceSettings settings() const {
    InferenceSettings s;
    s.test_examples = test_examples_;
    s.population_examples = population_examples_;
    s.single_examples = kSingleExamples;
    return s;
  }

  void apply_setting(const std::string& name, const nlohmann::json& v) override {
    if (name == "examples" && v.get<int>() != test_examples_) {
      test_examples_ = v.get<int>();
      ++settings_version_;
    }
    if (name == "population" && v.get<int>() != population_examples_) {
      population_examples_ = v.get<int>();
      ++settings_version_;
    }
    if (name == "shown") shown_ = v == "variance" ? 1 : 0;
  }

  void draw_controls(PanelContext& ctx) {
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 7);
    // The sliders hold their own value while dragged; the setting changes (and the numbers are
    // computed again) when they are let go.
    ImGui::SliderInt(ui::tr_id("inference.test_examples"), &edit_test_, 100, 10000, "%d", ImGuiSliderFlags_Logarithmic);
    if (ImGui::IsItemDeactivatedAfterEdit()) ctx.actions.post(ui::act::SetPanelSetting{kKey, "examples", edit_test_});
    if (!ImGui::IsItemActive()) edit_test_ = test_examples_;
    same_line_if_fits(ImGui::GetFontSize() * 16);
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 7);
    ImGui::SliderInt(ui::tr_id("inference.population_examples"), &edit_population_, 1000, 60000, "%d",
                     ImGuiSliderFlags_Logarithmic);
    if (ImGui::IsItemDeactivatedAfterEdit())
      ctx.actions.post(ui::act::SetPanelSetting{kKey, "population", edit_population_});
    if (!ImGui::IsItemActive()) edit_population_ = population_examples_;
    if (a_.job.running() || b_.job.running()) {
      same_line_if_fits(ImGui::GetFontSize() * 8);
      ImGui::TextDisabled("%s", ui::tr("inference.computing"));
    }
  }

  // The sentences under the table: what the numbers are over, a run without BN, a diverged run,
  // and what training mode does with one image.
  std::vector<std::string> notes(const PanelContext& ctx, const std::optional<InferenceComparison>& a,
                                 const std::optional<InferenceComparison>& b) const {
    std::vector<std::string> out;
    const std::optional<InferenceComparison>& any = a ? a : b;
    if (any && ((a && a->has_bn) || (b && b->has_bn)))
      out.push_back(ui::fill(ui::tr("inference.over"), {{"train", std::to_string(any->population_examples)}}));
    for (int run = 0; run < 2; ++run) {
      const auto& c = run == 0 ? a : b;
      const auto& s = run == 0 ? ctx.a : ctx.b;
      const char* name = run == 0 ? "A" : "B";
      if (s && s->diverged) out.push_back(ui::fill(ui::tr("inference.diverged"), {{"run", name}}));
      else if (c && !c->has_bn) out.push_back(ui::fill(ui::tr("inference.no_bn"), {{"run", name}}));
    }
    if (a && a->has_bn && a->single.examples > 0) {
      const SingleExampleResult& r = a->single;
      const std::string acc = fmt("%.1f%%", 100.0 * r.correct / r.examples);
      if (r.distinct == 1)
        out.push_back(ui::fill(ui::tr("inference.single_same"), {{"count", std::to_string(r.examples)},
                                                                 {"class", std::to_string(r.most_common)},
                                                                 {"accuracy", acc}}));
      else
        out.push_back(ui::fill(ui::tr("inference.single_varied"), {{"count", std::to_string(r.examples)},
                                                                   {"distinct", std::to_string(r.distinct)},
                                                                   {"accuracy", acc}}));
      if (r.one_value_norm) out.push_back(ui::tr("inference.single_why"));
    }
    return out;
  }

  void draw(PanelContext& ctx) override {
    session_ = &ctx.session;
    if (!ctx.a || !ctx.a->model_state || !ctx.a->data) {
      ImGui::TextWrapped("%s", ui::tr("inference.waiting"));
      return;
    }
    a_.update(ctx.a, settings(), settings_version_);
    b_.update(ctx.b, settings(), settings_version_);
    draw_controls(ctx);

    InferenceTable table;
    table.a = a_.result();
    table.b = b_.result();
    const int64_t step = table.a ? table.a->step : 0;
    const int tested = table.a ? table.a->test_examples : 0;
    table.title = ui::fill(ui::tr("inference.table_title"), {{"step", std::to_string(step)}, {"test", std::to_string(tested)}});
    table.notes = notes(ctx, table.a, table.b);
    table.color_a = to_color(ctx.theme.run_a);
    table.color_b = to_color(ctx.theme.run_b);
    table.warning = to_color(ctx.theme.warning);
    const plot::PlotTheme theme = plot::theme_by_name(ctx.theme.name);

    // Wide enough for two legible plots: the table on the left, the gaps on the right; else the
    // table above (as tall as its lines) and the gaps below.
    const ImVec2 origin = ImGui::GetCursorScreenPos(), avail = ImGui::GetContentRegionAvail();
    const float em = ImGui::GetFontSize(), gap = ImGui::GetStyle().ItemSpacing.x;
    const float min_w = kMinPlotWidthInLines * em;
    const bool side = avail.x >= 2 * min_w + gap;
    const float table_w = side ? (avail.x - gap) * 0.5f : avail.x;
    const float table_h = side ? avail.y : std::min(avail.y, table_height(table, table_w));
    plot_area(
        ctx, "inference-table",
        [&](plot::Canvas& canvas, plot::Rect rect) { draw_inference_table(canvas, rect, theme, table); }, table_w,
        table_h, [&] { return inference_table_csv(table); });
    const plot::Rect rest = side ? plot::Rect{origin.x + table_w + gap, origin.y, origin.x + avail.x, origin.y + avail.y}
                                 : plot::Rect{origin.x, origin.y + table_h + gap, origin.x + avail.x, origin.y + avail.y};
    if (rest.height() > em * 4) draw_gaps(ctx, table.a, rest);
    ImGui::SetCursorScreenPos(origin);
    ImGui::Dummy(avail);
  }

  // The table's lines at this width, as draw_inference_table lays them out.
  static float table_height(const InferenceTable& t, float width) {
    const float em = ImGui::GetFontSize(), pad = em * 0.4f;
    auto lines = [&](const std::string& s) {
      return std::max(1.0f, std::round(ImGui::CalcTextSize(s.c_str(), nullptr, false, width - 2 * pad).y / ImGui::GetTextLineHeight()));
    };
    float h = 2 * pad + em * 1.35f * (lines(t.title) + 5.0f) + pad * 1.5f;
    for (const std::string& n : t.notes) h += em * 1.2f * lines(n);
    return h + pad;
  }

  // Run A's selected block: running minus population statistics per feature, in `area`.
  void draw_gaps(PanelContext& ctx, const std::optional<InferenceComparison>& a, plot::Rect area) {
    if (!a) return;
    const int block = ctx.selected_block;
    const StatisticsGap* gap = nullptr;
    for (const StatisticsGap& g : a->gaps)
      if (g.block == block) gap = &g;
    ImGui::SetCursorScreenPos(ImVec2(area.x0, area.y0));
    if (!gap) {
      // A run without BN, or a block without it: the sentence where the plot would be.
      const std::string text = a->has_bn ? ui::fill(ui::tr("inference.block_no_bn"), {{"block", std::to_string(block + 1)}})
                                         : ui::fill(ui::tr("inference.no_bn"), {{"run", "A"}});
      const plot::PlotTheme theme = plot::theme_by_name(ctx.theme.name);
      plot_area(
          ctx, "inference-gap-message",
          [&](plot::Canvas& canvas, plot::Rect rect) { draw_message(canvas, rect, theme, text); }, area.width(),
          std::min(area.height(), ImGui::GetFontSize() * 6), [&] { return std::string(); });
      return;
    }
    auto show = [&](int which, float w, float h) {
      const bool mean = which == 0;
      const std::vector<float>& run = mean ? gap->running_mean : gap->running_var;
      const std::vector<float>& pop = mean ? gap->population_mean : gap->population_var;
      const LargestGap largest = largest_gap(run, pop);
      const std::string title = ui::fill(ui::tr(mean ? "inference.gap_mean" : "inference.gap_var"),
                                         {{"block", std::to_string(block + 1)}});
      const std::string largest_label = ui::fill(
          ui::tr("inference.largest"), {{"feature", std::to_string(largest.feature)}, {"gap", fmt("%.2g", largest.value)}});
      const std::string id = mean ? "running-minus-population-mean" : "running-minus-population-var";
      plot_area(
          ctx, id,
          [&](plot::Canvas& canvas, plot::Rect rect) {
            plot::PlotSpec spec = base_spec(ctx, title.c_str(), ui::tr("inference.feature"), "");
            if (!plot::Begin(canvas, id, rect, spec)) return;
            const int n = static_cast<int>(std::min(run.size(), pop.size()));
            std::vector<float> x(n), d(n);
            for (int i = 0; i < n; ++i) {
              x[i] = static_cast<float>(i);
              d[i] = run[i] - pop[i];
            }
            const float zero[2] = {0.0f, 0.0f}, ends[2] = {0.0f, static_cast<float>(std::max(1, n - 1))};
            plot::Line("##zero", ends, zero, 2, {.color = theme_grey(ctx), .line_width = 1.0f});
            plot::Scatter(ui::tr("inference.gap"), x.data(), d.data(), n,
                          {.color = to_color(ctx.theme.run_a), .marker_radius = 3.0f});
            if (largest.feature >= 0) {
              const float lx = x[largest.feature], ly = d[largest.feature];
              plot::Scatter(largest_label, &lx, &ly, 1,
                            {.color = to_color(ctx.theme.warning), .marker_radius = 7.0f});
            }
            plot::End();
          },
          w, h);
    };
    // Both stacked when each keeps a legible height, else the one chosen above it.
    const float gap_y = ImGui::GetStyle().ItemSpacing.y;
    if (area.height() >= 2 * kMinPlotHeightInLines * ImGui::GetFontSize() + gap_y) {
      const float h = (area.height() - gap_y) * 0.5f;
      show(0, area.width(), h);
      ImGui::SetCursorScreenPos(ImVec2(area.x0, area.y0 + h + gap_y));
      show(1, area.width(), h);
      return;
    }
    plot_choice({"μ", "σ²"}, &shown_, false);
    // The next line starts at the window's left edge: the plot goes back under the choice.
    const float y = ImGui::GetCursorScreenPos().y;
    ImGui::SetCursorScreenPos(ImVec2(area.x0, y));
    show(shown_, area.width(), area.y1 - y);
  }

  static plot::Color theme_grey(const PanelContext& ctx) { return plot::theme_by_name(ctx.theme.name).grid; }
};

}  // namespace

std::unique_ptr<Panel> make_train_vs_inference_panel() { return std::make_unique<TrainVsInferencePanel>(); }

}  // namespace bnlab
