// What this file is: the bias-before-BN lab (issue #12 §4; lecture notes 001 and 003). Two copies
// of run A's network (its ModelState) train side by side on the same batches, one with the op's
// bias kept before BN (b₀ random), one without (core/lesson/bias_redundancy.h), on a LabJob
// thread. It shows ‖b − b₀‖ and ‖β − β₀‖ over the steps (b does not move, β does), the largest
// |∂L/∂b| beside the largest |∂L/∂W|, and the two loss curves on top of each other. The notes
// under the plots are drawn on their canvas, so scene renders show them.
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/lesson/bias_redundancy.h"
#include "panels/lab_job.h"
#include "panels/lab_notes.h"
#include "panels/panel.h"
#include "panels/plot_area.h"
#include "panels/plot_grid.h"
#include "ui/problems.h"
#include "ui/text.h"

namespace bnlab {
namespace {


int lab_block(const ModelConfig& cfg, int selected) {
  if (bias_is_redundant(cfg, selected)) return selected;
  for (int b = 0; b < static_cast<int>(cfg.blocks.size()); ++b)
    if (bias_is_redundant(cfg, b)) return b;
  return -1;
}

struct BiasRedundancyPanel : Panel {
  static constexpr const char* kKey = "panel.bias_redundancy";
  static constexpr const char* kShown[] = {"moves", "losses"};
  int steps_ = 200;
  int shown_ = 0;
  bool start_requested_ = true;  // the first time it is shown with a network, it trains
  bool can_run_ = true;  // until a draw says not: a scene render asks busy() before drawing
  int trained_block_ = -1;
  TrainConfig trained_train_;  // run A's learning settings the last training used
  LabJob<BiasRedundancy> job_;

  const char* key() const override { return kKey; }
  bool busy() const override { return job_.running() || (start_requested_ && can_run_); }

  void apply_setting(const std::string& name, const nlohmann::json& v) override {
    if (name == "start") start_requested_ = v.get<bool>();
    if (name == "start" && !v.get<bool>()) job_.cancel();
    if (name == "steps") steps_ = v.get<int>();
    for (int i = 0; i < 2; ++i)
      if (name == "shown" && v == kShown[i]) shown_ = i;
  }

  void start(const PanelContext& ctx, int block) {
    start_requested_ = false;
    trained_block_ = block;
    trained_train_ = ctx.a->config->train;
    auto state = ctx.a->model_state;
    auto cfg = ctx.a->config;
    auto data = ctx.a->data;
    const int steps = steps_;
    job_.start([state, cfg, data, block, steps](const std::atomic<bool>& cancel) {
      return bias_training(*state, *cfg, data, block, steps, &cancel);
    });
  }

  void draw(PanelContext& ctx) override {
    can_run_ = false;
    if (!ctx.a || !ctx.a->model_state || !ctx.a->data || !ctx.a->config) {
      ImGui::TextWrapped("%s", ui::tr("bias_red.waiting"));
      return;
    }
    const int block = lab_block(ctx.a->model_state->config, ctx.selected_block);
    if (block < 0) {
      ImGui::TextWrapped("%s", ui::tr("bias_red.no_block"));
      return;
    }
    can_run_ = true;
    // Once it has trained, it follows: another block, or run A's learning settings changed (a
    // weight decay set by a scene step), trains again.
    const bool changed = block != trained_block_ || !(ctx.a->config->train == trained_train_);
    if (start_requested_ || (changed && !job_.running() && job_.result())) start(ctx, block);
    ImGui::TextUnformatted(ui::fill(ui::tr("bias_red.block"), {{"block", std::to_string(block + 1)}}).c_str());
    same_line_if_fits(ImGui::GetFontSize() * 8);
    if (job_.running()) {
      if (ImGui::Button(ui::tr_id("bias_red.cancel"))) ctx.actions.post(ui::act::SetPanelSetting{kKey, "start", false});
    } else {
      const std::string label =
          ui::fill(ui::tr("bias_red.start"), {{"steps", std::to_string(steps_)}}) + "###bias_red.start";
      if (ImGui::Button(label.c_str())) ctx.actions.post(ui::act::SetPanelSetting{kKey, "start", true});
    }
    const auto r = job_.result();
    if (!r) {
      ImGui::TextWrapped("%s", ui::tr(job_.running() ? "bias_red.training" : "bias_red.hint"));
      return;
    }
    const PlotGrid grid = arrange_plots(2);
    if (!grid.all()) plot_choice({ui::tr("bias_red.show_moves"), ui::tr("bias_red.show_losses")}, &shown_, false);
    auto show = [&](int i, float w, float h) {
      if (i == 0) draw_moves(ctx, *r, w, h);
      else draw_losses(ctx, *r, w, h);
    };
    if (grid.all()) draw_in_grid(grid, show);
    else show(shown_, 0.0f, 0.0f);
  }

