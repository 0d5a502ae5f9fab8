// What this file is: panel 9, why inputs are normalized: the loss of a two-feature linear
// regression over (w1, w2) as filled contours with isolines, and the optimizer's path from a
// start point the user drags. With feature 2 `ratio` times larger than feature 1 the contours
// are long ellipses and gradient descent zig-zags; "standardize" makes them circles and the path
// straight. κ, the condition number of the Hessian, is in the plot's title and the steps to the
// minimum in its legend, so a slide rendered without the window's controls shows both.
#include <imgui.h>

#include <cmath>
#include <cstdio>

#include "core/error.h"
#include "core/lesson/loss_contours.h"
#include "panels/panel.h"
#include "panels/plot_area.h"
#include "ui/text.h"

namespace bnlab {
namespace {

constexpr int kGrid = 96;

struct ContoursPanel : Panel {
  LossContourConfig problem_cfg_;
  PathConfig path_cfg_;
  int optimizer_ = 0;
  float ratio_ = 30.0f, rho_ = 0.0f, lr_scale_ = 0.9f;
  bool standardize_ = false, have_start_ = false, dirty_ = true;
  Eigen::Vector2d start_;
  std::unique_ptr<LossContourProblem> problem_;
  ViewWindow base_view_{};  // the problem's own window
  ViewWindow view_{};       // base_view_ widened to the axes' shape, so the loss fills the plot
  float grid_aspect_ = 0.0f;  // the axes' width / height view_ was fitted to; 0: not yet
  LossGrid grid_;
  std::vector<float> levels_;
  OptimizerPath path_;
  std::string error_;

  const char* key() const override { return "panel.contours"; }
  void apply_setting(const std::string& name, const nlohmann::json& v) override {
    if (name == "ratio") ratio_ = v.get<float>();
    if (name == "correlation") rho_ = v.get<float>();
    if (name == "standardize") standardize_ = v.get<bool>();
    PathOptimizer o;
    if (name == "optimizer" && parse_path_optimizer(v.get<std::string>(), &o)) optimizer_ = static_cast<int>(o);
    if (name == "lr") lr_scale_ = v.get<float>();
    if (name == "steps") path_cfg_.max_steps = v.get<int>();
    dirty_ = true;  // rebuilt on the next draw
  }

  void rebuild() {
    dirty_ = false;
    error_.clear();
    try {
      problem_cfg_.ratio = ratio_;
      problem_cfg_.rho = rho_;
      problem_cfg_.standardize = standardize_;
      problem_ = std::make_unique<LossContourProblem>(problem_cfg_);
      view_ = base_view_ = problem_->default_view();
      grid_aspect_ = 0.0f;  // the grid is computed by fit_view once the axes' shape is known
      levels_.clear();
      for (double l : problem_->contour_levels(base_view_, 14)) levels_.push_back(static_cast<float>(l));
      if (!have_start_ || !view_.contains(start_)) start_ = problem_->default_start(view_);
      have_start_ = true;
      recompute_path();
    } catch (const Error& e) {
      error_ = e.what();
      problem_.reset();
    }
  }

  void recompute_path() {
    // The learning rate is a fraction of 2/λmax, where gradient descent stops converging, so
    // the slider means the same thing whatever the scale of the features.
    const double lambda_max = problem_->eigen().values(1);
    path_cfg_.optimizer = static_cast<PathOptimizer>(optimizer_);
    path_cfg_.lr = optimizer_ >= 2 ? lr_scale_ * 0.1 * (base_view_.w1_hi - base_view_.w1_lo) : lr_scale_ * 2.0 / lambda_max;
    path_ = run_path(*problem_, start_, path_cfg_);
  }

  void controls() {
    const float w = ImGui::GetFontSize() * 7;
    ImGui::SetNextItemWidth(w);
    dirty_ |= ImGui::SliderFloat(ui::tr_id("lesson.ratio"), &ratio_, 1.0f, 1000.0f, "%.0f", ImGuiSliderFlags_Logarithmic);
    ImGui::SameLine();
    ImGui::SetNextItemWidth(w);
    dirty_ |= ImGui::SliderFloat("ρ###lesson.rho", &rho_, -0.9f, 0.9f, "%.2f");
    ImGui::SameLine();
    dirty_ |= ImGui::Checkbox(ui::tr_id("lesson.standardize"), &standardize_);
    const char* optimizers[] = {"GD", "momentum", "RMSProp", "Adam"};
    ImGui::SetNextItemWidth(w);
    bool path_changed = ImGui::Combo(ui::tr_id("hp.optimizer"), &optimizer_, optimizers, 4);
    ImGui::SameLine();
    ImGui::SetNextItemWidth(w);
    path_changed |= ImGui::SliderFloat(ui::tr_id("hp.lr"), &lr_scale_, 0.01f, 1.2f, "%.2f", ImGuiSliderFlags_Logarithmic);
    ImGui::SameLine();
    ImGui::SetNextItemWidth(w);
    path_changed |=
        ImGui::SliderInt(ui::tr_id("lesson.steps"), &path_cfg_.max_steps, 10, 2000, "%d", ImGuiSliderFlags_Logarithmic);
    if (dirty_)
      rebuild();
    else if (path_changed && problem_)
      recompute_path();
  }

