// What this file is: a hyperparameter sweep, a grid over two settings (e.g. learning rate ×
// momentum, learning rate × BN on/off, or norm × batch size) where every cell is a run of a
// fixed number of steps, or of examples seen (steps = examples / batch size, so cells of
// different batch sizes see the same data), executed by a pool of worker threads (default: one
// per core). Progress and results per cell are read at any time; cancel() stops every cell
// within a step.
#pragma once

#include <algorithm>
#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/train/run.h"

namespace bnlab {

// Settings a sweep axis can vary: lr, momentum, weight_decay, batch_size, bn (0 off, 1 on
// every block but the last), bn_momentum, init_scale, seed; beta1 and beta2 (Adam's); optimizer
// (0 sgd, 1 rmsprop, 2 adam, optimizer_names' order); norm (a NormKind's value, on every
// block but the last, see with_hidden_norm); batch_size_scaled_lr (the batch size, with the
// learning rate scaled linearly from the config's own batch size: lr · value / batch_size, the
// rule of Goyal et al. 2017 that the Group Normalization paper follows; it reads the config's lr,
// so an lr axis must not come after it). Throws a config error otherwise.
void apply_setting(Config& cfg, const std::string& setting, double value);

// The optimizers in the order of the optimizer setting's values.
inline constexpr const char* kOptimizerNames[] = {"sgd", "rmsprop", "adam"};

// The config with `kind` on every block but the output one. GroupNorm keeps a block's own
// groups when they divide its width, else takes default_groups. Instance norm goes on conv
// blocks; dense blocks get LayerNorm (one value per unit and sample: nothing to average).
Config with_hidden_norm(Config cfg, NormKind kind);

// How long each cell trains: `steps` steps, or, when `examples` > 0, examples / batch size steps
// (at least one), the same number of training examples whatever the cell's batch size.
struct SweepLength {
  int64_t steps = 0;
  int64_t examples = 0;
  int64_t steps_for(int batch_size) const {
    return examples > 0 ? std::max<int64_t>(1, examples / std::max(1, batch_size)) : steps;
  }
};

struct SweepAxis {
  std::string setting;
  std::vector<double> values;
};

// A cell's curve, read while it runs: the test set at each evaluation, the training loss (the
// step's own mini-batch) every `train_every` steps.
struct CellEval {
  int64_t step = 0;
  double loss = 0.0, accuracy = 0.0;
};
struct CellTrainLoss {
  int64_t step = 0;
  float loss = 0.0f;
};

struct CellResult {
  int64_t steps_done = 0;
  bool finished = false, diverged = false, cancelled = false;
  double final_loss = 0.0, final_accuracy = 0.0;   // test set, at the end
  double best_loss = 0.0, best_accuracy = 0.0;     // test set, best evaluation
  int64_t steps_planned = 0;
  double steps_per_second = 0.0;
  // A BN saw one value per statistic in the last step (a dense block at batch size 1): its output
  // was β alone, and nothing before it learnt (Norm::degenerate).
  bool one_value_norm = false;
  std::string error;  // a cell whose config could not be built
  std::vector<CellEval> evals;         // every test evaluation, in order
  std::vector<CellTrainLoss> train_loss;  // every train_every steps (and the diverging step)
  int64_t train_every = 1;             // steps between train_loss points: planned / 100, at least 1
};

class Sweep {
 public:
  // Each cell evaluates on the test set every `eval_every` steps (0: once per epoch) and at the end.
  Sweep(const Config& base, SweepAxis rows, SweepAxis cols, int64_t steps, std::shared_ptr<const DataSplit> data,
        int threads = 0, int64_t eval_every = 0)
      : Sweep(base, std::move(rows), std::move(cols), SweepLength{steps, 0}, std::move(data), threads, eval_every) {}
  Sweep(const Config& base, SweepAxis rows, SweepAxis cols, SweepLength length, std::shared_ptr<const DataSplit> data,
        int threads = 0, int64_t eval_every = 0);
  ~Sweep();  // cancels and joins
  void cancel();
  void wait();
  bool finished() const { return finished_cells_.load() == rows_.values.size() * cols_.values.size(); }
  size_t finished_cells() const { return finished_cells_.load(); }
  std::vector<CellResult> results() const;  // row-major: cell (i, j) at i * cols + j
  const SweepAxis& rows() const { return rows_; }
  const SweepAxis& cols() const { return cols_; }
  // Cell `index`'s config: the base with the row's and the column's settings applied (throws a
  // config error for a value apply_setting refuses).
  Config cell_config(size_t index) const;

 private:
  void work();
  void run_cell(size_t index);

  Config base_;
  SweepAxis rows_, cols_;
  SweepLength length_;
  int64_t eval_every_;
  std::shared_ptr<const DataSplit> data_;
  std::atomic<bool> cancel_{false};
  std::atomic<size_t> next_cell_{0}, finished_cells_{0};
  mutable std::mutex results_mutex_;
  std::vector<CellResult> results_;
  std::vector<std::thread> pool_;
};

}  // namespace bnlab
