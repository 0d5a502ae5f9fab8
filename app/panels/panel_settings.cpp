// What this file is: the panel catalogue (panel_settings.h). docs/SCENES.md lists the same.
#include "panels/panel_settings.h"

namespace bnlab {

using K = SettingSpec::Kind;

const std::vector<std::string>& tap_names() {
  static const std::vector<std::string> names = {"z", "normalized", "activated"};
  return names;
}

const std::vector<PanelInfo>& panel_catalog() {
  static const std::vector<PanelInfo> catalog = {
      // `shown`: which plot a panel shows when its cell is too small for all of them (plot_grid.h).
      {"curves", "panel.curves",
       {{"smoothing", K::number, 0.0, 0.99, {}},
        {"log_y", K::boolean, 0, 0, {}},
        {"epochs", K::boolean, 0, 0, {}},
        {"shown", K::choice, 0, 0, {"loss", "accuracy"}}}},
      {"distributions", "panel.distributions",
       {{"block", K::block, 0, 0, {}},
        {"tap", K::tap, 0, 0, {}},
        {"tensorboard_bands", K::boolean, 0, 0, {}},
        {"shown", K::choice, 0, 0, {"bands", "ridgeline"}},
        {"unit", K::integer, 0, 4096, {}}}},
      {"shift", "panel.shift", {{"tap", K::tap, 0, 0, {}}}},
      {"saturation", "panel.saturation",
       {{"block", K::block, 0, 0, {}}, {"shown", K::choice, 0, 0, {"sigmoid", "fraction"}}}},
      {"gradients", "panel.gradients", {}},
      {"gamma_beta", "panel.gamma_beta",
       {{"block", K::block, 0, 0, {}}, {"shown", K::choice, 0, 0, {"gamma", "beta", "mean", "variance"}}}},
      {"decision_boundary", "panel.decision_boundary",
       {{"show_train", K::boolean, 0, 0, {}},
        {"show_test", K::boolean, 0, 0, {}},
        {"shown", K::choice, 0, 0, {"a", "b"}}}},
      {"network", "panel.network", {}},
      {"contours", "panel.contours",
       {{"ratio", K::number, 1.0, 1000.0, {}},
        {"correlation", K::number, -0.9, 0.9, {}},
        {"standardize", K::boolean, 0, 0, {}},
        {"optimizer", K::choice, 0, 0, {"gd", "momentum", "rmsprop", "adam"}},
        {"lr", K::number, 0.01, 1.2, {}},
        {"steps", K::integer, 10, 2000, {}}}},
      {"norm_axes", "panel.norm_axes", {{"block", K::block, 0, 0, {}}}},
      {"small_batch", "panel.small_batch",
       {{"start", K::boolean, 0, 0, {}},
        {"from_one", K::boolean, 0, 0, {}},
        {"examples", K::integer, 256, 60000, {}},
        {"shown", K::choice, 0, 0, {"accuracy", "loss"}}}},
      {"train_vs_inference", "panel.train_vs_inference",
       {{"block", K::block, 0, 0, {}},
        {"examples", K::integer, 100, 10000, {}},
        {"population", K::integer, 1000, 60000, {}},
        {"shown", K::choice, 0, 0, {"mean", "variance"}}}},
      {"ema", "panel.ema",
       {{"block", K::block, 0, 0, {}},
        {"beta", K::number, 0.5, 0.9999, {}},
        {"batches", K::integer, 1, 200, {}},
        {"feature", K::integer, 1, 4096, {}},
        {"shown", K::choice, 0, 0, {"running", "weights", "window", "correction"}}}},
      // The published run (core/lesson/published.h) each of runs A and B is set beside.
      {"reference", "panel.reference",
       {{"a", K::choice, 0, 0, {"d2l_en", "d2l_zh", "none"}}, {"b", K::choice, 0, 0, {"d2l_en", "d2l_zh", "none"}}}},
      {"scale_invariance", "panel.scale_invariance",
       {{"block", K::block, 0, 0, {}},
        {"k", K::number, 0.1, 10.0, {}},
        {"steps", K::integer, 10, 2000, {}},
        {"shown", K::choice, 0, 0, {"z", "output", "gradient", "plain", "training"}}}},
      {"bias_redundancy", "panel.bias_redundancy",
       {{"block", K::block, 0, 0, {}},
        {"start", K::boolean, 0, 0, {}},
        {"steps", K::integer, 10, 2000, {}},
        {"shown", K::choice, 0, 0, {"moves", "losses"}}}},
      {"ics", "panel.ics", {{"every", K::integer, 10, 1000, {}}, {"shown", K::choice, 0, 0, {"difference", "cosine"}}}},
      {"smoothness", "panel.smoothness",
       {{"every", K::integer, 10, 1000, {}}, {"shown", K::choice, 0, 0, {"loss", "gradient", "beta", "latest"}}}},
      {"loss_slice", "panel.loss_slice",
       {{"compute", K::boolean, 0, 0, {}},
        {"size", K::integer, 5, 41, {}},
        {"extent", K::number, 0.05, 5.0, {}},
        {"examples", K::integer, 10, 5000, {}},
        {"shown", K::choice, 0, 0, {"a", "b"}}}},
      {"batch_noise", "panel.batch_noise",
       {{"block", K::block, 0, 0, {}},
        {"feature", K::integer, 1, 4096, {}},
        {"start", K::boolean, 0, 0, {}},
        {"examples", K::integer, 256, 60000, {}},
        {"steps", K::integer, 10, 5000, {}},
        {"train_images", K::integer, 256, 60000, {}},
        {"shown", K::choice, 0, 0, {"spread", "mean", "variance", "one", "gap"}}}},
      {"hyperparameter_search", "panel.hyperparameter_search",
       {{"start", K::boolean, 0, 0, {}},
        {"rows", K::choice, 0, 0, {"lr", "momentum", "weight_decay", "batch_size", "bn", "optimizer", "beta1", "beta2"}},
        {"cols", K::choice, 0, 0, {"lr", "momentum", "weight_decay", "batch_size", "bn", "optimizer", "beta1", "beta2"}},
        {"row_from", K::number, 0.0, 100000.0, {}},
        {"row_to", K::number, 0.0, 100000.0, {}},
        {"row_count", K::integer, 1, 8, {}},
        {"row_log", K::boolean, 0, 0, {}},
        {"col_from", K::number, 0.0, 100000.0, {}},
        {"col_to", K::number, 0.0, 100000.0, {}},
        {"col_count", K::integer, 1, 8, {}},
        {"col_log", K::boolean, 0, 0, {}},
        {"steps", K::integer, 1, 100000, {}},
        {"train_images", K::integer, 0, 60000, {}},
        {"metric", K::choice, 0, 0, {"final_accuracy", "best_accuracy", "final_loss", "best_loss"}},
        {"shown", K::choice, 0, 0, {"heatmap", "curves"}}}},
      // `feature` from 1 (past the block's last: its last); `batch` the seed of the m examples.
      {"bn_transform", "panel.bn_transform",
       {{"block", K::block, 0, 0, {}},
        {"feature", K::integer, 1, 4096, {}},
        {"samples", K::integer, 2, 16, {}},
        {"batch", K::integer, 1, 1000000, {}},
        {"undo", K::boolean, 0, 0, {}},
        {"gamma", K::number, -3.0, 3.0, {}},
        {"beta", K::number, -3.0, 3.0, {}},
        {"shown", K::choice, 0, 0, {"table", "lines"}}}},
      {"feature_maps", "panel.feature_maps", {{"block", K::block, 0, 0, {}}, {"sample", K::integer, 1, 100000, {}}}},
  };
  return catalog;
}

const PanelInfo* panel_by_id(const std::string& id) {
  for (const PanelInfo& p : panel_catalog())
    if (p.id == id) return &p;
  return nullptr;
}

const PanelInfo* panel_by_key(const std::string& key) {
  for (const PanelInfo& p : panel_catalog())
    if (p.key == key) return &p;
  return nullptr;
}

}  // namespace bnlab
