// What this file is: the element-wise activations sigmoid, tanh, ReLU and leaky ReLU
// (negative slope 0.01, PyTorch's default), their formulas in core/kernels/activation_math.h.
// Backward uses the saved output: σ' = y(1-y), tanh' = 1-y², and for the ReLUs y > 0 exactly
// when x > 0. A BatchNorm just before it may compute its output in the same pass as its own
// (Model chains them so), writing it through fused_output().
#pragma once

#include "core/kernels/activation_math.h"
#include "core/layers/layer.h"

namespace bnlab {

class Activation : public Layer {
 public:
  explicit Activation(ActivationKind k) : kind_(k) {}
  const Tensor& forward(const Tensor& x, Mode mode) override;
  const Tensor& backward(const Tensor& grad_out) override;
  Shape output_shape(Shape in) const override { return in; }
  std::string kind() const override;
  ActivationKind activation() const { return kind_; }
  static constexpr float leaky_slope = leaky_relu_slope;

  // The output buffer, sized for a batch of `shape`, for a layer that computes φ in its own
  // pass (BatchNorm::forward_activated); output() and backward read what it wrote.
  Tensor& fused_output(Shape shape, int batch) {
    out_.resize(shape, batch);
    return out_;
  }

 private:
  ActivationKind kind_;
};

}  // namespace bnlab
