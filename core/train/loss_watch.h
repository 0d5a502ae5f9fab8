// What this file is: the rule that says a run's loss has stayed far above where it started, one
// rule for `bnlab train` (a warning and the summary line) and the window (a notice on the run).
// A finite loss never stops training: a loss that jumps and comes back down is part of the
// lesson on learning rates. But a run whose loss sits far above its start for hundreds of steps
// is not learning (lr 1000 with ReLU: cross-entropy about 300 at chance accuracy), and saying
// nothing about it hides that.
//
// The rule: the start is the first step's loss, the loss of the initial weights (for cross-
// entropy close to ln(classes) whatever the batch, since small initial weights give near-uniform
// outputs; the mean of the first steps would already include the blow-up of a learning rate far
// too high). The recent loss is the mean of the last `window` steps. The alarm is raised once the
// recent loss has been above `factor` × the start for `patience` steps in a row, and names the
// step where that began; it is lowered as soon as the recent loss comes back under the line.
#pragma once

#include <cstdint>
#include <deque>

namespace bnlab {

struct LossWatchSettings {
  float factor = 10.0f;
  int window = 50;     // steps averaged into the recent loss
  int patience = 100;  // steps the recent loss must stay above the line
};

struct LossAlarm {
  int64_t since = -1;   // the first step of the stretch above the line; -1: no alarm
  float start = 0.0f;   // the first step's loss
  float recent = 0.0f;  // the mean of the last `window` losses
  float factor = 0.0f;
  int window = 0;       // steps in the recent mean
  bool raised() const { return since >= 0; }
};

class LossWatch {
 public:
  explicit LossWatch(LossWatchSettings settings = {}) : settings_(settings) {}
  // After each step, in order. A non-finite loss is ignored: that is divergence, which stops
  // the run (the caller's business).
  void add(int64_t step, float loss);
  const LossAlarm& alarm() const { return alarm_; }
  void reset() { *this = LossWatch(settings_); }

 private:
  LossWatchSettings settings_;
  bool started_ = false;
  std::deque<float> recent_;  // (window) the last losses
  double recent_sum_ = 0.0;
  int64_t above_from_ = -1;   // the first step of the current stretch above the line
  LossAlarm alarm_;
};

}  // namespace bnlab
