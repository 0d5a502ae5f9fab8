// What this file is: the batch-size lab's panel in a headless scene render (tiny8: a conv block
// and a dense block with BN). Each page waits for the panel's work (Panel::busy), so its CSV is
// the statistics of the network as the step left it: σ/√m through the population's σ, a measured
// spread at every batch size the 60 images allow, a dense batch of one whose output is β, a conv
// channel's m·H·W line, and the gap experiment's bars (a batch larger than the data marked).
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <map>
#include <sstream>
#include <string>

#include "test_paths.h"
#include "render_helpers.h"
#include "plot_csv_rows.h"
#include "scene/render.h"
#include "scene/scene.h"

namespace bnlab {
namespace {

namespace fs = std::filesystem;

std::string tiny_scene() {
  return std::string(R"({
  "id": "tiny-batch",
  "title": {"en": "Tiny batch lab", "zh": "小批量大小实验"},
  "experiment": {"seed": 5, "data": {"dataset": "mnist", "dir": ")") +
         BNLAB_TEST_DATA_DIR + R"(/tiny8", "normalize": "scale"},
                 "model": {"blocks": [{"op": "conv", "channels": 4, "kernel": 3, "norm": "batch", "activation": "relu"},
                                      {"op": "dense", "units": 6, "norm": "batch", "activation": "sigmoid"},
                                      {"op": "dense", "units": 10}]},
                 "train": {"batch_size": 8, "lr": 0.1}},
  "steps": [
    {"id": "spread", "narration": {"en": "Spread.", "zh": "离散。"},
     "layout": [{"panel": "batch_noise", "block": 2, "feature": 4, "shown": "spread"}], "run": {"to_step": 20}},
    {"id": "one", "narration": {"en": "One.", "zh": "一个。"},
     "layout": [{"panel": "batch_noise", "shown": "one"}]},
    {"id": "conv", "narration": {"en": "Conv.", "zh": "卷积。"},
     "layout": [{"panel": "batch_noise", "block": 1, "feature": 2, "shown": "spread"}]},
    {"id": "gap", "narration": {"en": "Gap.", "zh": "差距。"},
     "layout": [{"panel": "batch_noise", "shown": "gap", "start": true, "steps": 10, "train_images": 256}]}
  ]})";
}

// Series → (x → y) of one kind.
std::map<std::string, std::map<double, double>> series(const std::string& csv, const std::string& kind) {
  std::map<std::string, std::map<double, double>> out;
  for (const PlotCsvRow& r : plot_csv_rows(csv))
    if (r.kind == kind) out[r.series][r.x] = r.y;
  return out;
}

TEST(BatchNoiseRender, EachPageShowsTheStatisticsOfTheNetworkTheStepLeft) {
  const std::vector<RenderedStep> steps = render_csv(tiny_scene(), "tiny-batch.json");
  ASSERT_EQ(steps.size(), 4u);
  for (const RenderedStep& s : steps) ASSERT_EQ(s.plots.size(), 1u) << s.path;

  // Dense: σ/√m at 2 … 32 (the 60 images allow no more), one σ for every m; a measured spread at each.
  ASSERT_EQ(steps[0].plots[0].id, "batch-noise-spread");
  auto dense = series(steps[0].plots[0].csv, "line");
  ASSERT_EQ(dense["σ/√m"].size(), 5u) << steps[0].plots[0].csv;
  const double sigma = dense["σ/√m"][2.0] * std::sqrt(2.0);
  EXPECT_GT(sigma, 0.0);
  for (const auto& [m, y] : dense["σ/√m"]) EXPECT_NEAR(y * std::sqrt(m), sigma, 1e-5 * sigma) << m;
  EXPECT_EQ(dense["measured"].size(), 5u);
  EXPECT_EQ(dense.count("σ/√(m·36)"), 0u);  // no H·W in a dense block

  // The batch of one on the same feature: one value, no variance, the output is β.
  ASSERT_EQ(steps[1].plots[0].id, "batch-noise-one");
  std::map<std::string, double> one;  // quantity,value rows
  std::istringstream in(steps[1].plots[0].csv);
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, "quantity,value");
  while (std::getline(in, line)) one[line.substr(0, line.find(','))] = std::stod(line.substr(line.find(',') + 1));
  EXPECT_EQ(one["values"], 1.0);
  EXPECT_EQ(one["var"], 0.0);
  EXPECT_EQ(one["mean"], one["input"]);
  EXPECT_FLOAT_EQ(static_cast<float>(one["out_min"]), static_cast<float>(one["beta"]));
  EXPECT_FLOAT_EQ(static_cast<float>(one["out_max"]), static_cast<float>(one["beta"]));

  // The conv block (6×6 maps): the line for m·36 independent values, below σ/√m by √36.
  auto conv = series(steps[2].plots[0].csv, "line");
  ASSERT_EQ(conv["σ/√(m·36)"].size(), 5u) << steps[2].plots[0].csv;
  for (const auto& [m, y] : conv["σ/√(m·36)"]) EXPECT_NEAR(y * 6.0, conv["σ/√m"][m], 1e-5 * y * 6.0) << m;
  for (const auto& [m, y] : conv["measured"]) {
    EXPECT_LT(y, conv["σ/√m"][m] * 1.5) << m;  // 200 batches: well inside half again the bound
    EXPECT_GT(y, conv["σ/√(m·36)"][m] / 1.5) << m;
  }

  // The gap experiment waited for: batch 16 trained (bars from 0 to its accuracies), batch 256
  // could not be built from 60 images and has no bars.
  const auto bands = plot_csv_rows(steps[3].plots[0].csv);
  int train_bars = 0, test_bars = 0;
  for (const PlotCsvRow& r : bands) {
    if (r.kind != "band") continue;
    EXPECT_LT(r.x, 32.0) << "a bar at batch 256";
    train_bars += r.series == "train";
    test_bars += r.series == "test";
  }
  EXPECT_EQ(train_bars, 2);  // a band's two ends
  EXPECT_EQ(test_bars, 2);
}

}  // namespace
}  // namespace bnlab
