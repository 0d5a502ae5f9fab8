// What this file is: forward and backward of the activations.
#include "core/layers/activation.h"

namespace bnlab {

std::string Activation::kind() const {
  switch (kind_) {
    case ActivationKind::sigmoid: return "Sigmoid";
    case ActivationKind::tanh: return "Tanh";
    case ActivationKind::relu: return "ReLU";
    case ActivationKind::leaky_relu: return "LeakyReLU";
  }
  return "?";
}

const Tensor& Activation::forward(const Tensor& x, Mode) {
  out_.resize(x.shape, x.batch());
  auto in = x.data.array();
  auto y = out_.data.array();
  switch (kind_) {
    case ActivationKind::sigmoid: y = 1.0f / (1.0f + (-in).exp()); break;
    case ActivationKind::tanh: y = in.tanh(); break;
    case ActivationKind::relu: y = in.max(0.0f); break;
    case ActivationKind::leaky_relu: y = (in > 0.0f).select(in, in * leaky_slope); break;
  }
  return out_;
}

const Tensor& Activation::backward(const Tensor& grad_out) {
  grad_in_.resize(grad_out.shape, grad_out.batch());
  auto dy = grad_out.data.array();
  auto y = out_.data.array();
  auto dx = grad_in_.data.array();
  switch (kind_) {
    case ActivationKind::sigmoid: dx = dy * y * (1.0f - y); break;
    case ActivationKind::tanh: dx = dy * (1.0f - y.square()); break;
    case ActivationKind::relu: dx = (y > 0.0f).select(dy, 0.0f); break;
    case ActivationKind::leaky_relu: dx = (y > 0.0f).select(dy, dy * leaky_slope); break;
  }
  return grad_in_;
}

}  // namespace bnlab
