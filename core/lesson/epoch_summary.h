// What this file is: the line a textbook's training loop prints after an epoch, computed from a
// run's history, so a scene can set our numbers beside the book's. Dive into Deep Learning's
// train_ch6 (d2l-zh 2.0, §6.6) prints "loss L, train acc A, test acc T" after the last epoch: L and
// A are the means over that epoch's mini-batches (every batch the same size, so the mean of the
// per-batch means), T the test accuracy measured when the epoch ends.
#pragma once

#include <cstdint>

#include "core/train/history.h"

namespace bnlab {

struct EpochSummary {
  int64_t first_step = 0, last_step = 0;  // the epoch's steps, both included
  bool trained = false;                   // the run has reached last_step
  float train_loss = 0.0f, train_accuracy = 0.0f;
  bool tested = false;  // a test measurement at last_step
  float test_accuracy = 0.0f;
};

// Epoch `epoch` (from 1) of a run with `steps_per_epoch` steps per epoch: steps
// (epoch−1)·steps_per_epoch + 1 … epoch·steps_per_epoch.
EpochSummary epoch_summary(const History& h, int64_t steps_per_epoch, int epoch);

}  // namespace bnlab
