// What this file is: a hyperparameter sweep, a grid over two settings (e.g. learning rate ×
// momentum, or learning rate × BN on/off) where every cell is a run of `steps` steps, executed
// by a pool of worker threads (default: one per core). Progress and results per cell are read
// at any time; cancel() stops every cell within a step.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/train/run.h"

namespace bnlab {

// Settings a sweep axis can vary: lr, momentum, weight_decay, batch_size, bn (0 off, 1 on
// every block but the last), bn_momentum, init_scale, seed. Throws a config error otherwise.
void apply_setting(Config& cfg, const std::string& setting, double value);

struct SweepAxis {
  std::string setting;
  std::vector<double> values;
};

struct CellResult {
  int64_t steps_done = 0;
  bool finished = false, diverged = false, cancelled = false;
  double final_loss = 0.0, final_accuracy = 0.0;   // test set, at the end
  double best_loss = 0.0, best_accuracy = 0.0;     // test set, best evaluation
  double steps_per_second = 0.0;
  std::string error;  // a cell whose config could not be built
};

class Sweep {
 public:
  // Each cell evaluates on the test set every `eval_every` steps (0: once per epoch) and at the end.
  Sweep(const Config& base, SweepAxis rows, SweepAxis cols, int64_t steps, std::shared_ptr<const DataSplit> data,
        int threads = 0, int64_t eval_every = 0);
  ~Sweep();  // cancels and joins
  void cancel();
  void wait();
  bool finished() const { return finished_cells_.load() == rows_.values.size() * cols_.values.size(); }
  std::vector<CellResult> results() const;  // row-major: cell (i, j) at i * cols + j
  const SweepAxis& rows() const { return rows_; }
  const SweepAxis& cols() const { return cols_; }

 private:
  void work();
  void run_cell(size_t index);

  Config base_;
  SweepAxis rows_, cols_;
  int64_t steps_, eval_every_;
  std::shared_ptr<const DataSplit> data_;
  std::atomic<bool> cancel_{false};
  std::atomic<size_t> next_cell_{0}, finished_cells_{0};
  mutable std::mutex results_mutex_;
  std::vector<CellResult> results_;
  std::vector<std::thread> pool_;
};

}  // namespace bnlab
