// What this file is: the scale-invariance lab (issue #12 §4; lecture note 000, benefit 4). A slider
// k (0.1–10, log scale) multiplies the selected block's op weight W on a copy of run A's network
// (its ModelState), never the training run. On one fixed batch in training mode it shows: z's
// histogram at W and kW (k times wider) and BN's output at both (the same); ‖∂L/∂W‖ against k on
// log-log axes with the 1/k line; the same block without its norm (z and the activation change);
// and short trainings from kW with and without the norm. The numbers come from
// core/lesson/scale_invariance.h on LabJob threads; the notes under each plot are drawn on the
// plot's canvas, so scene renders show them.
#include <imgui.h>

#include <algorithm>
#include <cmath>

#include "core/lesson/scale_invariance.h"
#include "core/probes/stats.h"
#include "panels/lab_job.h"
#include "panels/lab_notes.h"
#include "panels/panel.h"
#include "panels/plot_area.h"
#include "panels/plot_grid.h"
#include "ui/problems.h"
#include "ui/text.h"

namespace bnlab {
namespace {

constexpr int kBins = 40;
constexpr int kBatch = 128;  // the fixed batch: the first examples of the training set, in file order

// The block the lab shows: the selected one if it has BN before its activation, else the first
// that has; -1 if none does.
int lab_block(const ModelConfig& cfg, int selected) {
  if (scale_problem(cfg, selected) == ScaleProblem::ok) return selected;
  for (int b = 0; b < static_cast<int>(cfg.blocks.size()); ++b)
    if (scale_problem(cfg, b) == ScaleProblem::ok) return b;
  return -1;
}

struct Hist {
  std::vector<float> counts;
  float lo = 0.0f, hi = 1.0f;
};
Hist hist(const std::vector<float>& v, float lo, float hi) {
  const Histogram h = histogram(v.data(), static_cast<int64_t>(v.size()), lo, hi, kBins);
  return {std::vector<float>(h.bins.begin(), h.bins.end()), lo, hi};
}
std::pair<float, float> range(const std::vector<float>& a, const std::vector<float>& b) {
  float lo = INFINITY, hi = -INFINITY;
  for (const auto* v : {&a, &b})
    for (float x : *v)
      if (std::isfinite(x)) lo = std::min(lo, x), hi = std::max(hi, x);
  if (!(lo < hi)) return {lo - 0.5f, lo + 0.5f};
  return {lo, hi};
}

std::string k_text(float k) { return short_number(k); }

struct ScaleInvariancePanel : Panel {
  static constexpr const char* kKey = "panel.scale_invariance";
  static constexpr const char* kShown[] = {"z", "output", "gradient", "plain", "training"};
  float k_ = 4.0f;
  int shown_ = 0;
  int steps_ = 200;
  bool train_requested_ = true;  // the trainings run for each new k (released slider) and block
  LabJob<ScaleInvariance> measure_;
  LabJob<ScaleTraining> training_;
  int64_t measured_step_ = -1;
  int measured_block_ = -1, trained_block_ = -1;
  float measured_k_ = 0.0f, trained_k_ = 0.0f;
  const void* measured_state_ = nullptr;
  // Run A has data and a block with BN, so the jobs can start: assumed until a draw says not, so
  // that a scene render, which asks busy() before drawing, draws once to start them.
  bool can_run_ = true;

  const char* key() const override { return kKey; }
  bool busy() const override {
    return measure_.running() || training_.running() || (train_requested_ && can_run_);
  }

  void apply_setting(const std::string& name, const nlohmann::json& v) override {
    if (name == "k") {
      k_ = std::clamp(v.get<float>(), 0.1f, 10.0f);
      train_requested_ = true;
    }
    if (name == "steps") {
      steps_ = v.get<int>();
      train_requested_ = true;
    }
    for (int i = 0; i < 5; ++i)
      if (name == "shown" && v == kShown[i]) shown_ = i;
  }

