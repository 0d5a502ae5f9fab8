// What this file is: panel 7, the decision boundary on a 2-D dataset, as TensorFlow Playground
// draws it: the network's answer over the input plane as a heatmap, the boundary as a line,
// and the training and test points on top. Runs A (BN) and B (no BN) side by side, so the class
// can see how differently the two have carved up the plane at the same step; a small cell shows
// one of the two.
//   two classes: colour is P(class 1) on a diverging map (blue 0, white 0.5, red 1), the line
//                is P = 0.5;
//   more classes: shade is the predicted class's probability, and the lines are where the
//                predicted class changes (each class's margin over the best other one is 0).
// Training points have a white rim and test points a black one (Playground's convention), so
// a point on the wrong side of the line stands out in either colour.
#include <imgui.h>

#include <algorithm>
#include <string>

#include "core/data/dataset.h"
#include "core/probes/decision_grid.h"
#include "core/rng.h"
#include "panels/panel.h"
#include "panels/plot_area.h"
#include "panels/plot_grid.h"
#include "ui/run_label.h"
#include "ui/text.h"

namespace bnlab {
namespace {

// At most this many points of a split are drawn. Each is two discs (rim and fill) in each of
// the two plots, and under software OpenGL a disc costs about 8 µs of the UI thread (measured:
// 1000 spiral points took 13 ms a frame, 250 about 9 ms, the heatmaps and lines well under 1).
// 250 points trace every dataset's shape, as Playground's do; more only pile up.
constexpr int kMaxPointsShown = 250;

// A dataset split's points as the plot wants them: coordinates and classes in separate arrays.
struct PlanePoints {
  std::vector<float> xs, ys;  // (shown)
  std::vector<int> classes;   // (shown)
  // A seeded random subset when there are too many: a stride could pick one class only (the
  // generated sets alternate labels, a CSV file may be sorted by class).
  void fill(const Dataset& d) {
    std::vector<int> order(d.size());
    for (int i = 0; i < d.size(); ++i) order[i] = i;
    if (d.size() > kMaxPointsShown) {
      Rng rng(7);
      rng.shuffle(order);
      order.resize(kMaxPointsShown);
    }
    xs.clear(), ys.clear(), classes.clear();
    for (int i : order) {
      xs.push_back(d.x(0, i));
      ys.push_back(d.x(1, i));
      classes.push_back(d.y[i]);
    }
  }
};

// What a grid of more than two classes needs drawn: per class k, P(k) − max over j ≠ k of P(j),
// whose zero line separates the nodes where k wins from those where it does not.
std::vector<std::vector<float>> class_margins(const DecisionGrid& g) {
  std::vector<std::vector<float>> margins(g.classes, std::vector<float>(g.nodes()));  // (classes, nodes)
  for (int node = 0; node < g.nodes(); ++node) {
    for (int k = 0; k < g.classes; ++k) {
      float best_other = 0.0f;
      for (int j = 0; j < g.classes; ++j)
        if (j != k) best_other = std::max(best_other, g.field(j)[node]);
      margins[k][node] = g.field(k)[node] - best_other;
    }
  }
  return margins;
}

struct DecisionBoundaryPanel : Panel {
  bool show_train_ = true, show_test_ = false;  // as Playground: test points on request
  int shown_ = 0;                               // in a small cell, the one run shown: A or B
  // Rebuilt only when the data or a grid changes, not every frame.
  std::shared_ptr<const DataSplit> points_of_;
  PlanePoints train_, test_;
  std::shared_ptr<const DecisionGrid> margins_of_[2];
  std::vector<std::vector<float>> margins_[2];

  const char* key() const override { return "panel.decision_boundary"; }
  void apply_setting(const std::string& name, const nlohmann::json& v) override {
    if (name == "show_train") show_train_ = v.get<bool>();
    if (name == "show_test") show_test_ = v.get<bool>();
    if (name == "shown") shown_ = v == "b" ? 1 : 0;
  }

