// What this file is: the smoothness lab's panel (Santurkar et al. 2018, §3.1, Fig. 4): at each
// measurement, from the weights w of a step and its gradient g, the loss L(w − ηg) and the
// gradient ∇L(w − ηg) for eight step sizes η (the learning rate times 1/16 ... 8), on the step's
// own batch. Over training it plots, for runs A and B, the range of L(w − ηg) (Fig. 4a, "loss
// landscape"), the range of ‖∇L(w) − ∇L(w − ηg)‖ (Fig. 4b, "gradient predictiveness"), and the
// largest ‖∇L(w) − ∇L(w − ηg)‖ / ‖ηg‖ (Fig. 4c, "effective β-smoothness"); and, for the latest
// measurement, L(w − ηg) against η. Shown, it asks both trainers to measure every N steps (eight
// forwards and backwards each time); hidden, it stops them.
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

constexpr const char* kIds[4] = {"smoothness-loss", "smoothness-gradient", "smoothness-beta", "smoothness-latest"};
constexpr const char* kTitles[4] = {"ics.loss_range_title", "ics.gradient_range_title", "ics.beta_title",
                                    "ics.latest_title"};
constexpr const char* kChoices[4] = {"ics.loss_range_choice", "ics.gradient_range_choice", "ics.beta_choice",
                                     "ics.latest_choice"};
const char* const kShownNames[4] = {"loss", "gradient", "beta", "latest"};

struct SmoothnessPanel : Panel {
  static constexpr const char* kKey = "panel.smoothness";
  int every_ = kProbeEvery;
  int sent_ = 0;  // the interval the session has from this panel (0: off)
  int plot_shown_ = 0;

  const char* key() const override { return kKey; }

  // Shown: both runs measure every `every_` steps; hidden: not at all.
  void sync(bool shown, ui::ActionQueue& actions) override {
    const int wanted = shown ? every_ : 0;
    if (wanted == sent_) return;
    actions.post(ui::act::SetSmoothnessEvery{wanted});
    sent_ = wanted;
  }

  void apply_setting(const std::string& name, const nlohmann::json& v) override {
    if (name == "every") {
      every_ = measure_interval(v.get<int>());  // sent by the next sync, right after this action
    }
    if (name == "shown")
      for (int i = 0; i < 4; ++i)
        if (v == kShownNames[i]) plot_shown_ = i;
  }

  // Plot `which` of the four: 0-2 over training, 3 the latest measurement against η.
  void plot(PanelContext& ctx, const RunFrames& frames, int which, float w, float h) {
    const std::string id = kIds[which];
    const FrameList* runs[2] = {&frames.a, &frames.b};
    const plot::Color colors[2] = {to_color(ctx.theme.run_a), to_color(ctx.theme.run_b)};
    std::shared_ptr<const ProbeFrame> latest[2] = {latest_smoothness(frames.a), latest_smoothness(frames.b)};
    std::string title = ui::tr(kTitles[which]);
    if (which == 3) {  // "…, step 900", or "…, step A 900, B 880" when the runs' latest differ
      std::string steps;
      for (int r = 0; r < 2; ++r)
        if (latest[r]) steps += (steps.empty() ? "" : ", ") + std::string(r == 0 ? "A " : "B ") + std::to_string(latest[r]->step);
      if (latest[0] && latest[1] && latest[0]->step == latest[1]->step) steps = std::to_string(latest[0]->step);
      title = ui::fill(ui::tr("ics.latest_title"), {{"step", steps}});
    }
    const char* y_label = which == 0 ? "L(w − ηg)" : which == 1 ? "‖∇L(w) − ∇L(w − ηg)‖" : which == 2 ? "β" : "L(w − ηg)";
    plot_area(
        ctx, id,
        [&](plot::Canvas& canvas, plot::Rect rect) {
          plot::PlotSpec spec = base_spec(ctx, title.c_str(), which == 3 ? "η" : ui::tr("plot.step"), y_label);
          spec.log_x = which == 3;  // η doubles from point to point
          if (!plot::Begin(canvas, id, rect, spec)) return;
          for (int r = 0; r < 2; ++r) {
            const std::string name = r == 0 ? "A" : "B";
            if (which == 3) {
              if (!latest[r]) continue;
              const SmoothnessMeasure& m = latest[r]->smoothness.back();
              const int n = static_cast<int>(m.etas.size());
              plot::Line(name, m.etas.data(), m.losses.data(), n, {.color = colors[r]});
              plot::Scatter("##" + name, m.etas.data(), m.losses.data(), n, {.color = colors[r], .marker_radius = 4.0f});
              continue;
            }
            const MeasureSeries s = smoothness_series(*runs[r], static_cast<SmoothnessQuantity>(which));
            const int n = static_cast<int>(s.steps.size());
            if (n == 0) continue;
            if (which == 2)
              plot::Line(name, s.steps.data(), s.lo.data(), n, {.color = colors[r]});
            else  // the paper's shaded range: from the lowest to the highest over the step sizes
              plot::Band(name, s.steps.data(), s.lo.data(), s.hi.data(), n, {.color = colors[r], .fill_alpha = 0.45f});
          }
          plot::End();
        },
        w, h);
  }

  void draw(PanelContext& ctx) override {
    if (const std::string missing = runs_missing(ctx); !missing.empty())
      return lab_message(ctx, "smoothness-message", missing);
    const RunFrames frames = run_frames(ctx);
    if (!latest_smoothness(frames.a) && !latest_smoothness(frames.b))
      return lab_message(ctx, "smoothness-message",
                         ui::fill(ui::tr("ics.smoothness_waiting"), {{"every", std::to_string(every_)}}));
    std::vector<std::string> text = {ui::fill(ui::tr("ics.smoothness_setup"), {{"every", std::to_string(every_)}})};
    for (std::string& n : diverged_notes(ctx)) text.push_back(std::move(n));
    lab_setup_text(ctx, "smoothness-setup", text, 4);
    const PlotGrid grid = arrange_plots(4);
    if (grid.all()) {
      draw_in_grid(grid, [&](int i, float w, float h) { plot(ctx, frames, i, w, h); });
      return;
    }
    plot_choice({ui::tr(kChoices[0]), ui::tr(kChoices[1]), ui::tr(kChoices[2]), ui::tr(kChoices[3])}, &plot_shown_,
                false);
    plot(ctx, frames, plot_shown_, 0.0f, 0.0f);
  }
};

}  // namespace

std::unique_ptr<Panel> make_smoothness_panel() { return std::make_unique<SmoothnessPanel>(); }

}  // namespace bnlab
