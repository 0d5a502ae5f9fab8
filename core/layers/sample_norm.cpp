// What this file is: forward and backward of LayerNorm, GroupNorm and InstanceNorm.
// A batch is (features, batch) column-major with each sample's features C-major, so each group
// of a sample is K contiguous values, and the whole batch viewed as a (K, N·G) matrix has one
// column per sample and group: every statistic is one column's reduction.
#include "core/layers/sample_norm.h"

#include <algorithm>
#include <cmath>

namespace bnlab {
namespace {

using ConstColumn = Eigen::Map<const Eigen::ArrayXf>;
using Column = Eigen::Map<Eigen::ArrayXf>;

// Below this many values a column is worked through in plain loops: an Eigen expression
// vectorizes but costs tens of nanoseconds to set up, and GroupNorm on a dense block (W1-GN: 4
// units a group, 1500 groups a batch) has thousands of columns this short in every step.
constexpr int64_t kShortColumn = 32;

float sum(const float* a, int64_t k) {
  if (k >= kShortColumn) return ConstColumn(a, k).sum();
  float s = 0.0f;
  for (int64_t i = 0; i < k; ++i) s += a[i];
  return s;
}

float dot(const float* a, const float* b, int64_t k) {
  if (k >= kShortColumn) return (ConstColumn(a, k) * ConstColumn(b, k)).sum();
  float s = 0.0f;
  for (int64_t i = 0; i < k; ++i) s += a[i] * b[i];
  return s;
}

// Σ (a − mean)², the variance's numerator, without writing a − mean anywhere.
float centered_square_sum(const float* a, float mean, int64_t k) {
  if (k >= kShortColumn) return (ConstColumn(a, k) - mean).square().sum();
  float s = 0.0f;
  for (int64_t i = 0; i < k; ++i) s += (a[i] - mean) * (a[i] - mean);
  return s;
}

}  // namespace


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

// Each column of the (K, N·G) view is one sample's group: K contiguous values that stay in cache
// while they are read for the mean, read again for the variance (two passes, as PyTorch
// computes it, not E[x²] − E[x]²) and then written once as x̂ and once as y. So the step reads
// and writes each value once from memory, makes no temporaries, and every elementwise loop is
// over contiguous floats, which the compiler vectorizes.
const Tensor& SampleNorm::forward(const Tensor& x, Mode) {
  const int64_t k = group_size_, columns = int64_t{groups_} * x.batch();
  const int64_t s = shape_.spatial(), channels_per_group = shape_.c / groups_;
  out_.resize(x.shape, x.batch());
  x_hat_.resize(x.data.rows(), x.data.cols());
  mean_.resize(columns);
  var_.resize(columns);
  inv_std_.resize(columns);
  if (k < kShortColumn) {
    forward_short(x.data.data(), columns);
    return out_;
  }
  for (int64_t j = 0; j < columns; ++j) {
    const float* xc = x.data.data() + j * k;  // (K)
    float* hat = x_hat_.data() + j * k;       // (K)
    float* y = out_.data.data() + j * k;      // (K)
    const float mean = sum(xc, k) / static_cast<float>(k);
    const float var = centered_square_sum(xc, mean, k) / static_cast<float>(k);
    const float inv_std = 1.0f / std::sqrt(var + eps_);
    mean_[j] = mean, var_[j] = var, inv_std_[j] = inv_std;
    Column(hat, k) = (ConstColumn(xc, k) - mean) * inv_std;
    if (!affine_) {
      Column(y, k) = ConstColumn(hat, k);
    } else if (per_feature_affine()) {  // LN, and GN on a dense block: γ and β per value
      const int64_t at = (j % groups_) * k;
      Column(y, k) = ConstColumn(hat, k) * gamma_.array().segment(at, k) + beta_.array().segment(at, k);
    } else {  // GN, IN on images: each channel of the group is H·W values with one γ and β
      for (int64_t c = 0, first = (j % groups_) * channels_per_group; c < channels_per_group; ++c)
        Column(y + c * s, s) = ConstColumn(hat + c * s, s) * gamma_[first + c] + beta_[first + c];
    }
  }
  return out_;
}

// With g = ∂L/∂x̂ = γ·dy, per group: dx = (g − mean(g) − x̂ · mean(g · x̂)) / √(σ² + ε).
// g is written into dx, and replaced by dx in a second pass over the (cached) column.
const Tensor& SampleNorm::backward(const Tensor& grad_out) {
  const int64_t k = group_size_, columns = int64_t{groups_} * grad_out.batch();
  const int64_t s = shape_.spatial(), channels_per_group = shape_.c / groups_;
  grad_in_.resize(grad_out.shape, grad_out.batch());
  if (k < kShortColumn) {
    backward_short(grad_out.data.data(), columns);
    return grad_in_;
  }
  for (int64_t j = 0; j < columns; ++j) {
    const float* dy = grad_out.data.data() + j * k;  // (K)
    const float* hat = x_hat_.data() + j * k;        // (K)
    float* dx = grad_in_.data.data() + j * k;        // (K)
    if (!affine_) {
      Column(dx, k) = ConstColumn(dy, k);
    } else if (per_feature_affine()) {
      const int64_t at = (j % groups_) * k;
      gamma_grad_.array().segment(at, k) += ConstColumn(dy, k) * ConstColumn(hat, k);
      beta_grad_.array().segment(at, k) += ConstColumn(dy, k);
      Column(dx, k) = ConstColumn(dy, k) * gamma_.array().segment(at, k);
    } else {
      for (int64_t c = 0, first = (j % groups_) * channels_per_group; c < channels_per_group; ++c) {
        gamma_grad_[first + c] += dot(dy + c * s, hat + c * s, s);
        beta_grad_[first + c] += sum(dy + c * s, s);
        Column(dx + c * s, s) = ConstColumn(dy + c * s, s) * gamma_[first + c];
      }
    }
    const float mean_g = sum(dx, k) / static_cast<float>(k);
    const float mean_g_hat = dot(dx, hat, k) / static_cast<float>(k);
    Column(dx, k) = (ConstColumn(dx, k) - mean_g - ConstColumn(hat, k) * mean_g_hat) * inv_std_[j];
  }
  return grad_in_;
}

// The same as forward and backward, one value at a time: on columns this short, setting up an
// Eigen expression costs more than the arithmetic (W1-GN's GroupNorm over 4 units was 2x slower
// through Eigen than through these loops).
void SampleNorm::forward_short(const float* x, int64_t columns) {
  const int64_t k = group_size_, s = per_feature_affine() ? 1 : shape_.spatial();
  for (int64_t j = 0; j < columns; ++j) {
    const float* xc = x + j * k;
    float* hat = x_hat_.data() + j * k;
    float* y = out_.data.data() + j * k;
    const float mean = sum(xc, k) / static_cast<float>(k);
    const float var = centered_square_sum(xc, mean, k) / static_cast<float>(k);
    const float inv_std = 1.0f / std::sqrt(var + eps_);
    mean_[j] = mean, var_[j] = var, inv_std_[j] = inv_std;
    // a: γ's index for value i (the feature, or its channel), r: i's place in that channel.
    for (int64_t i = 0, a = (j % groups_) * k / s, r = 0; i < k; ++i) {
      hat[i] = (xc[i] - mean) * inv_std;
      y[i] = affine_ ? hat[i] * gamma_[a] + beta_[a] : hat[i];
      if (++r == s) r = 0, ++a;
    }
  }
}

void SampleNorm::backward_short(const float* grad_out, int64_t columns) {
  const int64_t k = group_size_, s = per_feature_affine() ? 1 : shape_.spatial();
  for (int64_t j = 0; j < columns; ++j) {
    const float* dy = grad_out + j * k;
    const float* hat = x_hat_.data() + j * k;
    float* dx = grad_in_.data.data() + j * k;
    float sum_g = 0.0f, sum_g_hat = 0.0f;
    for (int64_t i = 0, a = (j % groups_) * k / s, r = 0; i < k; ++i) {
      dx[i] = dy[i];
      if (affine_) {
        gamma_grad_[a] += dy[i] * hat[i];
        beta_grad_[a] += dy[i];
        dx[i] *= gamma_[a];
      }
      sum_g += dx[i];
      sum_g_hat += dx[i] * hat[i];
      if (++r == s) r = 0, ++a;
    }
    const float mean_g = sum_g / static_cast<float>(k), mean_g_hat = sum_g_hat / static_cast<float>(k);
    for (int64_t i = 0; i < k; ++i) dx[i] = (dx[i] - mean_g - hat[i] * mean_g_hat) * inv_std_[j];
  }
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
