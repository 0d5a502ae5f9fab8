// What this file is: 2-D convolution with stride and zero padding (PyTorch's Conv2d), computed
// one sample at a time as a matrix product (OpenBLAS, core/kernels/gemm.h) on that sample's im2col
// matrix (core/kernels/im2col.h), so the patches of a sample stay in cache between building them
// and using them.
#pragma once

#include "core/kernels/im2col.h"
#include "core/layers/layer.h"

namespace bnlab {

// (out_channels, ⌊(H + 2·padding − kernel) / stride⌋ + 1, the same for W), as PyTorch's Conv2d.
Shape conv2d_output_shape(Shape in, int out_channels, int kernel, int stride, int padding);

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
  Shape in_shape_, out_shape_;
  ConvGeometry geometry_;
  Im2col im2col_;
  bool has_bias_;
  const Tensor* input_ = nullptr;  // (in_c * H * W, batch), kept for backward
  RowMatrix cols_;   // (in_c * k * k, out_h * out_w): row (c, kh, kw) holds that tap for every output
  RowMatrix dcols_;  // (in_c * k * k, out_h * out_w)
  Matrix weight_grad_batch_;  // (out_c, in_c * k * k), column-major: one backward's sum
};

}  // namespace bnlab
