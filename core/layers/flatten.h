// What this file is: PyTorch's Flatten. Samples are already stored C-major, so flattening moves
// no data: forward and backward hand their argument through (the next layer reads only the
// values, and its output_shape() is the flat one). The layer exists so that module indices and
// checkpoint names match torch.nn.Sequential.
#pragma once

#include "core/layers/layer.h"

namespace bnlab {

class Flatten : public Layer {
 public:
  const Tensor& forward(const Tensor& x, Mode) override { return x; }
  const Tensor& backward(const Tensor& grad_out) override { return grad_out; }
  Shape output_shape(Shape in) const override { return {static_cast<int>(in.size()), 1, 1}; }
  std::string kind() const override { return "Flatten"; }
};

}  // namespace bnlab
