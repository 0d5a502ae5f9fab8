// What this file is: the element-wise activations sigmoid, tanh, ReLU and leaky ReLU
// (negative slope 0.01, PyTorch's default). Backward uses the saved output: σ' = y(1-y),
// tanh' = 1-y², and for the ReLUs y > 0 exactly when x > 0.
#pragma once

#include "core/layers/layer.h"

namespace bnlab {

enum class ActivationKind { sigmoid, tanh, relu, leaky_relu };

class Activation : public Layer {
 public:
  explicit Activation(ActivationKind k) : kind_(k) {}
  const Tensor& forward(const Tensor& x, Mode mode) override;
  const Tensor& backward(const Tensor& grad_out) override;
  Shape output_shape(Shape in) const override { return in; }
  std::string kind() const override;
  ActivationKind activation() const { return kind_; }
  static constexpr float leaky_slope = 0.01f;

 private:
  ActivationKind kind_;
};

}  // namespace bnlab
