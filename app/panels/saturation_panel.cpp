// What this file is: panel 4, sigmoid saturation: σ(z) and σ'(z) over the live histogram of the
// chosen block's activation input (run A and B), the saturated region shaded (σ'(z) below a
// tenth of its peak, |z| > 3.63), and the saturated fraction of every block over time. A small
// cell shows one of the two.
#include <imgui.h>

#include <cmath>

#include "panels/frame_series.h"
#include "panels/panel.h"
#include "panels/plot_area.h"
#include "panels/plot_grid.h"
#include "ui/text.h"

namespace bnlab {
namespace {

// σ'(z) = σ(z)(1 − σ(z)) = 0.025 at |z| = ln((1 + √0.9) / (1 − √0.9)) ≈ 3.63.
constexpr float kSaturatedZ = 3.636f;
constexpr float kZRange = 8.0f;
constexpr const char* kSigmoidTitle = "σ(z), σ'(z)";

struct SaturationPanel : Panel {
  int shown_ = 0;  // in a small cell, the one plot shown: σ over the histogram, or the fraction

  const char* key() const override { return "panel.saturation"; }
  void apply_setting(const std::string& name, const nlohmann::json& v) override {
    if (name == "shown") shown_ = v == "fraction" ? 1 : 0;
  }

  void draw(PanelContext& ctx) override {
    auto show = [&](int k, float width, float height) {
      if (k == 0)
        sigmoid(ctx, width, height);
      else
        fraction(ctx, width, height);
    };
    const PlotGrid grid = arrange_plots(2);
    if (grid.all()) {
      draw_in_grid(grid, show);
    } else {
      plot_choice({kSigmoidTitle, ui::tr("plot.fraction_saturated")}, &shown_, false);
      show(shown_, 0.0f, 0.0f);
    }
  }

  // σ and σ' over the histograms of the activation's input, runs A and B.
  static void sigmoid(PanelContext& ctx, float width, float height) {
    const int block = ctx.selected_block;
    const plot::Color colors[2] = {to_color(ctx.theme.run_a), to_color(ctx.theme.run_b)};
    const std::shared_ptr<const TrainerSnapshot> snaps[2] = {ctx.a, ctx.b};
    plot_area(
        ctx, "saturation-curve",
        [&](plot::Canvas& canvas, plot::Rect rect) {
          plot::PlotSpec spec = base_spec(ctx, kSigmoidTitle, "z", "");
          spec.x_min = -kZRange;
          spec.x_max = kZRange;
          spec.y_min = 0.0;
          spec.y_max = 1.05;
          if (!plot::Begin(canvas, "saturation-curve", rect, spec)) return;
          // The activation's input is BN's output when BN comes first, else z.
          for (int r = 0; r < 2; ++r) {
            if (!snaps[r] || !snaps[r]->probe || block >= static_cast<int>(snaps[r]->probe->blocks.size())) continue;
            const TapProbe& t = snaps[r]->probe->blocks[block].taps[tap_normalized];
            std::vector<float> scaled(t.histogram.bins.size());
            uint32_t peak = 1;
            for (uint32_t c : t.histogram.bins) peak = std::max(peak, c);
            for (size_t i = 0; i < scaled.size(); ++i) scaled[i] = 0.8f * t.histogram.bins[i] / peak;
            plot::Histogram(std::string(r == 0 ? "A" : "B") + " z", scaled.data(), static_cast<int>(scaled.size()),
                            t.histogram.lo, t.histogram.hi, {.color = colors[r], .fill_alpha = 0.35f});
          }
          std::vector<float> z, s, ds, lo, hi;
          for (int i = 0; i <= 200; ++i) {
            const float x = -kZRange + 2 * kZRange * i / 200.0f, sig = 1.0f / (1.0f + std::exp(-x));
            z.push_back(x);
            s.push_back(sig);
            ds.push_back(sig * (1 - sig));
            lo.push_back(0.0f);
            hi.push_back(std::abs(x) > kSaturatedZ ? 1.05f : NAN);
          }
          plot::Band(ui::tr("plot.saturated_region"), z.data(), lo.data(), hi.data(), static_cast<int>(z.size()),
                     {.color = to_color(ctx.theme.warning), .fill_alpha = 0.12f});
          plot::Line("σ(z)", z.data(), s.data(), static_cast<int>(z.size()),
                     {.color = to_color(ctx.theme.accent), .line_width = 2.5f});
          plot::Line("σ'(z)", z.data(), ds.data(), static_cast<int>(z.size()), {.line_width = 2.5f});
          plot::End();
        },
        width, height);
  }

  // The saturated fraction of every block over training.
  static void fraction(PanelContext& ctx, float width, float height) {
    plot_area(
        ctx, "saturation-fraction",
        [&](plot::Canvas& canvas, plot::Rect rect) {
          plot::PlotSpec spec = base_spec(ctx, ui::tr("plot.fraction_saturated"), ui::tr("plot.step"), "");
          spec.y_min = 0.0;
          if (!plot::Begin(canvas, "saturation-fraction", rect, spec)) return;
          lines_per_block(ctx, [](int b) { return block_value(b, &BlockProbe::saturation); });
          plot::End();
        },
        width, height);
  }
};

}  // namespace

std::unique_ptr<Panel> make_saturation_panel() { return std::make_unique<SaturationPanel>(); }

}  // namespace bnlab
