// What this file is: the small-batch lab's panel: final test accuracy (or loss) against batch
// size, one line per norm (BN, LN, GN, and IN for conv nets), the Group Normalization paper's
// Figure 1 scaled down to this machine. The grid (core/train/small_batch_lab.h) runs on its own
// threads; the panel only reads its results each frame, so points appear as cells finish and the
// window never waits. Start and cancel are panel settings posted as actions, so a scene step can
// start the grid as a person's click does; a headless render waits for it (Panel::busy).
#include <imgui.h>

#include <array>
#include <cmath>
#include <cstdio>

#include "core/train/small_batch_lab.h"
#include "panels/panel.h"
#include "panels/plot_area.h"
#include "panels/plot_grid.h"
#include "ui/problems.h"
#include "ui/text.h"

namespace bnlab {
namespace {

// The plot's height in lines of text below which the setup sentence gives up its place to it
// (300 px at the projector's 24 px font: legible from the back of a room).
constexpr float kPlotLines = 15.0f;

// A cell whose number is not a result of training: it diverged, could not be built, or had a BN
// that saw one value per statistic (its output was β alone).
bool marked(const CellResult& r) { return r.diverged || !r.error.empty() || r.one_value_norm; }

struct SmallBatchPanel : Panel {
  static constexpr const char* kKey = "panel.small_batch";
  std::unique_ptr<SmallBatchLab> lab_;
  Config lab_config_;         // run A's config the grid was started from
  bool start_requested_ = false;
  bool from_one_ = false;     // batch size 1 too: BN's degenerate dense case, and conv BN over H·W
  int64_t examples_ = 0;      // per cell; 0: the plan's default
  int shown_ = 0;             // 0 accuracy, 1 loss
  std::string problem_;       // i18n key: why the grid could not start
  bool cancelled_ = false;    // the grid was cancelled: Start runs it again

  const char* key() const override { return kKey; }
  bool busy() const override { return start_requested_ || (lab_ && !lab_->finished()); }

  void apply_setting(const std::string& name, const nlohmann::json& v) override {
    if (name == "start") {
      start_requested_ = v.get<bool>();
      if (!start_requested_ && lab_) {
        lab_->cancel();
        cancelled_ = true;
      }
    }
    if (name == "from_one") from_one_ = v.get<bool>();
    if (name == "examples") examples_ = v.get<int64_t>();
    if (name == "shown") shown_ = v == "loss" ? 1 : 0;
  }

  SmallBatchPlan plan_for(const Config& cfg) const {
    SmallBatchPlan plan = default_small_batch_plan(cfg, from_one_);
    if (examples_ > 0) plan.examples = examples_;
    return plan;
  }

  // Starts the grid on run A's config as it is now, unless the same grid already ran or runs
  // (a scene step played again, or Start pressed twice, costs nothing).
  void start(const PanelContext& ctx) {
    start_requested_ = false;
    problem_.clear();
    if (!ctx.a || !ctx.a->config || !ctx.a->data) {
      problem_ = "small_batch.no_runs";
      return;
    }
    const Config& cfg = *ctx.a->config;
    const SmallBatchPlan plan = plan_for(cfg);
    if (lab_ && to_json(lab_config_) == to_json(cfg) && lab_->plan().batch_sizes == plan.batch_sizes &&
        lab_->plan().examples == plan.examples && !cancelled_)
      return;
    cancelled_ = false;
    lab_.reset();  // cancels and joins the old grid: within a step of each cell
    lab_config_ = cfg;
    lab_ = std::make_unique<SmallBatchLab>(cfg, ctx.a->data, plan);
  }

  void draw_controls(PanelContext& ctx, const std::vector<CellResult>& results) {
    const bool running = lab_ && !lab_->finished();
    if (ImGui::Button(running ? ui::tr_id("small_batch.cancel") : ui::tr_id("small_batch.start")))
      ctx.actions.post(ui::act::SetPanelSetting{kKey, "start", !running});
    same_line_if_fits(toggle_width(ui::tr("small_batch.from_one")));
    bool from_one = from_one_;
    if (ImGui::Checkbox(ui::tr_id("small_batch.from_one"), &from_one))
      ctx.actions.post(ui::act::SetPanelSetting{kKey, "from_one", from_one});
    if (lab_) {
      size_t done = 0;
      for (const CellResult& r : results) done += r.finished;
      const std::string overlay =
          ui::fill(ui::tr("small_batch.progress"), {{"done", std::to_string(done)}, {"cells", std::to_string(results.size())}});
      same_line_if_fits(ImGui::GetFontSize() * 10);
      ImGui::ProgressBar(results.empty() ? 0.0f : static_cast<float>(done) / static_cast<float>(results.size()),
                         ImVec2(ImGui::GetFontSize() * 10, 0), overlay.c_str());
    }
    plot_choice({ui::tr("plot.accuracy"), ui::tr("plot.loss")}, &shown_, true);
  }

