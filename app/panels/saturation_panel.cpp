// What this file is: panel 4, saturation: the chosen block's own activation φ(z) and its slope
// φ'(z) over the live histogram of what that activation reads (BN's output when BN comes first,
// else z), runs A and B, with the region where it stops passing gradients shaded; and each
// block's own measure of that over time: the saturated fraction for sigmoid and tanh, the
// fraction of dead units (never positive on the batch) for ReLU. A small cell shows one of the two.
#include <imgui.h>

#include <cmath>

#include "panels/frame_series.h"
#include "panels/panel.h"
#include "panels/plot_area.h"
#include "panels/plot_grid.h"
#include "ui/problems.h"
#include "ui/text.h"

namespace bnlab {
namespace {

// How one activation is drawn. The saturated region is where φ' falls under a tenth of its peak
// (core/probes/probe.h): σ'(z) = σ(z)(1 − σ(z)) = 0.025 at |z| = ln((1 + √0.9) / (1 − √0.9)) ≈ 3.64;
// tanh'(z) = 1 − tanh²(z) = 0.1 at |z| = atanh(√0.9) ≈ 1.82. A ReLU passes no gradient for z < 0
// (a leaky ReLU 1% of it).
struct ActivationCurve {
  const char* title;         // the plot's title (symbols, the same in every language)
  const char* f_name;        // the two lines' legend names
  const char* df_name;
  const char* region_key;    // i18n key of the shaded region's legend name
  float x_range, y_min, y_max;
  float saturated_z;         // |z| beyond it is shaded (σ, tanh); 0: z < 0 is (ReLU)
  float (*f)(float);
  float (*df)(float);
};

float sigmoid(float z) { return 1.0f / (1.0f + std::exp(-z)); }

const ActivationCurve& curve_of(ActivationKind kind) {
  static const ActivationCurve kSigmoid{"σ(z), σ'(z)", "σ(z)", "σ'(z)", "plot.saturated_region", 8.0f, 0.0f, 1.05f, 3.636f,
                                        sigmoid, [](float z) { return sigmoid(z) * (1.0f - sigmoid(z)); }};
  static const ActivationCurve kTanh{"tanh(z), tanh'(z)", "tanh(z)", "tanh'(z)", "plot.saturated_region_tanh", 4.0f, -1.05f, 1.05f,
                                     1.818f, [](float z) { return std::tanh(z); },
                                     [](float z) { return 1.0f - std::tanh(z) * std::tanh(z); }};
  static const ActivationCurve kRelu{"ReLU(z), ReLU'(z)", "ReLU(z)", "ReLU'(z)", "plot.relu_off", 4.0f, -0.1f, 2.1f, 0.0f,
                                     [](float z) { return std::max(z, 0.0f); }, [](float z) { return z > 0 ? 1.0f : 0.0f; }};
  static const ActivationCurve kLeaky{"leaky ReLU(z), slope", "leaky ReLU(z)", "slope", "plot.leaky_relu_off", 4.0f, -0.1f, 2.1f,
                                      0.0f, [](float z) { return z > 0 ? z : Activation::leaky_slope * z; },
                                      [](float z) { return z > 0 ? 1.0f : Activation::leaky_slope; }};
  switch (kind) {
    case ActivationKind::sigmoid:
      return kSigmoid;
    case ActivationKind::tanh:
      return kTanh;
    case ActivationKind::relu:
      return kRelu;
    case ActivationKind::leaky_relu:
      return kLeaky;
  }
  return kSigmoid;
}

// The chosen block of a run's latest probe frame, if there is one.
const BlockProbe* block_probe(const std::shared_ptr<const TrainerSnapshot>& snap, int block) {
  if (!snap || !snap->probe || block < 0 || block >= static_cast<int>(snap->probe->blocks.size())) return nullptr;
  return &snap->probe->blocks[block];
}

// The fraction plot's title: what its lines measure, given the blocks' activations.
const char* fraction_title(const PanelContext& ctx) {
  bool saturates = false, dies = false;
  for (const auto& snap : {ctx.a, ctx.b}) {
    if (!snap || !snap->probe) continue;
    for (const BlockProbe& b : snap->probe->blocks) {
      if (!b.activation) continue;
      const bool relu = *b.activation == ActivationKind::relu || *b.activation == ActivationKind::leaky_relu;
      (relu ? dies : saturates) = true;
    }
  }
  return ui::tr(dies && saturates ? "plot.fraction_saturated_or_dead" : dies ? "plot.fraction_dead" : "plot.fraction_saturated");
}

struct SaturationPanel : Panel {
  int shown_ = 0;  // in a small cell, the one plot shown: φ over the histogram, or the fraction

  const char* key() const override { return "panel.saturation"; }
  void apply_setting(const std::string& name, const nlohmann::json& v) override {
    if (name == "shown") shown_ = v == "fraction" ? 1 : 0;
  }

