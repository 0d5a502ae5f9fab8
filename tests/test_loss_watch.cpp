// What this file is: the rule that says a run's loss has stayed far above its start
// (core/train/loss_watch.h), on loss sequences made by hand: a falling loss never raises it; a
// jump to 130x the start raises it exactly after the window and the patience, naming where the
// stretch began; coming back down lowers it; a short spike, a start of 0 and non-finite losses do
// not raise it.
#include <gtest/gtest.h>

#include <cmath>

#include "core/rng.h"
#include "core/train/loss_watch.h"

namespace bnlab {
namespace {

TEST(LossWatch, AFallingNoisyLossNeverRaisesIt) {
  LossWatch w;
  Rng rng(3);
  for (int64_t s = 1; s <= 5000; ++s) {
    w.add(s, 0.3f + 2.0f * std::exp(-s / 300.0f) + 0.2f * std::abs(rng.normal()));
    ASSERT_FALSE(w.alarm().raised()) << "step " << s;
  }
}

// lr 1000, ReLU, cross-entropy: ln(10) at the first step, then about 300 for good.
TEST(LossWatch, AJumpFarAboveTheStartRaisesItAfterThePatienceAndComingDownLowersIt) {
  const LossWatchSettings set;  // factor 10, window 50, patience 100
  LossWatch w(set);
  w.add(1, 2.3f);
  int64_t raised_at = -1;
  for (int64_t s = 2; s <= 400; ++s) {
    w.add(s, 300.0f);
    if (w.alarm().raised() && raised_at < 0) raised_at = s;
  }
  // The window is full at step 50, its mean (2.3 + 49·300)/50 already above 23: the stretch
  // starts there, and is long enough 100 steps later.
  EXPECT_EQ(raised_at, set.window + set.patience - 1);
  EXPECT_EQ(w.alarm().since, set.window);
  EXPECT_FLOAT_EQ(w.alarm().start, 2.3f);
  EXPECT_FLOAT_EQ(w.alarm().recent, 300.0f);
  EXPECT_FLOAT_EQ(w.alarm().factor, set.factor);
  // Back down: lowered as soon as the last 50 steps' mean is under 23.
  int64_t lowered_at = -1;
  for (int64_t s = 401; s <= 500 && lowered_at < 0; ++s) {
    w.add(s, 1.0f);
    if (!w.alarm().raised()) lowered_at = s;
  }
  ASSERT_GT(lowered_at, 0);
  // (50 − k)·300 + k·1 < 23·50 first holds at k = 47.
  EXPECT_EQ(lowered_at, 400 + 47);
  EXPECT_EQ(w.alarm().since, -1);
}

TEST(LossWatch, AShortSpikeAZeroStartAndNonFiniteLossesDoNotRaiseIt) {
  LossWatch spike;
  spike.add(1, 2.3f);
  for (int64_t s = 2; s <= 1000; ++s) {
    spike.add(s, s >= 300 && s < 340 ? 300.0f : 1.0f);  // 40 steps far above, then normal
    ASSERT_FALSE(spike.alarm().raised()) << "step " << s;
  }
  LossWatch zero;  // a network that fits its first batch exactly has no multiple to be above
  zero.add(1, 0.0f);
  for (int64_t s = 2; s <= 500; ++s) zero.add(s, 1.0f);
  EXPECT_FALSE(zero.alarm().raised());
  LossWatch nan;  // non-finite losses are divergence, the trainer's business: skipped here
  nan.add(1, 2.3f);
  for (int64_t s = 2; s <= 500; ++s) nan.add(s, s % 2 ? NAN : 2.0f);
  EXPECT_FALSE(nan.alarm().raised());
  EXPECT_FLOAT_EQ(nan.alarm().recent, 2.0f * 50 / 50);
}

}  // namespace
}  // namespace bnlab
