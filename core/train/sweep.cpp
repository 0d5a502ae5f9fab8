// What this file is: the sweep's worker pool and one cell's run.
#include "core/train/sweep.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <iterator>

#include "core/error.h"
#include "core/layers/norm.h"

namespace bnlab {

void apply_setting(Config& cfg, const std::string& setting, double value) {
  const float v = static_cast<float>(value);
  if (setting == "lr") cfg.train.lr = v;
  else if (setting == "momentum") cfg.train.momentum = v;
  else if (setting == "weight_decay") cfg.train.weight_decay = v;
  else if (setting == "batch_size") cfg.train.batch_size = static_cast<int>(value);
  else if (setting == "bn_momentum") cfg.model.bn.momentum = v;
  else if (setting == "init_scale") cfg.model.init.scale = v;
  else if (setting == "seed") cfg.seed = static_cast<uint64_t>(value);
  else if (setting == "beta1") cfg.train.beta1 = v;
  else if (setting == "beta2") cfg.train.beta2 = v;
  else if (setting == "optimizer") {
    const int k = static_cast<int>(value);
    if (value != k || k < 0 || k >= static_cast<int>(std::size(kOptimizerNames)))
      throw config_error("sweep: optimizer: expected 0 (sgd), 1 (rmsprop) or 2 (adam), got " + std::to_string(value));
    cfg.train.optimizer = kOptimizerNames[k];
  }
  else if (setting == "batch_size_scaled_lr") {
    cfg.train.lr = static_cast<float>(cfg.train.lr * value / std::max(1, cfg.train.batch_size));
    cfg.train.batch_size = static_cast<int>(value);
  } else if (setting == "norm") {
    const int k = static_cast<int>(value);
    if (value != k || k < 0 || k > static_cast<int>(NormKind::instance))
      throw config_error("sweep: norm: expected a NormKind, got " + std::to_string(value));
    cfg = with_hidden_norm(std::move(cfg), static_cast<NormKind>(k));
  } else if (setting == "bn") {
    for (size_t b = 0; b + 1 < cfg.model.blocks.size(); ++b) cfg.model.blocks[b].norm = value != 0.0 ? NormKind::batch : NormKind::none;
  } else {
    throw config_error("sweep: unknown setting '" + setting +
                       "' (expected lr, momentum, weight_decay, batch_size, batch_size_scaled_lr, bn, norm, "
                       "bn_momentum, init_scale, seed, beta1, beta2, optimizer)");
  }
}

Config with_hidden_norm(Config cfg, NormKind kind) {
  for (size_t b = 0; b + 1 < cfg.model.blocks.size(); ++b) {
    BlockConfig& block = cfg.model.blocks[b];
    // InstanceNorm2d needs H·W positions; a dense unit has one value per sample, so a dense block
    // of an "instance" net takes LayerNorm, the per-sample norm that exists there.
    block.norm = kind == NormKind::instance && block.op != "conv" ? NormKind::layer : kind;
    const int width = block.op == "conv" ? block.channels : block.units;
    if (kind == NormKind::group && (block.groups <= 0 || width % block.groups != 0)) block.groups = default_groups(width);
  }
  return cfg;
}

Sweep::Sweep(const Config& base, SweepAxis rows, SweepAxis cols, SweepLength length, std::shared_ptr<const DataSplit> data,
             int threads, int64_t eval_every)
    : base_(base), rows_(std::move(rows)), cols_(std::move(cols)), length_(length), eval_every_(eval_every), data_(std::move(data)) {
  Config probe = base_;  // fail early, on the caller's thread, for an unknown setting
  apply_setting(probe, rows_.setting, rows_.values.empty() ? 0.0 : rows_.values[0]);
  apply_setting(probe, cols_.setting, cols_.values.empty() ? 0.0 : cols_.values[0]);
  results_.resize(rows_.values.size() * cols_.values.size());
  if (threads <= 0) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  threads = std::min<int>(threads, static_cast<int>(std::max<size_t>(1, results_.size())));
  for (int t = 0; t < threads; ++t) pool_.emplace_back([this] { work(); });
}

Sweep::~Sweep() {
  cancel();
  wait();
}

void Sweep::cancel() { cancel_ = true; }

void Sweep::wait() {
  for (std::thread& t : pool_)
    if (t.joinable()) t.join();
}

std::vector<CellResult> Sweep::results() const {
  std::lock_guard lock(results_mutex_);
  return results_;
}

Config Sweep::cell_config(size_t index) const {
  Config cfg = base_;
  apply_setting(cfg, rows_.setting, rows_.values[index / cols_.values.size()]);
  apply_setting(cfg, cols_.setting, cols_.values[index % cols_.values.size()]);
  return cfg;
}

void Sweep::work() {
  for (size_t i = next_cell_++; i < results_.size(); i = next_cell_++) {
    run_cell(i);
    ++finished_cells_;
  }
}

void Sweep::run_cell(size_t index) {
  auto update = [&](auto&& change) {
    std::lock_guard lock(results_mutex_);
    change(results_[index]);
  };
  if (cancel_) {
    update([](CellResult& r) { r.cancelled = true; });
    return;
  }
  Config cfg;
  std::unique_ptr<Run> run;
  try {
    cfg = cell_config(index);
    run = std::make_unique<Run>(cfg, data_);
  } catch (const Error& e) {
    update([&](CellResult& r) {
      r.error = e.what();
      r.finished = true;
    });
    return;
  }
  const int64_t steps = length_.steps_for(cfg.train.batch_size);
  // About a hundred points of training loss per cell, whatever its length: enough for a small
  // multiple's curve, little to copy each frame.
  const int64_t train_every = std::max<int64_t>(1, steps / 100);
  update([&](CellResult& r) {
    r.steps_planned = steps;
    r.train_every = train_every;
  });
  const int64_t eval_every = eval_every_ > 0 ? eval_every_ : run->batches_per_epoch();
  const auto start = std::chrono::steady_clock::now();
  double best_loss = INFINITY, best_acc = 0.0;
  for (int64_t s = 1; s <= steps; ++s) {
    if (cancel_) {
      update([](CellResult& r) { r.cancelled = true; });
      return;
    }
    const StepRecord rec = run->step();
    bool one_value = false;
    for (const Norm* n : run->model().norms()) one_value = one_value || (n && n->norm_kind() == NormKind::batch && n->degenerate());
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!std::isfinite(rec.loss)) {
      update([&](CellResult& r) {
        r.steps_done = s;
        r.diverged = r.finished = true;
        r.one_value_norm = one_value;
        r.final_loss = rec.loss;
        r.train_loss.push_back({s, rec.loss});
        r.steps_per_second = s / std::max(secs, 1e-9);
      });
      return;
    }
    if (s % eval_every == 0 || s == steps) {
      const EvalResult e = run->evaluate("test", Mode::infer_running, &cancel_);
      if (e.cancelled) continue;  // the next iteration records the cancellation
      best_loss = std::min(best_loss, e.loss);
      best_acc = std::max(best_acc, e.accuracy);
      update([&](CellResult& r) {
        r.final_loss = e.loss;
        r.final_accuracy = e.accuracy;
        r.best_loss = best_loss;
        r.best_accuracy = best_acc;
        r.evals.push_back({s, e.loss, e.accuracy});
      });
    }
    update([&](CellResult& r) {
      if (s % train_every == 0) r.train_loss.push_back({s, rec.loss});
      r.steps_done = s;
      r.steps_per_second = s / std::max(secs, 1e-9);
      r.one_value_norm = one_value;
      r.finished = s == steps;
    });
  }
}

}  // namespace bnlab
