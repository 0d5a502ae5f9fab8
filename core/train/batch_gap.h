// What this file is: the batch-size lab's regularization experiment (issue #12 §3; lecture note
// 001: a larger batch gives less noisy statistics, so BN regularizes less). Run A's network is
// trained again from its initial weights at two batch sizes (16 and 256 by default) on the
// first examples of its training set, each seeing the same number of training examples (the
// sweep's batch_size setting and SweepLength.examples), or each taking the same number of steps
// (SweepLength.steps), with the same learning rate; then each is evaluated on that training
// subset and on the test subset with running statistics. The train − test difference of accuracy
// is the generalization gap the panel compares. Neither length isolates BN's noise: with equal
// examples the larger batch takes fewer steps and may simply be less trained; with equal steps
// it sees more passes over the data. The panel says which it ran.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/train/run.h"
#include "core/train/sweep.h"

namespace bnlab {

struct GapPlan {
  std::vector<int> batch_sizes = {16, 256};
  SweepLength length{0, 8192};  // 8192 training examples for every batch size
  int train_limit = 1024;   // the first examples of run A's training set the runs train on
  int test_limit = 1024;
};

struct GapCell {
  int batch_size = 0;
  int64_t steps = 0;         // steps done
  EvalResult train, test;    // at the end, running statistics
  bool finished = false, diverged = false;
  std::string error;         // a config that could not be built, in the model's words
  double gap() const { return train.accuracy - test.accuracy; }
};

// One run of the experiment: run A's config at `batch_size` on `data` (already the subsets),
// length.steps_for(batch_size) steps. Returns with finished = false when `cancel` was set.
GapCell run_gap_cell(const Config& run_a, std::shared_ptr<const DataSplit> data, int batch_size, SweepLength length,
                     const std::atomic<bool>* cancel = nullptr);

// Every cell of the plan, one after another; `done` counts finished cells for a progress bar.
std::vector<GapCell> run_gap_plan(const Config& run_a, const DataSplit& data, const GapPlan& plan,
                                  const std::atomic<bool>* cancel = nullptr, std::atomic<int>* done = nullptr);

}  // namespace bnlab
