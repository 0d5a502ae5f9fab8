// What this file is: the three inference modes on one network, their statistics gap, and the
// single example in training mode (inference_modes.h).
#include "core/probes/inference_modes.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "core/layers/batch_norm.h"
#include "core/model/model.h"

namespace bnlab {

LargestGap largest_gap(const std::vector<float>& a, const std::vector<float>& b) {
  LargestGap g;
  const size_t n = std::min(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    const double d = std::abs(static_cast<double>(a[i]) - static_cast<double>(b[i]));
    if (std::isfinite(d) && (g.feature < 0 || d > g.value)) {
      g.feature = static_cast<int>(i);
      g.value = d;
    }
  }
  return g;
}

EvalResult evaluate_model(Model& model, const Dataset& set, Mode mode, int batch_size, LossKind loss_kind, int limit,
                          const std::atomic<bool>* cancel) {
  const int size = limit > 0 ? std::min(limit, set.size()) : set.size();
  // As Run::evaluate: batch statistics depend on the batch, so that mode uses the training batch
  // size; the others treat each example alone and may use larger batches.
  const int batch = mode == Mode::infer_batch ? batch_size : std::max(batch_size, 500);
  Loss loss(loss_kind);
  EvalResult r;
  Tensor x;  // (features, batch)
  std::vector<int> y;
  double total = 0.0;
  int correct_total = 0;
  for (int start = 0; start < size; start += batch) {
    if (cancel && cancel->load(std::memory_order_relaxed)) {
      r.cancelled = true;
      return r;
    }
    const int n = std::min(batch, size - start);
    x.resize(set.sample_shape, n);
    x.data = set.x.middleCols(start, n);
    y.assign(set.y.begin() + start, set.y.begin() + start + n);
    int correct = 0;
    total += static_cast<double>(loss.forward(model.forward(x, mode), y, &correct)) * n;
    correct_total += correct;
  }
  r.examples = size;
  if (size > 0) {
    r.loss = total / size;
    r.accuracy = static_cast<double>(correct_total) / size;
  }
  return r;
}

Dataset dataset_prefix(const Dataset& set, int limit) {
  if (limit <= 0 || limit >= set.size()) return set;
  Dataset d;
  d.name = set.name;
  d.x = set.x.leftCols(limit);
  d.y.assign(set.y.begin(), set.y.begin() + limit);
  d.sample_shape = set.sample_shape;
  d.classes = set.classes;
  return d;
}

SingleExampleResult single_examples_in_training_mode(Model& model, const Dataset& set, int count) {
  SingleExampleResult r;
  r.examples = std::min(count, set.size());
  std::map<int, int> counts;
  Tensor x;  // (features, 1)
  for (int i = 0; i < r.examples; ++i) {
    x.resize(set.sample_shape, 1);
    x.data = set.x.col(i);
    // A batch of one in training mode: BN normalizes with this example's own statistics.
    const Tensor& out = model.forward(x, Mode::train);  // (classes, 1)
    Eigen::Index best = 0;
    out.data.col(0).maxCoeff(&best);
    const int p = static_cast<int>(best);
    r.predictions.push_back(p);
    r.correct += p == set.y[i];
    ++counts[p];
    if (i == 0) r.first_logits.assign(out.data.data(), out.data.data() + out.data.rows());
    for (Norm* n : model.norms()) r.one_value_norm = r.one_value_norm || n->degenerate();
  }
  r.distinct = static_cast<int>(counts.size());
  for (const auto& [cls, c] : counts)
    if (c > r.most_common_count) {
      r.most_common = cls;
      r.most_common_count = c;
    }
  model.take_warnings();  // the lab's own copy: its warnings are this result
  return r;
}

std::optional<InferenceComparison> compare_inference(const ModelState& state, const DataSplit& data,
                                                     const InferenceSettings& s, const std::atomic<bool>* cancel) {
  auto cancelled = [&] { return cancel && cancel->load(std::memory_order_relaxed); };
  std::unique_ptr<Model> model = rebuild_model(state);
  InferenceComparison c;
  c.step = state.step;
  for (size_t b = 0; b < model->blocks().size(); ++b)
    if (Norm* n = model->norm(model->blocks()[b]); n && n->norm_kind() == NormKind::batch) c.has_bn = true;
  const Dataset& test = data.test;
  c.test_examples = s.test_examples > 0 ? std::min(s.test_examples, test.size()) : test.size();

  c.running = evaluate_model(*model, test, Mode::infer_running, s.batch_size, s.loss, c.test_examples, cancel);
  if (cancelled()) return std::nullopt;
  c.batch = evaluate_model(*model, test, Mode::infer_batch, s.batch_size, s.loss, c.test_examples, cancel);
  if (cancelled()) return std::nullopt;

  // Algorithm 2: the mean of the batch means and the unbiased mean of the batch variances over
  // the training set (its first M examples), with the weights fixed.
  const bool prefix = s.population_examples > 0 && s.population_examples < data.train.size();
  const Dataset train_prefix = prefix ? dataset_prefix(data.train, s.population_examples) : Dataset{};
  const Dataset& train = prefix ? train_prefix : data.train;
  c.population_examples = train.size();
  model->collect_population(train, s.batch_size, cancel);
  if (cancelled()) return std::nullopt;
  c.population = evaluate_model(*model, test, Mode::infer_population, s.batch_size, s.loss, c.test_examples, cancel);
  if (cancelled()) return std::nullopt;

  for (size_t b = 0; b < model->blocks().size(); ++b) {
    const auto* bn = dynamic_cast<const BatchNorm*>(model->norm(model->blocks()[b]));
    if (!bn || !bn->has_population()) continue;
    const std::optional<RunningStatistics> run = bn->running();
    auto vec = [](const Vector& v) { return std::vector<float>(v.data(), v.data() + v.size()); };
    c.gaps.push_back({static_cast<int>(b), vec(run->mean), vec(bn->population_mean()), vec(run->var),
                      vec(bn->population_var())});
  }
  // Last: training mode updates the copy's running statistics (conv BN over H·W still has more
  // than one value), which nothing above reads any more.
  if (s.single_examples > 0) c.single = single_examples_in_training_mode(*model, test, s.single_examples);
  return c;
}

}  // namespace bnlab
