// What this file is: twin runs A and B: the same initial weights and batches, lock-step, and a
// run_to that stops both at one step while the history outlives them.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <thread>

#include "core/data/dataset.h"
#include "core/train/twin_runs.h"
#include "test_helpers.h"

namespace bnlab {
namespace {

TEST(TwinRuns, SameInitialWeightsAndBatches) {
  const Config a = moons_two_blocks_config();
  const Config b = without_norms(a);
  auto data = loaded_data(a);
  bnlab::Run ra(a, data), rb(b, data);
  for (size_t i = 0; i < a.model.blocks.size(); ++i) {
    const Param wa = ra.model().layer(ra.model().blocks()[i].op).params()[0];
    const Param wb = rb.model().layer(rb.model().blocks()[i].op).params()[0];
    ASSERT_EQ(wa.size, wb.size);
    EXPECT_TRUE(std::equal(wa.value, wa.value + wa.size, wb.value)) << "block " << i;
  }
  for (int s = 0; s < 30; ++s) {
    ra.step();
    rb.step();
    ASSERT_EQ(ra.current_labels(), rb.current_labels());
    ASSERT_TRUE(ra.current_batch().data == rb.current_batch().data);
  }
}

TEST(TwinRuns, LockStep) {
  const Config a = moons_two_blocks_config();
  TrainerOptions opt;
  opt.start_paused = false;
  TwinRuns twins(a, without_norms(a), loaded_data(a), opt, /*lockstep=*/true);
  int max_gap = 0;
  for (int i = 0; i < 2000 && twins.a().snapshot()->step < 300; ++i) {
    // B is read between two reads of A, so however long this thread is descheduled between the
    // reads (under a sanitizer on a loaded machine: many steps), B's step then lies within A's
    // range, give or take two steps: a twin may run one step ahead of the other's last step
    // done, and a step is done (at the gate) just before its snapshot is published.
    const int64_t before = twins.a().snapshot()->step, sb = twins.b().snapshot()->step, after = twins.a().snapshot()->step;
    max_gap = std::max<int>(max_gap, static_cast<int>(std::max<int64_t>({0, before - sb, sb - after})));
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  EXPECT_GT(twins.a().snapshot()->step, 0);
  EXPECT_LE(max_gap, 2);
  // A paused twin leaves the gate: the other goes on alone.
  twins.a().pause();
  ASSERT_TRUE(wait_for([&] { return twins.a().snapshot()->paused; })) << "timed out waiting";
  const int64_t b_then = twins.b().snapshot()->step;
  ASSERT_TRUE(wait_for([&] { return twins.b().snapshot()->step > b_then + 50; }, 5.0)) << "timed out waiting";
  EXPECT_GT(twins.b().snapshot()->step, b_then + 50);
}

TEST(TwinRuns, RunToStopsBothAtThatStepAndTheHistoryOutlivesThem) {
  const Config a = moons_two_blocks_config();
  auto twins = std::make_unique<TwinRuns>(a, without_norms(a), loaded_data(a), TrainerOptions{}, true);
  twins->post_both(cmd::RunTo{37});
  ASSERT_TRUE(wait_for([&] { return twins->a().snapshot()->step == 37 && twins->b().snapshot()->step == 37 &&
                        twins->a().snapshot()->paused && twins->b().snapshot()->paused; })) << "timed out waiting";
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(twins->a().snapshot()->step, 37);  // stopped there, not one step later
  EXPECT_EQ(twins->b().snapshot()->step, 37);
  EXPECT_TRUE(twins->a().snapshot()->paused);
  twins->post_both(cmd::RunTo{20});  // behind the runs: nothing to do
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(twins->a().snapshot()->step, 37);
  EXPECT_TRUE(twins->a().snapshot()->paused);
  // A reader that holds the history keeps it after the runs are gone.
  const std::shared_ptr<const History> history = twins->a().shared_history();
  twins.reset();
  EXPECT_EQ(history->query(History::train_loss, 1, 37, 100).back().step_hi, 37);
}

}  // namespace
}  // namespace bnlab
