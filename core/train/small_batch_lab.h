// What this file is: the small-batch lab (issue #11), the Group Normalization paper's Figure 1
// scaled down: the same network trained with BN, LN, GN (and IN when it has a hidden conv
// block) at batch sizes 2 to 128 (and optionally 1), as a norm × batch size grid on the sweep's
// thread pool. A cell is run A's config with every hidden block's norm replaced, the same seed
// (so the same initial weights: Model draws every op's weights and bias whatever the norm) and
// the same data. Batch sizes are made comparable as the GN paper does (Wu & He 2018, §4.1):
// every cell sees the same number of training examples, and the learning rate is scaled
// linearly with the batch size from run A's (lr · b / b_A, Goyal et al. 2017), so that with
// plain SGD a small batch takes more, proportionally smaller steps over the same data instead of
// simply more updates; what is left between batch sizes is the noise of the statistics.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "core/train/sweep.h"

namespace bnlab {

struct SmallBatchPlan {
  std::vector<NormKind> norms;   // the grid's rows
  std::vector<int> batch_sizes;  // its columns, ascending
  int64_t examples = 0;          // training examples each cell sees
  int train_limit = 0;           // the first examples of run A's sets the cells use (0: all)
  int test_limit = 0;
};

// The default grid for run A's config: BN, LN, GN, and IN if a hidden block is a conv; batch
// sizes 2, 4, ..., 128 (from 1 with `from_one`); 12,000 examples per cell (two epochs of the
// first 6,000 training images) and 2,000 test images: 24 cells, a couple of minutes on 2 cores.
SmallBatchPlan default_small_batch_plan(const Config& run_a, bool from_one = false);

// The first `train` and `test` examples of each set (0: all of it).
std::shared_ptr<const DataSplit> first_examples(const DataSplit& data, int train, int test);

// A cell's config: run A's with `norm` on every hidden block at `batch_size`, lr scaled.
Config small_batch_cell_config(const Config& run_a, NormKind norm, int batch_size);

class SmallBatchLab {
 public:
  // Starts the grid at once on `threads` threads (0: one per core); never blocks.
  SmallBatchLab(const Config& run_a, std::shared_ptr<const DataSplit> data, SmallBatchPlan plan, int threads = 0);
  const SmallBatchPlan& plan() const { return plan_; }
  void cancel() { sweep_->cancel(); }  // every cell stops within a step
  void wait() { sweep_->wait(); }
  bool finished() const { return sweep_->finished(); }
  size_t finished_cells() const { return sweep_->finished_cells(); }
  size_t cells() const { return plan_.norms.size() * plan_.batch_sizes.size(); }
  // Row-major: norm i at batch size j is results()[i * batch_sizes + j].
  std::vector<CellResult> results() const { return sweep_->results(); }

 private:
  SmallBatchPlan plan_;
  std::unique_ptr<Sweep> sweep_;
};

}  // namespace bnlab
