// What this file is: the EMA lab (lecture note 002): how BN's running mean follows the batch
// means. Four plots: (a) one feature of the selected BN block, its batch means and BN's running
// mean over the probe frames; (b) the weights (1 − β)·β^j of the last k batches in the average,
// with their sum 1 − β^k; (c) the window 1/(1 − β) against β, with note 002's two steps 0.9 →
// 0.9005 and 0.999 → 0.9995; (d) bias correction S_t/(1 − β^t) on the first batch means of the
// run. β is the panel's own slider (PyTorch's momentum is 1 − β); setting the run's BN momentum
// from it is a separate button, never a side effect of dragging. Numbers from core/lesson/ema.h.
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/lesson/ema.h"
#include "panels/inference_table.h"
#include "panels/panel.h"
#include "panels/plot_area.h"
#include "panels/plot_grid.h"
#include "ui/problems.h"
#include "ui/text.h"

namespace bnlab {
namespace {

constexpr int kCorrectionFrames = 30;  // the first probe frames (steps 10 … 300) for bias correction
// Note 002's two steps of β: the same 0.0005, a 0.5% longer window at 0.9, a doubled one at 0.999.
constexpr double kNoteSteps[2][2] = {{0.9, 0.9005}, {0.999, 0.9995}};

std::string fmt(const char* format, double v) {
  char buf[48];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

struct EmaPanel : Panel {
  static constexpr const char* kKey = "panel.ema";
  float beta_ = 0.9f;
  int batches_ = 20;  // k: the bars of the last k batches
  int feature_ = 0;
  int shown_ = 0;     // in a small cell: 0 running mean, 1 weights, 2 window, 3 bias correction

  const char* key() const override { return kKey; }
  void apply_setting(const std::string& name, const nlohmann::json& v) override {
    static const char* kShown[] = {"running", "weights", "window", "correction"};
    if (name == "beta") beta_ = v.get<float>();
    if (name == "batches") batches_ = v.get<int>();
    if (name == "feature") feature_ = std::max(0, v.get<int>() - 1);  // counted from 1, as blocks
    for (int i = 0; i < 4; ++i)
      if (name == "shown" && v == kShown[i]) shown_ = i;
  }

  void draw_controls(PanelContext& ctx) {
    const float em = ImGui::GetFontSize();
    ImGui::SetNextItemWidth(em * 9);
    float beta = beta_;
    if (ImGui::SliderFloat(ui::tr_id("ema.beta"), &beta, 0.5f, 0.9999f, "%.4f"))
      ctx.actions.post(ui::act::SetPanelSetting{kKey, "beta", beta});
    for (double preset : {0.9, 0.9005, 0.999, 0.9995}) {
      const std::string label = fmt("%g", preset);
      same_line_if_fits(ImGui::CalcTextSize(label.c_str()).x + em);
      if (ImGui::SmallButton(label.c_str())) ctx.actions.post(ui::act::SetPanelSetting{kKey, "beta", preset});
    }
    ImGui::SetNextItemWidth(em * 7);
    int k = batches_;
    if (ImGui::SliderInt(ui::tr_id("ema.batches"), &k, 1, 200)) ctx.actions.post(ui::act::SetPanelSetting{kKey, "batches", k});
    same_line_if_fits(em * 9);
    ImGui::SetNextItemWidth(em * 5);
    int f = feature_ + 1;
    if (ImGui::InputInt(ui::tr_id("ema.feature"), &f)) ctx.actions.post(ui::act::SetPanelSetting{kKey, "feature", std::max(1, f)});
    // The run's BN momentum changes only here, on a click: the slider above is the lab's own.
    const double momentum = momentum_for_beta(beta_);
    const std::string button = ui::fill(ui::tr("ema.apply"), {{"momentum", fmt("%.4g", momentum)}}) + "###ema.apply";
    same_line_if_fits(ImGui::CalcTextSize(button.c_str(), nullptr, true).x + em);
    if (ImGui::Button(button.c_str())) ctx.actions.post(ui::act::SetBnMomentum{static_cast<float>(momentum)});
    if (ctx.a && ctx.a->config) {
      same_line_if_fits(em * 10);
      ImGui::TextDisabled("%s", ui::fill(ui::tr("ema.run_momentum"), {{"momentum", fmt("%g", ctx.a->config->model.bn.momentum)}}).c_str());
    }
  }

  void draw(PanelContext& ctx) override {
    draw_controls(ctx);
    const double beta = beta_;
    const auto frames = recent_frames(ctx.history_a.get(), 400);
    const FeatureMeans means = feature_means(frames, ctx.selected_block, feature_);
    auto show = [&](int i, float w, float h) {
      switch (i) {
        case 0: running_plot(ctx, means, w, h); break;
        case 1: weights_plot(ctx, beta, w, h); break;
        case 2: window_plot(ctx, beta, w, h); break;
        default: correction_plot(ctx, means, beta, w, h); break;
      }
    };
    const PlotGrid grid = arrange_plots(4);
    if (grid.all()) {
      draw_in_grid(grid, show);
      return;
    }
    // A half-sized cell: the chosen plot and its partner, the two that read together (the run's
    // means and their bias correction; the weights and the window that β gives).
    const PlotGrid pair = arrange_plots(2, 0.5f, ImGui::GetFrameHeightWithSpacing());
    if (pair.all()) {
      plot_choice({ui::tr("ema.choice_running"), ui::tr("ema.choice_weights"), ui::tr("ema.choice_window"),
                   ui::tr("ema.choice_correction")},
                  &shown_, false);
      const int first = shown_ == 0 || shown_ == 3 ? 0 : 1, second = first == 0 ? 3 : 2;
      draw_in_grid(arrange_plots(2), [&](int i, float w, float h) { show(i == 0 ? first : second, w, h); });
      return;
    }
    plot_choice({ui::tr("ema.choice_running"), ui::tr("ema.choice_weights"), ui::tr("ema.choice_window"),
                 ui::tr("ema.choice_correction")},
                &shown_, false);
    show(shown_, 0.0f, 0.0f);
  }

  // A plot's place when there is nothing to draw in it: the sentence saying why, on the canvas.
  void message(PanelContext& ctx, const std::string& id, const std::string& text, float w, float h) {
    plot_area(
        ctx, id,
        [&](plot::Canvas& canvas, plot::Rect rect) { draw_message(canvas, rect, plot::theme_by_name(ctx.theme.name), text); },
        w, h, [] { return std::string(); });
  }

  void running_plot(PanelContext& ctx, const FeatureMeans& m, float w, float h) {
    const std::string where = " · A " + std::to_string(ctx.selected_block + 1) + " · " +
                              ui::fill(ui::tr("ema.feature_n"), {{"feature", std::to_string(feature_ + 1)}});
    if (m.steps.empty()) {
      const bool waiting = !ctx.history_a || recent_frames(ctx.history_a.get(), 1).empty();
      message(ctx, "ema-running", ui::tr(waiting ? "plot.waiting" : "ema.no_bn"), w, h);
      return;
    }
    const std::string title = ui::tr("ema.running_title") + where;
    plot_area(
        ctx, "ema-running",
        [&](plot::Canvas& canvas, plot::Rect rect) {
          plot::PlotSpec spec = base_spec(ctx, title.c_str(), ui::tr("plot.step"), "");
          if (!plot::Begin(canvas, "ema-running", rect, spec)) return;
          const int n = static_cast<int>(m.steps.size());
          plot::Scatter(ui::tr("ema.batch_mean"), m.steps.data(), m.batch_mean.data(), n,
                        {.color = to_color(ctx.theme.accent), .marker_radius = 2.5f});
          plot::Line(ui::tr("ema.running_mean"), m.steps.data(), m.running_mean.data(), n,
                     {.color = to_color(ctx.theme.run_a), .line_width = 2.5f});
          plot::End();
        },
        w, h);
  }

  void weights_plot(PanelContext& ctx, double beta, float w, float h) {
    const std::vector<double> weights = ema_weights(beta, batches_);
    std::vector<float> bars(weights.begin(), weights.end());
    const std::string title = ui::fill(ui::tr("ema.weights_title"), {{"k", std::to_string(batches_)},
                                                                     {"sum", fmt("%.4f", ema_weight_sum(beta, batches_))}});
    plot_area(
        ctx, "ema-weights",
        [&](plot::Canvas& canvas, plot::Rect rect) {
          plot::PlotSpec spec = base_spec(ctx, title.c_str(), ui::tr("ema.batches_back"), "(1−β)·β^j");
          spec.legend = false;
          spec.y_min = 0.0;
          if (!plot::Begin(canvas, "ema-weights", rect, spec)) return;
          plot::Histogram(ui::tr("ema.weight"), bars.data(), static_cast<int>(bars.size()), -0.5,
                          static_cast<double>(bars.size()) - 0.5, {.color = to_color(ctx.theme.run_a), .fill_alpha = 0.6f});
          plot::End();
        },
        w, h);
  }

  // The window 1/(1 − β) against β's "nines", −log₁₀(1 − β) (1 for 0.9, 3 for 0.999): on a
  // log y axis the curve is a straight line, and note 002's two steps of 0.0005 show what they
  // do: 0.9 → 0.9005 hardly moves along it, 0.999 → 0.9995 moves a third of a decade.
  void window_plot(PanelContext& ctx, double beta, float w, float h) {
    auto nines = [](double b) { return static_cast<float>(-std::log10(1.0 - b)); };
    std::vector<float> xs, ys;
    for (int i = 0; i <= 100; ++i) {
      const double b = 1.0 - 0.5 * std::pow(2e-4, i / 100.0);  // 0.5 … 0.9999
      xs.push_back(nines(b));
      ys.push_back(static_cast<float>(ema_window(b)));
    }
    std::vector<std::string> legends;
    for (const auto& step : kNoteSteps)
      legends.push_back(fmt("%g", step[0]) + " → " + fmt("%g", step[1]) + ": " + fmt("%.4g", ema_window(step[0])) +
                        " → " + fmt("%.4g", ema_window(step[1])));
    const std::string title = ui::fill(ui::tr("ema.window_title"), {{"beta", fmt("%.4g", beta)},
                                                                    {"momentum", fmt("%.4g", momentum_for_beta(beta))},
                                                                    {"window", fmt("%.4g", ema_window(beta))}});
    plot_area(
        ctx, "ema-window",
        [&](plot::Canvas& canvas, plot::Rect rect) {
          plot::PlotSpec spec = base_spec(ctx, title.c_str(), ui::tr("ema.nines"), "1/(1−β)");
          spec.log_y = true;
          if (!plot::Begin(canvas, "ema-window", rect, spec)) return;
          plot::Line("##window", xs.data(), ys.data(), static_cast<int>(xs.size()), {.color = to_color(ctx.theme.run_b)});
          for (int s = 0; s < 2; ++s) {
            const float px[2] = {nines(kNoteSteps[s][0]), nines(kNoteSteps[s][1])};
            const float py[2] = {static_cast<float>(ema_window(kNoteSteps[s][0])),
                                 static_cast<float>(ema_window(kNoteSteps[s][1]))};
            plot::Scatter(legends[s], px, py, 2, {.color = spec.theme.palette[2 + s], .marker_radius = 5.0f});
          }
          const float bx = nines(beta), by = static_cast<float>(ema_window(beta));
          plot::Scatter(ui::tr("ema.this_beta"), &bx, &by, 1, {.color = to_color(ctx.theme.run_a), .marker_radius = 7.0f});
          plot::End();
        },
        w, h);
  }

  void correction_plot(PanelContext& ctx, const FeatureMeans& m, double beta, float w, float h) {
    if (m.steps.empty()) {
      message(ctx, "ema-correction", ui::tr("ema.no_frames"), w, h);
      return;
    }
    const size_t n = std::min<size_t>(m.batch_mean.size(), kCorrectionFrames);
    const std::vector<double> y(m.batch_mean.begin(), m.batch_mean.begin() + static_cast<std::ptrdiff_t>(n));
    const EmaSeries s = ema_series(y, beta);
    std::vector<float> t(n), plain(n), corrected(n), yf(n);
    for (size_t i = 0; i < n; ++i) {
      t[i] = static_cast<float>(i + 1);
      plain[i] = static_cast<float>(s.plain[i]);
      corrected[i] = static_cast<float>(s.corrected[i]);
      yf[i] = static_cast<float>(y[i]);
    }
    const std::string title = ui::fill(ui::tr("ema.correction_title"), {{"beta", fmt("%.4g", beta)}});
    plot_area(
        ctx, "ema-correction",
        [&](plot::Canvas& canvas, plot::Rect rect) {
          plot::PlotSpec spec = base_spec(ctx, title.c_str(), ui::tr("ema.t"), "");
          if (!plot::Begin(canvas, "ema-correction", rect, spec)) return;
          const int k = static_cast<int>(n);
          plot::Scatter(ui::tr("ema.y_t"), t.data(), yf.data(), k, {.color = to_color(ctx.theme.accent), .marker_radius = 3.0f});
          plot::Line(ui::tr("ema.s_t"), t.data(), plain.data(), k, {.color = to_color(ctx.theme.run_b), .line_width = 2.5f});
          plot::Line(ui::tr("ema.s_t_corrected"), t.data(), corrected.data(), k,
                     {.color = to_color(ctx.theme.run_a), .line_width = 2.5f});
          plot::End();
        },
        w, h);
  }
};

}  // namespace

std::unique_ptr<Panel> make_ema_panel() { return std::make_unique<EmaPanel>(); }

}  // namespace bnlab
