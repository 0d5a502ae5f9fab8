// What this file is: forward and backward of BatchNorm, and its running / population statistics.
#include "core/layers/batch_norm.h"

#include <cmath>

namespace bnlab {
namespace {

// Sum over each channel's rows and every column: (C*S, N) -> (C).
Vector channel_sum(const Matrix& m, int channels) {
  const int s = static_cast<int>(m.rows()) / channels;
  if (s == 1) return m.rowwise().sum();
  Vector out(channels);
  for (int c = 0; c < channels; ++c) out(c) = m.middleRows(c * s, s).sum();
  return out;
}

// out = (x - center) * scale + shift, per channel (center, scale, shift: (C)).
void channel_affine(const Matrix& x, const Vector& center, const Vector& scale, const Vector& shift,
                    Matrix& out) {
  const int channels = static_cast<int>(scale.size());
  const int s = static_cast<int>(x.rows()) / channels;
  out.resize(x.rows(), x.cols());
  if (s == 1) {
    out.array() = ((x.colwise() - center).array().colwise() * scale.array()).colwise() + shift.array();
    return;
  }
  for (int c = 0; c < channels; ++c)
    out.middleRows(c * s, s).array() = (x.middleRows(c * s, s).array() - center(c)) * scale(c) + shift(c);
}

}  // namespace

BatchNorm::BatchNorm(Shape shape, float momentum, float eps, bool affine)
    : momentum_(momentum), eps_(eps), shape_(shape), affine_(affine) {
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
  const int c = shape_.c;
  const int64_t m = static_cast<int64_t>(x.batch()) * shape_.spatial();  // values per channel
  out_.resize(x.shape, x.batch());
  used_batch_stats_ = mode == Mode::train || mode == Mode::infer_batch || mode == Mode::collect_population;
  const Vector* mean = &running_mean_;
  const Vector* var = &running_var_;
  if (used_batch_stats_) {
    batch_mean_ = channel_sum(x.data, c) / static_cast<float>(m);
    x_hat_ = x.data;
    const int s = shape_.spatial();
    for (int ch = 0; ch < c; ++ch) x_hat_.middleRows(ch * s, s).array() -= batch_mean_(ch);  // x - μ_B
    batch_var_ = channel_sum(x_hat_.array().square().matrix(), c) / static_cast<float>(m);
    mean = &batch_mean_;
    var = &batch_var_;
  } else if (mode == Mode::infer_population && has_population()) {
    mean = &population_mean_;
    var = &population_var_;
  }
  inv_std_ = (var->array() + eps_).rsqrt();
  const Vector zero = Vector::Zero(c);
  channel_affine(x.data, *mean, inv_std_, zero, x_hat_);
  if (affine_) channel_affine(x_hat_, zero, gamma_, beta_, out_.data);
  else out_.data = x_hat_;

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
  const int c = shape_.c, s = shape_.spatial();
  const Matrix& dy = grad_out.data;  // (features, batch)
  const Vector dbeta = channel_sum(dy, c);
  const Vector dgamma = channel_sum((dy.array() * x_hat_.array()).matrix(), c);
  if (affine_) {
    gamma_grad_ += dgamma;
    beta_grad_ += dbeta;
  }
  const Vector g = affine_ ? gamma_ : Vector::Ones(c);
  grad_in_.resize(grad_out.shape, grad_out.batch());
  Matrix& dx = grad_in_.data;
  if (!used_batch_stats_) {  // the statistics are constants: dx = dy · γ / √(σ² + ε)
    const Vector zero = Vector::Zero(c);
    channel_affine(dy, zero, g.cwiseProduct(inv_std_), zero, dx);
    return grad_in_;
  }
  // Through μ_B and σ²_B (paper §3): dx = γ/(m√(σ²+ε)) · (m·dy − Σdy − x̂·Σ(dy·x̂)).
  const float m = static_cast<float>(static_cast<int64_t>(dy.cols()) * s);
  const Vector mean_dy = dbeta / m, mean_dy_xhat = dgamma / m;
  const Vector scale = g.cwiseProduct(inv_std_);
  dx.resize(dy.rows(), dy.cols());
  for (int ch = 0; ch < c; ++ch) {
    dx.middleRows(ch * s, s).array() =
        (dy.middleRows(ch * s, s).array() - mean_dy(ch) - x_hat_.middleRows(ch * s, s).array() * mean_dy_xhat(ch)) *
        scale(ch);
  }
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
