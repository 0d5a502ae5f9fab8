// What this file is: PyTorch's Flatten. Samples are already stored C-major, so only the shape
// changes; the layer exists so module indices and checkpoints match torch.nn.Sequential.
#pragma once

#include "core/layers/layer.h"

namespace bnlab {

class Flatten : public Layer {
 public:
  const Tensor& forward(const Tensor& x, Mode) override {
    out_.shape = {x.shape.size(), 1, 1};
    out_.data = x.data;
    in_shape_ = x.shape;
    return out_;
  }
  const Tensor& backward(const Tensor& grad_out) override {
    grad_in_.shape = in_shape_;
    grad_in_.data = grad_out.data;
    return grad_in_;
  }
  Shape output_shape(Shape in) const override { return {in.size(), 1, 1}; }
  std::string kind() const override { return "Flatten"; }

 private:
  Shape in_shape_;
};

}  // namespace bnlab