  void start_jobs(const PanelContext& ctx, int block) {
    const auto state = ctx.a->model_state;
    const bool new_state = state.get() != measured_state_;
    if (new_state || block != measured_block_ || k_ != measured_k_) {
      measured_state_ = state.get();
      measured_block_ = block;
      measured_k_ = k_;
      const float k = k_;
      auto data = ctx.a->data;
      measure_.start([state, data, block, k](const std::atomic<bool>& cancel) -> std::shared_ptr<const ScaleInvariance> {
        Tensor x;
        std::vector<int> y;
        BatchStream stream(data->train, std::min(kBatch, data->train.size()), false, 0);
        stream.next(x, y);
        return measure_scale_invariance(*state, x, y, block, k, &cancel);
      });
    }
    if (train_requested_ && ctx.a->config) {
      train_requested_ = false;
      if (block == trained_block_ && k_ == trained_k_ && training_.result() &&
          training_.result()->steps == steps_)
        return;
      trained_block_ = block;
      trained_k_ = k_;
      const float k = k_;
      const int steps = steps_;
      auto data = ctx.a->data;
      auto cfg = ctx.a->config;
      training_.start([state, cfg, data, block, k, steps](const std::atomic<bool>& cancel) {
        return scale_training(*state, *cfg, data, block, k, steps, &cancel);
      });
    }
  }

  void draw(PanelContext& ctx) override {
    can_run_ = false;
    if (!ctx.a || !ctx.a->model_state || !ctx.a->data) {
      ImGui::TextWrapped("%s", ui::tr("scale_inv.waiting"));
      return;
    }
    const ModelConfig& cfg = ctx.a->model_state->config;
    const int block = lab_block(cfg, ctx.selected_block);
    if (block < 0) {
      ImGui::TextWrapped("%s", ui::tr(cfg.bn.position == "before_activation" ? "scale_inv.no_bn" : "scale_inv.after"));
      return;
    }
    can_run_ = true;
    start_jobs(ctx, block);
    draw_controls(ctx, block);
    const auto r = measure_.result();
    if (!r || r->block != block) {
      ImGui::TextDisabled("%s", ui::tr("scale_inv.computing"));
      return;
    }
    const PlotGrid grid = arrange_plots(5);
    if (!grid.all()) plot_choice({ui::tr("scale_inv.show_z"), ui::tr("scale_inv.show_output"),
                                  ui::tr("scale_inv.show_gradient"), ui::tr("scale_inv.show_plain"),
                                  ui::tr("scale_inv.show_training")},
                                 &shown_, false);
    auto show = [&](int i, float w, float h) {
      switch (i) {
        case 0: draw_z(ctx, *r, w, h); break;
        case 1: draw_output(ctx, *r, cfg.bn.eps, w, h); break;
        case 2: draw_gradient(ctx, *r, w, h); break;
        case 3: draw_plain(ctx, *r, cfg.blocks[block].activation, w, h); break;
        default: draw_training(ctx, w, h); break;
      }
    };
    if (grid.all()) draw_in_grid(grid, show);
    else show(shown_, 0.0f, 0.0f);
  }

  void draw_controls(PanelContext& ctx, int block) {
    ImGui::TextUnformatted(ui::fill(ui::tr("scale_inv.block"), {{"block", std::to_string(block + 1)}}).c_str());
    ImGui::SameLine();
    float k = k_;
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 12);
    if (ImGui::SliderFloat(ui::tr_id("scale_inv.k"), &k, 0.1f, 10.0f, "k = %.2f", ImGuiSliderFlags_Logarithmic))
      ctx.actions.post(ui::act::SetPanelSetting{kKey, "k", k});
    // A new training only once the slider is let go: dragging would start one every frame.
    if (ImGui::IsItemDeactivatedAfterEdit()) train_requested_ = true;
    same_line_if_fits(ImGui::GetFontSize() * 8);
    if (training_.running()) {
      if (ImGui::Button(ui::tr_id("scale_inv.cancel"))) training_.cancel();
    } else if (ImGui::Button(ui::tr_id("scale_inv.train_again"))) {
      trained_k_ = 0.0f;  // forget the last one, so it runs again
      train_requested_ = true;
    }
  }

  plot::PlotSpec spec(const PanelContext& ctx, const std::string& title, const char* x, const char* y) const {
    return base_spec(ctx, title.c_str(), x, y);
  }

