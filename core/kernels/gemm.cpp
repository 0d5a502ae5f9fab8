// What this file is: gemm on OpenBLAS's cblas_sgemm, set to one thread once.
#include "core/kernels/gemm.h"

#include <cblas.h>

#include <algorithm>
#include <cassert>
#include <mutex>

namespace bnlab {
namespace {

// OpenBLAS's pthread build starts with one thread per core; the trainer's thread is the only one
// its products may use.
void use_one_thread() {
  static std::once_flag once;
  std::call_once(once, [] { openblas_set_num_threads(1); });
}

}  // namespace

void gemm(MatrixView a, MatrixView b, float* out, bool out_row_major, float beta) {
  assert(a.cols == b.rows);
  if (out_row_major) {  // cᵀ = bᵀ · aᵀ, column-major: the same memory
    gemm(b.t(), a.t(), out, false, beta);
    return;
  }
  const int m = a.rows, n = b.cols, k = a.cols;
  if (m == 0 || n == 0) return;
  if (k == 0) {  // an empty sum: BLAS implementations differ on whether they still scale c
    std::for_each(out, out + static_cast<int64_t>(m) * n, [beta](float& v) { v = beta == 0.0f ? 0.0f : beta * v; });
    return;
  }
  use_one_thread();
  // A row-major rows × cols matrix is the column-major cols × rows one, transposed.
  const CBLAS_TRANSPOSE ta = a.row_major ? CblasTrans : CblasNoTrans;
  const CBLAS_TRANSPOSE tb = b.row_major ? CblasTrans : CblasNoTrans;
  const int lda = a.row_major ? a.cols : a.rows, ldb = b.row_major ? b.cols : b.rows;
  cblas_sgemm(CblasColMajor, ta, tb, m, n, k, 1.0f, a.data, std::max(1, lda), b.data, std::max(1, ldb), beta, out,
              std::max(1, m));
}

}  // namespace bnlab
