// What this file is: the CNN feature-maps lab (issue #12 §7; View ▸ Labs): for the selected conv
// block, one test image's feature maps before BN (z), after it and after the activation, one small
// image per channel, with that channel's γ_c and β_c under its column: one γ/β pair per feature
// map (lecture note 004). The image goes through a copy of the live network in inference (BN
// with its running statistics) on a LabJob (core/lesson/feature_maps.h).
#include <imgui.h>

#include <chrono>
#include <thread>

#include "core/lesson/feature_maps.h"
#include "panels/bn_transform_view.h"
#include "panels/feature_maps_view.h"
#include "panels/lab_job.h"
#include "panels/panel.h"
#include "panels/plot_area.h"
#include "panels/plot_grid.h"
#include "ui/problems.h"
#include "ui/text.h"

namespace bnlab {
namespace {


struct MapsInputs {
  // Held, not only compared: a freed state's address could come back as the next one's.
  std::shared_ptr<const ModelState> state;
  std::shared_ptr<const DataSplit> data;
  int block = -1, example = -1;
  bool operator==(const MapsInputs&) const = default;
};

struct FeatureMapsPanel : Panel {
  static constexpr const char* kKey = "panel.feature_maps";
  int example_ = 0;  // 0-based index into the test set
  LabJob<FeatureMaps> job_;
  MapsInputs started_;
  bool pending_ = true;

  const char* key() const override { return kKey; }
  bool busy() const override { return pending_ || job_.running(); }
  void apply_setting(const std::string& name, const nlohmann::json& v) override {
    if (name == "sample") example_ = std::max(0, v.get<int>() - 1);
    pending_ = true;
  }

  void message(PanelContext& ctx, const std::string& text) {
    const plot::PlotTheme theme = plot::theme_by_name(ctx.theme.name);
    plot_area(
        ctx, "feature-maps", [&](plot::Canvas& canvas, plot::Rect rect) { draw_message(canvas, rect, text, theme); },
        0.0f, 0.0f, [] { return std::string(); });
  }

  // The stages' names as the block computes them: "z", "BN(z)", "σ(BN(z))"...
  static std::vector<std::string> stage_names(const FeatureMaps& f, const std::string& activation) {
    const std::string act = activation == "sigmoid" ? "σ" : activation == "relu" ? "ReLU" : activation == "leaky_relu" ? "LReLU" : activation;
    std::vector<std::string> names;
    std::string inner = "z";
    for (MapStage s : f.stages) {
      if (s == MapStage::normalized) inner = std::string(norm_abbreviation(f.norm)) + "(" + inner + ")";
      if (s == MapStage::activated) inner = act + "(" + inner + ")";
      names.push_back(inner);
    }
    return names;
  }

  void draw(PanelContext& ctx) override {
    const TrainerSnapshot* s = ctx.a.get();
    pending_ = false;
    int example = example_ + 1;
    const int examples = s && s->data ? std::max(1, s->data->test.size()) : 1;
    const float slider = ImGui::GetFontSize() * 9.0f;
    ImGui::SetNextItemWidth(slider);
    if (ImGui::SliderInt(ui::tr_id("feature_maps.sample"), &example, 1, examples))
      ctx.actions.post(ui::act::SetPanelSetting{kKey, "sample", example});
    if (!s || !s->data || !s->model_state) {
      message(ctx, ui::tr("feature_maps.waiting"));
      return;
    }
    const ModelConfig& cfg = s->model_state->config;
    const int block = ctx.selected_block;
    if (block >= 0 && block < static_cast<int>(cfg.blocks.size()) && cfg.blocks[block].op != "conv") {
      std::string conv;
      for (size_t i = 0; i < cfg.blocks.size(); ++i)
        if (cfg.blocks[i].op == "conv") conv += (conv.empty() ? "" : ", ") + std::to_string(i + 1);
      message(ctx, ui::fill(ui::tr(conv.empty() ? "feature_maps.no_conv" : "feature_maps.dense"),
                            {{"block", std::to_string(block + 1)}, {"blocks", conv}}));
      return;
    }
    const MapsInputs in{s->model_state, s->data, block, example_};
    if (!(in == started_)) {
      started_ = in;
      std::shared_ptr<const ModelState> state = s->model_state;
      std::shared_ptr<const DataSplit> data = s->data;
      const int e = example_;
      job_.start([state, data, block, e](const std::atomic<bool>&) {
        return std::make_shared<const FeatureMaps>(feature_maps(*state, data->test, block, e));
      });
      if (ctx.canvas)  // headless: the page shows this image's maps
        while (job_.running()) std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    const std::shared_ptr<const FeatureMaps> f = job_.result();
    if (!f) {
      message(ctx, ui::tr("bn_transform.computing"));
      return;
    }
    if (f->problem != FeatureMapsProblem::none) {
      message(ctx, ui::tr(f->problem == FeatureMapsProblem::not_finite ? "bn_transform.not_finite"
                                                                       : "feature_maps.waiting"));
      return;
    }
    FeatureMapsView view;
    view.maps = f.get();
    const std::vector<std::pair<std::string, std::string>> v = {
        {"block", std::to_string(f->block + 1)}, {"example", std::to_string(f->example + 1)},
        {"label", std::to_string(f->label)}, {"step", std::to_string(f->step)}, {"c", std::to_string(f->channels)},
        {"h", std::to_string(f->h)}, {"w", std::to_string(f->w)}, {"norm", norm_abbreviation(f->norm)},
        {"act", ui::tr("act." + cfg.blocks[block].activation)}};
    view.header.push_back(ui::fill(ui::tr("feature_maps.header"), v));
    view.header.push_back(ui::fill(ui::tr(f->norm == NormKind::none   ? "feature_maps.no_norm"
                                          : f->gamma.empty()          ? "feature_maps.no_pairs"
                                          : f->norm == NormKind::batch ? "feature_maps.pairs_bn"
                                                                       : "feature_maps.pairs"),
                                   v));
    view.stage_names = stage_names(*f, cfg.blocks[block].activation);
    view.input_name = ui::tr("feature_maps.input");
    view.partial = ui::tr("feature_maps.partial");
    view.theme = plot::theme_by_name(ctx.theme.name);
    view.line_width = ctx.theme.line_width / 1.5f;
    plot_area(
        ctx, "feature-maps", [&](plot::Canvas& canvas, plot::Rect rect) { draw_feature_maps(canvas, rect, view); }, 0.0f,
        0.0f, [&] { return feature_maps_csv(*f); });
  }
};

}  // namespace

std::unique_ptr<Panel> make_feature_maps_panel() { return std::make_unique<FeatureMapsPanel>(); }

}  // namespace bnlab
