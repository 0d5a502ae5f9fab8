// What this file is: the small-batch lab's panel in a headless scene render: the page is drawn
// only once the whole grid has run (Panel::busy), so its CSV holds a point for every norm and
// batch size; runs that cannot be built (a batch larger than the training set) are marked.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "test_paths.h"
#include "render_helpers.h"
#include "scene/render.h"
#include "scene/scene.h"

namespace bnlab {
namespace {

namespace fs = std::filesystem;

// tiny8: 60 training images of 8×8, so batch sizes 64 and 128 cannot be built.
std::string tiny_lab_scene() {
  return std::string(R"({
  "id": "tiny-lab",
  "title": {"en": "Tiny lab", "zh": "小实验"},
  "experiment": {"seed": 5, "data": {"dataset": "mnist", "dir": ")") +
         BNLAB_TEST_DATA_DIR + R"(/tiny8", "normalize": "scale"},
                 "model": {"blocks": [{"op": "conv", "channels": 4, "kernel": 3, "norm": "batch", "activation": "relu"},
                                      {"op": "dense", "units": 10}]},
                 "train": {"batch_size": 8, "lr": 0.1}},
  "steps": [
    {"id": "lab", "narration": {"en": "The grid.", "zh": "网格。"},
     "layout": [{"panel": "small_batch", "start": true, "examples": 256, "from_one": true}]}
  ]})";
}

TEST(SmallBatchRender, ThePageWaitsForEveryRunAndMarksTheOnesThatFailed) {
  const std::vector<RenderedStep> steps = render_csv(tiny_lab_scene(), "tiny-lab.json");
  ASSERT_EQ(steps.size(), 1u);
  ASSERT_EQ(steps[0].plots.size(), 1u);
  const std::string& csv = steps[0].plots[0].csv;
  // A conv net: BN, LN, GN and IN, each with a line point at every batch size that trained.
  for (const char* norm : {"BN", "LN", "GN", "IN"})
    for (int b : {1, 2, 4, 8, 16, 32}) {
      const std::string row = std::string(norm) + ",line," + std::to_string(b) + ",";
      const size_t at = csv.find(row);
      ASSERT_NE(at, std::string::npos) << row << " missing:\n" << csv;
      EXPECT_NE(csv.compare(at + row.size(), 3, "nan"), 0) << row;
    }
  // 64 and 128 are larger than the 60 training images: no accuracy, and a mark for each norm.
  int marks = 0;
  for (size_t at = csv.find(",scatter,"); at != std::string::npos; at = csv.find(",scatter,", at + 1)) {
    const size_t line = csv.rfind('\n', at) + 1;
    const std::string series = csv.substr(line, at - line);
    if (series != "BN" && series != "LN" && series != "GN" && series != "IN") ++marks;
  }
  EXPECT_EQ(marks, 8);
}

}  // namespace
}  // namespace bnlab
