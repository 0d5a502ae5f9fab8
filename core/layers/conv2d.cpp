// What this file is: forward and backward of Conv2d through per-sample im2col / col2im.
#include "core/layers/conv2d.h"

#include <algorithm>

#include "core/error.h"

namespace bnlab {

using ConstRowMap = Eigen::Map<const RowMatrix>;
using RowMap = Eigen::Map<RowMatrix>;

Shape conv2d_output_shape(Shape in, int out_channels, int kernel, int stride, int padding) {
  return {out_channels, (in.h + 2 * padding - kernel) / stride + 1, (in.w + 2 * padding - kernel) / stride + 1};
}

Conv2d::Conv2d(Shape in, int out_channels, int kernel, int stride, int padding, bool has_bias)
    : in_shape_(in), kernel_(kernel), stride_(stride), padding_(padding), has_bias_(has_bias) {
  out_shape_ = conv2d_output_shape(in, out_channels, kernel, stride, padding);
  if (out_shape_.h < 1 || out_shape_.w < 1) throw config_error("conv: kernel larger than its padded input " + in.str());
  const int patch = in.c * kernel * kernel;
  weight_ = RowMatrix::Zero(out_channels, patch);
  weight_grad_ = RowMatrix::Zero(out_channels, patch);
  bias_ = Vector::Zero(has_bias ? out_channels : 0);
  bias_grad_ = Vector::Zero(has_bias ? out_channels : 0);
  cols_.resize(patch, out_shape_.spatial());
  dcols_.resize(patch, out_shape_.spatial());
}

// Row (c, kh, kw) of cols_ is the input shifted by (kh, kw) and sampled with the stride: with
// stride 1 each output row is one contiguous copy; elsewhere element by element.
void Conv2d::im2col(const float* image) {
  const int H = in_shape_.h, W = in_shape_.w, OH = out_shape_.h, OW = out_shape_.w, k = kernel_;
  for (int c = 0; c < in_shape_.c; ++c) {
    for (int kh = 0; kh < k; ++kh) {
      for (int kw = 0; kw < k; ++kw) {
        float* row = cols_.row((c * k + kh) * k + kw).data();
        for (int oh = 0; oh < OH; ++oh, row += OW) {
          const int ih = oh * stride_ - padding_ + kh;
          if (ih < 0 || ih >= H) {
            std::fill(row, row + OW, 0.0f);
            continue;
          }
          const float* src = image + (c * H + ih) * W;
          const int iw0 = kw - padding_;
          if (stride_ == 1 && iw0 >= 0 && iw0 + OW <= W) {
            for (int ow = 0; ow < OW; ++ow) row[ow] = src[iw0 + ow];  // inlined: rows are short
            continue;
          }
          for (int ow = 0; ow < OW; ++ow) {
            const int iw = ow * stride_ + iw0;
            row[ow] = iw >= 0 && iw < W ? src[iw] : 0.0f;
          }
        }
      }
    }
  }
}

void Conv2d::col2im(float* image_grad) {
  const int H = in_shape_.h, W = in_shape_.w, OH = out_shape_.h, OW = out_shape_.w, k = kernel_;
  for (int c = 0; c < in_shape_.c; ++c) {
    for (int kh = 0; kh < k; ++kh) {
      for (int kw = 0; kw < k; ++kw) {
        const float* row = dcols_.row((c * k + kh) * k + kw).data();
        for (int oh = 0; oh < OH; ++oh, row += OW) {
          const int ih = oh * stride_ - padding_ + kh;
          if (ih < 0 || ih >= H) continue;
          float* dst = image_grad + (c * H + ih) * W;
          const int iw0 = kw - padding_;
          if (stride_ == 1 && iw0 >= 0 && iw0 + OW <= W) {
            for (int ow = 0; ow < OW; ++ow) dst[iw0 + ow] += row[ow];
            continue;
          }
          for (int ow = 0; ow < OW; ++ow) {
            const int iw = ow * stride_ + iw0;
            if (iw >= 0 && iw < W) dst[iw] += row[ow];
          }
        }
      }
    }
  }
}

const Tensor& Conv2d::forward(const Tensor& x, Mode) {
  input_ = &x;
  const int n_batch = x.batch(), positions = static_cast<int>(out_shape_.spatial());
  out_.resize(out_shape_, n_batch);
  for (int n = 0; n < n_batch; ++n) {
    im2col(x.data.col(n).data());
    RowMap y(out_.data.col(n).data(), out_shape_.c, positions);  // (out_c, out_h * out_w)
    y.noalias() = weight_ * cols_;
    if (has_bias_) y.colwise() += bias_;
  }
  return out_;
}

const Tensor& Conv2d::backward(const Tensor& grad_out) {
  const int n_batch = grad_out.batch(), positions = static_cast<int>(out_shape_.spatial());
  if (input_grad_) {
    grad_in_.resize(in_shape_, n_batch);
    grad_in_.data.setZero();
  }
  for (int n = 0; n < n_batch; ++n) {
    const ConstRowMap dy(grad_out.data.col(n).data(), out_shape_.c, positions);  // (out_c, out_h * out_w)
    im2col(input_->data.col(n).data());  // rebuilt: cheaper than keeping every sample's in memory
    weight_grad_.noalias() += dy * cols_.transpose();
    if (has_bias_) bias_grad_ += dy.rowwise().sum();
    if (!input_grad_) continue;
    dcols_.noalias() = weight_.transpose() * dy;
    col2im(grad_in_.data.col(n).data());
  }
  return grad_in_;
}

std::vector<Param> Conv2d::params() {
  std::vector<Param> p;
  p.push_back({"weight", weight_.data(), weight_grad_.data(), weight_.size(),
               {out_shape_.c, in_shape_.c, kernel_, kernel_}, true});
  if (has_bias_) p.push_back({"bias", bias_.data(), bias_grad_.data(), bias_.size(), {out_shape_.c}, false});
  return p;
}

void Conv2d::zero_grad() {
  weight_grad_.setZero();
  bias_grad_.setZero();
}

}  // namespace bnlab
