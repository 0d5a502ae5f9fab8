// What this file is: panel 6, γ and β while training: for the chosen block's BN (run A), every
// feature's γ and β over time, and the running mean against the current batch's mean per
// feature (they agree once the moving average has caught up: momentum sets its window).
#include <imgui.h>

#include "panels/frame_series.h"
#include "panels/panel.h"
#include "panels/plot_area.h"
#include "ui/text.h"

namespace bnlab {
namespace {

// At most this many features are drawn as lines; the rest would only be noise on a slide.
constexpr int kMaxLines = 24;

struct GammaBetaPanel : Panel {
  const char* key() const override { return "panel.gamma_beta"; }

  void draw(PanelContext& ctx) override {
    const int block = ctx.selected_block;
    const auto frames = recent_frames(ctx.history_a, 300);
    const bool has_bn = !frames.empty() && block < static_cast<int>(frames.back()->blocks.size()) &&
                        !frames.back()->blocks[block].gamma.empty();
    if (frames.empty()) {
      ImGui::TextDisabled("%s", ui::tr("plot.waiting"));
      return;
    }
    if (!has_bn) {
      ImGui::TextDisabled("%s", ui::tr("plot.no_bn"));
      return;
    }
    const int features = std::min<int>(kMaxLines, static_cast<int>(frames.back()->blocks[block].gamma.size()));
    const float third = ImGui::GetContentRegionAvail().x / 3.0f - ImGui::GetStyle().ItemSpacing.x;
    const struct {
      const char* id;
      const char* title;
      std::vector<float> BlockProbe::*member;
    } params[2] = {{"gamma", "γ", &BlockProbe::gamma}, {"beta", "β", &BlockProbe::beta}};
    for (const auto& p : params) {
      plot_area(
          ctx, p.id,
          [&](plot::Canvas& canvas, plot::Rect rect) {
            plot::PlotSpec spec = base_spec(ctx, p.title, ui::tr("plot.step"), p.title);
            spec.legend = false;
            if (!plot::Begin(canvas, p.id, rect, spec)) return;
            for (int f = 0; f < features; ++f) {
              const FrameTrack s = frame_series(frames, [&](const ProbeFrame& fr) {
                const auto& v = fr.blocks.size() > static_cast<size_t>(block) ? fr.blocks[block].*p.member : std::vector<float>{};
                return f < static_cast<int>(v.size()) ? v[f] : NAN;
              });
              plot::Line("##" + std::to_string(f), s.steps.data(), s.values.data(), static_cast<int>(s.steps.size()),
                         {.line_width = 1.0f});
            }
            plot::End();
          },
          third);
      ImGui::SameLine();
    }
    const BlockProbe& last = frames.back()->blocks[block];
    plot_area(ctx, "running-vs-batch", [&](plot::Canvas& canvas, plot::Rect rect) {
      plot::PlotSpec spec = base_spec(ctx, "μ_B / running μ", ui::tr("plot.value"), "");
      if (!plot::Begin(canvas, "running-vs-batch", rect, spec)) return;
      const int n = static_cast<int>(last.batch_mean.size());
      std::vector<float> index(n);
      for (int i = 0; i < n; ++i) index[i] = static_cast<float>(i);
      plot::Scatter("μ_B", index.data(), last.batch_mean.data(), n, {.color = to_color(ctx.theme.run_b)});
      plot::Scatter("running μ", index.data(), last.running_mean.data(), n, {.color = to_color(ctx.theme.run_a)});
      plot::End();
    });
  }
};

}  // namespace

std::unique_ptr<Panel> make_gamma_beta_panel() { return std::make_unique<GammaBetaPanel>(); }

}  // namespace bnlab
