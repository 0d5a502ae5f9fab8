// What this file is: the small-batch lab's grid (core/train/small_batch_lab.h) and the sweep
// settings it is built on: every hidden block gets the cell's norm, the learning rate scales with
// the batch size, every cell sees the same number of examples from the same initial weights, BN
// at batch size 1 in a dense block is reported as degenerate while a conv BN is not, and cancel
// ends every cell.
#include <gtest/gtest.h>

#include "core/error.h"
#include "core/train/small_batch_lab.h"
#include "test_helpers.h"

namespace bnlab {
namespace {

Config tiny_images(const BlockConfig& first) { return tiny8_config(first, 8, 0.2f, 4); }

BlockConfig dense_block(int units) {
  BlockConfig b;
  b.units = units;
  b.norm = NormKind::batch;
  b.activation = "relu";
  return b;
}

BlockConfig conv_block(int channels) {
  BlockConfig b;
  b.op = "conv";
  b.channels = channels;
  b.kernel = 3;
  b.norm = NormKind::batch;
  b.activation = "relu";
  return b;
}

TEST(SmallBatchLab, NormAndScaledBatchSettingsChangeWhatTheySay) {
  Config cfg = tiny_images(dense_block(12));
  cfg.model.blocks.insert(cfg.model.blocks.begin(), dense_block(6));
  cfg.model.blocks[0].groups = 3;  // divides 6: kept
  cfg.model.blocks[1].groups = 5;  // does not divide 12: replaced
  const Config gn = small_batch_cell_config(cfg, NormKind::group, 32);
  EXPECT_EQ(gn.model.blocks[0].norm, NormKind::group);
  EXPECT_EQ(gn.model.blocks[1].norm, NormKind::group);
  EXPECT_EQ(gn.model.blocks[2].norm, NormKind::none);  // the output block keeps its own
  EXPECT_EQ(gn.model.blocks[0].groups, 3);
  EXPECT_EQ(gn.model.blocks[1].groups, default_groups(12));
  EXPECT_EQ(gn.train.batch_size, 32);
  EXPECT_FLOAT_EQ(gn.train.lr, 0.2f * 32 / 8);  // linear scaling from the config's lr at its batch size
  const Config ln = small_batch_cell_config(cfg, NormKind::layer, 2);
  EXPECT_EQ(ln.model.blocks[1].norm, NormKind::layer);
  EXPECT_FLOAT_EQ(ln.train.lr, 0.2f * 2 / 8);
  Config mixed = tiny_images(dense_block(8));
  mixed.model.blocks.insert(mixed.model.blocks.begin(), conv_block(4));
  const Config in = small_batch_cell_config(mixed, NormKind::instance, 4);
  EXPECT_EQ(in.model.blocks[0].norm, NormKind::instance);
  EXPECT_EQ(in.model.blocks[1].norm, NormKind::layer);  // a dense unit has nothing to average per sample
  Config bad = cfg;
  EXPECT_THROW(apply_setting(bad, "norm", 9), Error);
  EXPECT_THROW(apply_setting(bad, "norm", 1.5), Error);
}

TEST(SmallBatchLab, DefaultPlanHasInstanceNormOnlyForConvNets) {
  const SmallBatchPlan dense = default_small_batch_plan(tiny_images(dense_block(8)));
  EXPECT_EQ(dense.norms, (std::vector<NormKind>{NormKind::batch, NormKind::layer, NormKind::group}));
  EXPECT_EQ(dense.batch_sizes, (std::vector<int>{2, 4, 8, 16, 32, 64, 128}));
  const SmallBatchPlan conv = default_small_batch_plan(tiny_images(conv_block(4)), true);
  EXPECT_EQ(conv.norms.back(), NormKind::instance);
  EXPECT_EQ(conv.batch_sizes.front(), 1);
}

TEST(SmallBatchLab, FirstExamplesKeepsTheFirstColumnsAndLabels) {
  const Config cfg = tiny_images(dense_block(8));
  const auto data = loaded_data(cfg);
  const auto part = first_examples(*data, 10, 0);
  ASSERT_EQ(part->train.size(), 10);
  EXPECT_EQ(part->test.size(), data->test.size());
  EXPECT_EQ(part->train.x, data->train.x.leftCols(10));
  EXPECT_EQ(part->train.y, std::vector<int>(data->train.y.begin(), data->train.y.begin() + 10));
  EXPECT_EQ(part->train.classes, data->train.classes);
  EXPECT_EQ(part->train.sample_shape, data->train.sample_shape);
}

// Cells differ in their norm only: the op weights they start from are the same numbers.
TEST(SmallBatchLab, EveryNormStartsFromTheSameWeights) {
  const Config cfg = tiny_images(conv_block(4));
  const auto data = loaded_data(cfg);
  bnlab::Run bn(small_batch_cell_config(cfg, NormKind::batch, 4), data);
  for (NormKind k : {NormKind::layer, NormKind::group, NormKind::instance}) {
    bnlab::Run other(small_batch_cell_config(cfg, k, 16), data);
    for (int block : {0, 1}) {
      const Param a = bn.model().layer(bn.model().blocks()[block].op).params()[0];
      const Param b = other.model().layer(other.model().blocks()[block].op).params()[0];
      ASSERT_EQ(a.size, b.size);
      EXPECT_EQ(Eigen::Map<const Vector>(a.value, a.size), Eigen::Map<const Vector>(b.value, b.size))
          << norm_name(k) << ", block " << block + 1;
    }
  }
}

// The same examples for every batch size: steps = examples / batch size; dense BN at batch size 1
// is marked (one value per unit), LN there is not, and neither is conv BN at batch size 1.
TEST(SmallBatchLab, CellsSeeTheSameExamplesAndDegenerateBnIsMarked) {
  SmallBatchPlan plan;
  plan.norms = {NormKind::batch, NormKind::layer};
  plan.batch_sizes = {1, 4, 16};
  plan.examples = 96;
  const Config dense = tiny_images(dense_block(8));
  SmallBatchLab lab(dense, loaded_data(dense), plan, 2);
  lab.wait();
  ASSERT_TRUE(lab.finished());
  const std::vector<CellResult> r = lab.results();
  ASSERT_EQ(r.size(), 6u);
  for (size_t i = 0; i < r.size(); ++i) {
    const int batch = plan.batch_sizes[i % 3];
    EXPECT_TRUE(r[i].finished);
    EXPECT_TRUE(r[i].error.empty()) << r[i].error;
    EXPECT_EQ(r[i].steps_planned, 96 / batch);
    EXPECT_EQ(r[i].steps_done, 96 / batch);
    EXPECT_EQ(r[i].one_value_norm, i == 0) << "cell " << i;  // BN at 1 only
    EXPECT_GT(r[i].final_loss, 0.0);
  }

  const Config conv = tiny_images(conv_block(4));
  plan.batch_sizes = {1};
  SmallBatchLab conv_lab(conv, loaded_data(conv), plan, 2);
  conv_lab.wait();
  for (const CellResult& c : conv_lab.results()) {
    EXPECT_TRUE(c.finished && c.error.empty()) << c.error;
    EXPECT_FALSE(c.one_value_norm);  // statistics over the 6×6 positions of each channel
  }
}

TEST(SmallBatchLab, CancelEndsEveryCell) {
  SmallBatchPlan plan = default_small_batch_plan(tiny_images(dense_block(8)));
  plan.examples = 50'000'000;  // far more than the test will wait for
  const Config cfg = tiny_images(dense_block(8));
  SmallBatchLab lab(cfg, loaded_data(cfg), plan, 2);
  ASSERT_TRUE(wait_for([&] {
    for (const CellResult& r : lab.results())
      if (r.steps_done > 0) return true;
    return false;
  }));
  lab.cancel();
  lab.wait();
  EXPECT_TRUE(lab.finished());
  int cancelled = 0;
  for (const CellResult& r : lab.results()) {
    EXPECT_FALSE(r.steps_done == r.steps_planned && r.steps_planned > 0);
    cancelled += r.cancelled;
  }
  EXPECT_EQ(cancelled, static_cast<int>(lab.cells()));
}

}  // namespace
}  // namespace bnlab