  void draw(PanelContext& ctx) override {
    const std::shared_ptr<const TrainerSnapshot> snaps[2] = {ctx.a, ctx.b};
    if (!ctx.a || !ctx.b || !ctx.a->data) {
      ImGui::TextDisabled("%s", ui::tr("plot.waiting"));
      return;
    }
    if (!is_planar(ctx.a->data->train)) {
      ImGui::TextWrapped("%s", ui::tr("boundary.needs_2d"));
      return;
    }
    if (points_of_ != ctx.a->data) {
      points_of_ = ctx.a->data;
      train_.fill(points_of_->train);
      test_.fill(points_of_->test);
    }
    ImGui::Checkbox(ui::tr_id("boundary.train_points"), &show_train_);
    same_line_if_fits(toggle_width(ui::tr("boundary.test_points")));
    ImGui::Checkbox(ui::tr_id("boundary.test_points"), &show_test_);
    // What the colours mean goes on a line of its own, wrapped (beside the checkboxes it ran out
    // of a small cell); whether both runs fit below it is known first, so that the choice of run
    // can join the checkboxes' line.
    const char* caption =
        points_of_->train.classes <= 2 ? ui::tr("boundary.caption_two") : ui::tr("boundary.caption_many");
    const float caption_height = ImGui::CalcTextSize(caption, nullptr, false, ImGui::GetContentRegionAvail().x).y +
                                 ImGui::GetStyle().ItemSpacing.y;
    const bool both = arrange_plots(2, 0.5f, caption_height).all();
    if (!both) plot_choice({"A", "B"}, &shown_, true);
    ImGui::PushTextWrapPos(0.0f);
    ImGui::TextDisabled("%s", caption);
    ImGui::PopTextWrapPos();
    auto show = [&](int r, float width, float height) { draw_run(ctx, r, *snaps[r], width, height); };
    const PlotGrid grid = both ? arrange_plots(2) : PlotGrid{};
    if (grid.all())
      draw_in_grid(grid, show);
    else
      show(shown_, 0.0f, 0.0f);
  }

  void draw_run(PanelContext& ctx, int r, const TrainerSnapshot& snap, float width, float height) {
    const std::shared_ptr<const DecisionGrid> grid = snap.decision_grid;
    if (grid && grid->classes > 2 && margins_of_[r] != grid) {
      margins_of_[r] = grid;
      margins_[r] = class_margins(*grid);
    }
    const std::string id = r == 0 ? "boundary-a" : "boundary-b";
    const std::string title = std::string(r == 0 ? "A · " : "B · ") + ui::run_norms(ctx.session, r);
    plot_area(
        ctx, id,
        [&](plot::Canvas& canvas, plot::Rect rect) {
          plot::PlotSpec spec = base_spec(ctx, title.c_str(), "x₁", "x₂");
          spec.legend = false;
          if (grid) {  // the axes hold the grid's box, which holds every point
            spec.x_min = grid->box.x0;
            spec.x_max = grid->box.x1;
            spec.y_min = grid->box.y0;
            spec.y_max = grid->box.y1;
          }
          if (!plot::Begin(canvas, id, rect, spec)) return;
          if (grid) draw_grid(*grid, margins_[r]);
          if (show_train_) draw_points(ui::tr("boundary.train_points"), train_, plot::Color{1, 1, 1, 0.9f}, 2.5f);
          if (show_test_) draw_points(ui::tr("boundary.test_points"), test_, plot::Color{0, 0, 0, 0.9f}, 2.5f);
          plot::End();
        },
        width, height);
  }

  static void draw_grid(const DecisionGrid& g, const std::vector<std::vector<float>>& margins) {
    const plot::GridBounds bounds{g.box.x0, g.box.x1, g.box.y0, g.box.y1};
    // Dark and opaque: the line runs through the map's white middle in every theme.
    const plot::ItemStyle line{.color = plot::Color{0.08f, 0.08f, 0.1f, 0.9f}, .line_width = 2.0f};
    if (g.classes <= 2) {
      const float half = 0.5f;
      plot::Heatmap("P(1)", g.field(g.classes - 1), g.nx, g.ny, bounds, 0.0f, 1.0f, plot::Colormap::diverging);
      plot::Contour("P = 0.5", g.field(g.classes - 1), g.nx, g.ny, bounds, &half, 1, line);
      return;
    }
    // A node is at least 1/K sure of its class, so the shade starts there.
    plot::Heatmap("max P", g.confidence.data(), g.nx, g.ny, bounds, 1.0f / static_cast<float>(g.classes), 1.0f,
                  plot::Colormap::greys);
    const float zero = 0.0f;
    for (int k = 0; k < g.classes && k < static_cast<int>(margins.size()); ++k)
      plot::Contour("##boundary" + std::to_string(k), margins[k].data(), g.nx, g.ny, bounds, &zero, 1, line);
  }

  // A rim (a slightly larger disc beneath) and the point in its class's palette colour.
  static void draw_points(const char* name, const PlanePoints& p, plot::Color rim, float radius) {
    const int n = static_cast<int>(p.xs.size());
    plot::Scatter(std::string("##rim ") + name, p.xs.data(), p.ys.data(), n,
                  {.color = rim, .marker_radius = radius + 1.0f});
    plot::Scatter(name, p.xs.data(), p.ys.data(), n, {.marker_radius = radius}, p.classes.data());
  }
};

}  // namespace

std::unique_ptr<Panel> make_decision_boundary_panel() { return std::make_unique<DecisionBoundaryPanel>(); }

}  // namespace bnlab
