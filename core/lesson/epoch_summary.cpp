// What this file is: an epoch's summary from a run's history (epoch_summary.h).
#include "core/lesson/epoch_summary.h"

namespace bnlab {

EpochSummary epoch_summary(const History& h, int64_t steps_per_epoch, int epoch) {
  EpochSummary s;
  if (steps_per_epoch < 1 || epoch < 1) return s;
  s.first_step = (epoch - 1) * steps_per_epoch + 1;
  s.last_step = epoch * steps_per_epoch;
  // One point over the epoch's steps: the history's mean of them (exact while they are among
  // its latest 4,096 steps, the last epoch of any run of 4,096 steps per epoch or fewer).
  const auto loss = h.query(History::train_loss, s.first_step, s.last_step, 1);
  const auto accuracy = h.query(History::train_accuracy, s.first_step, s.last_step, 1);
  s.trained = !loss.empty() && loss.back().step_hi >= s.last_step && !accuracy.empty();
  if (s.trained) {
    s.train_loss = loss.back().mean;
    s.train_accuracy = accuracy.back().mean;
  }
  const auto test = h.query(History::test_accuracy, s.last_step, s.last_step, 1);
  s.tested = !test.empty() && test.back().step_lo == s.last_step;
  if (s.tested) s.test_accuracy = test.back().mean;
  return s;
}

}  // namespace bnlab
