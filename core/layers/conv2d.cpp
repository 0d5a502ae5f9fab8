// What this file is: forward and backward of Conv2d, one sample at a time: im2col, then the
// products through OpenBLAS (core/kernels/gemm.h).
#include "core/layers/conv2d.h"


#include "core/error.h"
#include "core/kernels/gemm.h"

namespace bnlab {

Shape conv2d_output_shape(Shape in, int out_channels, int kernel, int stride, int padding) {
  return {out_channels, (in.h + 2 * padding - kernel) / stride + 1, (in.w + 2 * padding - kernel) / stride + 1};
}

namespace {
ConvGeometry geometry(Shape in, Shape out, int kernel, int stride, int padding) {
  return {in.c, in.h, in.w, kernel, stride, padding, out.h, out.w};
}
}  // namespace

Conv2d::Conv2d(Shape in, int out_channels, int kernel, int stride, int padding, bool has_bias)
    : in_shape_(in),
      out_shape_(conv2d_output_shape(in, out_channels, kernel, stride, padding)),
      geometry_(geometry(in, out_shape_, kernel, stride, padding)),
      im2col_(geometry_),
      has_bias_(has_bias) {
  if (out_shape_.h < 1 || out_shape_.w < 1) throw config_error("conv: kernel larger than its padded input " + in.str());
  const int patch = geometry_.patch();
  weight_ = RowMatrix::Zero(out_channels, patch);
  weight_grad_ = RowMatrix::Zero(out_channels, patch);
  bias_ = Vector::Zero(has_bias ? out_channels : 0);
  bias_grad_ = Vector::Zero(has_bias ? out_channels : 0);
  cols_.resize(patch, out_shape_.spatial());
  dcols_.resize(patch, out_shape_.spatial());
}

const Tensor& Conv2d::forward(const Tensor& x, Mode) {
  input_ = &x;
  const int n_batch = x.batch(), P = geometry_.positions(), oc = out_shape_.c;
  out_.resize(out_shape_, n_batch);
  for (int n = 0; n < n_batch; ++n) {
    im2col_.to_columns(x.data.col(n).data(), cols_.data());
    gemm(view(weight_), view(cols_), out_.data.col(n).data(), true);  // (out_c, positions)
    if (has_bias_) Eigen::Map<RowMatrix>(out_.data.col(n).data(), oc, P).colwise() += bias_;
  }
  return out_;
}

const Tensor& Conv2d::backward(const Tensor& grad_out) {
  const int n_batch = grad_out.batch(), P = geometry_.positions(), oc = out_shape_.c;
  if (input_grad_) grad_in_.resize(in_shape_, n_batch);
  // The batch's weight gradient, summed column-major: OpenBLAS computes dy · colsᵀ into an
  // (out_c, patch) column-major matrix faster than into a row-major one (conv2 of W3 0.49 against
  // 0.65 ms per batch, issue 13); added to weight_grad_ once, after the batch.
  weight_grad_batch_.setZero(oc, geometry_.patch());
  for (int n = 0; n < n_batch; ++n) {
    const MatrixView dy{grad_out.data.col(n).data(), oc, P, true};  // (out_c, positions)
    // Rebuilt rather than kept from forward: a batch's columns (patch · positions per sample, 14 MB
    // for CNN's second conv) are written to and read back from memory, where one sample's stay in
    // cache; keeping them measured 10-80% slower per layer, and 1.30× slower per W3 step and 1.18×
    // per CNN step when tried again (issue 13).
    im2col_.to_columns(input_->data.col(n).data(), cols_.data());
    gemm(dy, view(cols_).t(), weight_grad_batch_, 1.0f);  // += dy · colsᵀ
    if (has_bias_) bias_grad_ += Eigen::Map<const RowMatrix>(dy.data, oc, P).rowwise().sum();
    if (!input_grad_) continue;
    gemm(view(weight_).t(), dy, dcols_);  // (patch, positions)
    im2col_.to_image(dcols_.data(), grad_in_.data.col(n).data());
  }
  weight_grad_ += weight_grad_batch_;
  return grad_in_;
}

std::vector<Param> Conv2d::params() {
  std::vector<Param> p;
  p.push_back({"weight", weight_.data(), weight_grad_.data(), weight_.size(),
               {out_shape_.c, in_shape_.c, geometry_.kernel, geometry_.kernel}, true});
  if (has_bias_) p.push_back({"bias", bias_.data(), bias_grad_.data(), bias_.size(), {out_shape_.c}, false});
  return p;
}

void Conv2d::zero_grad() {
  weight_grad_.setZero();
  bias_grad_.setZero();
}

}  // namespace bnlab
