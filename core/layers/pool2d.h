// What this file is: average and max pooling over size x size windows with stride = size and no
// padding, as PyTorch's AvgPool2d(size) and MaxPool2d(size) (trailing rows/columns dropped).
#pragma once

#include <vector>

#include "core/layers/layer.h"

namespace bnlab {

enum class PoolType { avg, max };

// (C, ⌊H / size⌋, ⌊W / size⌋): windows of size × size with stride size, as PyTorch's pools.
Shape pool2d_output_shape(Shape in, int size);

class Pool2d : public Layer {
 public:
  Pool2d(Shape in, PoolType type, int size);
  const Tensor& forward(const Tensor& x, Mode mode) override;
  const Tensor& backward(const Tensor& grad_out) override;
  Shape output_shape(Shape) const override { return out_shape_; }
  std::string kind() const override { return type_ == PoolType::avg ? "AvgPool2d" : "MaxPool2d"; }
  PoolType type() const { return type_; }
  // Forward one run at a time: start_forward(batch), then forward_run with channel c of sample
  // n of the input (H·W floats at `run`) for every n and c. forward is this; a BatchNorm before
  // the activation before the pool calls it run by run, while each run of the activation's
  // output is in cache (BatchNorm::forward_activated).
  void start_forward(int batch);
  void forward_run(const float* run, int n, int c);
  // The part of backward's result for channel c of sample n (H·W floats at `run`), from the
  // gradient of the output: backward is this for every run, and a BatchNorm before the
  // activation before the pool calls it run by run instead (BatchNorm::backward_activated).
  void input_grad_run(const Tensor& grad_out, int n, int c, float* run) const;
  int size() const { return size_; }

 private:
  Shape in_shape_, out_shape_;
  PoolType type_;
  int size_;
  std::vector<int> argmax_;  // (out_features * batch): input row of each max, for backward
};

}  // namespace bnlab
