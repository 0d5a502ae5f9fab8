// What this file is: the hyperparameter search lab (issue #12 §6), lecture note 002's grid search
// run in parallel: two axes the user chooses (learning rate × momentum, learning rate × BN on or
// off, batch size × learning rate, Adam's β1 × β2, ...), each a range on a log or linear scale or
// a fixed list, a number of steps (or training examples) per cell, and the metric that ranks the
// cells. The grid is a Sweep on run A's config; this file turns the user's choices into its axes
// and reads the results back as the heatmap shows them: each cell's metric, the colour scale
// over the cells that have a number (a diverged cell has none and does not stretch it), and the
// best cell.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/train/sweep.h"

namespace bnlab {

// An axis the lab offers: a sweep setting (apply_setting's name) and its default values.
struct SearchAxisKind {
  const char* setting;
  bool discrete;  // bn (off, on), optimizer (sgd, rmsprop, adam): every value, no range
  bool integer;   // batch_size: values rounded to whole numbers
  double from, to;
  int count;
  bool log;
};
// lr, momentum, weight_decay, batch_size, bn, optimizer, beta1, beta2: the settings run B can
// take apart from run A (its learning settings and its norms), so any cell can become run B.
const std::vector<SearchAxisKind>& search_axis_kinds();
const SearchAxisKind* search_axis_kind(const std::string& setting);  // null if not offered

// The most values an axis may have: a 8 × 8 grid is already 64 networks.
inline constexpr int kMaxSearchValues = 8;

struct SearchAxis {
  std::string setting = "lr";
  double from = 0.01, to = 1.0;
  int count = 5;
  bool log = true;
};
SearchAxis default_search_axis(const std::string& setting);

// The axis's values: a discrete one's all; else `count` values from `from` to `to`, equally
// spaced, or, on a log scale, in equal ratios (from · (to/from)^(k/(count−1))); batch sizes
// rounded, repeats dropped. Throws a config error naming the axis for an unknown setting, a
// count outside 1..kMaxSearchValues, or a log scale through zero or negative values.
std::vector<double> search_axis_values(const SearchAxis& axis);

enum class SearchMetric { final_accuracy, best_accuracy, final_loss, best_loss };
inline constexpr const char* kSearchMetricNames[] = {"final_accuracy", "best_accuracy", "final_loss", "best_loss"};
inline bool higher_is_better(SearchMetric m) { return m == SearchMetric::final_accuracy || m == SearchMetric::best_accuracy; }

// The cell's metric on the test set, or NaN when it has none: no evaluation yet, diverged, or
// its config could not be built.
double search_metric(const CellResult& r, SearchMetric metric);

// The heatmap's colour scale: the lowest and highest metric over the cells that have one (NaN,
// NaN when none has), and the best of them (highest accuracy, lowest loss; −1 when none).
struct SearchScale {
  double lo, hi;
  int best = -1;
};
SearchScale search_scale(const std::vector<CellResult>& results, SearchMetric metric);
// Where a value sits on the scale, 0 (worst) to 1 (best), whatever the metric's direction; 1
// when every cell has the same value. Accuracy on a linear scale, loss on a log scale.
double search_shade(double value, const SearchScale& scale, SearchMetric metric);

struct SearchPlan {
  SearchAxis rows, cols;
  SweepLength length{300, 0};  // steps per cell, or training examples when length.examples > 0
  int train_limit = 6000;      // the first examples of run A's sets the cells use (0: all)
  int test_limit = 2000;
  int evaluations = 10;        // test evaluations per cell (at equal intervals, and at the end)
};

// The grid's base config: run A's, with Adam when an axis is β1 or β2 and none is the optimizer
// (they are Adam's alone: with SGD the grid would change nothing). `switched` says it did.
Config search_base(const Config& run_a, const SearchPlan& plan, bool* switched = nullptr);

class HyperparameterSearch {
 public:
  // Starts the grid at once on `threads` threads (0: one per core); never blocks. Throws a config
  // error for an axis search_axis_values refuses.
  HyperparameterSearch(const Config& run_a, std::shared_ptr<const DataSplit> data, SearchPlan plan, int threads = 0);
  const SearchPlan& plan() const { return plan_; }
  const Config& base() const { return base_; }
  bool switched_to_adam() const { return switched_to_adam_; }
  const std::vector<double>& row_values() const { return sweep_->rows().values; }
  const std::vector<double>& col_values() const { return sweep_->cols().values; }
  size_t cells() const { return row_values().size() * col_values().size(); }
  Config cell_config(size_t index) const { return sweep_->cell_config(index); }
  const DataSplit& data() const { return *data_; }
  std::shared_ptr<const DataSplit> data_ptr() const { return data_; }
  int64_t eval_every() const { return eval_every_; }
  void cancel() { sweep_->cancel(); }  // every cell stops within a step
  void wait() { sweep_->wait(); }
  bool finished() const { return sweep_->finished(); }
  // Row-major: row value i, column value j at i * col_values().size() + j.
  std::vector<CellResult> results() const { return sweep_->results(); }

 private:
  SearchPlan plan_;
  Config base_;
  bool switched_to_adam_ = false;
  std::shared_ptr<const DataSplit> data_;
  int64_t eval_every_ = 1;
  std::unique_ptr<Sweep> sweep_;
};

}  // namespace bnlab
