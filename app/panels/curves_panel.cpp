// What this file is: panel 1, training curves: train and test loss and accuracy of runs A and
// B overlaid, with TensorBoard's smoothing, log-y for the loss, and steps or epochs on x. A
// small cell shows one of the two plots.
#include <imgui.h>

#include "panels/panel.h"
#include "panels/plot_area.h"
#include "panels/plot_grid.h"
#include "ui/text.h"

namespace bnlab {
namespace {

struct Series {
  std::vector<float> x, y;
};

// Mean per point over the whole run, one point per pixel column at most.
Series series(const History* h, History::Series s, int64_t last_step, int columns, float x_scale) {
  Series out;
  if (!h || last_step < 1) return out;
  for (const SeriesPoint& p : h->query(s, 1, last_step, columns)) {
    out.x.push_back(static_cast<float>(0.5 * (p.step_lo + p.step_hi)) * x_scale);
    out.y.push_back(p.mean);
  }
  return out;
}

struct CurvesPanel : Panel {
  float smoothing_ = 0.6f;
  bool log_y_ = false, epochs_ = false;
  int shown_ = 0;  // in a small cell, the one plot shown: loss or accuracy

  const char* key() const override { return "panel.curves"; }
  void apply_setting(const std::string& name, const nlohmann::json& v) override {
    if (name == "smoothing") smoothing_ = v.get<float>();
    if (name == "log_y") log_y_ = v.get<bool>();
    if (name == "epochs") epochs_ = v.get<bool>();
    if (name == "shown") shown_ = v == "accuracy" ? 1 : 0;
  }

  void draw(PanelContext& ctx) override {
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8);
    ImGui::SliderFloat(ui::tr_id("plot.smoothing"), &smoothing_, 0.0f, 0.99f, "%.2f");
    same_line_if_fits(toggle_width(ui::tr("plot.log_y")));
    ImGui::Checkbox(ui::tr_id("plot.log_y"), &log_y_);
    same_line_if_fits(toggle_width(ui::tr("status.epoch")));
    ImGui::Checkbox(ui::tr_id("status.epoch"), &epochs_);
    if (!ctx.a || !ctx.b) return;
    // Above the plots: below them it would fall outside the cell.
    if (ctx.a->step == 0) ImGui::TextDisabled("%s", ui::tr("plot.waiting"));
    const int64_t last = std::max(ctx.a->step, ctx.b->step);
    // In epochs each run counts its own: with another batch size B's epoch is another number of
    // steps (d2l-lenet-bn's B, at batch 256, showed its 20 epochs as A's 10).
    auto x_scale_of = [&](const TrainerSnapshot& s) {
      const double per_epoch = s.epoch_progress > 0 ? s.step / s.epoch_progress : 1.0;
      return epochs_ ? static_cast<float>(1.0 / per_epoch) : 1.0f;
    };
    const float x_scale[2] = {x_scale_of(*ctx.a), x_scale_of(*ctx.b)};
    const int columns = static_cast<int>(ImGui::GetContentRegionAvail().x);
    const History* hs[2] = {ctx.history_a.get(), ctx.history_b.get()};
    const plot::Color colors[2] = {to_color(ctx.theme.run_a), to_color(ctx.theme.run_b)};
    const char* x_label = epochs_ ? ui::tr("status.epoch") : ui::tr("plot.step");
    const struct {
      const char* id;
      const char* title;
      History::Series train, test;
    } plots[2] = {{"curves-loss", "plot.loss", History::train_loss, History::test_loss},
                  {"curves-accuracy", "plot.accuracy", History::train_accuracy, History::test_accuracy}};
    auto show = [&](int k, float width, float height) {
      Series train[2], test[2];
      for (int r = 0; r < 2; ++r) {
        train[r] = series(hs[r], plots[k].train, last, columns, x_scale[r]);
        test[r] = series(hs[r], plots[k].test, last, columns, x_scale[r]);
      }
      plot::PlotSpec spec = base_spec(ctx, ui::tr(plots[k].title), x_label, ui::tr(plots[k].title));
      spec.log_y = k == 0 && log_y_;
      if (k == 1) {
        spec.y_min = 0.0;
        spec.y_max = 1.0;
      }
      const float smoothing = smoothing_;
      plot_area(
          ctx, plots[k].id,
          [&, k](plot::Canvas& canvas, plot::Rect rect) {
            if (!plot::Begin(canvas, plots[k].id, rect, spec)) return;
            for (int r = 0; r < 2; ++r) {
              const std::string run = r == 0 ? "A" : "B";
              plot::Line(run + " " + ui::tr("plot.train"), train[r].x.data(), train[r].y.data(),
                         static_cast<int>(train[r].x.size()), {.color = colors[r], .smoothing = smoothing});
              plot::Line(run + " " + ui::tr("plot.test"), test[r].x.data(), test[r].y.data(),
                         static_cast<int>(test[r].x.size()),
                         {.color = colors[r].with_alpha(0.55f), .line_width = 2.5f});
            }
            plot::End();
          },
          width, height);
    };
    const PlotGrid grid = arrange_plots(2);
    if (grid.all()) {
      draw_in_grid(grid, show);
    } else {
      plot_choice({ui::tr("plot.loss"), ui::tr("plot.accuracy")}, &shown_, true);
      show(shown_, 0.0f, 0.0f);
    }
  }
};

}  // namespace

std::unique_ptr<Panel> make_curves_panel() { return std::make_unique<CurvesPanel>(); }

}  // namespace bnlab