  void two_histograms(PanelContext& ctx, const std::string& id, const std::string& title, const char* x_label,
                      float k, const std::vector<float>& at_1, const std::vector<float>& at_k,
                      const std::vector<std::string>& notes, float w, float h) {
    const auto [lo, hi] = range(at_1, at_k);
    const Hist a = hist(at_1, lo, hi), b = hist(at_k, lo, hi);
    const std::string name_1 = ui::tr("scale_inv.at_w");
    const std::string name_k = ui::fill(ui::tr("scale_inv.at_kw"), {{"k", k_text(k)}});
    plot_with_notes(ctx, id, notes, [&](plot::Canvas& canvas, plot::Rect rect) {
      if (!plot::Begin(canvas, id, rect, spec(ctx, title, x_label, ui::tr("scale_inv.count")))) return;
      plot::Histogram(name_1, a.counts.data(), kBins, a.lo, a.hi, {.color = to_color(ctx.theme.run_a)});
      plot::Histogram(name_k, b.counts.data(), kBins, b.lo, b.hi, {.color = to_color(ctx.theme.run_b)});
      plot::End();
    }, w, h);
  }

  void draw_z(PanelContext& ctx, const ScaleInvariance& r, float w, float h) {
    double s1 = 0.0, sk = 0.0;
    for (size_t i = 0; i < r.bn_1.z.size(); ++i) s1 += double{r.bn_1.z[i]} * r.bn_1.z[i], sk += double{r.bn_k.z[i]} * r.bn_k.z[i];
    const std::string note = ui::fill(ui::tr("scale_inv.z_note"), {{"k", k_text(r.k)},
                                                                   {"ratio", short_number(std::sqrt(sk / std::max(s1, 1e-30)))}});
    two_histograms(ctx, "scale-z", ui::fill(ui::tr("scale_inv.z_title"), {{"block", std::to_string(r.block + 1)}}),
                   "z", r.k, r.bn_1.z, r.bn_k.z, {note}, w, h);
  }

  void draw_output(PanelContext& ctx, const ScaleInvariance& r, double eps, float w, float h) {
    std::vector<std::string> notes = {ui::fill(ui::tr("scale_inv.diff_note"), {{"k", k_text(r.k)},
                                                                               {"diff", short_number(r.max_diff)},
                                                                               {"eps", short_number(r.eps_share)}})};
    // A handful of outputs side by side: feature 1 of the first five samples.
    std::string at_1, at_k;
    for (int n = 0; n < std::min(5, r.batch); ++n) {
      char s[64];
      std::snprintf(s, sizeof s, "%s%+.4f", n ? "  " : "", r.bn_1.normalized[static_cast<size_t>(n) * r.features]);
      at_1 += s;
      std::snprintf(s, sizeof s, "%s%+.4f", n ? "  " : "", r.bn_k.normalized[static_cast<size_t>(n) * r.features]);
      at_k += s;
    }
    notes.push_back(ui::fill(ui::tr("scale_inv.values_w"), {{"values", at_1}}));
    notes.push_back(ui::fill(ui::tr("scale_inv.values_kw"), {{"k", k_text(r.k)}, {"values", at_k}}));
    // Where ε shows: kσ of the smallest channel not far above √ε.
    if (r.eps_share > 1e-3)
      notes.push_back(ui::fill(ui::tr("scale_inv.eps_note"), {{"s1", short_number(r.min_k_sigma / r.k)},
                                                              {"sk", short_number(r.min_k_sigma)},
                                                              {"eps", short_number(eps)}}));
    two_histograms(ctx, "scale-output", ui::fill(ui::tr("scale_inv.output_title"), {{"block", std::to_string(r.block + 1)}}),
                   ui::tr("scale_inv.output_x"), r.k, r.bn_1.normalized, r.bn_k.normalized, notes, w, h);
  }

  void draw_gradient(PanelContext& ctx, const ScaleInvariance& r, float w, float h) {
    const std::vector<std::string> notes = {
        ui::fill(ui::tr("scale_inv.grad_note"), {{"g1", short_number(r.bn_1.weight_grad_norm)},
                                                 {"k", k_text(r.k)},
                                                 {"gk", short_number(r.bn_k.weight_grad_norm)},
                                                 {"ratio", short_number(r.bn_1.weight_grad_norm / r.k)}}),
        ui::tr("scale_inv.lr_note")};
    std::vector<float> line(r.grid_k.size());
    const float g1 = static_cast<float>(r.bn_1.weight_grad_norm);
    for (size_t i = 0; i < line.size(); ++i) line[i] = g1 / r.grid_k[i];
    const float kx = r.k, ky = static_cast<float>(r.bn_k.weight_grad_norm);
    plot_with_notes(ctx, "scale-gradient", notes, [&](plot::Canvas& canvas, plot::Rect rect) {
      plot::PlotSpec s = spec(ctx, ui::fill(ui::tr("scale_inv.grad_title"), {{"block", std::to_string(r.block + 1)}}), ui::tr("scale_inv.grad_x"),
                              ui::tr("scale_inv.grad_y"));
      s.log_x = s.log_y = true;
      if (!plot::Begin(canvas, "scale-gradient", rect, s)) return;
      plot::Line(ui::tr("scale_inv.one_over_k"), r.grid_k.data(), line.data(), static_cast<int>(line.size()),
                 {.color = to_color(ctx.theme.run_b)});
      plot::Scatter(ui::tr("scale_inv.measured"), r.grid_k.data(), r.grid_grad.data(), static_cast<int>(r.grid_k.size()),
                    {.color = to_color(ctx.theme.run_a), .marker_radius = 4.0f});
      plot::Scatter(ui::fill(ui::tr("scale_inv.at_k"), {{"k", k_text(r.k)}}), &kx, &ky, 1,
                    {.color = to_color(ctx.theme.warning), .marker_radius = 7.0f});
      plot::End();
    }, w, h);
  }

