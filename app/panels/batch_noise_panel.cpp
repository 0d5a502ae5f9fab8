// What this file is: the batch-size lab (issue #12 §3; lecture note 001). For one feature or
// channel of the selected block's BN, from run A's live network: the spread of μ_B over many
// batches against the batch size m (the central limit theorem's σ/√m), μ_B and σ²_B per m as
// strips of dots with the population's values, what a batch of one leaves (dense: σ²_B = 0 and
// the output β; conv: H·W values still), and BN's noise as a regularizer: the train/test gap of
// the same network trained at two batch sizes. The numbers come from core/lesson/batch_noise.h
// and core/train/batch_gap.h on LabJob threads; the drawings from batch_noise_views.h.
#include <imgui.h>

#include <chrono>
#include <cstdio>

#include "core/lesson/batch_noise.h"
#include "core/train/batch_gap.h"
#include "panels/batch_noise_views.h"
#include "panels/lab_job.h"
#include "panels/panel.h"
#include "panels/plot_grid.h"
#include "ui/problems.h"
#include "ui/text.h"

namespace bnlab {
namespace {

// While the run trains, the statistics follow the weights at most this often: a pool's forward
// through a conv net takes a good part of a second of one core, which the trainers want too.
constexpr auto kFollowEvery = std::chrono::seconds(2);

// A finished gap experiment, with the plan it ran (the panel's may have changed since).
struct GapRun {
  GapPlan plan;
  std::vector<GapCell> cells;
  float lr = 0.0f;  // run A's learning rate, which both runs used
};

struct BatchNoisePanel : Panel {
  static constexpr const char* kKey = "panel.batch_noise";
  static constexpr const char* kShown[kNoiseViews] = {"spread", "mean", "variance", "one", "gap"};
  LabJob<BatchNoiseResult> noise_;
  LabJob<GapRun> gap_;
  std::shared_ptr<std::atomic<int>> gap_done_ = std::make_shared<std::atomic<int>>(0);

  int feature_ = 0;
  int shown_ = 0;
  GapPlan plan_;
  bool gap_requested_ = false, gap_cancelled_ = false;
  std::string gap_started_;  // run A's config and the plan the gap experiment last started with
  std::string gap_problem_;

  // What the last noise job was started for, so it starts again only when something changed.
  std::shared_ptr<const ModelState> started_state_;
  int started_block_ = -1, started_feature_ = -1;
  std::chrono::steady_clock::time_point started_at_{};
  // A headless render asks busy() before it draws: until a frame has seen a setting that the
  // step applied (or the panel's first frame), the panel cannot know whether work is due.
  const ui::Session* session_ = nullptr;
  bool unseen_setting_ = false;

  const char* key() const override { return kKey; }

  void apply_setting(const std::string& name, const nlohmann::json& v) override {
    unseen_setting_ = true;
    if (name == "feature") feature_ = std::max(0, v.get<int>() - 1);  // counted from 1, as blocks
    // The two lengths exclude each other: the last one set is the one the runs use.
    if (name == "examples") plan_.length = SweepLength{0, v.get<int64_t>()};
    if (name == "steps") plan_.length = SweepLength{v.get<int64_t>(), 0};
    if (name == "train_images") plan_.train_limit = v.get<int>();
    for (int i = 0; i < kNoiseViews; ++i)
      if (name == "shown" && v == kShown[i]) shown_ = i;
    if (name == "start") {
      gap_requested_ = v.get<bool>();
      if (!gap_requested_ && gap_.running()) {
        gap_.cancel();
        gap_cancelled_ = true;
      }
    }
  }

  std::shared_ptr<const TrainerSnapshot> snapshot_a() const {
    const TwinRuns* twins = session_ ? session_->twins() : nullptr;
    return twins ? twins->a().snapshot() : nullptr;
  }

  bool busy() const override {
    if (!session_ || unseen_setting_ || gap_requested_ || gap_.running() || noise_.running()) return true;
    // A paused run whose network the statistics do not show yet: the next frame starts them.
    const auto s = snapshot_a();
    return s && s->paused && s->model_state && s->data && s->model_state != started_state_;
  }