  void draw(PanelContext& ctx) override {
    const BlockProbe* chosen = block_probe(ctx.a, ctx.selected_block);
    if (!chosen) chosen = block_probe(ctx.b, ctx.selected_block);
    const ActivationCurve* curve = chosen && chosen->activation ? &curve_of(*chosen->activation) : nullptr;
    const char* curve_title = curve ? curve->title : ui::tr("plot.no_activation");
    auto show = [&](int k, float width, float height) {
      if (k == 0)
        activation(ctx, curve, curve_title, width, height);
      else
        fraction(ctx, width, height);
    };
    const PlotGrid grid = arrange_plots(2);
    if (grid.all()) {
      draw_in_grid(grid, show);
    } else {
      plot_choice({curve_title, fraction_title(ctx)}, &shown_, false);
      show(shown_, 0.0f, 0.0f);
    }
  }

  // φ and φ' over the histograms of the activation's input, runs A and B (without an
  // activation, the histograms of z alone).
  static void activation(PanelContext& ctx, const ActivationCurve* curve, const char* title, float width, float height) {
    const int block = ctx.selected_block;
    const plot::Color colors[2] = {to_color(ctx.theme.run_a), to_color(ctx.theme.run_b)};
    const std::shared_ptr<const TrainerSnapshot> snaps[2] = {ctx.a, ctx.b};
    const BlockProbe* probes[2] = {block_probe(ctx.a, block), block_probe(ctx.b, block)};
    // The x axis: φ's input, which is the norm's output, e.g. BN(z), when the norm comes first.
    const BlockProbe* first = probes[0] ? probes[0] : probes[1];
    const bool norm_first = first && first->activation_input == tap_normalized;
    plot_area(
        ctx, "saturation-curve",
        [&](plot::Canvas& canvas, plot::Rect rect) {
          plot::PlotSpec spec = base_spec(ctx, title, "z", "");
          if (norm_first) spec.x_label = ui::fill(ui::tr("plot.activation_input_norm"), {{"norm", norm_abbreviation(first->norm)}});
          if (curve) {
            spec.x_min = -curve->x_range;
            spec.x_max = curve->x_range;
            spec.y_min = curve->y_min;
            spec.y_max = curve->y_max;
          }
          if (!plot::Begin(canvas, "saturation-curve", rect, spec)) return;
          const float top = curve ? 0.8f * curve->y_max : 1.0f;
          for (int r = 0; r < 2; ++r) {
            if (!probes[r]) continue;
            const TapProbe& t = probes[r]->taps[probes[r]->activation_input];
            std::vector<float> scaled(t.histogram.bins.size());
            uint32_t peak = 1;
            for (uint32_t c : t.histogram.bins) peak = std::max(peak, c);
            for (size_t i = 0; i < scaled.size(); ++i) scaled[i] = top * t.histogram.bins[i] / peak;
            const bool input_normed = probes[r]->activation_input == tap_normalized;
            const std::string input = input_normed ? std::string(norm_abbreviation(probes[r]->norm)) + "(z)" : "z";
            plot::Histogram(std::string(r == 0 ? "A " : "B ") + input, scaled.data(),
                            static_cast<int>(scaled.size()), t.histogram.lo, t.histogram.hi,
                            {.color = colors[r], .fill_alpha = 0.35f});
          }
          if (curve) draw_curve(ctx, *curve);
          plot::End();
        },
        width, height);
  }

  static void draw_curve(const PanelContext& ctx, const ActivationCurve& curve) {
    std::vector<float> z, f, df, lo, hi;
    for (int i = 0; i <= 200; ++i) {
      const float x = -curve.x_range + 2 * curve.x_range * i / 200.0f;
      z.push_back(x);
      f.push_back(curve.f(x));
      df.push_back(curve.df(x));
      lo.push_back(curve.y_min);
      const bool shaded = curve.saturated_z > 0 ? std::abs(x) > curve.saturated_z : x < 0;
      hi.push_back(shaded ? curve.y_max : NAN);
    }
    const int n = static_cast<int>(z.size());
    plot::Band(ui::tr(curve.region_key), z.data(), lo.data(), hi.data(), n,
               {.color = to_color(ctx.theme.warning), .fill_alpha = 0.12f});
    plot::Line(curve.f_name, z.data(), f.data(), n, {.color = to_color(ctx.theme.accent), .line_width = 2.5f});
    plot::Line(curve.df_name, z.data(), df.data(), n, {.line_width = 2.5f});
  }

  // Each block's saturated fraction (sigmoid, tanh) or dead units (ReLU) over training.
  static void fraction(PanelContext& ctx, float width, float height) {
    const char* title = fraction_title(ctx);
    plot_area(
        ctx, "saturation-fraction",
        [&](plot::Canvas& canvas, plot::Rect rect) {
          plot::PlotSpec spec = base_spec(ctx, title, ui::tr("plot.step"), "");
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
