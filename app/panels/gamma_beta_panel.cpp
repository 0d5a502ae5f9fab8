// What this file is: panel 6, γ and β while training: for the chosen block's BN (run A), every
// feature's γ and β over time, as lines when there are few features and as a feature × time
// heatmap when lines would be a tangle; beside them the latest batch's mean and variance against
// the running ones per feature (they agree once the moving average has caught up: momentum sets
// its window). A small cell shows one of the four plots at a time.
#include <imgui.h>

#include <cmath>
#include <string>

#include "panels/feature_time.h"
#include "panels/frame_series.h"
#include "panels/panel.h"
#include "panels/plot_area.h"
#include "panels/plot_grid.h"
#include "ui/text.h"

namespace bnlab {
namespace {

// γ starts at 1 and β at 0 (Ioffe and Szegedy 2015, Algorithm 1 initializes the identity
// scale and zero shift); the heatmaps' neutral colour sits there, so what moved stands out.
struct Param {
  const char* id;
  const char* symbol;
  FeatureMember member;
  float start;
};
constexpr Param kParams[2] = {{"gamma", "γ", &BlockProbe::gamma, 1.0f}, {"beta", "β", &BlockProbe::beta, 0.0f}};

// Changes smaller than this keep a near-neutral colour instead of filling the colour map.
constexpr float kMinColourHalfRange = 0.02f;

struct GammaBetaPanel : Panel {
  int shown_ = 0;  // in a small cell, the one plot shown: γ, β, mean or variance

  const char* key() const override { return "panel.gamma_beta"; }
  void apply_setting(const std::string& name, const nlohmann::json& v) override {
    static const char* kShown[] = {"gamma", "beta", "mean", "variance"};
    for (int i = 0; i < 4; ++i)
      if (name == "shown" && v == kShown[i]) shown_ = i;
  }

  void draw(PanelContext& ctx) override {
    const int block = ctx.selected_block;
    const auto frames = recent_frames(ctx.history_a.get(), 300);
    if (frames.empty()) {
      ImGui::TextDisabled("%s", ui::tr("plot.waiting"));
      return;
    }
    if (block >= static_cast<int>(frames.back()->blocks.size()) || frames.back()->blocks[block].gamma.empty()) {
      ImGui::TextDisabled("%s", ui::tr("plot.no_bn"));
      return;
    }
    const BlockProbe& last = frames.back()->blocks[block];
    const int features = static_cast<int>(last.gamma.size());
    const std::string which = " · A " + std::to_string(block + 1);
    // BN keeps one γ and β per feature of a dense layer, per channel of a conv layer.
    const bool conv = ctx.a && ctx.a->config && block < static_cast<int>(ctx.a->config->model.blocks.size()) &&
                      ctx.a->config->model.blocks[block].op == "conv";
    const char* feature_label = ui::tr(conv ? "gamma_beta.channel" : "gamma_beta.feature");

    // One of the four plots (γ, β, mean, variance) in a w × h area at the cursor; `x_label`
    // false under a plot that shares the x axis with the one below it.
    auto show = [&](int plot_index, float w, float h, bool x_label) {
      if (plot_index < 2) {
        const Param& p = kParams[plot_index];
        const std::string title = p.symbol + which;
        // Its own id, so a zoom on lines of γ ≈ 1 is not applied to feature indices.
        const bool as_heatmap = draw_features_as_heatmap(features);
        const std::string id = std::string(p.id) + (as_heatmap ? "-heatmap" : "");
        plot_area(
            ctx, id,
            [&](plot::Canvas& canvas, plot::Rect rect) {
              plot::PlotSpec spec = base_spec(ctx, title.c_str(), x_label ? ui::tr("plot.step") : "", "");
              spec.legend = false;
              if (as_heatmap) spec.y_label = feature_label;
              if (!plot::Begin(canvas, id, rect, spec)) return;
              if (as_heatmap)
                heatmap(frames, block, p, static_cast<int>(rect.width()));
              else
                lines(frames, block, p, features);
              plot::End();
            },
            w, h);
        return;
      }
      const bool mean = plot_index == 2;
      const std::string title = ui::tr(mean ? "gamma_beta.mean" : "gamma_beta.var") + which;
      statistics(ctx, mean ? "running-vs-batch-mean" : "running-vs-batch-var", title.c_str(),
                 x_label ? feature_label : "", mean ? last.batch_mean : last.batch_var,
                 mean ? last.running_mean : last.running_var, w, h);
    };

    // All four when they fit: in two columns, γ and β over time on the left, where the time axis
    // gets the width, the latest batch's statistics per feature on the right.
    const PlotGrid grid = arrange_plots(4, 0.6f);
    if (grid.all()) {
      auto plot_at = [&](int i) { return grid.columns == 2 ? kTwoColumns[i] : i; };
      draw_in_grid(grid, [&](int i, float w, float h) {
        // A plot above one with the same x axis (time for γ and β, feature for μ and σ²) leaves
        // the axis's label to it.
        const int below = i + grid.columns;
        const bool shared = below < 4 && plot_at(below) / 2 == plot_at(i) / 2;
        show(plot_at(i), w, h, !shared);
      });
      return;
    }
    // A small cell: one plot at a time, chosen above it, rather than four too small to read.
    plot_choice({"γ", "β", "μ", "σ²"}, &shown_, false);
    show(shown_, 0.0f, 0.0f, true);
  }

