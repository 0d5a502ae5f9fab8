// What this file is: the loss-slice lab's panel: the loss around the current weights of runs A and
// B on a 2-D plane, L(w + s·δ₁ + t·δ₂), δ₁ and δ₂ random directions scaled filter by filter to
// the weights (Li et al. 2018, "Visualizing the Loss Landscape of Neural Nets", §4), as two
// heatmaps side by side on one colour scale. Computed on request (a button, or a scene's
// `compute`) from each run's published network on the panel's own thread (slice_pair.h), with
// progress, cancellable; training and the window never wait for it, and a cancelled slice
// leaves the last complete one on screen.
#include <imgui.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <optional>
#include <string>

#include "core/probes/slice_pair.h"
#include "panels/lab_job.h"
#include "panels/lab_text.h"
#include "panels/plot_area.h"
#include "panels/plot_grid.h"
#include "ui/problems.h"
#include "ui/text.h"

namespace bnlab {
namespace {


std::string number(float v) {
  char s[32];
  std::snprintf(s, sizeof s, "%.3g", static_cast<double>(v));
  return s;
}

struct LossSlicePanel : Panel {
  static constexpr const char* kKey = "panel.loss_slice";
  std::atomic<int> rows_{0};  // before job_: its thread counts into it until job_ is joined
  LabJob<SlicePair> job_;
  int rows_total_ = 1;
  SliceRequest request_;
  bool compute_requested_ = false, cancelled_ = false;
  std::string problem_;  // i18n key: why the last request could not start
  int plot_shown_ = 0;   // 0: A, 1: B, when only one fits

  ~LossSlicePanel() override { job_.stop(); }
  const char* key() const override { return kKey; }
  bool busy() const override { return compute_requested_ || job_.running(); }

  void apply_setting(const std::string& name, const nlohmann::json& v) override {
    if (name == "compute") {
      compute_requested_ = v.get<bool>();
      if (!compute_requested_ && job_.running()) {
        job_.cancel();
        cancelled_ = true;
      }
    }
    // Odd, so the middle node is the weights themselves (s = t = 0).
    if (name == "size") request_.size = std::clamp(v.get<int>() | 1, 5, 41);
    if (name == "extent") request_.extent = std::clamp(v.get<float>(), 0.05f, 5.0f);
    if (name == "examples") request_.probe_examples = std::clamp(v.get<int>(), 10, 5000);
    if (name == "shown") plot_shown_ = v == "b" ? 1 : 0;
  }

  void start(const PanelContext& ctx) {
    compute_requested_ = false;
    problem_.clear();
    if (!ctx.a || !ctx.a->config || !ctx.a->data) {
      problem_ = "ics.no_runs";
      return;
    }
    if (!ctx.a->model_state) {
      problem_ = "ics.slice_no_state";
      return;
    }
    cancelled_ = false;
    request_.loss = ctx.a->config->train.loss == "mse" ? LossKind::mse : LossKind::cross_entropy;
    std::shared_ptr<const ModelState> a = ctx.a->model_state, b = ctx.b ? ctx.b->model_state : nullptr;
    std::shared_ptr<const DataSplit> data = ctx.a->data;
    rows_ = 0;
    rows_total_ = request_.size * ((a ? 1 : 0) + (b ? 1 : 0));
    const SliceRequest request = request_;
    job_.start([this, a, b, data, request](const std::atomic<bool>& cancel) {
      return slice_pair(a, b, data->train, request, cancel, &rows_);
    });
  }