  // What the plot alone cannot say: how the cells were made comparable, and the marked cells.
  void draw_notes(const std::vector<CellResult>& results) {
    if (!problem_.empty()) ImGui::TextColored(ImVec4(0.85f, 0.3f, 0.2f, 1.0f), "%s", ui::tr(problem_));
    if (!lab_) {
      ImGui::TextWrapped("%s", ui::tr("small_batch.hint"));
      return;
    }
    const SmallBatchPlan& plan = lab_->plan();
    char lr[32];
    std::snprintf(lr, sizeof lr, "%g", static_cast<double>(lab_config_.train.lr));
    const std::string setup = ui::fill(ui::tr("small_batch.setup"), {{"examples", std::to_string(plan.examples)},
                                                                     {"train", std::to_string(plan.train_limit)},
                                                                     {"test", std::to_string(plan.test_limit)},
                                                                     {"lr", lr},
                                                                     {"batch", std::to_string(lab_config_.train.batch_size)}});
    // In a small cell the plot keeps its legible height and the setup waits under the mouse.
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const float setup_h = ImGui::CalcTextSize(setup.c_str(), nullptr, false, avail.x).y;
    if (avail.y - setup_h >= ImGui::GetFontSize() * kPlotLines) {
      ImGui::TextWrapped("%s", setup.c_str());
    } else {
      ImGui::TextDisabled("%s", ui::tr("small_batch.setup_short"));
      if (ImGui::IsItemHovered()) {
        ImGui::BeginTooltip();
        ImGui::PushTextWrapPos(ImGui::GetFontSize() * 30);
        ImGui::TextUnformatted(setup.c_str());
        ImGui::PopTextWrapPos();
        ImGui::EndTooltip();
      }
    }
    std::string one_value, failed;
    for (size_t i = 0; i < results.size(); ++i) {
      const std::string cell = std::string(norm_abbreviation(plan.norms[i / plan.batch_sizes.size()])) + " " +
                               std::to_string(plan.batch_sizes[i % plan.batch_sizes.size()]);
      std::string& list = results[i].one_value_norm ? one_value : failed;
      if (results[i].one_value_norm || results[i].diverged || !results[i].error.empty()) list += (list.empty() ? "" : ", ") + cell;
    }
    if (!one_value.empty()) ImGui::TextWrapped("%s", ui::fill(ui::tr("small_batch.one_value"), {{"cells", one_value}}).c_str());
    if (!failed.empty()) ImGui::TextWrapped("%s", ui::fill(ui::tr("small_batch.failed"), {{"cells", failed}}).c_str());
  }

  void draw(PanelContext& ctx) override {
    if (start_requested_) start(ctx);
    const std::vector<CellResult> results = lab_ ? lab_->results() : std::vector<CellResult>{};
    draw_controls(ctx, results);
    draw_notes(results);
    const bool loss = shown_ == 1;
    plot::PlotSpec spec = base_spec(ctx, ui::tr("small_batch.title"), ui::tr("small_batch.batch_size"),
                                    ui::tr(loss ? "small_batch.test_loss" : "small_batch.test_accuracy"));
    spec.log_x = true;  // batch sizes double from cell to cell: equal steps on a log axis
    // A margin around the first and last batch sizes, so their points are not cut by the axes.
    spec.x_min = (from_one_ ? 1.0 : 2.0) * 0.85;
    spec.x_max = 128.0 * 1.15;
    if (!loss) {
      spec.y_min = 0.0;
      spec.y_max = 1.0;
    }
    const SmallBatchPlan plan = lab_ ? lab_->plan() : SmallBatchPlan{};
    const std::array<plot::Color, 8>& palette = spec.theme.palette;
    const plot::Color mark_color = to_color(ctx.theme.warning);
    plot_area(ctx, "small-batch", [&](plot::Canvas& canvas, plot::Rect rect) {
      if (!plot::Begin(canvas, "small-batch", rect, spec)) return;
      std::vector<float> mark_x, mark_y;
      for (size_t n = 0; n < plan.norms.size(); ++n) {
        std::vector<float> x, y;  // (batch sizes): NaN where the cell has no result yet
        for (size_t j = 0; j < plan.batch_sizes.size(); ++j) {
          const CellResult& r = results[n * plan.batch_sizes.size() + j];
          const float b = static_cast<float>(plan.batch_sizes[j]);
          const float value = static_cast<float>(loss ? r.final_loss : r.final_accuracy);
          const bool shown = r.finished && r.error.empty() && !r.diverged && std::isfinite(value);
          x.push_back(b);
          y.push_back(shown ? value : NAN);
          if (r.finished && marked(r)) {
            mark_x.push_back(b);
            mark_y.push_back(shown ? value : loss ? NAN : 0.0f);
          }
        }
        const plot::Color color = palette[n % palette.size()];
        plot::Line(norm_abbreviation(plan.norms[n]), x.data(), y.data(), static_cast<int>(x.size()), {.color = color});
        plot::Scatter("##" + std::string(norm_abbreviation(plan.norms[n])), x.data(), y.data(), static_cast<int>(x.size()),
                      {.color = color, .marker_radius = 4.0f});
      }
      if (!mark_x.empty())
        plot::Scatter(ui::tr("small_batch.marked"), mark_x.data(), mark_y.data(), static_cast<int>(mark_x.size()),
                      {.color = mark_color, .marker_radius = 7.0f});
      plot::End();
    });
  }
};

}  // namespace

std::unique_ptr<Panel> make_small_batch_panel() { return std::make_unique<SmallBatchPanel>(); }

}  // namespace bnlab
