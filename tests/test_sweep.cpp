// What this file is: a sweep's grid finishes on a pool of threads, and cancel stops every cell.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <thread>

#include "core/data/dataset.h"
#include "core/error.h"
#include "core/train/sweep.h"
#include "test_helpers.h"

namespace bnlab {
namespace {

Config small_config() { return moons_two_blocks_config(); }

TEST(Sweep, ThreeByThreeOnTwoThreads) {
  const Config cfg = small_config();
  Sweep sweep(cfg, {"lr", {0.01, 0.1, 1.0}}, {"bn", {0, 1, 1}}, 60, loaded_data(cfg), 2, 20);
  sweep.wait();
  ASSERT_TRUE(sweep.finished());
  for (const CellResult& r : sweep.results()) {
    EXPECT_TRUE(r.finished);
    EXPECT_TRUE(r.error.empty()) << r.error;
    EXPECT_TRUE(r.diverged || r.steps_done == 60);
    EXPECT_GT(r.steps_per_second, 0.0);
    if (!r.diverged) {
      EXPECT_GT(r.best_accuracy, 0.0);
    }
  }
  const auto res = sweep.results();
  EXPECT_EQ(res[1].final_accuracy, res[2].final_accuracy);  // two cells of the same settings agree
  EXPECT_THROW(Sweep(cfg, {"colour", {1}}, {"lr", {1}}, 1, loaded_data(cfg)), bnlab::Error);
}

// Each cell plans 10^7 steps, hours of work: that wait() returns with every cell marked
// cancelled and far from its end shows cancel() stops cells mid-run, not at their end. (How
// fast is a benchmark's question, not a test's.)
TEST(Sweep, CancelStopsEveryCellMidRun) {
  Config cfg = small_config();
  cfg.data.n = 20000;
  constexpr int64_t kPlanned = 10000000;
  Sweep sweep(cfg, {"lr", {0.01, 0.1, 1.0}}, {"momentum", {0.0, 0.5, 0.9}}, kPlanned, loaded_data(cfg), 2);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  sweep.cancel();
  sweep.wait();
  EXPECT_TRUE(sweep.finished());
  for (const CellResult& r : sweep.results()) {
    EXPECT_TRUE(r.cancelled);
    EXPECT_LT(r.steps_done, kPlanned / 100);
  }
}

}  // namespace
}  // namespace bnlab