  // In two columns, row by row: γ and μ, then β and σ².
  static constexpr int kTwoColumns[4] = {0, 2, 1, 3};

  // Few features, inside Begin/End: one line each.
  static void lines(const std::vector<std::shared_ptr<const ProbeFrame>>& frames, int block, const Param& p,
                    int features) {
    for (int f = 0; f < features; ++f) {
      const FrameTrack s = frame_series(frames, [&](const ProbeFrame& fr) {
        if (block >= static_cast<int>(fr.blocks.size())) return NAN;
        const std::vector<float>& v = fr.blocks[block].*p.member;
        return f < static_cast<int>(v.size()) ? v[f] : NAN;
      });
      plot::Line(std::string(p.symbol) + " " + std::to_string(f), s.steps.data(), s.values.data(),
                 static_cast<int>(s.steps.size()), {.line_width = 1.0f});
    }
  }

  // Many features, inside Begin/End: feature on y, step on x, colour diverging from the
  // starting value; at most one column per pixel of the plot's width, finer would not show.
  static void heatmap(const std::vector<std::shared_ptr<const ProbeFrame>>& frames, int block, const Param& p,
                      int width) {
    const FeatureTimeMatrix m = feature_time_matrix(frames, block, p.member, std::max(16, width));
    if (m.cols > 0) {
      float vmin = 0, vmax = 0;
      centred_range(m.lo, m.hi, p.start, kMinColourHalfRange, &vmin, &vmax);
      const plot::GridBounds bounds{m.first_step, m.last_step, 0.0, static_cast<double>(m.rows - 1)};
      plot::Heatmap(p.symbol, m.values.data(), m.cols, m.rows, bounds, vmin, vmax, plot::Colormap::diverging);
    }
  }

  // One statistic of the latest frame per feature: the mini-batch's, drawn over the running
  // estimate's larger marks, so agreement shows as a dot inside a disc.
  static void statistics(PanelContext& ctx, const char* id, const char* title, const char* x_label,
                         const std::vector<float>& batch, const std::vector<float>& running, float w, float h) {
    plot_area(
        ctx, id,
        [&](plot::Canvas& canvas, plot::Rect rect) {
          plot::PlotSpec spec = base_spec(ctx, title, x_label, "");
          if (!plot::Begin(canvas, id, rect, spec)) return;
          const int n = static_cast<int>(std::min(batch.size(), running.size()));
          std::vector<float> index(n);
          for (int i = 0; i < n; ++i) index[i] = static_cast<float>(i);
          plot::Scatter(ui::tr("gamma_beta.running"), index.data(), running.data(), n,
                        {.color = to_color(ctx.theme.run_a), .marker_radius = 3.5f});
          plot::Scatter(ui::tr("gamma_beta.batch"), index.data(), batch.data(), n,
                        {.color = to_color(ctx.theme.accent), .marker_radius = 1.8f});
          plot::End();
        },
        w, h);
  }
};

}  // namespace

std::unique_ptr<Panel> make_gamma_beta_panel() { return std::make_unique<GammaBetaPanel>(); }

}  // namespace bnlab
