// What this file is: the layers' matrix products, computed by OpenBLAS (Debian's libopenblas,
// one thread: a trainer's products stay on its own thread, and twin runs share two cores).
// Operands are contiguous Eigen matrices or maps, row- or column-major, optionally transposed:
//   gemm(a, b, c)          c = a · b
//   gemm(a, b.t(), c, 1)   c += a · bᵀ
// OpenBLAS reaches 65–80% of the FMA peak on the large products where Eigen's reach about 50%
// (issue 13); its summation order differs from Eigen's, within the reference tests' tolerance.
#pragma once

#include "core/tensor.h"

namespace bnlab {

// A contiguous rows × cols matrix of floats: row-major (stride cols) or column-major (stride rows).
struct MatrixView {
  const float* data = nullptr;
  int rows = 0, cols = 0;
  bool row_major = false;
  MatrixView t() const { return {data, cols, rows, !row_major}; }  // the transpose, no copy
};

inline MatrixView view(const Matrix& m) { return {m.data(), static_cast<int>(m.rows()), static_cast<int>(m.cols()), false}; }
inline MatrixView view(const RowMatrix& m) { return {m.data(), static_cast<int>(m.rows()), static_cast<int>(m.cols()), true}; }

// c = a · b + beta · c, where c is a.rows × b.cols at `out` (row- or column-major as `out_row_major`).
void gemm(MatrixView a, MatrixView b, float* out, bool out_row_major, float beta = 0.0f);
inline void gemm(MatrixView a, MatrixView b, Matrix& c, float beta = 0.0f) {
  if (beta == 0.0f) c.resize(a.rows, b.cols);
  gemm(a, b, c.data(), false, beta);
}
inline void gemm(MatrixView a, MatrixView b, RowMatrix& c, float beta = 0.0f) {
  if (beta == 0.0f) c.resize(a.rows, b.cols);
  gemm(a, b, c.data(), true, beta);
}

}  // namespace bnlab
