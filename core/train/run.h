// What this file is: one training run: a model, its optimizer and loss, and the batch stream
// over a dataset. step() is one training step (forward, loss, backward, update); evaluate()
// measures loss and accuracy in an inference mode. Single-threaded: the CLI drives it directly.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/data/dataset.h"
#include "core/io/config.h"
#include "core/losses/loss.h"
#include "core/model/model.h"
#include "core/optim/optimizer.h"
#include "core/probes/landscape.h"

namespace bnlab {

struct StepRecord {
  int64_t step = 0;     // steps done, this one included
  int epoch = 0;        // epochs completed before this step
  float loss = 0.0f;
  float accuracy = 0.0f;
  float lr = 0.0f;
};

struct EvalResult {
  double loss = 0.0;
  double accuracy = 0.0;
  int examples = 0;
  bool cancelled = false;
};

// Optional measurements taken inside a step (they cost extra passes over the batch).
struct StepExtras {
  bool smoothness = false;
  bool ics = false;
  std::vector<float> etas;  // smoothness step sizes; empty: lr × 2^k, k = −4 … 3
  SmoothnessMeasure smoothness_result;
  std::vector<IcsMeasure> ics_result;
};

// Which statistics BN uses at inference: "running", "batch" or "population".
Mode inference_mode(const std::string& stats);

class Run {
 public:
  Run(const Config& cfg, std::shared_ptr<const DataSplit> data);
  // With Taps::skipped the model's taps are not up to date after the step (no probe reads them).
  StepRecord step(StepExtras* extras = nullptr, Taps taps = Taps::kept);
  // Loss and accuracy over `split` ("test" or "train"); population statistics are collected
  // over the training set first when `mode` asks for them.
  // `cancel`, when set, stops the pass early (the result is then partial and marked so).
  EvalResult evaluate(const std::string& split, Mode mode, const std::atomic<bool>* cancel = nullptr);

  // Live changes between steps. A new model config rebuilds the network and carries over what
  // the old and new share (copy_shared_weights); the optimizer's state (momentum, Adam moments)
  // restarts, since its tensors changed. A new train config keeps the batch order's epoch and
  // rebuilds the stream only when the batch size changed.
  void set_model_config(const ModelConfig& model);
  void set_train_config(const TrainConfig& train);
  // Records a model config change that the live model already follows (BN momentum).
  void set_model_config_only(const ModelConfig& model) { cfg_.model = model; }
  void set_seed_and_reset();  // back to step 0: fresh weights and batch order from the seed

  // One step's parts, for probes that need to look between them (ICS, smoothness).
  const Tensor& current_batch() const { return x_; }
  const std::vector<int>& current_labels() const { return y_; }
  Loss& loss() { return loss_; }
  const std::vector<Param>& params() const { return params_; }

  // The seed of a run's batch order: derived from the config's seed so that the order and the
  // initial weights do not draw the same random numbers.
  static uint64_t batch_seed(uint64_t seed) { return seed ^ 0x5eedba7c4ULL; }

  Model& model() { return *model_; }
  Optimizer& optimizer() { return optimizer_; }
  const Config& config() const { return cfg_; }
  const DataSplit& data() const { return *data_; }
  int64_t steps_done() const { return steps_; }
  int epoch() const { return stream_->epoch(); }
  int batches_per_epoch() const { return stream_->batches_per_epoch(); }

 private:
  Config cfg_;
  std::shared_ptr<const DataSplit> data_;
  std::unique_ptr<Model> model_;
  Optimizer optimizer_;
  Loss loss_;
  std::unique_ptr<BatchStream> stream_;
  std::vector<Param> params_;  // cached: the optimizer's list
  Tensor x_;                   // (features, batch)
  std::vector<int> y_;         // (batch)
  int64_t steps_ = 0;
};

}  // namespace bnlab
