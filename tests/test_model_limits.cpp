// What this file is: models too large to build or to train are refused from their config, before
// anything is allocated, with a config error naming the block (#10, defect 6: a conv stack whose
// Shape::size() wrapped in an int, and dense blocks that ran to 6.3 GB before "out of memory").
// The window's network editor gets the same refusal as a message.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <thread>

#include "test_paths.h"
#include "core/error.h"
#include "expect_error.h"
#include "core/io/config.h"
#include "core/model/footprint.h"
#include "core/model/model.h"
#include "core/train/run.h"
#include "lab_helpers.h"
#include "test_helpers.h"

namespace bnlab {
namespace {

namespace fs = std::filesystem;

BlockConfig dense(int units, const std::string& norm = "none", const std::string& activation = "none") {
  BlockConfig b;
  b.units = units;
  b.norm = *parse_norm_kind(norm);
  b.activation = activation;
  return b;
}

BlockConfig conv(int channels, int kernel, int padding) {
  BlockConfig b;
  b.op = "conv";
  b.channels = channels;
  b.kernel = kernel;
  b.padding = padding;
  return b;
}

// The reproduction on tests/data/tiny8 (1×8×8 images): eight 1-channel 1×1 convs with
// padding 64 grow the image to 1032×1032, then 4033 channels: 4033·1032² wraps an int to 274,496.
ModelConfig wrapping_convs() {
  ModelConfig m;
  for (int i = 0; i < 8; ++i) m.blocks.push_back(conv(1, 1, 64));
  m.blocks.push_back(conv(4033, 1, 0));
  m.blocks.push_back(dense(10));
  return m;
}

TEST(ModelLimits, ShapeSizeDoesNotWrap) {
  const Shape s{4033, 1032, 1032};
  EXPECT_EQ(s.size(), int64_t{4033} * 1032 * 1032);
  EXPECT_GT(s.size(), std::numeric_limits<int>::max());
}

TEST(ModelLimits, AConvStackWhoseSizeWrapsAnIntIsRefusedNamingTheBlock) {
  // The model alone, at one example: block 8's output is 4033·1032² values, 16 GiB.
  expect_config_error([] { Model(wrapping_convs(), Shape{1, 8, 8}, 10, 1); }, {"model.blocks[8]", "GiB"});
  // Trained at batch size 1, the layers' buffers pass the budget long before that block.
  Config c;
  c.data.dataset = "mnist";
  c.data.dir = std::string(BNLAB_TEST_DATA_DIR) + "/tiny8";
  c.model = wrapping_convs();
  c.train.batch_size = 1;
  expect_config_error([&] { bnlab::Run(c, loaded_data(c)); }, {"model.blocks[", "batch size 1"});
}

TEST(ModelLimits, EightDenseBlocksOfAMillionUnitsAreRefusedAtTheFirst) {
  ModelConfig m;
  for (int i = 0; i < 8; ++i) m.blocks.push_back(dense(1000000, "batch", "relu"));
  m.blocks.push_back(dense(10));
  // 784 × 10⁶ weights and their gradients are 6.3 GB: refused before any of it is allocated.
  expect_config_error([&] { Model(m, Shape{1, 28, 28}, 10, 1); }, {"model.blocks[0]", "more than"});
}

// The budget is what the run needs as a whole: parameters, optimizer state and activations at
// the batch size. A block that fits alone can still be the one that passes it.
TEST(ModelLimits, TheBlockThatPassesTheBudgetIsNamed) {
  Config c;
  c.model.blocks = {dense(64, "batch", "relu"), dense(64, "batch", "relu"), dense(2)};
  c.train.batch_size = 32;
  const Shape input{2, 1, 1};
  const Footprint small = model_footprint(c.model, input, 2, &c.train);
  EXPECT_GT(small.parameters, 0);
  EXPECT_GT(small.activations, 0);
  EXPECT_LT(small.total(), kMemoryBudget);

  // Adam keeps two moments per parameter, SGD one buffer.
  TrainConfig adam = c.train;
  adam.optimizer = "adam";
  EXPECT_EQ(model_footprint(c.model, input, 2, &adam).optimizer, 2 * model_footprint(c.model, input, 2, &c.train).optimizer);
  // Activations grow with the batch; the parameters do not.
  TrainConfig big_batch = c.train;
  big_batch.batch_size = 4096;
  EXPECT_GT(model_footprint(c.model, input, 2, &big_batch).activations, small.activations);
  EXPECT_EQ(model_footprint(c.model, input, 2, &big_batch).parameters, small.parameters);

  // Widen block 1 until the model no longer fits: the error names block 1, not 0 or 2.
  c.model.blocks[1].units = 20000;  // 64·20000 + 20000·2 weights: small; 20000 units × batch: not
  c.train.batch_size = 1 << 14;
  expect_config_error([&] { model_footprint(c.model, input, 2, &c.train); }, {"model.blocks[1]", "batch size 16384"});
  c.train.batch_size = 32;
  EXPECT_LT(model_footprint(c.model, input, 2, &c.train).total(), kMemoryBudget);
}

// A bad shape is still reported as before, by the block and the field.
TEST(ModelLimits, ShapesThatDoNotFitAreNamed) {
  ModelConfig m;
  m.blocks = {conv(4, 9, 0), dense(10)};
  expect_config_error([&] { Model(m, Shape{1, 8, 8}, 10, 1); }, {"model.blocks[0].kernel"});
  m.blocks = {dense(4), conv(4, 3, 0), dense(10)};
  expect_config_error([&] { Model(m, Shape{1, 8, 8}, 10, 1); }, {"model.blocks[1].op"});
  m.blocks = {conv(4, 3, 0), dense(7)};
  expect_config_error([&] { Model(m, Shape{1, 8, 8}, 10, 1); }, {"model.blocks[1]", "10 units"});
}

// Everything shipped must keep working under the budget: the examples, and the window's
// default view (trained at the largest batch its slider offers).
TEST(ModelLimits, ShippedConfigsFitTheBudget) {
  for (const auto& entry : fs::directory_iterator(std::string(BNLAB_SOURCE_DIR) + "/examples")) {
    const Config c = load_config(entry.path().string());
    const Footprint f = model_footprint(c.model, Shape{1, 28, 28}, 10, &c.train);
    EXPECT_LT(f.total(), kMemoryBudget / 4) << entry.path();
  }
  Config view = ui::default_config();
  view.train.batch_size = 512;
  view.train.optimizer = "adam";
  EXPECT_LT(model_footprint(view.model, Shape{1, 28, 28}, 10, &view.train).total(), kMemoryBudget / 4);
}

// Changing the batch size of a live run is checked too: the run keeps its old settings.
TEST(ModelLimits, ALiveBatchSizeThatDoesNotFitIsRefused) {
  Config c;
  c.data.dataset = "spiral";
  c.data.n = 200;
  c.model.blocks = {dense(200000, "none", "relu"), dense(2)};
  c.train.batch_size = 10;
  TrainConfig t = c.train;
  t.batch_size = 190;
  // The premise: 200,000 units fit at batch size 10 but not at 190.
  ASSERT_LT(model_footprint(c.model, Shape{2, 1, 1}, 2, &c.train).total(), kMemoryBudget);
  ASSERT_THROW(model_footprint(c.model, Shape{2, 1, 1}, 2, &t), Error);
  bnlab::Run run(c, loaded_data(c));
  expect_config_error([&] { run.set_train_config(t); }, {"model.blocks[1]", "batch size 190"});
  EXPECT_EQ(run.config().train.batch_size, 10);
  EXPECT_TRUE(std::isfinite(run.step().loss));
}

// The window's network editor: a draft too large to train is refused with a message, and the
// runs that were there go on.
TEST(ModelLimits, TheWindowsEditorShowsTheRefusal) {
  ui::Session s;
  s.start(ui::spiral_config());
  for (int i = 0; i < 2000 && !s.twins(); ++i) {
    s.update();
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_TRUE(s.twins()) << s.error;
  TwinRuns* before = s.twins();
  s.draft().model.blocks[1].units = 1000000;  // 16 × 10⁶ weights, but 10⁶ units × every batch
  s.reset();
  EXPECT_EQ(s.twins(), before);
  EXPECT_NE(s.error.find("model.blocks[1]"), std::string::npos) << s.error;
  EXPECT_NE(s.error.find("GiB"), std::string::npos) << s.error;
}

}  // namespace
}  // namespace bnlab
