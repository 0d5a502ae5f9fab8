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
    const int tap = ctx.selected_tap;
    plot_area(ctx, "shift", [&](plot::Canvas& canvas, plot::Rect rect) {
      plot::PlotSpec spec = base_spec(ctx, ui::tr("panel.shift"), ui::tr("plot.step"), ui::tr("plot.shift"));
      spec.log_y = true;
      if (!plot::Begin(canvas, "shift", rect, spec)) return;
      lines_per_block(ctx, [tap](int b) { return tap_shift(b, tap); }, /*skip_last=*/1, /*smoothing=*/0.8f);
      plot::End();
    });
  }
};

}  // namespace

std::unique_ptr<Panel> make_shift_panel() { return std::make_unique<ShiftPanel>(); }

}  // namespace bnlab
