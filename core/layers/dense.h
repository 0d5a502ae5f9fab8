// What this file is: the fully connected layer, y = W x + b (PyTorch's Linear).
#pragma once

#include "core/layers/layer.h"

namespace bnlab {

class Dense : public Layer {
 public:
  Dense(int in_features, int out_features, bool has_bias);
  const Tensor& forward(const Tensor& x, Mode mode) override;
  const Tensor& backward(const Tensor& grad_out) override;
  Shape output_shape(Shape) const override { return {out_features_, 1, 1}; }
  std::string kind() const override { return "Linear"; }
  std::vector<Param> params() override;
  void zero_grad() override;
  bool has_bias() const { return has_bias_; }

  RowMatrix weight_;  // (out, in), PyTorch's layout
  Vector bias_;       // (out)
  RowMatrix weight_grad_;  // (out, in)
  Vector bias_grad_;       // (out)

 private:
  int in_features_, out_features_;
  bool has_bias_;
  const Tensor* input_ = nullptr;  // (in, batch): the previous layer's output, kept for backward
};

}  // namespace bnlab