  void draw_plain(PanelContext& ctx, const ScaleInvariance& r, const std::string& activation, float w, float h) {
    double change = 0.0;
    for (size_t i = 0; i < r.plain_1.activated.size(); ++i)
      change = std::max(change, std::abs(double{r.plain_k.activated[i]} - r.plain_1.activated[i]));
    const std::vector<std::string> notes = {
        ui::fill(ui::tr("scale_inv.plain_note"), {{"k", k_text(r.k)}, {"change", short_number(change)},
                                                  {"l1", short_number(r.plain_1.loss)},
                                                  {"lk", short_number(r.plain_k.loss)},
                                                  {"b1", short_number(r.bn_1.loss)},
                                                  {"bk", short_number(r.bn_k.loss)}})};
    const std::string title = ui::fill(ui::tr("scale_inv.plain_title"),
                                       {{"block", std::to_string(r.block + 1)}, {"activation", activation}});
    two_histograms(ctx, "scale-plain", title, ui::tr("scale_inv.plain_x"), r.k, r.plain_1.activated, r.plain_k.activated,
                   notes, w, h);
  }

  void draw_training(PanelContext& ctx, float w, float h) {
    const auto t = training_.result();
    std::vector<std::string> notes;
    if (!t) notes.push_back(ui::tr(training_.running() ? "scale_inv.training" : "scale_inv.not_trained"));
    auto last = [](const std::vector<float>& v) { return v.empty() ? std::string("—") : short_number(v.back()); };
    if (t)
      notes.push_back(ui::fill(ui::tr("scale_inv.training_note"),
                               {{"steps", std::to_string(t->steps)}, {"k", k_text(t->k)}, {"bn1", last(t->bn_1)},
                                {"bnk", last(t->bn_k)}, {"p1", last(t->plain_1)}, {"pk", last(t->plain_k)}}));
    plot_with_notes(ctx, "scale-training", notes, [&](plot::Canvas& canvas, plot::Rect rect) {
      plot::PlotSpec s = spec(ctx, ui::tr("scale_inv.training_title"), ui::tr("scale_inv.step"), ui::tr("plot.loss"));
      if (!plot::Begin(canvas, "scale-training", rect, s)) return;
      if (t) {
        const std::string k = k_text(t->k);
        std::vector<float> steps(static_cast<size_t>(t->steps));
        for (size_t i = 0; i < steps.size(); ++i) steps[i] = static_cast<float>(i + 1);
        auto line = [&](const std::vector<float>& v, const std::string& name, const ImVec4& c, float width) {
          plot::Line(name, steps.data(), v.data(), static_cast<int>(std::min(v.size(), steps.size())),
                     {.color = to_color(c), .line_width = width});
        };
        line(t->bn_1, ui::tr("scale_inv.bn_1"), ctx.theme.run_a, 1.0f);
        line(t->bn_k, ui::fill(ui::tr("scale_inv.bn_k"), {{"k", k}}), ctx.theme.run_a, 2.5f);
        line(t->plain_1, ui::tr("scale_inv.plain_1"), ctx.theme.run_b, 1.0f);
        line(t->plain_k, ui::fill(ui::tr("scale_inv.plain_k"), {{"k", k}}), ctx.theme.run_b, 2.5f);
      }
      plot::End();
    }, w, h);
  }
};

}  // namespace

std::unique_ptr<Panel> make_scale_invariance_panel() { return std::make_unique<ScaleInvariancePanel>(); }

}  // namespace bnlab
