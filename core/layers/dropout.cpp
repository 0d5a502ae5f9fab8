// What this file is: forward and backward of Dropout.
#include "core/layers/dropout.h"

namespace bnlab {

const Tensor& Dropout::forward(const Tensor& x, Mode mode) {
  active_ = is_training(mode) && p_ > 0.0f;
  out_.resize(x.shape, x.batch());
  if (!active_) {
    out_.data = x.data;
    return out_;
  }
  const float keep_scale = 1.0f / (1.0f - p_);
  mask_.resize(x.data.rows(), x.data.cols());
  float* m = mask_.data();
  for (Eigen::Index i = 0; i < mask_.size(); ++i) m[i] = rng_.uniform() < p_ ? 0.0f : keep_scale;
  out_.data.array() = x.data.array() * mask_.array();
  return out_;
}

const Tensor& Dropout::backward(const Tensor& grad_out) {
  grad_in_.resize(grad_out.shape, grad_out.batch());
  if (active_) grad_in_.data.array() = grad_out.data.array() * mask_.array();
  else grad_in_.data = grad_out.data;
  return grad_in_;
}

}  // namespace bnlab
