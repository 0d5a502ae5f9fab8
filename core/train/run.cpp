// What this file is: the training step and evaluation of a Run.
#include "core/train/run.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "core/model/footprint.h"

namespace bnlab {
namespace {

// A config is held to the parser's rules and the model to the memory budget at the config's batch
// size, before anything is allocated: both throw a config error naming the field or the block.
void check_run(const Config& cfg, const DataSplit& data) {
  check_config(cfg);
  model_footprint(cfg.model, data.train.sample_shape, data.train.classes, &cfg.train);
}

std::unique_ptr<Model> checked_model(const Config& cfg, const DataSplit& data) {
  check_run(cfg, data);
  return std::make_unique<Model>(cfg.model, data.train.sample_shape, data.train.classes, cfg.seed);
}

}  // namespace

Mode inference_mode(const std::string& stats) {
  if (stats == "running") return Mode::infer_running;
  if (stats == "batch") return Mode::infer_batch;
  if (stats == "population") return Mode::infer_population;
  throw config_error("--stats: unknown value '" + stats + "' (expected running, batch, population)");
}

Run::Run(const Config& cfg, std::shared_ptr<const DataSplit> data)
    : cfg_(cfg),
      data_(std::move(data)),
      model_(checked_model(cfg, *data_)),
      optimizer_(cfg.train),
      loss_(cfg.train.loss == "mse" ? LossKind::mse : LossKind::cross_entropy) {
  stream_ = std::make_unique<BatchStream>(data_->train, cfg.train.batch_size, cfg.data.shuffle, batch_seed(cfg_.seed));
  params_ = model_->params();
}

void Run::set_model_config(const ModelConfig& model) {
  Config changed = cfg_;
  changed.model = model;
  auto next = checked_model(changed, *data_);
  copy_shared_weights(*model_, *next);
  model_ = std::move(next);
  cfg_.model = model;
  params_ = model_->params();
  optimizer_.reset();
}

void Run::set_train_config(const TrainConfig& train) {
  Config changed = cfg_;
  changed.train = train;
  check_run(changed, *data_);
  if (train.batch_size != cfg_.train.batch_size) {
    auto stream = std::make_unique<BatchStream>(data_->train, train.batch_size, cfg_.data.shuffle, batch_seed(cfg_.seed) + steps_);
    stream_ = std::move(stream);
  }
  optimizer_.set_hyperparameters(train);
  loss_ = Loss(train.loss == "mse" ? LossKind::mse : LossKind::cross_entropy);
  cfg_.train = train;
}

void Run::set_seed_and_reset() {
  model_ = std::make_unique<Model>(cfg_.model, data_->train.sample_shape, data_->train.classes, cfg_.seed);
  stream_ = std::make_unique<BatchStream>(data_->train, cfg_.train.batch_size, cfg_.data.shuffle, batch_seed(cfg_.seed));
  params_ = model_->params();
  optimizer_.reset();
  steps_ = 0;
}

StepRecord Run::step(StepExtras* extras, Taps taps) {
  StepRecord r;
  r.epoch = stream_->epoch();
  stream_->next(x_, y_);
  model_->zero_grad();
  const Tensor& out = model_->forward(x_, Mode::train, taps);
  int correct = 0;
  r.loss = loss_.forward(out, y_, &correct);
  model_->backward(loss_.backward());
  if (extras && extras->smoothness) {
    std::vector<float> etas = extras->etas;
    if (etas.empty())  // lr/16 ... 8·lr: the 8 step sizes the smoothness panel's setup names
      for (int k = -4; k <= 3; ++k) etas.push_back(optimizer_.lr_ * std::ldexp(1.0f, k));
    extras->smoothness_result = measure_smoothness(*model_, x_, y_, loss_.kind(), etas);
  }
  if (extras && extras->ics) extras->ics_result = step_measuring_ics(*model_, optimizer_, x_, y_, loss_.kind());
  else optimizer_.step(params_);
  r.step = ++steps_;
  r.accuracy = static_cast<float>(correct) / static_cast<float>(y_.size());
  r.lr = optimizer_.lr_;
  return r;
}

EvalResult Run::evaluate(const std::string& split, Mode mode, const std::atomic<bool>* cancel) {
  const Dataset& set = split == "train" ? data_->train : data_->test;
  if (mode == Mode::infer_population) model_->collect_population(data_->train, cfg_.train.batch_size, cancel);
  // Batch statistics depend on the batch, so that mode uses the training batch size; the others
  // treat each example alone and can use larger batches.
  // kInferenceBatch (footprint.h) counts these batches in the memory budget.
  const int batch = mode == Mode::infer_batch ? cfg_.train.batch_size : std::max(cfg_.train.batch_size, 500);
  Loss loss(loss_.kind());
  EvalResult r;
  Tensor x;
  std::vector<int> y;
  double total = 0.0;
  int correct_total = 0;
  for (int start = 0; start < set.size(); start += batch) {
    if (cancel && cancel->load(std::memory_order_relaxed)) {
      r.cancelled = true;
      return r;
    }
    const int n = std::min(batch, set.size() - start);
    x.resize(set.sample_shape, n);
    x.data = set.x.middleCols(start, n);
    y.assign(set.y.begin() + start, set.y.begin() + start + n);
    int correct = 0;
    total += static_cast<double>(loss.forward(model_->forward(x, mode), y, &correct)) * n;
    correct_total += correct;
  }
  r.examples = set.size();
  if (r.examples > 0) {
    r.loss = total / r.examples;
    r.accuracy = static_cast<double>(correct_total) / r.examples;
  }
  return r;
}

}  // namespace bnlab
