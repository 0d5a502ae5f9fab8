// What this file is: the saturation panel draws each block's own activation over the histogram
// of what that activation reads, and each block's own measure of saturation (#10, defect 4):
// with BN after a sigmoid, the histogram is z, not BN(σ(z)); a tanh block draws tanh and tanh′;
// a ReLU block draws ReLU and counts its dead units. Checked on the data the panel drew, from a
// scene rendered headless (scene/render.h) with the panel alone at the projector's 1280x720.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <sstream>

#include "test_paths.h"
#include "scene/render.h"
#include "plot_csv_rows.h"
#include "test_helpers.h"

namespace bnlab {
namespace {

namespace fs = std::filesystem;

// A scene of two steps: the saturation panel's curve, the runs trained to step 20, then its
// fraction over time (at 1280x720 the panel shows one plot at a time), on the spiral set, with
// one hidden block of the given activation and BN position.
Scene saturation_scene(const std::string& activation, const std::string& position, float init_scale, int batch) {
  nlohmann::json j = nlohmann::json::parse(R"({
    "id": "saturation-test", "title": {"en": "Saturation", "zh": "饱和"},
    "experiment": {"seed": 5, "data": {"dataset": "spiral", "n": 200, "normalize": "none"},
                   "model": {"blocks": [{"op": "dense", "units": 16, "norm": "batch", "activation": "sigmoid"},
                                        {"op": "dense", "units": 2}]},
                   "train": {"batch_size": 4, "lr": 0.001}},
    "steps": [{"id": "look", "narration": {"en": "Look.", "zh": "看。"}, "layout": [{"panel": "saturation"}],
               "run": {"to_step": 20}},
              {"id": "fraction", "narration": {"en": "Over time.", "zh": "随时间。"},
               "layout": [{"panel": "saturation", "shown": "fraction"}]}]})");
  j["experiment"]["model"]["blocks"][0]["activation"] = activation;
  j["experiment"]["model"]["bn"] = {{"position", position}};
  j["experiment"]["model"]["init"] = {{"scheme", "xavier_uniform"}, {"scale", init_scale}};
  j["experiment"]["train"]["batch_size"] = batch;
  return parse_scene(j, "saturation-test.json", BNLAB_EXAMPLES_DIR);
}

using Row = PlotCsvRow;

// The rows of each plot's CSV (series,kind,x,y,value) by the plot's id, over the scene's pages.
std::map<std::string, std::vector<Row>> drawn_plots(const Scene& scene) {
  const fs::path dir = fs::temp_directory_path() / ("bnlab-saturation-" + std::to_string(::getpid()));
  RenderOptions o;
  o.out_dir = dir.string();
  o.format = "csv";
  const std::vector<RenderedStep> pages = render_scene(scene, o);
  fs::remove_all(dir);
  std::map<std::string, std::vector<Row>> plots;
  for (const RenderedStep& page : pages)
  for (const DrawnPlot& p : page.plots) {
    std::vector<Row>& rows = plots[p.id];  // a plot that drew nothing has the header alone
    for (const Row& r : plot_csv_rows(p.csv)) rows.push_back(r);
  }
  return plots;
}

bool has_series(const std::vector<Row>& rows, const std::string& name) {
  return std::any_of(rows.begin(), rows.end(), [&](const Row& r) { return r.series == name; });
}

TEST(SaturationPanel, WithBnAfterTheSigmoidTheHistogramIsZ) {
  // Batch 4: BN's output lies within ±√3 (γ = 1, β = 0 after 20 steps at lr 0.001), while z, from
  // weights 10 times the usual, spreads several times wider.
  const auto plots = drawn_plots(saturation_scene("sigmoid", "after_activation", 10.0f, 4));
  ASSERT_TRUE(plots.count("saturation-curve"));
  const std::vector<Row>& rows = plots.at("saturation-curve");
  EXPECT_TRUE(has_series(rows, "σ(z)"));
  double widest = 0.0;
  int bins = 0;
  for (const Row& r : rows)
    if (r.kind == "histogram" && r.series.rfind("A ", 0) == 0 && r.y > 0) {
      widest = std::max(widest, std::abs(r.x));
      ++bins;
    }
  ASSERT_GT(bins, 0);
  EXPECT_GT(widest, 3.0) << "the histogram spans ±" << widest << ": BN's output, not σ's input z";
}

TEST(SaturationPanel, TanhAndReluBlocksDrawTheirOwnActivationAndMeasure) {
  const auto tanh_plots = drawn_plots(saturation_scene("tanh", "before_activation", 1.0f, 16));
  ASSERT_TRUE(tanh_plots.count("saturation-curve"));
  EXPECT_TRUE(has_series(tanh_plots.at("saturation-curve"), "tanh(z)"));
  EXPECT_FALSE(has_series(tanh_plots.at("saturation-curve"), "σ(z)"));

  // ReLU: its dead units are counted (with BN before it, rarely any: the line is drawn at 0).
  const auto relu_plots = drawn_plots(saturation_scene("relu", "before_activation", 1.0f, 16));
  ASSERT_TRUE(relu_plots.count("saturation-curve"));
  EXPECT_TRUE(has_series(relu_plots.at("saturation-curve"), "ReLU(z)"));
  EXPECT_FALSE(has_series(relu_plots.at("saturation-curve"), "σ(z)"));
  // The dead units' fraction of block 1, for both runs (-1, "not measured", drew nothing).
  ASSERT_TRUE(relu_plots.count("saturation-fraction"));
  EXPECT_TRUE(has_series(relu_plots.at("saturation-fraction"), "A 1"));
  EXPECT_TRUE(has_series(relu_plots.at("saturation-fraction"), "B 1"));
}

}  // namespace
}  // namespace bnlab
