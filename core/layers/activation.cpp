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
  activate(kind_, x.data.array(), out_.data.array());
  return out_;
}

const Tensor& Activation::backward(const Tensor& grad_out) {
  grad_in_.resize(grad_out.shape, grad_out.batch());
  activation_grad(kind_, grad_out.data.array(), out_.data.array(), grad_in_.data.array());
  return grad_in_;
}

}  // namespace bnlab
