// What this file is: the small-batch lab's plan and its grid on the sweep (small_batch_lab.h).
#include "core/train/small_batch_lab.h"

#include <limits>

namespace bnlab {

SmallBatchPlan default_small_batch_plan(const Config& run_a, bool from_one) {
  SmallBatchPlan plan;
  plan.norms = {NormKind::batch, NormKind::layer, NormKind::group};
  for (size_t b = 0; b + 1 < run_a.model.blocks.size(); ++b)
    if (run_a.model.blocks[b].op == "conv") {
      plan.norms.push_back(NormKind::instance);
      break;
    }
  for (int b = from_one ? 1 : 2; b <= 128; b *= 2) plan.batch_sizes.push_back(b);
  plan.examples = 12000;
  plan.train_limit = 6000;
  plan.test_limit = 2000;
  return plan;
}

std::shared_ptr<const DataSplit> first_examples(const DataSplit& data, int train, int test) {
  auto out = std::make_shared<DataSplit>();
  auto take = [](const Dataset& from, int n, Dataset& to) {
    if (n <= 0 || n > from.size()) n = from.size();
    to.name = from.name;
    to.sample_shape = from.sample_shape;
    to.classes = from.classes;
    to.x = from.x.leftCols(n);  // (features, n): only what is kept is copied
    to.y.assign(from.y.begin(), from.y.begin() + n);
  };
  take(data.train, train, out->train);
  take(data.test, test, out->test);
  return out;
}

Config small_batch_cell_config(const Config& run_a, NormKind norm, int batch_size) {
  Config cfg = run_a;
  apply_setting(cfg, "norm", static_cast<double>(norm));
  apply_setting(cfg, "batch_size_scaled_lr", batch_size);
  return cfg;
}

SmallBatchLab::SmallBatchLab(const Config& run_a, std::shared_ptr<const DataSplit> data, SmallBatchPlan plan, int threads)
    : plan_(std::move(plan)) {
  SweepAxis norms{"norm", {}}, batches{"batch_size_scaled_lr", {}};
  for (NormKind k : plan_.norms) norms.values.push_back(static_cast<double>(k));
  for (int b : plan_.batch_sizes) batches.values.push_back(b);
  // One test evaluation per cell, at its end: the metric is the final test accuracy.
  const int64_t eval_only_at_end = std::numeric_limits<int64_t>::max();
  sweep_ = std::make_unique<Sweep>(run_a, std::move(norms), std::move(batches), SweepLength{0, plan_.examples},
                                   first_examples(*data, plan_.train_limit, plan_.test_limit), threads, eval_only_at_end);
}

}  // namespace bnlab
