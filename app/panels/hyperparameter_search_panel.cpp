// What this file is: the hyperparameter search lab's panel (issue #12 §6): lecture note 002's
// grid search on run A's network, in parallel. The user chooses two axes and their values, the
// length of each run and the metric; the grid (core/train/hyperparameter_search.h) trains on the
// sweep's threads while the panel reads its results each frame, so the heatmap's numbers and the
// small multiples' curves fill in as cells run and the window never waits. A click on a cell
// opens it as run B (search_cell_b.h). Start, cancel and every choice are panel settings posted
// as actions, so a scene does what a person's clicks do; a headless render waits for the grid.
#include <imgui.h>

#include <cmath>
#include <cstdio>

#include "core/error.h"
#include "panels/panel.h"
#include "panels/plot_area.h"
#include "panels/plot_grid.h"
#include "panels/search_cell_b.h"
#include "panels/search_grid_view.h"
#include "ui/text.h"

namespace bnlab {
namespace {


std::string number(double v) {
  char s[32];
  std::snprintf(s, sizeof s, "%.3g", v);
  return s;
}

// A value of an axis as the grid's labels say it.
std::string value_label(const std::string& setting, double v) {
  if (setting == "bn") return ui::tr(v != 0.0 ? "search.bn_on" : "search.bn_off");
  if (setting == "optimizer") {
    static const char* names[] = {"SGD", "RMSProp", "Adam"};
    return names[std::clamp(static_cast<int>(v), 0, 2)];
  }
  return number(v);
}

std::string axis_title(const std::string& setting) { return ui::tr(("search.axis." + setting).c_str()); }

struct SearchPanel : Panel {
  static constexpr const char* kKey = "panel.hyperparameter_search";
  SearchPlan plan_;
  std::unique_ptr<HyperparameterSearch> search_;
  Config search_config_;  // run A's config the grid was started from
  bool start_requested_ = false, cancelled_ = false;
  int shown_ = 0;  // the drawing a small cell shows: 0 heatmap, 1 curves
  SearchMetric plan_metric_ = SearchMetric::final_accuracy;
  std::string problem_;  // why the grid could not start, in the UI's language
  int b_cell_ = -1;
  std::string b_status_;
  unsigned given_[2] = {0, 0};  // row and column values set since the last frame (1 from, 2 to, 4 count, 8 log)

  SearchPanel() {
    plan_.rows = default_search_axis("lr");
    plan_.cols = default_search_axis("bn");
  }

  const char* key() const override { return kKey; }
  bool busy() const override { return start_requested_ || (search_ && !search_->finished()); }

  SearchAxis& axis(const std::string& name) { return name.rfind("row", 0) == 0 ? plan_.rows : plan_.cols; }

