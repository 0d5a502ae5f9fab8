// What this file is: the scale-invariance lab's measurements (scale_invariance.h).
#include "core/lesson/scale_invariance.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "core/losses/loss.h"
#include "core/train/run.h"

namespace bnlab {
namespace {

bool cancelled(const std::atomic<bool>* cancel) { return cancel && cancel->load(std::memory_order_relaxed); }

double frobenius(const float* v, int64_t n) {
  double s = 0.0;
  for (int64_t i = 0; i < n; ++i) s += static_cast<double>(v[i]) * v[i];
  return std::sqrt(s);
}

std::vector<float> values(const Tensor* t) {
  return t ? std::vector<float>(t->data.data(), t->data.data() + t->data.size()) : std::vector<float>{};
}

ModelConfig without_norm(ModelConfig cfg, int block) {
  cfg.blocks[block].norm = NormKind::none;
  return cfg;
}

// One forward and backward of `model` (already scaled) on the batch, in training mode.
ScaleSide measure(Model& model, const Tensor& x, const std::vector<int>& y, int block) {
  Loss loss(LossKind::cross_entropy);
  model.zero_grad();
  ScaleSide s;
  s.loss = loss.forward(model.forward(x, Mode::train), y);
  const BlockTaps taps = model.taps(block);
  s.z = values(taps.z);
  s.normalized = values(taps.normalized);
  s.activated = values(taps.activated);
  model.backward(loss.backward());
  const Param w = model.layer(model.blocks()[block].op).params()[0];
  s.weight_grad_norm = frobenius(w.grad, w.size);
  s.weight_norm = frobenius(w.value, w.size);
  return s;
}

}  // namespace

void scale_op_weight(Model& model, int block, float k) {
  const Param w = model.layer(model.blocks()[block].op).params()[0];
  for (int64_t i = 0; i < w.size; ++i) w.value[i] *= k;
}

ScaleProblem scale_problem(const ModelConfig& cfg, int block) {
  if (block < 0 || block >= static_cast<int>(cfg.blocks.size())) return ScaleProblem::no_block;
  if (cfg.blocks[block].norm != NormKind::batch) return ScaleProblem::no_batch_norm;
  if (cfg.bn.position != "before_activation") return ScaleProblem::norm_after_activation;
  return ScaleProblem::ok;
}

std::shared_ptr<const ScaleInvariance> measure_scale_invariance(const ModelState& state, const Tensor& x,
                                                                const std::vector<int>& y, int block, float k,
                                                                const std::atomic<bool>* cancel) {
  if (scale_problem(state.config, block) != ScaleProblem::ok)
    throw Error(ErrorKind::usage, "block " + std::to_string(block + 1) + " has no batch norm before its activation");
  auto r = std::make_shared<ScaleInvariance>();
  r->block = block;
  r->k = k;
  // A fresh copy for every k: the same weights and dropout masks, nothing carried between them.
  auto bn_at = [&](float scale) {
    std::unique_ptr<Model> m = rebuild_model(state);
    scale_op_weight(*m, block, scale);
    return measure(*m, x, y, block);
  };
  r->bn_1 = bn_at(1.0f);
  r->bn_k = bn_at(k);
  const std::unique_ptr<Model> source = rebuild_model(state);
  const BlockLayers& bl = source->blocks()[block];
  const Shape z_shape = source->layer(bl.op).output_shape(bl.in_shape);
  r->features = static_cast<int>(z_shape.size());
  r->batch = x.batch();

  for (size_t i = 0; i < r->bn_1.normalized.size(); ++i)
    r->max_diff = std::max(r->max_diff, std::abs(static_cast<double>(r->bn_k.normalized[i]) - r->bn_1.normalized[i]));

  // ε's share, in double: per channel, γ(z − μ)·(1/√(k²σ² + ε) · k − 1/√(σ² + ε)) is what BN's
  // output moves by when only ε does not scale with k (σ² biased, over N·H·W, as BN computes it).
  const Norm* norm = source->norm(bl);
  const double eps = state.config.bn.eps;
  const int64_t hw = z_shape.spatial();
  r->min_k_sigma = INFINITY;
  for (int c = 0; c < z_shape.c; ++c) {
    double sum = 0.0, sq = 0.0, largest = 0.0;
    const int64_t count = hw * r->batch;
    for (int n = 0; n < r->batch; ++n)
      for (int64_t s = 0; s < hw; ++s) {
        const double v = r->bn_1.z[static_cast<size_t>(n) * r->features + c * hw + s];
        sum += v;
        sq += v * v;
      }
    const double mean = sum / static_cast<double>(count);
    const double var = std::max(0.0, sq / static_cast<double>(count) - mean * mean);
    for (int n = 0; n < r->batch; ++n)
      for (int64_t s = 0; s < hw; ++s)
        largest = std::max(largest, std::abs(r->bn_1.z[static_cast<size_t>(n) * r->features + c * hw + s] - mean));
    const double gamma = norm && norm->affine() ? std::abs(norm->gamma()[c]) : 1.0;
    const double kd = k;
    const double move = gamma * largest * std::abs(kd / std::sqrt(kd * kd * var + eps) - 1.0 / std::sqrt(var + eps));
    r->eps_share = std::max(r->eps_share, move);
    r->min_k_sigma = std::min(r->min_k_sigma, kd * std::sqrt(var));
  }
  if (cancelled(cancel)) return nullptr;

  // The same block without its norm: the op's weights copied over, a zero bias gained.
  ModelState plain_state = state;
  plain_state.config = without_norm(state.config, block);
  auto plain_at = [&](float scale) {
    Model plain(plain_state.config, state.input_shape, state.classes, 0);
    copy_shared_weights(*rebuild_model(state), plain);
    scale_op_weight(plain, block, scale);
    return measure(plain, x, y, block);
  };
  r->plain_1 = plain_at(1.0f);
  r->plain_k = plain_at(k);

  for (int i = 0; i <= 12; ++i) {
    if (cancelled(cancel)) return nullptr;
    const float g = static_cast<float>(std::pow(10.0, -1.0 + i / 6.0));
    r->grid_k.push_back(g);
    r->grid_grad.push_back(static_cast<float>(bn_at(g).weight_grad_norm));
  }
  return r;
}

std::shared_ptr<const ScaleTraining> scale_training(const ModelState& state, const Config& run_config,
                                                    std::shared_ptr<const DataSplit> data, int block, float k,
                                                    int steps, const std::atomic<bool>* cancel) {
  auto r = std::make_shared<ScaleTraining>();
  r->k = k;
  r->steps = steps;
  const std::unique_ptr<Model> source = rebuild_model(state);
  auto train = [&](bool with_norm, float scale, std::vector<float>& losses) {
    Config cfg = run_config;
    cfg.model = with_norm ? state.config : without_norm(state.config, block);
    Run run(cfg, data);  // the batch order from the config's seed: the same for all four
    copy_shared_weights(*source, run.model());
    scale_op_weight(run.model(), block, scale);
    for (int s = 0; s < steps; ++s) {
      if (cancelled(cancel)) return false;
      const float loss = run.step(nullptr, Taps::skipped).loss;
      if (!std::isfinite(loss)) break;
      losses.push_back(loss);
    }
    return true;
  };
  if (!train(true, 1.0f, r->bn_1) || !train(true, k, r->bn_k) || !train(false, 1.0f, r->plain_1) ||
      !train(false, k, r->plain_k))
    return nullptr;
  return r;
}

}  // namespace bnlab
