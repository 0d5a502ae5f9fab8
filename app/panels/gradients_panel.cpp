// What this file is: panel 5, gradient flow: the norm of each block's weight gradient over
// time on a log axis, runs A and B; without BN the early blocks' gradients vanish (sigmoid).
#include <imgui.h>

#include "panels/frame_series.h"
#include "panels/panel.h"
#include "panels/plot_area.h"
#include "ui/text.h"

namespace bnlab {
namespace {

struct GradientsPanel : Panel {
  const char* key() const override { return "panel.gradients"; }

  void draw(PanelContext& ctx) override {
    const plot::Color colors[2] = {to_color(ctx.theme.run_a), to_color(ctx.theme.run_b)};
    plot_area(ctx, "gradients", [&](plot::Canvas& canvas, plot::Rect rect) {
      plot::PlotSpec spec = base_spec(ctx, ui::tr("panel.gradients"), ui::tr("plot.step"), ui::tr("plot.grad_norm"));
      spec.log_y = true;
      if (!plot::Begin(canvas, "gradients", rect, spec)) return;
      const History* hs[2] = {ctx.history_a, ctx.history_b};
      for (int r = 0; r < 2; ++r) {
        const auto frames = recent_frames(hs[r]);
        const int blocks = frames.empty() ? 0 : static_cast<int>(frames.back()->blocks.size());
        for (int b = 0; b < blocks; ++b) {
          const FrameTrack f = frame_series(frames, block_value(b, &BlockProbe::grad_norm));
          const std::string name = std::string(r == 0 ? "A " : "B ") + std::to_string(b + 1);
          plot::Line(name, f.steps.data(), f.values.data(), static_cast<int>(f.steps.size()),
                     {.color = colors[r].with_alpha(1.0f - 0.18f * b), .line_width = 1.0f + 0.6f * (blocks - b)});
        }
      }
      plot::End();
    });
  }
};

}  // namespace

std::unique_ptr<Panel> make_gradients_panel() { return std::make_unique<GradientsPanel>(); }

}  // namespace bnlab
