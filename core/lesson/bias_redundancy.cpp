// What this file is: the bias-redundancy lab's two trainings (bias_redundancy.h).
#include "core/lesson/bias_redundancy.h"

#include <algorithm>
#include <cmath>
#include <span>

#include "core/error.h"
#include "core/model/model.h"
#include "core/rng.h"
#include "core/train/run.h"

namespace bnlab {
namespace {

double distance(const std::vector<float>& a, std::span<const float> b) {
  double s = 0.0;
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) s += (static_cast<double>(b[i]) - a[i]) * (b[i] - a[i]);
  return std::sqrt(s);
}

double max_abs(const float* v, int64_t n) {
  double m = 0.0;
  for (int64_t i = 0; i < n; ++i) m = std::max(m, static_cast<double>(std::abs(v[i])));
  return m;
}

}  // namespace

bool bias_is_redundant(const ModelConfig& cfg, int block) {
  if (block < 0 || block >= static_cast<int>(cfg.blocks.size())) return false;
  BlockConfig b = cfg.blocks[block];
  b.bias.reset();  // today's rule: whether the norm removes it
  return b.norm != NormKind::none && !op_keeps_bias(b, cfg.bn);
}

ModelConfig with_redundant_biases_kept(ModelConfig cfg) {
  for (size_t i = 0; i < cfg.blocks.size(); ++i)
    if (bias_is_redundant(cfg, static_cast<int>(i))) cfg.blocks[i].bias = true;
  return cfg;
}

std::shared_ptr<const BiasRedundancy> bias_training(const ModelState& state, const Config& run_config,
                                                    std::shared_ptr<const DataSplit> data, int block, int steps,
                                                    const std::atomic<bool>* cancel) {
  if (!bias_is_redundant(state.config, block))
    throw Error(ErrorKind::usage, "block " + std::to_string(block + 1) + " has no batch or instance norm right after its op");
  auto r = std::make_shared<BiasRedundancy>();
  r->block = block;
  r->steps = steps;
  r->sgd = run_config.train.optimizer == "sgd";
  r->weight_decay = run_config.train.weight_decay;
  r->lr = run_config.train.lr;

  // Both start from the live weights; the one without a bias is exactly the live network.
  ModelConfig plain_model = state.config;
  for (BlockConfig& b : plain_model.blocks)
    if (b.bias == std::optional<bool>(true) && b.norm != NormKind::none) b.bias.reset();
  Config plain_cfg = run_config, kept_cfg = run_config;
  plain_cfg.model = plain_model;
  kept_cfg.model = with_redundant_biases_kept(plain_model);
  const std::unique_ptr<Model> source = rebuild_model(state);
  Run plain(plain_cfg, data), kept(kept_cfg, data);  // the same seed: the same batches in the same order
  copy_shared_weights(*source, plain.model());
  copy_shared_weights(*source, kept.model());

  // b₀ at random, and each kept bias's BN running mean shifted by it, so that the two networks
  // compute the same function in inference too (the running mean tracks μ + b).
  Rng rng(state.config.blocks.size() * 7919 + 17);
  Param bias, weight;
  for (size_t i = 0; i < kept.model().blocks().size(); ++i) {
    if (!bias_is_redundant(plain_model, static_cast<int>(i))) continue;
    const BlockLayers& bl = kept.model().blocks()[i];
    std::vector<Param> op = kept.model().layer(bl.op).params();
    for (int64_t c = 0; c < op[1].size; ++c) op[1].value[c] = rng.uniform(-r->b0_range, r->b0_range);
    Norm* norm = kept.model().norm(bl);
    if (std::optional<RunningStatistics> running = norm->running()) {
      const int64_t hw = op[1].size > 0 ? running->mean.size() / op[1].size : 1;
      for (int64_t c = 0; c < running->mean.size(); ++c) running->mean[c] += op[1].value[c / std::max<int64_t>(1, hw)];
      norm->set_running(*running);
    }
    if (static_cast<int>(i) == block) {
      weight = op[0];
      bias = op[1];
    }
  }
  const std::vector<float> b0(bias.value, bias.value + bias.size);
  const Norm* kept_norm = kept.model().norm(kept.model().blocks()[block]);
  const std::span<const float> beta_span = kept_norm->beta();
  const std::vector<float> beta0(beta_span.begin(), beta_span.end());
  r->bias_move.push_back(0.0f);
  r->beta_move.push_back(0.0f);

  for (int s = 0; s < steps; ++s) {
    if (cancel && cancel->load(std::memory_order_relaxed)) return nullptr;
    const float lw = kept.step(nullptr, Taps::skipped).loss, lo = plain.step(nullptr, Taps::skipped).loss;
    if (!std::isfinite(lw) || !std::isfinite(lo)) {
      r->diverged = true;
      break;
    }
    r->loss_with.push_back(lw);
    r->loss_without.push_back(lo);
    r->max_loss_diff = std::max(r->max_loss_diff, std::abs(static_cast<double>(lw) - lo));
    // The gradients of this step (the optimizer has used them; they stay until the next zero_grad).
    r->max_bias_grad = std::max(r->max_bias_grad, max_abs(bias.grad, bias.size));
    r->max_weight_grad = std::max(r->max_weight_grad, max_abs(weight.grad, weight.size));
    r->bias_move.push_back(static_cast<float>(distance(b0, {bias.value, static_cast<size_t>(bias.size)})));
    r->beta_move.push_back(static_cast<float>(distance(beta0, kept_norm->beta())));
  }
  // Inference with running statistics on the first test examples: the same outputs.
  const Dataset& test = data->test;
  const int n = std::min(256, test.size());
  if (n > 0) {
    Tensor x;
    x.resize(test.sample_shape, n);
    std::copy_n(test.x.data(), x.data.size(), x.data.data());
    const Matrix a = kept.model().forward(x, Mode::infer_running).data;
    const Matrix b = plain.model().forward(x, Mode::infer_running).data;
    r->max_logit_diff = (a - b).cwiseAbs().maxCoeff();
  }
  return r;
}

}  // namespace bnlab
