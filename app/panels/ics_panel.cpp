// What this file is: the ICS lab's panel (Santurkar et al. 2018, "How Does Batch Normalization
// Help Optimization?", §2.2, Fig. 5): per block, how much the gradient of its weights changes
// when the blocks before it take their step on the same batch, ‖G − G′‖ (log scale) and
// cos(G, G′), over training, runs A and B on the same axes. Shown, it asks both trainers to
// measure every N steps (a forward and backward per block each time); hidden, it stops them.
#include <imgui.h>

#include <string>

#include "panels/lab_text.h"
#include "panels/landscape_view.h"
#include "panels/plot_area.h"
#include "panels/plot_grid.h"
#include "ui/problems.h"
#include "ui/text.h"

namespace bnlab {
namespace {


struct IcsPanel : Panel {
  static constexpr const char* kKey = "panel.ics";
  int every_ = kProbeEvery;
  int sent_ = 0;  // the interval the session has from this panel (0: off)
  int plot_shown_ = 0;  // 0: ‖G − G′‖, 1: cos(G, G′), when only one fits

  const char* key() const override { return kKey; }

  // Shown: both runs measure every `every_` steps; hidden: not at all.
  void sync(bool shown, ui::ActionQueue& actions) override {
    const int wanted = shown ? every_ : 0;
    if (wanted == sent_) return;
    actions.post(ui::act::SetIcsEvery{wanted});
    sent_ = wanted;
  }

  void apply_setting(const std::string& name, const nlohmann::json& v) override {
    if (name == "every") {
      every_ = measure_interval(v.get<int>());  // sent by the next sync, right after this action
    }
    if (name == "shown") plot_shown_ = v == "cosine" ? 1 : 0;
  }

  void plot(PanelContext& ctx, const RunFrames& frames, int blocks, int which, float w, float h) {
    const bool cosine = which == 1;
    const std::string id = cosine ? "ics-cosine" : "ics-difference";
    const IcsQuantity q = cosine ? IcsQuantity::cosine : IcsQuantity::grad_diff;
    plot_area(
        ctx, id,
        [&](plot::Canvas& canvas, plot::Rect rect) {
          plot::PlotSpec spec = base_spec(ctx, ui::tr(cosine ? "ics.cosine_title" : "ics.difference_title"),
                                          ui::tr("plot.step"), cosine ? "cos(G, G′)" : "‖G − G′‖");
          spec.log_y = !cosine;
          if (cosine) spec.y_max = 1.0;
          if (!plot::Begin(canvas, id, rect, spec)) return;
          const FrameList* runs[2] = {&frames.a, &frames.b};
          const plot::Color colors[2] = {to_color(ctx.theme.run_a), to_color(ctx.theme.run_b)};
          for (int r = 0; r < 2; ++r)
            for (int b = 1; b < blocks; ++b) {  // block 1 has no block before it: G′ = G
              const MeasureSeries s = ics_series(*runs[r], b, q);
              if (s.steps.empty()) continue;
              const std::string name = std::string(r == 0 ? "A " : "B ") + std::to_string(b + 1);
              plot::Line(name, s.steps.data(), s.lo.data(), static_cast<int>(s.steps.size()),
                         {.color = colors[r].with_alpha(1.0f - 0.6f * (b - 1) / std::max(1, blocks - 1)),
                          .line_width = b == ctx.selected_block ? 3.0f : 1.5f});
            }
          plot::End();
        },
        w, h);
  }

  void draw(PanelContext& ctx) override {
    if (const std::string missing = runs_missing(ctx); !missing.empty()) return lab_message(ctx, "ics-message", missing);
    const int blocks = static_cast<int>(ctx.a->config->model.blocks.size());
    if (blocks < 2) return lab_message(ctx, "ics-message", ui::tr("ics.one_block"));
    const RunFrames frames = run_frames(ctx);
    if (ics_blocks(frames.a) == 0 && ics_blocks(frames.b) == 0)
      return lab_message(ctx, "ics-message", ui::fill(ui::tr("ics.waiting"), {{"every", std::to_string(every_)}}));

    std::vector<std::string> text = {ui::fill(ui::tr("ics.setup"), {{"every", std::to_string(every_)}})};
    for (std::string& n : diverged_notes(ctx)) text.push_back(std::move(n));
    lab_setup_text(ctx, "ics-setup", text, 2);
    const PlotGrid grid = arrange_plots(2);
    if (grid.all()) {
      draw_in_grid(grid, [&](int i, float w, float h) { plot(ctx, frames, blocks, i, w, h); });
      return;
    }
    plot_choice({ui::tr("ics.difference_choice"), ui::tr("ics.cosine_choice")}, &plot_shown_, false);
    plot(ctx, frames, blocks, plot_shown_, 0.0f, 0.0f);
  }
};

}  // namespace

std::unique_ptr<Panel> make_ics_panel() { return std::make_unique<IcsPanel>(); }

}  // namespace bnlab
