// What this file is: panel 3, distribution shift: per block, how far the chosen tap's
// distribution moved between consecutive probes (Wasserstein-1 of the histograms), A vs B.
#include <imgui.h>

#include "panels/frame_series.h"
#include "panels/panel.h"
#include "panels/plot_area.h"
#include "ui/text.h"

namespace bnlab {
namespace {

struct ShiftPanel : Panel {
  const char* key() const override { return "panel.shift"; }

  void draw(PanelContext& ctx) override {
    const plot::Color colors[2] = {to_color(ctx.theme.run_a), to_color(ctx.theme.run_b)};
    const int tap = ctx.selected_tap;
    plot_area(ctx, "shift", [&](plot::Canvas& canvas, plot::Rect rect) {
      plot::PlotSpec spec = base_spec(ctx, ui::tr("panel.shift"), ui::tr("plot.step"), ui::tr("plot.shift"));
      spec.log_y = true;
      if (!plot::Begin(canvas, "shift", rect, spec)) return;
      const History* hs[2] = {ctx.history_a, ctx.history_b};
      for (int r = 0; r < 2; ++r) {
        const auto frames = recent_frames(hs[r]);
        const int blocks = frames.empty() ? 0 : static_cast<int>(frames.back()->blocks.size());
        for (int b = 0; b + 1 < blocks; ++b) {
          const FrameTrack f = frame_series(frames, tap_shift(b, tap));
          const std::string name = std::string(r == 0 ? "A " : "B ") + std::to_string(b + 1);
          plot::Line(name, f.steps.data(), f.values.data(), static_cast<int>(f.steps.size()),
                     {.color = colors[r].with_alpha(1.0f - 0.2f * b), .smoothing = 0.8f});
        }
      }
      plot::End();
    });
  }
};

}  // namespace

std::unique_ptr<Panel> make_shift_panel() { return std::make_unique<ShiftPanel>(); }

}  // namespace bnlab
