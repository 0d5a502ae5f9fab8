// What this file is: the batch-size lab's regularization experiment (batch_gap.h).
#include "core/train/batch_gap.h"

#include <cmath>

#include "core/error.h"
#include "core/train/small_batch_lab.h"

namespace bnlab {

GapCell run_gap_cell(const Config& run_a, std::shared_ptr<const DataSplit> data, int batch_size, SweepLength length,
                     const std::atomic<bool>* cancel) {
  GapCell cell;
  cell.batch_size = batch_size;
  Config cfg = run_a;
  apply_setting(cfg, "batch_size", batch_size);
  std::unique_ptr<Run> run;
  try {
    run = std::make_unique<Run>(cfg, std::move(data));
  } catch (const Error& e) {
    cell.error = e.what();
    cell.finished = true;
    return cell;
  }
  const int64_t steps = length.steps_for(batch_size);
  for (int64_t s = 0; s < steps; ++s) {
    if (cancel && *cancel) return cell;
    const StepRecord rec = run->step();
    cell.steps = s + 1;
    if (!std::isfinite(rec.loss)) {
      cell.diverged = cell.finished = true;
      return cell;
    }
  }
  cell.train = run->evaluate("train", Mode::infer_running, cancel);
  cell.test = run->evaluate("test", Mode::infer_running, cancel);
  cell.finished = !cell.train.cancelled && !cell.test.cancelled;
  return cell;
}

std::vector<GapCell> run_gap_plan(const Config& run_a, const DataSplit& data, const GapPlan& plan,
                                  const std::atomic<bool>* cancel, std::atomic<int>* done) {
  const std::shared_ptr<const DataSplit> subset = first_examples(data, plan.train_limit, plan.test_limit);
  std::vector<GapCell> cells;
  for (int b : plan.batch_sizes) {
    cells.push_back(run_gap_cell(run_a, subset, b, plan.length, cancel));
    if (!cells.back().finished) break;  // cancelled
    if (done) ++*done;
  }
  return cells;
}

}  // namespace bnlab
