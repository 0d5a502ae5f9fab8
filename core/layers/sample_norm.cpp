// What this file is: forward and backward of LayerNorm, GroupNorm and InstanceNorm.
// A batch is (features, batch) column-major with each sample's features C-major, so each group
// of a sample is K contiguous values, and the whole batch viewed as a (K, N·G) matrix has one
// column per sample and group: every statistic is one column reduction.
#include "core/layers/sample_norm.h"

#include <cmath>

namespace bnlab {

SampleNorm::SampleNorm(NormKind kind, Shape shape, int groups, float eps, bool affine)
    : kind_(kind), shape_(shape), eps_(eps), affine_(affine) {
  groups_ = kind == NormKind::layer ? 1 : kind == NormKind::instance ? shape.c : groups;
  group_size_ = shape.size() / groups_;
  const int64_t n = kind == NormKind::layer ? shape.size() : shape.c;
  gamma_ = Vector::Ones(n);
  beta_ = Vector::Zero(n);
  gamma_grad_ = Vector::Zero(n);
  beta_grad_ = Vector::Zero(n);
}

std::string SampleNorm::kind() const {
  return kind_ == NormKind::layer ? "LayerNorm" : kind_ == NormKind::group ? "GroupNorm" : "InstanceNorm2d";
}

const Vector& SampleNorm::per_feature(const Vector& v, Vector& spread) const {
  const int64_t s = shape_.spatial();
  if (v.size() == shape_.size()) return v;
  spread = v.transpose().replicate(s, 1).reshaped();
  return spread;
}

Vector SampleNorm::affine_grad(const Matrix& m) const {
  const Vector per_feature = m.rowwise().sum();  // (C·H·W)
  if (gamma_.size() == per_feature.size()) return per_feature;
  return per_feature.reshaped(shape_.spatial(), shape_.c).colwise().sum().transpose();
}

const Tensor& SampleNorm::forward(const Tensor& x, Mode) {
  const int64_t k = group_size_, columns = int64_t{groups_} * x.batch();
  out_.resize(x.shape, x.batch());
  x_hat_.resize(x.data.rows(), x.data.cols());
  const Eigen::Map<const Matrix> xg(x.data.data(), k, columns);  // (K, N·G)
  Eigen::Map<Matrix> hat(x_hat_.data(), k, columns);             // (K, N·G)
  mean_ = xg.colwise().mean().transpose();
  hat.noalias() = xg.rowwise() - mean_.transpose();
  var_ = hat.array().square().colwise().mean().transpose();
  inv_std_ = (var_.array() + eps_).rsqrt();
  hat.array().rowwise() *= inv_std_.transpose().array();
  if (affine_) {
    out_.data.array() = (x_hat_.array().colwise() * per_feature(gamma_, gamma_spread_).array()).colwise() +
                        per_feature(beta_, beta_spread_).array();
  } else {
    out_.data = x_hat_;
  }
  return out_;
}

const Tensor& SampleNorm::backward(const Tensor& grad_out) {
  const Matrix& dy = grad_out.data;  // (features, batch)
  const int64_t k = group_size_, columns = int64_t{groups_} * dy.cols();
  grad_in_.resize(grad_out.shape, grad_out.batch());
  if (affine_) {
    gamma_grad_ += affine_grad((dy.array() * x_hat_.array()).matrix());
    beta_grad_ += affine_grad(dy);
    grad_in_.data.array() = dy.array().colwise() * per_feature(gamma_, gamma_spread_).array();
  } else {
    grad_in_.data = dy;
  }
  // With g = ∂L/∂x̂ = γ·dy, per group: dx = (g − mean(g) − x̂ · mean(g · x̂)) / √(σ² + ε).
  Eigen::Map<Matrix> g(grad_in_.data.data(), k, columns);  // (K, N·G)
  const Eigen::Map<const Matrix> hat(x_hat_.data(), k, columns);
  const Eigen::RowVectorXf mean_g = g.colwise().mean();
  const Eigen::RowVectorXf mean_g_hat = (g.array() * hat.array()).colwise().mean();
  g.array() = ((g.rowwise() - mean_g).array() - hat.array().rowwise() * mean_g_hat.array()).rowwise() *
              inv_std_.transpose().array();
  return grad_in_;
}

std::vector<Param> SampleNorm::params() {
  if (!affine_) return {};
  std::vector<int64_t> shape = {gamma_.size()};
  if (kind_ == NormKind::layer && shape_.is_image()) shape = {shape_.c, shape_.h, shape_.w};
  return {{"weight", gamma_.data(), gamma_grad_.data(), gamma_.size(), shape, false},
          {"bias", beta_.data(), beta_grad_.data(), beta_.size(), shape, false}};
}

void SampleNorm::zero_grad() {
  gamma_grad_.setZero();
  beta_grad_.setZero();
}

std::span<const float> SampleNorm::gamma() const {
  if (!affine_) return {};
  return {gamma_.data(), static_cast<size_t>(gamma_.size())};
}

std::span<const float> SampleNorm::beta() const {
  if (!affine_) return {};
  return {beta_.data(), static_cast<size_t>(beta_.size())};
}

void SampleNorm::set_affine(std::span<const float> gamma, std::span<const float> beta) {
  if (!affine_) return;
  if (static_cast<int64_t>(gamma.size()) == gamma_.size()) gamma_ = Eigen::Map<const Vector>(gamma.data(), gamma_.size());
  if (static_cast<int64_t>(beta.size()) == beta_.size()) beta_ = Eigen::Map<const Vector>(beta.data(), beta_.size());
}

NormStatistics SampleNorm::statistics() const {
  const auto n = static_cast<size_t>(mean_.size());
  return {{mean_.data(), n}, {var_.data(), n}, groups_, group_size_};
}

}  // namespace bnlab