  // With equal scales the axes show more than the problem's window along their longer side: the
  // loss is computed over that too, so the heatmap fills the plot instead of a band of it.
  void fit_view(float aspect) {
    view_ = base_view_;
    const double w = view_.w1_hi - view_.w1_lo, h = view_.w2_hi - view_.w2_lo;
    if (w / h < aspect) {
      const double c = 0.5 * (view_.w1_lo + view_.w1_hi);
      view_.w1_lo = c - 0.5 * h * aspect;
      view_.w1_hi = c + 0.5 * h * aspect;
    } else {
      const double c = 0.5 * (view_.w2_lo + view_.w2_hi);
      view_.w2_lo = c - 0.5 * w / aspect;
      view_.w2_hi = c + 0.5 * w / aspect;
    }
    grid_ = problem_->grid(view_, kGrid, kGrid);
    grid_aspect_ = aspect;
  }

  // κ as a lecturer says it: "10000", not "1e+04"; "9", not "9.00".
  std::string kappa_text() const {
    const double kappa = problem_->condition_number();
    char text[32];
    std::snprintf(text, sizeof text, kappa >= 100.0 ? "%.0f" : "%.3g", kappa);
    return text;
  }

  // The path's name in the legend says how far it got: to w* in N steps, or not after N, or diverged.
  std::string path_legend() const {
    char text[160];
    if (path_.steps_to_tol >= 0)
      std::snprintf(text, sizeof text, ui::tr("lesson.path_reached"), path_.steps_to_tol);
    else if (path_.diverged)
      std::snprintf(text, sizeof text, "%s", ui::tr("lesson.path_diverged"));
    else
      std::snprintf(text, sizeof text, ui::tr("lesson.path_short"), path_.steps);
    return text;
  }

  void draw(PanelContext& ctx) override {
    controls();
    if (!problem_) {
      ImGui::TextColored(ctx.theme.warning, "%s", error_.c_str());
      return;
    }
    const ImVec2 pos = ImGui::GetCursorScreenPos(), avail = ImGui::GetContentRegionAvail();
    // The axes' shape: as last drawn on screen, else estimated from the room (a headless render),
    // less the title, tick labels, axis labels and colour bar around them.
    plot::Rect axes;
    const float font = ImGui::GetFontSize();
    const float aspect = plot::AxesRect("contours", &axes) && axes.height() > 1.0f
                             ? axes.width() / axes.height()
                             : std::max(1.0f, avail.x - 8.0f * font) / std::max(1.0f, avail.y - 4.5f * font);
    if (grid_aspect_ <= 0.0f || std::abs(aspect / grid_aspect_ - 1.0f) > 0.03f) fit_view(aspect);
    const plot::GridBounds bounds{view_.w1_lo, view_.w1_hi, view_.w2_lo, view_.w2_hi};
    std::vector<float> px, py;
    for (const PathPoint& p : path_.points) {
      px.push_back(static_cast<float>(p.w1));
      py.push_back(static_cast<float>(p.w2));
    }
    float lo = grid_.loss.front(), hi = grid_.loss.front();
    for (float v : grid_.loss) lo = std::min(lo, v), hi = std::max(hi, v);
    const std::string title = std::string(ui::tr("panel.contours")) + " · κ = " + kappa_text(),
                      path_name = path_legend();
    plot_area(ctx, "contours", [&](plot::Canvas& canvas, plot::Rect rect) {
      plot::PlotSpec spec = base_spec(ctx, title.c_str(), "w1", "w2");
      spec.x_min = view_.w1_lo;
      spec.x_max = view_.w1_hi;
      spec.y_min = view_.w2_lo;
      spec.y_max = view_.w2_hi;
      spec.equal_aspect = true;  // κ = 1 must look round, whatever the panel's shape
      if (!plot::Begin(canvas, "contours", rect, spec)) return;
      // Colour by log-loss above the minimum, so the valley floor is not one flat colour.
      std::vector<float> shade(grid_.loss.size());
      const double floor = problem_->min_loss();
      for (size_t i = 0; i < shade.size(); ++i)
        shade[i] = static_cast<float>(std::log10(grid_.loss[i] - floor + 1e-12));
      plot::Heatmap("##loss", shade.data(), grid_.nx, grid_.ny, bounds,
                    static_cast<float>(std::log10(lo - floor + 1e-12)),
                    static_cast<float>(std::log10(hi - floor + 1e-12)));
      plot::Contour("##levels", grid_.loss.data(), grid_.nx, grid_.ny, bounds, levels_.data(),
                    static_cast<int>(levels_.size()), {.color = plot::Color{1, 1, 1, 0.55f}, .line_width = 1.0f});
      plot::Line(path_name, px.data(), py.data(), static_cast<int>(px.size()),
                 {.color = to_color(ctx.theme.run_b), .line_width = 2.5f});
      const float star_x = static_cast<float>(problem_->minimum()(0)),
                  star_y = static_cast<float>(problem_->minimum()(1));
      plot::Scatter("w*", &star_x, &star_y, 1, {.color = to_color(ctx.theme.accent), .marker_radius = 6.0f});
      plot::End();
    });
    // Shift + left-drag moves the start point (a plain drag pans the plot).
    const ImGuiIO& io = ImGui::GetIO();
    double x = 0.0, y = 0.0;
    if (io.KeyShift && ImGui::IsMouseDown(ImGuiMouseButton_Left) &&
        ImGui::IsMouseHoveringRect(pos, ImVec2(pos.x + avail.x, pos.y + avail.y)) &&
        plot::PixelToData("contours", {io.MousePos.x, io.MousePos.y}, &x, &y)) {
      start_ = Eigen::Vector2d(x, y);
      recompute_path();
    }
  }
};

}  // namespace

std::unique_ptr<Panel> make_contours_panel() { return std::make_unique<ContoursPanel>(); }

}  // namespace bnlab