  void apply_setting(const std::string& name, const nlohmann::json& v) override {
    if (name == "start") {
      start_requested_ = v.get<bool>();
      if (!start_requested_ && search_) {
        search_->cancel();
        cancelled_ = true;
      }
    } else if (name == "rows" || name == "cols") {
      // A new axis starts from its own default values, except those set in this same batch of
      // settings: a scene's step gives "rows" with "row_from"... in one object, read in key order.
      const std::string setting = v.get<std::string>();
      SearchAxis& a = axis(name);
      if (search_axis_kind(setting) && setting != a.setting) {
        const SearchAxis set = a;
        const unsigned given = given_[name == "rows" ? 0 : 1];
        a = default_search_axis(setting);
        if (given & 1) a.from = set.from;
        if (given & 2) a.to = set.to;
        if (given & 4) a.count = set.count;
        if (given & 8) a.log = set.log;
      }
    } else if (name.size() > 4 && (name.rfind("row_", 0) == 0 || name.rfind("col_", 0) == 0)) {
      SearchAxis& a = axis(name);
      unsigned& given = given_[name[0] == 'r' ? 0 : 1];
      const std::string field = name.substr(4);
      if (field == "from") a.from = v.get<double>(), given |= 1;
      if (field == "to") a.to = v.get<double>(), given |= 2;
      if (field == "count") a.count = v.get<int>(), given |= 4;
      if (field == "log") a.log = v.get<bool>(), given |= 8;
    } else if (name == "steps") {
      plan_.length = {std::max<int64_t>(1, v.get<int64_t>()), 0};
    } else if (name == "train_images") {
      plan_.train_limit = v.get<int>();
    } else if (name == "metric") {
      for (size_t m = 0; m < std::size(kSearchMetricNames); ++m)
        if (v == kSearchMetricNames[m]) plan_metric_ = static_cast<SearchMetric>(m);
    } else if (name == "shown") {
      shown_ = v == "curves" ? 1 : 0;
    }
  }
  // Starts the grid on run A's config as it is now, unless the same grid already ran or runs.
  void start(const PanelContext& ctx) {
    start_requested_ = false;
    problem_.clear();
    if (!ctx.a || !ctx.a->config || !ctx.a->data) {
      problem_ = ui::tr("search.no_runs");
      return;
    }
    const Config& cfg = *ctx.a->config;
    if (search_ && !cancelled_ && to_json(search_config_) == to_json(cfg) && same_plan(search_->plan())) return;
    cancelled_ = false;
    search_.reset();  // cancels and joins the old grid: within a step of each cell
    b_cell_ = -1;
    for (const SearchAxis* a : {&plan_.rows, &plan_.cols}) {
      try {
        search_axis_values(*a);
      } catch (const Error&) {
        problem_ = ui::fill(ui::tr("search.bad_axis"), {{"axis", axis_title(a->setting)}});
        return;
      }
    }
    search_ = std::make_unique<HyperparameterSearch>(cfg, ctx.a->data, plan_);
    search_config_ = cfg;
  }

  bool same_plan(const SearchPlan& p) const {
    auto same = [](const SearchAxis& a, const SearchAxis& b) {
      return a.setting == b.setting && a.from == b.from && a.to == b.to && a.count == b.count && a.log == b.log;
    };
    return same(p.rows, plan_.rows) && same(p.cols, plan_.cols) && p.length.steps == plan_.length.steps &&
           p.length.examples == plan_.length.examples && p.train_limit == plan_.train_limit;
  }

  void axis_editor(PanelContext& ctx, const char* which, const SearchAxis& a) {
    ImGui::PushID(which);
    const std::string prefix = which;
    ImGui::TextUnformatted(ui::tr(prefix == "row" ? "search.rows" : "search.cols"));
    ImGui::SameLine();
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 9);
    if (ImGui::BeginCombo("##axis", axis_title(a.setting).c_str())) {
      for (const SearchAxisKind& k : search_axis_kinds())
        if (ImGui::Selectable(axis_title(k.setting).c_str(), a.setting == k.setting))
          ctx.actions.post(ui::act::SetPanelSetting{kKey, prefix + "s", k.setting});
      ImGui::EndCombo();
    }
    if (!search_axis_kind(a.setting)->discrete) {
      double from = a.from, to = a.to;
      int count = a.count;
      bool log = a.log;
      const float w = ImGui::GetFontSize() * 5;
      // "from [0.01] to [100]": the words before their fields. Every edit is posted: the values
      // matter only when the grid starts.
      ImGui::TextUnformatted(ui::tr("search.from"));
      ImGui::SameLine();
      ImGui::SetNextItemWidth(w);
      if (ImGui::InputDouble("##from", &from, 0, 0, "%g")) ctx.actions.post(ui::act::SetPanelSetting{kKey, prefix + "_from", from});
      ImGui::SameLine();
      ImGui::TextUnformatted(ui::tr("search.to"));
      ImGui::SameLine();
      ImGui::SetNextItemWidth(w);
      if (ImGui::InputDouble("##to", &to, 0, 0, "%g")) ctx.actions.post(ui::act::SetPanelSetting{kKey, prefix + "_to", to});
      ImGui::SetNextItemWidth(w);
      if (ImGui::SliderInt(ui::tr_id("search.count"), &count, 1, kMaxSearchValues))
        ctx.actions.post(ui::act::SetPanelSetting{kKey, prefix + "_count", count});
      ImGui::SameLine();
      if (ImGui::Checkbox(ui::tr_id("search.log"), &log)) ctx.actions.post(ui::act::SetPanelSetting{kKey, prefix + "_log", log});
    }
    ImGui::PopID();
  }