  void maybe_start_noise(const PanelContext& ctx) {
    if (!ctx.a || !ctx.a->model_state || !ctx.a->data) return;
    const auto& state = ctx.a->model_state;
    const bool same_question = ctx.selected_block == started_block_ && feature_ == started_feature_;
    if (same_question && state == started_state_) return;
    // The same question on newer weights: follow them, but not faster than kFollowEvery while
    // training, and never by cancelling a job that is about to finish.
    if (same_question && !ctx.a->paused &&
        (noise_.running() || std::chrono::steady_clock::now() - started_at_ < kFollowEvery))
      return;
    started_state_ = state;
    started_block_ = ctx.selected_block;
    started_feature_ = feature_;
    started_at_ = std::chrono::steady_clock::now();
    BatchNoiseRequest req;
    req.block = ctx.selected_block;
    req.feature = feature_;
    std::shared_ptr<const DataSplit> data = ctx.a->data;
    noise_.start([state, data, req](const std::atomic<bool>& cancel) {
      return compute_batch_noise(*state, data->train, req, &cancel);
    });
  }

  // Starts the gap experiment on run A's config as it is now, unless the same one already ran.
  void start_gap(const PanelContext& ctx) {
    gap_requested_ = false;
    gap_problem_.clear();
    if (!ctx.a || !ctx.a->config || !ctx.a->data) {
      gap_problem_ = "batch_noise.gap_no_runs";
      return;
    }
    std::string started = to_json(*ctx.a->config).dump() + " " + std::to_string(plan_.length.steps) + " " +
                          std::to_string(plan_.length.examples) + " " + std::to_string(plan_.train_limit) + " " +
                          std::to_string(plan_.test_limit);
    for (int b : plan_.batch_sizes) started += " " + std::to_string(b);
    if (gap_started_ == started && !gap_cancelled_ && (gap_.running() || gap_.result())) return;
    gap_cancelled_ = false;
    gap_started_ = started;
    gap_.clear();
    *gap_done_ = 0;
    const Config cfg = *ctx.a->config;
    const std::shared_ptr<const DataSplit> data = ctx.a->data;
    const GapPlan plan = plan_;
    const std::shared_ptr<std::atomic<int>> done = gap_done_;
    gap_.start([cfg, data, plan, done](const std::atomic<bool>& cancel) {
      auto run = std::make_shared<GapRun>(GapRun{plan, run_gap_plan(cfg, *data, plan, &cancel, done.get()), cfg.train.lr});
      return cancel ? nullptr : run;
    });
  }

  void draw_controls(PanelContext& ctx, const BatchNoiseResult* r) {
    if (ImGui::Button(ui::tr_id("batch_noise.recompute"))) started_state_.reset();
    if (r && r->problem.empty() && r->features > 1 && r->block == ctx.selected_block) {
      same_line_if_fits(ImGui::GetFontSize() * 14);
      int f = std::min(feature_, r->features - 1) + 1;
      ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8);
      if (ImGui::SliderInt(ui::tr_id(r->conv ? "batch_noise.channel" : "batch_noise.feature"), &f, 1, r->features))
        ctx.actions.post(ui::act::SetPanelSetting{kKey, "feature", f});
    }
    if (noise_.running()) {
      same_line_if_fits(ImGui::CalcTextSize(ui::tr("batch_noise.computing")).x);
      ImGui::TextDisabled("%s", ui::tr("batch_noise.computing"));
    }
    const bool gap_running = gap_.running();
    const char* gap_label = ui::tr_id(gap_running ? "batch_noise.gap_cancel" : "batch_noise.gap_start");
    same_line_if_fits(ImGui::CalcTextSize(gap_label).x + ImGui::GetFontSize() * 2);
    if (ImGui::Button(gap_label)) ctx.actions.post(ui::act::SetPanelSetting{kKey, "start", !gap_running});
    if (gap_running) {
      const int cells = static_cast<int>(plan_.batch_sizes.size());
      const std::string overlay = ui::fill(ui::tr("batch_noise.gap_progress"),
                                           {{"done", std::to_string(gap_done_->load())}, {"runs", std::to_string(cells)}});
      same_line_if_fits(ImGui::GetFontSize() * 8);
      ImGui::ProgressBar(static_cast<float>(gap_done_->load()) / static_cast<float>(std::max(1, cells)),
                         ImVec2(ImGui::GetFontSize() * 8, 0), overlay.c_str());
    }
  }

