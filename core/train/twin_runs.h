// What this file is: twin runs, the A/B comparison: two trainers built from one config and one
// seed that differ only in chosen settings (typically BN on every block in A, off in B), with
// identical initial weights for the layers they share and identical batch order, stepped in
// lock-step or freely.
#pragma once

#include <memory>

#include "core/train/step_gate.h"
#include "core/train/trainer.h"

namespace bnlab {

// The config with every norm switched off.
Config without_norms(Config cfg);

class TwinRuns {
 public:
  TwinRuns(const Config& a, const Config& b, std::shared_ptr<const DataSplit> data, TrainerOptions options,
           bool lockstep = true);
  Trainer& a() { return *a_; }
  Trainer& b() { return *b_; }
  const Trainer& a() const { return *a_; }
  const Trainer& b() const { return *b_; }
  void post_both(const Command& c);

 private:
  std::shared_ptr<StepGate> gate_;
  std::unique_ptr<Trainer> a_, b_;
};

}  // namespace bnlab
