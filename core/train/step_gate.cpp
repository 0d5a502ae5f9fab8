// What this file is: StepGate's waits.
#include "core/train/step_gate.h"

#include <chrono>

namespace bnlab {

bool StepGate::wait_turn(int slot, int64_t step, const std::atomic<bool>& stop) {
  std::unique_lock lock(mutex_);
  const int other = 1 - slot;
  while (present_[other] && done_[other] < step - 1) {
    if (stop.load()) return false;
    cv_.wait_for(lock, std::chrono::milliseconds(20));
  }
  return !stop.load();
}

void StepGate::done(int slot, int64_t steps_done) {
  {
    std::lock_guard lock(mutex_);
    done_[slot] = steps_done;
  }
  cv_.notify_all();
}

void StepGate::leave(int slot) {
  {
    std::lock_guard lock(mutex_);
    present_[slot] = false;
  }
  cv_.notify_all();
}

void StepGate::join(int slot) {
  std::lock_guard lock(mutex_);
  present_[slot] = true;
}

void StepGate::wake() { cv_.notify_all(); }

}  // namespace bnlab
