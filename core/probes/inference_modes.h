// What this file is: one network's weights evaluated the three ways BN can run at inference
// (Ioffe & Szegedy 2015, section 3.1 and Algorithm 2; lecture note 001 §4): with each test
// batch's own statistics, with the running statistics training kept (PyTorch's eval()), and with
// population statistics gathered in one pass over the training set. Also what the gap between
// running and population statistics is per feature, and what goes wrong when a network is
// evaluated in training mode one example at a time (a dense BN sees one value: σ² = 0, so its
// output is β whatever the input). The train-vs-inference lab shows these; tests check them
// against Run::evaluate and a hand computation.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <vector>

#include "core/data/dataset.h"
#include "core/losses/loss.h"
#include "core/model/model_state.h"
#include "core/train/run.h"

namespace bnlab {

struct InferenceSettings {
  int batch_size = 60;          // the run's: test batches in infer_batch, and Algorithm 2's batches
  LossKind loss = LossKind::cross_entropy;
  int test_examples = 0;        // the test set's first N (0: all)
  int population_examples = 0;  // Algorithm 2 over the training set's first M (0: all)
  int single_examples = 0;      // the test set's first K, each alone in training mode (0: skip)
};

// A BN block's running statistics against its population statistics, per feature or channel.
struct StatisticsGap {
  int block = 0;
  std::vector<float> running_mean, population_mean, running_var, population_var;  // (C)
};

// The feature with the largest |a − b| and that difference (-1 when empty or all non-finite).
struct LargestGap {
  int feature = -1;
  double value = 0.0;
};
LargestGap largest_gap(const std::vector<float>& a, const std::vector<float>& b);

// Each of the first K test examples through the network alone, in training mode.
struct SingleExampleResult {
  int examples = 0;
  int correct = 0;
  std::vector<int> predictions;  // (K): arg-max class of each
  int distinct = 0;              // how many different predictions
  int most_common = -1;          // the class predicted most often, and how often
  int most_common_count = 0;
  std::vector<float> first_logits;  // (classes): the first example's output
  bool one_value_norm = false;      // some BN saw one value per channel (a dense block)
};

struct InferenceComparison {
  int64_t step = 0;
  bool has_bn = false;         // without BN the three ways are one
  int test_examples = 0, population_examples = 0;
  EvalResult batch, running, population;
  std::vector<StatisticsGap> gaps;  // one per BN block
  SingleExampleResult single;
};

// Loss and accuracy over `set`'s first `limit` examples (0: all), batched as Run::evaluate does
// (the run's batch size for infer_batch, at least 500 otherwise), so that on the whole set the
// numbers are Run::evaluate's bit for bit.
EvalResult evaluate_model(Model& model, const Dataset& set, Mode mode, int batch_size, LossKind loss, int limit = 0,
                          const std::atomic<bool>* cancel = nullptr);

// The first `limit` examples of `set` (all of it when limit ≤ 0 or ≥ its size).
Dataset dataset_prefix(const Dataset& set, int limit);

// Everything above for the network in `state`, on a model of its own. nullopt when cancelled.
std::optional<InferenceComparison> compare_inference(const ModelState& state, const DataSplit& data,
                                                     const InferenceSettings& settings,
                                                     const std::atomic<bool>* cancel = nullptr);

SingleExampleResult single_examples_in_training_mode(Model& model, const Dataset& set, int count);

}  // namespace bnlab