  std::string gap_setup(const PanelContext& ctx, const GapPlan& plan, const GapRun* done) const {
    char lr[32] = "?";
    if (done) std::snprintf(lr, sizeof lr, "%g", static_cast<double>(done->lr));
    else if (ctx.a && ctx.a->config) std::snprintf(lr, sizeof lr, "%g", static_cast<double>(ctx.a->config->train.lr));
    std::string sizes;
    for (int b : plan.batch_sizes) sizes += (sizes.empty() ? "" : ", ") + std::to_string(b);
    const bool steps = plan.length.examples <= 0;
    return ui::fill(ui::tr(steps ? "batch_noise.gap_setup_steps" : "batch_noise.gap_setup"),
                    {{"sizes", sizes},
                     {"examples", std::to_string(plan.length.examples)},
                     {"steps", std::to_string(plan.length.steps)},
                     {"train", std::to_string(plan.train_limit)},
                     {"test", std::to_string(plan.test_limit)},
                                                      {"lr", lr}});
  }

  void draw_view(PanelContext& ctx, int view, const BatchNoiseResult* r, float w, float h) {
    if (static_cast<NoiseView>(view) == NoiseView::gap) {
      // The finished experiment with the plan it ran; before one, the plan a click would run.
      const std::shared_ptr<const GapRun> done = gap_.result();
      const GapPlan& plan = done ? done->plan : plan_;
      std::string setup = gap_setup(ctx, plan, done.get());
      if (!gap_problem_.empty()) setup = std::string(ui::tr(gap_problem_)) + " " + setup;
      else if (!done && !gap_.running()) setup = std::string(ui::tr("batch_noise.gap_hint")) + " " + setup;
      draw_gap(ctx, {done ? &done->cells : nullptr, plan, setup, gap_.running()}, w, h);
      return;
    }
    if (!r) {
      const bool waiting = !ctx.a || !ctx.a->model_state || !ctx.a->data;
      draw_words(ctx, "batch-noise-words", ui::tr(waiting ? "batch_noise.waiting" : "batch_noise.computing"), w, h);
      return;
    }
    if (!r->problem.empty()) {
      draw_words(ctx, "batch-noise-words", ui::fill(ui::tr(r->problem), {{"block", std::to_string(r->block + 1)}}), w, h);
      return;
    }
    const std::string which = ui::fill(ui::tr(r->conv ? "batch_noise.which_conv" : "batch_noise.which"),
                                       {{"block", std::to_string(r->block + 1)},
                                        {"feature", std::to_string(r->feature + 1)},
                                        {"step", std::to_string(r->step)}});
    switch (static_cast<NoiseView>(view)) {
      case NoiseView::spread: draw_spread(ctx, *r, which, w, h); break;
      case NoiseView::mean: draw_strips(ctx, *r, true, which, w, h); break;
      case NoiseView::variance: draw_strips(ctx, *r, false, which, w, h); break;
      case NoiseView::one: draw_batch_of_one(ctx, *r, which, w, h); break;
      case NoiseView::gap: break;
    }
  }

  void draw(PanelContext& ctx) override {
    session_ = &ctx.session;
    unseen_setting_ = false;
    if (gap_requested_) start_gap(ctx);
    maybe_start_noise(ctx);
    const std::shared_ptr<const BatchNoiseResult> result = noise_.result();
    draw_controls(ctx, result.get());
    const PlotGrid grid = arrange_plots(kNoiseViews, 0.5f);
    if (grid.all()) {
      draw_in_grid(grid, [&](int i, float w, float h) { draw_view(ctx, i, result.get(), w, h); });
      return;
    }
    plot_choice({"σ(μ_B)", "μ_B", "σ²_B", "m = 1", ui::tr("batch_noise.gap_short")}, &shown_, true);
    draw_view(ctx, shown_, result.get(), 0.0f, 0.0f);
  }
};

}  // namespace

std::unique_ptr<Panel> make_batch_noise_panel() { return std::make_unique<BatchNoisePanel>(); }

}  // namespace bnlab
