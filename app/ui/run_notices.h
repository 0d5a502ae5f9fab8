// What this file is: the notices the window shows above the plots about a run, in the UI's
// language and saying why: a run that diverged (its loss became NaN or infinite: the run paused
// itself at that step, the other goes on), a loss that has stayed far above its start (training
// goes on: core/train/loss_watch.h), and a dense BN that sees one value per channel (batch size
// 1: σ² = 0, the output is β and no gradient passes). A conv BN at batch size 1 still has H·W
// values per channel, so it gets no notice. No ImGui here: frame.cpp draws them, tests read them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/train/trainer.h"

namespace bnlab::ui {

struct RunNotice {
  enum class Kind { diverged, loss_high, bn_one_value };
  Kind kind;
  char run = 'A';          // 'A' or 'B'
  int64_t step = -1;       // diverged: the step; loss_high: where the stretch above began
  std::vector<int> blocks; // bn_one_value: the blocks (from 0)
  std::string text;        // in the UI's language
};

// Run A's notices, then run B's; a snapshot may be null.
std::vector<RunNotice> run_notices(const TrainerSnapshot* a, const TrainerSnapshot* b);

}  // namespace bnlab::ui