  void grid_popup(PanelContext& ctx) {
    if (!ImGui::BeginPopup("##search_grid")) return;
    axis_editor(ctx, "row", plan_.rows);
    ImGui::Separator();
    axis_editor(ctx, "col", plan_.cols);
    ImGui::Separator();
    int steps = static_cast<int>(plan_.length.steps), images = plan_.train_limit;
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 6);
    if (ImGui::InputInt(ui::tr_id("search.steps"), &steps, 50, 500))
      ctx.actions.post(ui::act::SetPanelSetting{kKey, "steps", std::clamp(steps, 1, 100000)});
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 6);
    if (ImGui::InputInt(ui::tr_id("search.train_images"), &images, 1000, 10000))
      ctx.actions.post(ui::act::SetPanelSetting{kKey, "train_images", std::clamp(images, 0, 60000)});
    ImGui::EndPopup();
  }

  void draw_controls(PanelContext& ctx, const std::vector<CellResult>& results) {
    const bool running = search_ && !search_->finished();
    if (ImGui::Button(running ? ui::tr_id("search.cancel") : ui::tr_id("search.start")))
      ctx.actions.post(ui::act::SetPanelSetting{kKey, "start", !running});
    ImGui::SameLine();
    if (ImGui::Button(ui::tr_id("search.grid"))) ImGui::OpenPopup("##search_grid");
    grid_popup(ctx);
    const char* metric_keys[] = {"search.metric.final_accuracy", "search.metric.best_accuracy", "search.metric.final_loss",
                                 "search.metric.best_loss"};
    same_line_if_fits(ImGui::GetFontSize() * 10);
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 10);
    if (ImGui::BeginCombo("##metric", ui::tr(metric_keys[static_cast<int>(plan_metric_)]))) {
      for (size_t m = 0; m < std::size(metric_keys); ++m)
        if (ImGui::Selectable(ui::tr(metric_keys[m]), static_cast<int>(m) == static_cast<int>(plan_metric_)))
          ctx.actions.post(ui::act::SetPanelSetting{kKey, "metric", kSearchMetricNames[m]});
      ImGui::EndCombo();
    }
    if (search_) {
      size_t done = 0;
      for (const CellResult& r : results) done += r.finished || r.cancelled;
      const std::string overlay =
          ui::fill(ui::tr("search.progress"), {{"done", std::to_string(done)}, {"cells", std::to_string(results.size())}});
      same_line_if_fits(ImGui::GetFontSize() * 8);
      ImGui::ProgressBar(results.empty() ? 0.0f : static_cast<float>(done) / static_cast<float>(results.size()),
                         ImVec2(ImGui::GetFontSize() * 8, 0), overlay.c_str());
    }
    if (!problem_.empty()) ImGui::TextColored(ctx.theme.warning, "%s", problem_.c_str());
    if (!b_status_.empty()) ImGui::TextWrapped("%s", b_status_.c_str());
  }

  SearchView view(const PanelContext& ctx, std::vector<CellResult> results) const {
    SearchView v;
    v.results = std::move(results);
    for (double r : search_->row_values()) v.row_labels.push_back(value_label(search_->plan().rows.setting, r));
    for (double c : search_->col_values()) v.col_labels.push_back(value_label(search_->plan().cols.setting, c));
    v.row_title = axis_title(search_->plan().rows.setting);
    v.col_title = axis_title(search_->plan().cols.setting);
    v.diverged = ui::tr("search.diverged");
    v.failed = ui::tr("search.failed");
    v.metric = plan_metric_;
    v.b_cell = b_cell_;
    v.theme = plot::theme_by_name(ctx.theme.name);
    v.run_a = to_color(ctx.theme.run_a);
    v.run_b = to_color(ctx.theme.run_b);
    v.warning = to_color(ctx.theme.warning);
    v.accent = to_color(ctx.theme.accent);
    v.line_width = ctx.theme.line_width;
    return v;
  }

  // "learning rate 1, BN off": a BN axis's labels say their axis already.
  std::string cell_name(const SearchView& v, int cell) const {
    auto part = [](const std::string& setting, const std::string& title, const std::string& label) {
      return setting == "bn" ? label : title + " " + label;
    };
    return part(search_->plan().rows.setting, v.row_title, v.row_labels[cell / v.cols()]) + ui::tr("search.comma") +
           part(search_->plan().cols.setting, v.col_title, v.col_labels[cell % v.cols()]);
  }

  void open_as_b(PanelContext& ctx, const SearchView& v, int cell) {
    const std::vector<ui::Action> actions = cell_as_b_actions(ctx.session.config(), search_->cell_config(static_cast<size_t>(cell)));
    if (actions.empty()) {
      b_status_ = ui::tr("search.b_other_network");
      return;
    }
    for (const ui::Action& a : actions) ctx.actions.post(a);
    b_cell_ = cell;
    b_status_ = ui::fill(ui::tr("search.b_opened"), {{"cell", cell_name(v, cell)}});
  }

  // One of the two drawings; on screen, a button over it takes clicks and hovers on cells.
  void drawing(PanelContext& ctx, const SearchView& v, int which, float w, float h) {
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    const std::string metric = ui::tr(("search.metric." + std::string(kSearchMetricNames[static_cast<int>(v.metric)])).c_str());
    const std::string title =
        which == 0 ? ui::fill(ui::tr("search.heatmap_title"), {{"metric", metric}})
        : higher_is_better(v.metric)
            ? std::string(ui::tr("search.curves_accuracy"))
            : ui::fill(ui::tr("search.curves_loss"), {{"max", number(search_curves_loss_max(v.results))}});
    SearchView titled = v;
    titled.title = title;
    SearchGridLayout layout;
    plot_area(
        ctx, which == 0 ? "search-heatmap" : "search-curves",
        [&](plot::Canvas& canvas, plot::Rect rect) {
          layout = which == 0 ? draw_search_heatmap(canvas, rect, titled) : draw_search_curves(canvas, rect, titled);
        },
        w, h, [&] { return which == 0 ? search_heatmap_csv(titled) : search_curves_csv(titled); });
    if (ctx.canvas) return;
    ImGui::SetCursorScreenPos(origin);
    ImGui::InvisibleButton(which == 0 ? "##search_heatmap" : "##search_curves", ImVec2(std::max(1.0f, w), std::max(1.0f, h)));
    if (!ImGui::IsItemHovered()) return;
    const ImVec2 m = ImGui::GetMousePos();
    const int cell = layout.hit({m.x, m.y});
    if (cell < 0 || cell >= static_cast<int>(v.results.size())) return;
    ImGui::SetTooltip("%s\n%s", cell_name(v, cell).c_str(), ui::tr("search.click_for_b"));
    if (ImGui::IsItemClicked(ImGuiMouseButton_Left)) open_as_b(ctx, v, cell);
  }

  void draw(PanelContext& ctx) override {
    given_[0] = given_[1] = 0;  // settings posted before this frame have all been applied
    if (start_requested_) start(ctx);
    const std::vector<CellResult> results = search_ ? search_->results() : std::vector<CellResult>{};
    draw_controls(ctx, results);
    if (!search_) {
      ImGui::TextWrapped("%s", ui::tr("search.hint"));
      return;
    }
    SearchView v = view(ctx, results);
    const SearchPlan& p = search_->plan();
    v.caption = ui::fill(ui::tr("search.setup"), {{"steps", std::to_string(p.length.steps)},
                                                  {"train", std::to_string(search_->data().train.size())},
                                                  {"test", std::to_string(search_->data().test.size())}});
    if (search_->switched_to_adam()) v.caption += " " + std::string(ui::tr("search.adam"));
    const PlotGrid grid = arrange_plots(2, 0.5f);
    if (grid.all()) {
      draw_in_grid(grid, [&](int i, float w, float h) { drawing(ctx, v, i, w, h); });
    } else {
      plot_choice({ui::tr("search.heatmap"), ui::tr("search.curves")}, &shown_, false);
      const ImVec2 avail = ImGui::GetContentRegionAvail();
      drawing(ctx, v, shown_, avail.x, avail.y);
    }
  }
};

}  // namespace

std::unique_ptr<Panel> make_search_panel() { return std::make_unique<SearchPanel>(); }

}  // namespace bnlab
