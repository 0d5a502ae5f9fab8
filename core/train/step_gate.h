// What this file is: the lock-step gate of twin runs. Each of two trainers asks before its step
// k whether the other has finished step k − 1; a trainer that pauses, diverges or stops leaves
// the gate, and the other goes on alone.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace bnlab {

class StepGate {
 public:
  // Blocks until slot's partner has done `step − 1` steps (or left), or until `stop` is set.
  // Returns false when stopped.
  bool wait_turn(int slot, int64_t step, const std::atomic<bool>& stop);
  void done(int slot, int64_t steps_done);
  void leave(int slot);   // stops waiting for this slot
  void join(int slot);    // takes part again (after a resume)
  void wake();            // wakes waiters so they re-check `stop`

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  int64_t done_[2] = {0, 0};
  bool present_[2] = {true, true};
};

}  // namespace bnlab
