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
    plot_area(ctx, "gradients", [&](plot::Canvas& canvas, plot::Rect rect) {
      plot::PlotSpec spec = base_spec(ctx, ui::tr("panel.gradients"), ui::tr("plot.step"), ui::tr("plot.grad_norm"));
      spec.log_y = true;
      if (!plot::Begin(canvas, "gradients", rect, spec)) return;
      lines_per_block(ctx, [](int b) { return block_value(b, &BlockProbe::grad_norm); });
      plot::End();
    });
  }
};

}  // namespace

std::unique_ptr<Panel> make_gradients_panel() { return std::make_unique<GradientsPanel>(); }

}  // namespace bnlab
