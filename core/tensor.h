// What this file is: the one activation type that flows between layers.
// A batch is an Eigen matrix of shape (features, batch), column-major, so column n is sample n
// stored contiguously in C-major order (C, H, W): exactly how PyTorch flattens an image.
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <string>

namespace bnlab {

using Matrix = Eigen::MatrixXf;  // column-major
using RowMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using Vector = Eigen::VectorXf;

// The shape of one sample: channels, height, width. A feature vector is (features, 1, 1).
// Sizes are 64-bit: c·h·w of a config's shape can pass 2^31 (a conv stack wrapped an int to a
// small number and wrote past its buffers). model_footprint refuses any model whose shapes do
// not fit its memory budget, and under it every size fits an int, as the layers index them.
struct Shape {
  int c = 1, h = 1, w = 1;
  int64_t size() const { return int64_t{c} * h * w; }
  int64_t spatial() const { return int64_t{h} * w; }
  bool is_image() const { return h > 1 || w > 1; }
  bool operator==(const Shape&) const = default;
  std::string str() const;
};

struct Tensor {
  Matrix data;  // (features, batch); features = shape.size()
  Shape shape;
  int batch() const { return static_cast<int>(data.cols()); }
  // Resizes only when the size changes, so steady-state steps do not allocate.
  void resize(Shape s, int batch) {
    shape = s;
    if (data.rows() != s.size() || data.cols() != batch) data.resize(s.size(), batch);
  }
};

}  // namespace bnlab