  void draw_moves(PanelContext& ctx, const BiasRedundancy& r, float w, float h) {
    const int done = static_cast<int>(r.loss_with.size());
    std::vector<std::string> notes = {
        ui::fill(ui::tr("bias_red.grad_note"), {{"steps", std::to_string(done)},
                                                {"bias", short_number(r.max_bias_grad)},
                                                {"weight", short_number(r.max_weight_grad)}})};
    if (r.sgd && r.weight_decay == 0.0f) {
      notes.push_back(ui::fill(ui::tr("bias_red.still_note"), {{"b", short_number(r.bias_move.back())},
                                                               {"beta", short_number(r.beta_move.back())}}));
    } else if (r.sgd) {
      notes.push_back(ui::fill(ui::tr("bias_red.decay_note"),
                               {{"wd", short_number(r.weight_decay)}, {"factor", short_number(1.0 - r.lr * r.weight_decay)}}));
    } else {
      notes.push_back(ui::fill(ui::tr("bias_red.adam_note"), {{"optimizer", ctx.a->config->train.optimizer == "adam" ? "Adam" : "RMSProp"}}));
    }
    if (r.diverged) notes.push_back(ui::tr("bias_red.diverged"));
    std::vector<float> steps(r.bias_move.size());
    for (size_t i = 0; i < steps.size(); ++i) steps[i] = static_cast<float>(i);
    const std::string title = ui::fill(ui::tr("bias_red.moves_title"), {{"block", std::to_string(r.block + 1)}});
    plot_with_notes(ctx, "bias-moves", notes, [&](plot::Canvas& canvas, plot::Rect rect) {
      plot::PlotSpec s = base_spec(ctx, title.c_str(), ui::tr("scale_inv.step"), ui::tr("bias_red.moves_y"));
      // b's line at 0 is the point of the plot: 5% of the range below it keeps the line off the
      // frame, where it would vanish into the axis.
      float top = 0.0f;
      for (const std::vector<float>* moves : {&r.beta_move, &r.bias_move})
        for (float v : *moves)
          if (std::isfinite(v)) top = std::max(top, v);
      s.y_min = top > 0.0f ? -0.05 * top : 0.0;
      if (!plot::Begin(canvas, "bias-moves", rect, s)) return;
      plot::Line(ui::tr("bias_red.beta_line"), steps.data(), r.beta_move.data(), static_cast<int>(steps.size()),
                 {.color = to_color(ctx.theme.run_b)});
      plot::Line(ui::tr("bias_red.b_line"), steps.data(), r.bias_move.data(), static_cast<int>(steps.size()),
                 {.color = to_color(ctx.theme.run_a), .line_width = 2.5f});
      plot::End();
    }, w, h);
  }

  void draw_losses(PanelContext& ctx, const BiasRedundancy& r, float w, float h) {
    const std::vector<std::string> notes = {ui::fill(
        ui::tr("bias_red.losses_note"), {{"loss", short_number(r.max_loss_diff)}, {"logit", short_number(r.max_logit_diff)}})};
    std::vector<float> steps(r.loss_with.size());
    for (size_t i = 0; i < steps.size(); ++i) steps[i] = static_cast<float>(i + 1);
    plot_with_notes(ctx, "bias-losses", notes, [&](plot::Canvas& canvas, plot::Rect rect) {
      plot::PlotSpec s = base_spec(ctx, ui::tr("bias_red.losses_title"), ui::tr("scale_inv.step"), ui::tr("plot.loss"));
      if (!plot::Begin(canvas, "bias-losses", rect, s)) return;
      // The run without b drawn wide underneath, the one with b thin on top: one line where they agree.
      plot::Line(ui::tr("bias_red.without"), steps.data(), r.loss_without.data(), static_cast<int>(steps.size()),
                 {.color = to_color(ctx.theme.run_b), .line_width = 4.0f});
      plot::Line(ui::tr("bias_red.with"), steps.data(), r.loss_with.data(), static_cast<int>(steps.size()),
                 {.color = to_color(ctx.theme.run_a), .line_width = 1.5f});
      plot::End();
    }, w, h);
  }
};

}  // namespace

std::unique_ptr<Panel> make_bias_redundancy_panel() { return std::make_unique<BiasRedundancyPanel>(); }

}  // namespace bnlab
