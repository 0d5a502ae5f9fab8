// What this file is: the batch-size lab's regularization experiment (core/train/batch_gap.h):
// each cell is exactly a single run with the same settings (batch size, steps = examples / batch
// size, the same data subset) evaluated on the training and test subsets, and its test numbers
// are those of the sweep's cell with the same batch_size axis and SweepLength.
#include <gtest/gtest.h>

#include <limits>

#include "core/train/batch_gap.h"
#include "core/train/small_batch_lab.h"
#include "core/train/sweep.h"
#include "test_helpers.h"

namespace bnlab {
namespace {

TEST(BatchGap, EachCellIsASingleRunWithTheSameSettings) {
  const Config cfg = moons_two_blocks_config();
  const auto data = loaded_data(cfg);
  GapPlan plan;
  plan.batch_sizes = {8, 64};
  plan.length = SweepLength{0, 1024};
  plan.train_limit = 256;
  plan.test_limit = 128;
  std::atomic<int> done{0};
  const std::vector<GapCell> cells = run_gap_plan(cfg, *data, plan, nullptr, &done);
  ASSERT_EQ(cells.size(), 2u);
  EXPECT_EQ(done.load(), 2);
  const auto subset = first_examples(*data, plan.train_limit, plan.test_limit);
  for (const GapCell& cell : cells) {
    ASSERT_TRUE(cell.finished);
    EXPECT_EQ(cell.steps, 1024 / cell.batch_size);
    EXPECT_EQ(cell.train.examples, 256);
    EXPECT_EQ(cell.test.examples, 128);
    Config one = cfg;
    one.train.batch_size = cell.batch_size;
    bnlab::Run run(one, subset);
    for (int64_t s = 0; s < 1024 / cell.batch_size; ++s) run.step();
    const EvalResult train = run.evaluate("train", Mode::infer_running);
    const EvalResult test = run.evaluate("test", Mode::infer_running);
    EXPECT_EQ(cell.train.loss, train.loss) << cell.batch_size;
    EXPECT_EQ(cell.train.accuracy, train.accuracy) << cell.batch_size;
    EXPECT_EQ(cell.test.loss, test.loss) << cell.batch_size;
    EXPECT_EQ(cell.gap(), train.accuracy - test.accuracy);
  }
  // The sweep over the same batch sizes, with the same number of examples: the same test numbers.
  Sweep sweep(cfg, {"seed", {static_cast<double>(cfg.seed)}}, {"batch_size", {8, 64}}, plan.length,
              subset, 2, std::numeric_limits<int64_t>::max());
  sweep.wait();
  const std::vector<CellResult> r = sweep.results();
  for (size_t j = 0; j < 2; ++j) {
    EXPECT_EQ(r[j].steps_done, cells[j].steps);
    EXPECT_EQ(r[j].final_accuracy, cells[j].test.accuracy);
    EXPECT_EQ(r[j].final_loss, cells[j].test.loss);
  }
}

TEST(BatchGap, WithEqualStepsEveryBatchSizeTakesThemAll) {
  const Config cfg = moons_two_blocks_config();
  GapPlan plan;
  plan.batch_sizes = {8, 64};
  plan.length = SweepLength{30, 0};
  plan.train_limit = 256;
  plan.test_limit = 128;
  const std::vector<GapCell> cells = run_gap_plan(cfg, *loaded_data(cfg), plan);
  ASSERT_EQ(cells.size(), 2u);
  for (const GapCell& c : cells) {
    EXPECT_TRUE(c.finished);
    EXPECT_EQ(c.steps, 30);
  }
  // Different batch sizes from the same weights: different networks at the end.
  EXPECT_NE(cells[0].train.loss, cells[1].train.loss);
}

TEST(BatchGap, ACancelledPlanStopsWithoutFinishingAndABadCellSaysWhy) {
  const Config cfg = moons_two_blocks_config();
  const auto data = loaded_data(cfg);
  std::atomic<bool> cancel{true};
  std::atomic<int> done{0};
  const std::vector<GapCell> cells = run_gap_plan(cfg, *data, GapPlan{}, &cancel, &done);
  ASSERT_EQ(cells.size(), 1u);
  EXPECT_FALSE(cells[0].finished);
  EXPECT_EQ(cells[0].steps, 0);
  EXPECT_EQ(done.load(), 0);
  Config bad = cfg;
  bad.model.blocks[0].units = 0;
  const GapCell cell = run_gap_cell(bad, data, 16, SweepLength{4, 0});
  EXPECT_TRUE(cell.finished);
  EXPECT_FALSE(cell.error.empty());
}

}  // namespace
}  // namespace bnlab
