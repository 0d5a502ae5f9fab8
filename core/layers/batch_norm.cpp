// What this file is: forward and backward of BatchNorm, and its running / population statistics.
#include "core/layers/batch_norm.h"

#include <cmath>
#include <optional>

#include "core/kernels/bn_passes.h"
#include "core/layers/activation.h"
#include "core/layers/pool2d.h"

namespace bnlab {

BatchNorm::BatchNorm(Shape shape, float momentum, float eps, bool affine)
    : shape_(shape), momentum_(momentum), eps_(eps), affine_(affine) {
  const int c = shape.c;
  gamma_ = Vector::Ones(c);
  beta_ = Vector::Zero(c);
  gamma_grad_ = Vector::Zero(c);
  beta_grad_ = Vector::Zero(c);
  running_mean_ = Vector::Zero(c);
  running_var_ = Vector::Ones(c);
  batch_mean_ = Vector::Zero(c);
  batch_var_ = Vector::Zero(c);
}

const Tensor& BatchNorm::forward(const Tensor& x, Mode mode) { return forward_activated(x, mode, nullptr); }

const Tensor& BatchNorm::backward(const Tensor& grad_out) { return backward_activated(grad_out, nullptr); }

const Tensor& BatchNorm::forward_activated(const Tensor& x, Mode mode, Activation* act, Pool2d* pool, Taps taps) {
  const ChannelLayout l{shape_.c, static_cast<int>(shape_.spatial()), x.batch()};
  const int64_t m = l.count();  // values per channel
  input_ = &x;
  out_.resize(x.shape, x.batch());
  used_batch_stats_ = mode == Mode::train || mode == Mode::infer_batch || mode == Mode::collect_population;
  if (used_batch_stats_) {
    last_count_ = m;
    channel_mean_var(x.data.data(), l, batch_mean_.data(), batch_var_.data());
    mean_ = batch_mean_;
    inv_std_ = (batch_var_.array() + eps_).rsqrt();
  } else {
    const bool population = mode == Mode::infer_population && has_population();
    mean_ = population ? population_mean_ : running_mean_;
    inv_std_ = ((population ? population_var_ : running_var_).array() + eps_).rsqrt();
  }
  const NormalizeCoefficients k = coefficients();
  if (act) {
    Tensor& a = act->fused_output(x.shape, x.batch());
    const bool kept = taps == Taps::kept;
    // Without a pool, φ(y) is the next layer's input. Backward makes ReLU's again for less than
    // a read of it costs, but not a sigmoid's or tanh's exp (W3's step 1.05× slower).
    const ActivationKind kind = act->activation();
    const bool cheap = kind == ActivationKind::relu || kind == ActivationKind::leaky_relu;
    activation_stored_ = kept || !pool || !cheap;
    RunSink sink;
    if (pool) {
      pool->start_forward(x.batch());
      sink = [pool](int n, int c, const float* run) { pool->forward_run(run, n, c); };
    }
    normalize(x.data.data(), l, k, kept ? out_.data.data() : nullptr, act->activation(),
              activation_stored_ ? a.data.data() : nullptr, sink);
  } else {
    normalize(x.data.data(), l, k, out_.data.data());
  }

  if (mode == Mode::train) {
    degenerate_ = m < 2;
    if (!degenerate_) {
      const float unbias = static_cast<float>(m) / static_cast<float>(m - 1);
      running_mean_ = (1.0f - momentum_) * running_mean_ + momentum_ * batch_mean_;
      running_var_ = (1.0f - momentum_) * running_var_ + (momentum_ * unbias) * batch_var_;
      ++num_batches_tracked_;
    }
  } else if (mode == Mode::collect_population) {
    pop_mean_sum_ += batch_mean_;
    pop_var_sum_ += batch_var_;
    ++pop_batches_;
    pop_m_ = m;
  }
  if (pool) return pool->output();
  return act ? act->output() : out_;
}

NormalizeCoefficients BatchNorm::coefficients() const {
  return {mean_.data(), inv_std_.data(), affine_ ? gamma_.data() : nullptr, affine_ ? beta_.data() : nullptr};
}

const Tensor& BatchNorm::backward_activated(const Tensor& grad, const Activation* act, const Pool2d* pool) {
  const ChannelLayout l{shape_.c, static_cast<int>(shape_.spatial()), grad.batch()};
  grad_in_.resize(out_.shape, grad.batch());
  // g, the gradient of y: dy itself, or dy (expanded from the pool's) times φ'(a).
  IncomingGrad dy;
  dy.dy = grad.data.data();
  if (pool) dy.run = [&](int n, int c, float* run) { pool->input_grad_run(grad, n, c, run); };
  if (act) {
    dy.act = act->activation();
    dy.a = activation_stored_ ? act->output().data.data() : nullptr;  // else made again from x
  }
  const float* x = input_->data.data();
  const NormalizeCoefficients k = coefficients();
  float* dx = grad_in_.data.data();
  sum_g_.resize(shape_.c);
  sum_g_xhat_.resize(shape_.c);
  grad_sums(dy, x, l, k, sum_g_.data(), sum_g_xhat_.data(), dx);  // g into dx's buffer when it takes work
  const float* g = dy.takes_work() ? dx : dy.dy;
  if (affine_) {
    gamma_grad_ += sum_g_xhat_;
    beta_grad_ += sum_g_;
  }
  if (affine_) scale_ = gamma_.cwiseProduct(inv_std_);
  else scale_ = inv_std_;
  if (!used_batch_stats_) {  // the statistics are constants: dx = dy · γ / √(σ² + ε)
    input_grad(g, x, l, k, scale_.data(), nullptr, nullptr, dx);
    return grad_in_;
  }
  // Through μ_B and σ²_B (paper §3): dx = γ/√(σ²+ε) · (dy − mean(dy) − x̂ · mean(dy · x̂)).
  const float m = static_cast<float>(l.count());
  mean_g_ = sum_g_ / m;
  mean_g_xhat_ = sum_g_xhat_ / m;
  input_grad(g, x, l, k, scale_.data(), mean_g_.data(), mean_g_xhat_.data(), dx);
  return grad_in_;
}

void BatchNorm::begin_population() {
  pop_mean_sum_ = Vector::Zero(shape_.c);
  pop_var_sum_ = Vector::Zero(shape_.c);
  pop_batches_ = 0;
}

void BatchNorm::finish_population() {
  if (pop_batches_ == 0) return;
  population_mean_ = pop_mean_sum_ / static_cast<float>(pop_batches_);
  const float unbias = pop_m_ > 1 ? static_cast<float>(pop_m_) / static_cast<float>(pop_m_ - 1) : 1.0f;
  population_var_ = pop_var_sum_ / static_cast<float>(pop_batches_) * unbias;
}

std::span<const float> BatchNorm::gamma() const {
  if (!affine_) return {};
  return {gamma_.data(), static_cast<size_t>(gamma_.size())};
}

std::span<const float> BatchNorm::beta() const {
  if (!affine_) return {};
  return {beta_.data(), static_cast<size_t>(beta_.size())};
}

void BatchNorm::set_affine(std::span<const float> gamma, std::span<const float> beta) {
  if (!affine_) return;
  if (static_cast<int64_t>(gamma.size()) == gamma_.size()) gamma_ = Eigen::Map<const Vector>(gamma.data(), gamma_.size());
  if (static_cast<int64_t>(beta.size()) == beta_.size()) beta_ = Eigen::Map<const Vector>(beta.data(), beta_.size());
}

NormStatistics BatchNorm::statistics() const {
  const auto c = static_cast<size_t>(shape_.c);
  return {{batch_mean_.data(), c}, {batch_var_.data(), c}, 0, last_count_};
}

std::optional<RunningStatistics> BatchNorm::running() const {
  return RunningStatistics{running_mean_, running_var_, num_batches_tracked_};
}

void BatchNorm::set_running(const RunningStatistics& r) {
  if (r.mean.size() != shape_.c || r.var.size() != shape_.c) return;
  running_mean_ = r.mean;
  running_var_ = r.var;
  num_batches_tracked_ = r.batches_tracked;
}

std::vector<Param> BatchNorm::params() {
  if (!affine_) return {};
  const int64_t c = shape_.c;
  return {{"weight", gamma_.data(), gamma_grad_.data(), c, {c}, false},
          {"bias", beta_.data(), beta_grad_.data(), c, {c}, false}};
}

std::vector<Buffer> BatchNorm::buffers() {
  const int64_t c = shape_.c;
  return {{"running_mean", running_mean_.data(), c}, {"running_var", running_var_.data(), c}};
}

void BatchNorm::zero_grad() {
  gamma_grad_.setZero();
  beta_grad_.setZero();
}

}  // namespace bnlab
