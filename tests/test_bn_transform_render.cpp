// What this file is: the BN transform and feature-maps labs in a headless scene render: the page
// waits for the lab's batch (or image), and the numbers in its CSV are the ones the core computes
// (y = z after "undo", μ_B the mean of the z column, a map per channel and stage); a block the lab
// cannot show gives a page with words and no crash.
#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <cmath>
#include <filesystem>
#include <limits>
#include <map>
#include <sstream>
#include <string>

#include "test_paths.h"
#include "scene/render.h"
#include "scene/scene.h"

namespace bnlab {
namespace {

namespace fs = std::filesystem;

std::string tiny_scene(const std::string& first_block, const std::string& steps) {
  return std::string(R"({
  "id": "tiny-transform",
  "title": {"en": "Tiny", "zh": "小"},
  "experiment": {"seed": 3, "data": {"dataset": "mnist", "dir": ")") +
         BNLAB_TEST_DATA_DIR + R"(/tiny8", "normalize": "scale"},
                 "model": {"blocks": [)" + first_block + R"(, {"op": "dense", "units": 10}]},
                 "train": {"batch_size": 10, "lr": 0.5}},
  "steps": [)" + steps + "]}";
}

std::vector<RenderedStep> render(const std::string& text) {
  const fs::path dir = fs::temp_directory_path() / ("bnlab-transform-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const Scene scene = parse_scene(nlohmann::json::parse(text), "tiny-transform.json", BNLAB_EXAMPLES_DIR);
  RenderOptions o;
  o.out_dir = dir.string();
  o.format = "csv";
  std::vector<RenderedStep> steps = render_scene(scene, o);
  fs::remove_all(dir);
  return steps;
}

// The CSV's rows (i, example, position, z, z − μ, x̂, y) and its "# name,value" lines.
struct TransformCsv {
  std::vector<std::array<double, 7>> rows;
  std::map<std::string, double> stats;
};
TransformCsv parse(const std::string& csv) {
  TransformCsv t;
  std::istringstream in(csv);
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    if (line.rfind("# ", 0) == 0) {
      const size_t comma = line.find(',');
      t.stats[line.substr(2, comma - 2)] = std::stod(line.substr(comma + 1));
      continue;
    }
    std::array<double, 7> r{};
    std::istringstream cells(line);
    std::string cell;
    for (double& v : r) {
      std::getline(cells, cell, ',');
      v = std::stod(cell);
    }
    t.rows.push_back(r);
  }
  return t;
}

TEST(BnTransformRender, UndoGivesBackZAndThePageShowsTheBatchsOwnStatistics) {
  const std::string steps = R"(
    {"id": "own", "narration": {"en": "Own.", "zh": "自己的。"},
     "layout": [{"panel": "bn_transform", "block": 1, "feature": 3, "samples": 6, "batch": 2}], "run": {"to_step": 20}},
    {"id": "undo", "narration": {"en": "Undo.", "zh": "抵消。"}, "layout": [{"panel": "bn_transform", "undo": true}]},
    {"id": "output", "narration": {"en": "No norm.", "zh": "无归一化。"}, "layout": [{"panel": "bn_transform", "block": 2}]})";
  const std::vector<RenderedStep> pages =
      render(tiny_scene(R"({"op": "dense", "units": 12, "norm": "batch", "activation": "sigmoid"})", steps));
  ASSERT_EQ(pages.size(), 3u);
  ASSERT_EQ(pages[0].plots.size(), 1u);
  const TransformCsv own = parse(pages[0].plots[0].csv);
  ASSERT_EQ(own.rows.size(), 6u);  // m = 6 values of one dense feature
  double sum = 0, sq = 0;
  for (const auto& r : own.rows) sum += r[3];
  const double mu = sum / 6;
  for (const auto& r : own.rows) sq += (r[3] - mu) * (r[3] - mu);
  EXPECT_NEAR(own.stats.at("mu_B"), mu, 1e-6);
  EXPECT_NEAR(own.stats.at("var_B"), sq / 6, 1e-6);  // biased: over m
  EXPECT_EQ(own.stats.at("count"), 6);
  EXPECT_NE(own.stats.at("gamma"), 1.0) << "20 steps at lr 0.5 should have moved γ";
  for (const auto& r : own.rows)
    EXPECT_NEAR(r[6], own.stats.at("gamma") * (r[3] - mu) / std::sqrt(sq / 6 + 1e-5) + own.stats.at("beta"), 1e-5);

  const TransformCsv undo = parse(pages[1].plots.at(0).csv);
  ASSERT_EQ(undo.rows.size(), 6u);
  double worst = 0;
  for (size_t i = 0; i < 6; ++i) {
    EXPECT_EQ(undo.rows[i][3], own.rows[i][3]) << "the same batch and weights";
    // The CSV's 9 digits give back each float exactly; their difference is then the panel's.
    worst = std::max(worst, static_cast<double>(std::abs(static_cast<float>(undo.rows[i][6]) -
                                                         static_cast<float>(undo.rows[i][3]))));
  }
  EXPECT_NEAR(undo.stats.at("max_abs_y_minus_z"), worst, 1e-12) << "the largest |y − z| printed is not the rows'";
  EXPECT_LE(worst, 1e-6);
  EXPECT_NEAR(undo.stats.at("gamma"), std::sqrt(undo.stats.at("var_B") + 1e-5), 1e-6);
  EXPECT_EQ(undo.stats.at("beta"), undo.stats.at("mu_B"));
  // The output block has no norm: a page with words, no numbers.
  ASSERT_EQ(pages[2].plots.size(), 1u);
  EXPECT_TRUE(pages[2].plots[0].csv.empty());
}

TEST(BnTransformRender, ConvPagesCountMTimesPTimesQAndShowEveryChannelsMaps) {
  const std::string steps = R"(
    {"id": "conv", "narration": {"en": "Conv.", "zh": "卷积。"},
     "layout": [{"panel": "bn_transform", "block": 1, "feature": 2, "samples": 4}], "run": {"to_step": 10}},
    {"id": "maps", "narration": {"en": "Maps.", "zh": "特征图。"}, "layout": [{"panel": "feature_maps", "sample": 2}]},
    {"id": "dense", "narration": {"en": "Dense.", "zh": "全连接。"}, "layout": [{"panel": "feature_maps", "block": 2}]})";
  const std::vector<RenderedStep> pages = render(
      tiny_scene(R"({"op": "conv", "channels": 3, "kernel": 3, "padding": 1, "norm": "batch", "activation": "relu"})", steps));
  ASSERT_EQ(pages.size(), 3u);
  const TransformCsv conv = parse(pages[0].plots.at(0).csv);
  EXPECT_EQ(conv.stats.at("count"), 4 * 8 * 8);
  EXPECT_EQ(conv.rows.size(), 4u * 64u);
  const std::string& maps = pages[1].plots.at(0).csv;
  for (const char* stage : {"z,", "normalized,", "activated,"}) {
    size_t n = 0;
    for (size_t at = maps.find(std::string("\n") + stage); at != std::string::npos;
         at = maps.find(std::string("\n") + stage, at + 1))
      ++n;
    EXPECT_EQ(n, 3u * 64u) << stage;  // every value of 3 channels of 8×8
  }
  EXPECT_NE(maps.find("\ngamma,3,"), std::string::npos);
  EXPECT_TRUE(pages[2].plots.at(0).csv.empty());
}

}  // namespace
}  // namespace bnlab
