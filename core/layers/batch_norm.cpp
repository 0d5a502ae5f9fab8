// What this file is: forward and backward of BatchNorm, and its running / population statistics.
#include "core/layers/batch_norm.h"

#include <cmath>

namespace bnlab {
namespace {

// Sums each channel's features over the batch: (C*S, N) -> (C), S = spatial size.
Vector channel_sum(const Matrix& m, int channels) {
  const Vector per_feature = m.rowwise().sum();  // (C*S)
  const int s = static_cast<int>(m.rows()) / channels;
  if (s == 1) return per_feature;
  return per_feature.reshaped(s, channels).colwise().sum().transpose();
}

// Repeats each channel's value over its S features: (C) -> (C*S), so every per-channel
// operation becomes one broadcast over contiguous columns.
Vector per_feature(const Vector& per_channel, int spatial) {
  if (spatial == 1) return per_channel;
  return per_channel.transpose().replicate(spatial, 1).reshaped();
}

}  // namespace

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

const Tensor& BatchNorm::forward(const Tensor& x, Mode mode) {
  const int c = shape_.c, s = static_cast<int>(shape_.spatial());
  const int64_t m = static_cast<int64_t>(x.batch()) * s;  // values per channel
  out_.resize(x.shape, x.batch());
  used_batch_stats_ = mode == Mode::train || mode == Mode::infer_batch || mode == Mode::collect_population;
  if (used_batch_stats_) last_count_ = m;
  if (used_batch_stats_) {
    batch_mean_ = channel_sum(x.data, c) / static_cast<float>(m);
    x_hat_.noalias() = x.data.colwise() - per_feature(batch_mean_, s);  // x − μ_B, scaled below
    batch_var_ = channel_sum(x_hat_.array().square().matrix(), c) / static_cast<float>(m);
    inv_std_ = (batch_var_.array() + eps_).rsqrt();
    x_hat_.array().colwise() *= per_feature(inv_std_, s).array();
  } else {
    const bool population = mode == Mode::infer_population && has_population();
    const Vector& mean = population ? population_mean_ : running_mean_;
    const Vector& var = population ? population_var_ : running_var_;
    inv_std_ = (var.array() + eps_).rsqrt();
    x_hat_.noalias() = x.data.colwise() - per_feature(mean, s);
    x_hat_.array().colwise() *= per_feature(inv_std_, s).array();
  }
  if (affine_) {
    out_.data.array() = (x_hat_.array().colwise() * per_feature(gamma_, s).array()).colwise() +
                        per_feature(beta_, s).array();
  } else {
    out_.data = x_hat_;
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
  return out_;
}

const Tensor& BatchNorm::backward(const Tensor& grad_out) {
  const int c = shape_.c, s = static_cast<int>(shape_.spatial());
  const Matrix& dy = grad_out.data;  // (features, batch)
  const Vector dbeta = channel_sum(dy, c);
  const Vector dgamma = channel_sum((dy.array() * x_hat_.array()).matrix(), c);
  if (affine_) {
    gamma_grad_ += dgamma;
    beta_grad_ += dbeta;
  }
  const Vector scale = affine_ ? Vector(gamma_.cwiseProduct(inv_std_)) : inv_std_;
  grad_in_.resize(grad_out.shape, grad_out.batch());
  Matrix& dx = grad_in_.data;
  if (!used_batch_stats_) {  // the statistics are constants: dx = dy · γ / √(σ² + ε)
    dx.array() = dy.array().colwise() * per_feature(scale, s).array();
    return grad_in_;
  }
  // Through μ_B and σ²_B (paper §3): dx = γ/√(σ²+ε) · (dy − mean(dy) − x̂ · mean(dy · x̂)).
  const float m = static_cast<float>(static_cast<int64_t>(dy.cols()) * s);
  const Vector mean_dy = per_feature(dbeta / m, s), mean_dy_xhat = per_feature(dgamma / m, s);
  dx.array() = ((dy.colwise() - mean_dy).array() - x_hat_.array().colwise() * mean_dy_xhat.array()).colwise() *
               per_feature(scale, s).array();
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
