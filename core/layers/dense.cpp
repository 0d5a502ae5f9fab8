// What this file is: forward and backward of Dense.
#include "core/layers/dense.h"

#include "core/kernels/gemm.h"

namespace bnlab {

Dense::Dense(int in_features, int out_features, bool has_bias)
    : weight_(RowMatrix::Zero(out_features, in_features)),
      bias_(Vector::Zero(has_bias ? out_features : 0)),
      weight_grad_(RowMatrix::Zero(out_features, in_features)),
      bias_grad_(Vector::Zero(has_bias ? out_features : 0)),
      in_features_(in_features),
      out_features_(out_features),
      has_bias_(has_bias) {}

const Tensor& Dense::forward(const Tensor& x, Mode) {
  input_ = &x;
  out_.resize({out_features_, 1, 1}, x.batch());
  gemm(view(weight_), view(x.data), out_.data);  // (out, batch)
  if (has_bias_) out_.data.colwise() += bias_;
  return out_;
}

const Tensor& Dense::backward(const Tensor& grad_out) {
  const Matrix& dy = grad_out.data;  // (out, batch)
  gemm(view(dy), view(input_->data).t(), weight_grad_, 1.0f);  // += dy · xᵀ
  if (has_bias_) bias_grad_ += dy.rowwise().sum();
  if (!input_grad_) return grad_in_;
  grad_in_.resize(input_->shape, dy.cols());
  gemm(view(weight_).t(), view(dy), grad_in_.data);  // (in, batch)
  return grad_in_;
}

std::vector<Param> Dense::params() {
  std::vector<Param> p;
  p.push_back({"weight", weight_.data(), weight_grad_.data(), weight_.size(),
               {out_features_, in_features_}, true});
  if (has_bias_) p.push_back({"bias", bias_.data(), bias_grad_.data(), bias_.size(), {out_features_}, false});
  return p;
}

void Dense::zero_grad() {
  weight_grad_.setZero();
  bias_grad_.setZero();
}

}  // namespace bnlab