  void draw_controls(PanelContext& ctx) {
    const bool running = job_.running();
    if (ImGui::Button(running ? ui::tr_id("ics.slice_cancel") : ui::tr_id("ics.slice_compute")))
      ctx.actions.post(ui::act::SetPanelSetting{kKey, "compute", !running});
    ImGui::SameLine();
    int size = request_.size;
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 6);
    if (ImGui::SliderInt(ui::tr_id("ics.slice_size"), &size, 21, 41))
      ctx.actions.post(ui::act::SetPanelSetting{kKey, "size", size});
    same_line_if_fits(ImGui::GetFontSize() * 12);
    float extent = request_.extent;
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 6);
    if (ImGui::SliderFloat(ui::tr_id("ics.slice_extent"), &extent, 0.1f, 2.0f, "±%.2f"))
      ctx.actions.post(ui::act::SetPanelSetting{kKey, "extent", extent});
    if (running) {
      same_line_if_fits(ImGui::GetFontSize() * 10);
      const float done = static_cast<float>(rows_.load()) / static_cast<float>(std::max(1, rows_total_));
      const std::string overlay = ui::fill(ui::tr("ics.slice_progress"), {{"percent", std::to_string(static_cast<int>(done * 100))}});
      ImGui::ProgressBar(done, ImVec2(ImGui::GetFontSize() * 10, 0), overlay.c_str());
    }
  }

  void heatmap(PanelContext& ctx, const SlicePair& p, int run, float w, float h) {
    const std::optional<LossSlice>& s = run == 0 ? p.a : p.b;
    const int64_t step = run == 0 ? p.step_a : p.step_b;
    const std::string id = run == 0 ? "loss-slice-a" : "loss-slice-b";
    const std::string title = ui::fill(ui::tr("ics.slice_title"), {{"run", run == 0 ? "A" : "B"}, {"step", std::to_string(step)}});
    plot_area(
        ctx, id,
        [&](plot::Canvas& canvas, plot::Rect rect) {
          plot::PlotSpec spec = base_spec(ctx, title.c_str(), "t (δ₂)", "s (δ₁)");
          spec.equal_aspect = true;
          if (!plot::Begin(canvas, id, rect, spec)) return;
          if (s && s->size > 0) {
            const double e = s->extent;
            plot::Heatmap(ui::tr("ics.slice_loss"), s->loss.data(), s->size, s->size, {-e, e, -e, e}, p.lo,
                          p.hi > p.lo ? p.hi : p.lo + 1.0f);
            const float zero = 0.0f;
            plot::Scatter("w", &zero, &zero, 1, {.color = to_color(ctx.theme.accent), .marker_radius = 5.0f});
          }
          plot::End();
        },
        w, h);
  }

  void draw(PanelContext& ctx) override {
    if (compute_requested_) start(ctx);
    draw_controls(ctx);
    const std::shared_ptr<const SlicePair> p = job_.result();
    std::vector<std::string> text;
    if (!problem_.empty()) text.push_back(ui::tr(problem_));
    if (!p) {
      text.push_back(ui::tr(job_.running() ? "ics.slice_computing" : "ics.slice_hint"));
      return (void)lab_text(ctx, "loss-slice-text", text);
    }
    const auto centre = [&](const std::optional<LossSlice>& s) {
      return s && s->size > 0 ? s->loss[static_cast<size_t>(s->size / 2) * s->size + s->size / 2] : NAN;
    };
    text.push_back(ui::fill(ui::tr("ics.slice_setup"),
                            {{"size", std::to_string(p->request.size)},
                             {"extent", number(p->request.extent)},
                             {"examples", std::to_string(p->probe_examples)},
                             {"seed", std::to_string(p->request.seed)},
                             {"a", number(centre(p->a))},
                             {"b", p->b ? number(centre(p->b)) : "—"}}));
    if (cancelled_ && !job_.running()) text.push_back(ui::tr("ics.slice_cancelled"));
    lab_setup_text(ctx, "loss-slice-text", text, 2);
    const PlotGrid grid = arrange_plots(2);
    if (grid.all()) {
      draw_in_grid(grid, [&](int i, float w, float h) { heatmap(ctx, *p, i, w, h); });
      return;
    }
    plot_choice({"A", "B"}, &plot_shown_, false);
    heatmap(ctx, *p, plot_shown_, 0.0f, 0.0f);
  }
};

}  // namespace

std::unique_ptr<Panel> make_loss_slice_panel() { return std::make_unique<LossSlicePanel>(); }

}  // namespace bnlab
