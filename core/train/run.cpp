// What this file is: the training step and evaluation of a Run.
#include "core/train/run.h"

#include <algorithm>

#include "core/error.h"

namespace bnlab {

Mode inference_mode(const std::string& stats) {
  if (stats == "running") return Mode::infer_running;
  if (stats == "batch") return Mode::infer_batch;
  if (stats == "population") return Mode::infer_population;
  throw config_error("--stats: unknown value '" + stats + "' (expected running, batch, population)");
}

Run::Run(const Config& cfg, std::shared_ptr<const DataSplit> data)
    : cfg_(cfg),
      data_(std::move(data)),
      model_(std::make_unique<Model>(cfg.model, data_->train.sample_shape, data_->train.classes, cfg.seed)),
      optimizer_(cfg.train),
      loss_(cfg.train.loss == "mse" ? LossKind::mse : LossKind::cross_entropy),
      stream_(data_->train, cfg.train.batch_size, cfg.data.shuffle, cfg.seed ^ 0x5eedba7c4ULL) {
  params_ = model_->params();
}

StepRecord Run::step() {
  StepRecord r;
  r.epoch = stream_.epoch();
  stream_.next(x_, y_);
  model_->zero_grad();
  const Tensor& out = model_->forward(x_, Mode::train);
  int correct = 0;
  r.loss = loss_.forward(out, y_, &correct);
  model_->backward(loss_.backward());
  optimizer_.step(params_);
  r.step = ++steps_;
  r.accuracy = static_cast<float>(correct) / static_cast<float>(y_.size());
  r.lr = optimizer_.lr_;
  return r;
}

EvalResult Run::evaluate(const std::string& split, Mode mode) {
  const Dataset& set = split == "train" ? data_->train : data_->test;
  if (mode == Mode::infer_population) model_->collect_population(data_->train, cfg_.train.batch_size);
  // Batch statistics depend on the batch, so that mode uses the training batch size; the others
  // treat each example alone and can use larger batches.
  const int batch = mode == Mode::infer_batch ? cfg_.train.batch_size : std::max(cfg_.train.batch_size, 500);
  Loss loss(loss_.kind());
  EvalResult r;
  Tensor x;
  std::vector<int> y;
  double total = 0.0;
  int correct_total = 0;
  for (int start = 0; start < set.size(); start += batch) {
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
