// What this file is: 2-D convolution with stride and zero padding (PyTorch's Conv2d), computed
// as one matrix product over the whole batch on an im2col matrix.
#pragma once

#include "core/layers/layer.h"

namespace bnlab {

class Conv2d : public Layer {
 public:
  Conv2d(Shape in, int out_channels, int kernel, int stride, int padding, bool has_bias);
  const Tensor& forward(const Tensor& x, Mode mode) override;
  const Tensor& backward(const Tensor& grad_out) override;
  Shape output_shape(Shape) const override { return out_shape_; }
  std::string kind() const override { return "Conv2d"; }
  std::vector<Param> params() override;
  void zero_grad() override;
  bool has_bias() const { return has_bias_; }

  RowMatrix weight_;       // (out_c, in_c * k * k), PyTorch's (out, in, k, k) flattened
  Vector bias_;            // (out_c)
  RowMatrix weight_grad_;  // (out_c, in_c * k * k)
  Vector bias_grad_;       // (out_c)

 private:
  void im2col(const Tensor& x);
  void col2im(int batch);

  Shape in_shape_, out_shape_;
  int kernel_, stride_, padding_;
  bool has_bias_;
  Matrix cols_;      // (in_c * k * k, batch * out_h * out_w): one column per output position
  RowMatrix prod_;   // (out_c, batch * out_h * out_w): W * cols_, and its gradient in backward
  Matrix dcols_;     // (in_c * k * k, batch * out_h * out_w)
};

}  // namespace bnlab
