// What this file is: forward and backward of Conv2d through im2col / col2im.
#include "core/layers/conv2d.h"

#include <cstring>

#include "core/error.h"

namespace bnlab {

Conv2d::Conv2d(Shape in, int out_channels, int kernel, int stride, int padding, bool has_bias)
    : in_shape_(in), kernel_(kernel), stride_(stride), padding_(padding), has_bias_(has_bias) {
  const int oh = (in.h + 2 * padding - kernel) / stride + 1;
  const int ow = (in.w + 2 * padding - kernel) / stride + 1;
  if (oh < 1 || ow < 1) throw config_error("conv: kernel larger than its padded input " + in.str());
  out_shape_ = {out_channels, oh, ow};
  const int patch = in.c * kernel * kernel;
  weight_ = RowMatrix::Zero(out_channels, patch);
  weight_grad_ = RowMatrix::Zero(out_channels, patch);
  bias_ = Vector::Zero(has_bias ? out_channels : 0);
  bias_grad_ = Vector::Zero(has_bias ? out_channels : 0);
}

void Conv2d::im2col(const Tensor& x) {
  const int n_batch = x.batch(), positions = out_shape_.spatial();
  const int k = kernel_, H = in_shape_.h, W = in_shape_.w;
  cols_.resize(in_shape_.c * k * k, static_cast<Eigen::Index>(n_batch) * positions);
  for (int n = 0; n < n_batch; ++n) {
    const float* img = x.data.col(n).data();
    for (int oh = 0; oh < out_shape_.h; ++oh) {
      for (int ow = 0; ow < out_shape_.w; ++ow) {
        float* col = cols_.col(static_cast<Eigen::Index>(n) * positions + oh * out_shape_.w + ow).data();
        for (int c = 0; c < in_shape_.c; ++c) {
          for (int kh = 0; kh < k; ++kh) {
            const int ih = oh * stride_ - padding_ + kh;
            for (int kw = 0; kw < k; ++kw) {
              const int iw = ow * stride_ - padding_ + kw;
              const bool inside = ih >= 0 && ih < H && iw >= 0 && iw < W;
              *col++ = inside ? img[(c * H + ih) * W + iw] : 0.0f;
            }
          }
        }
      }
    }
  }
}

const Tensor& Conv2d::forward(const Tensor& x, Mode) {
  im2col(x);
  prod_.noalias() = weight_ * cols_;
  const int n_batch = x.batch(), positions = out_shape_.spatial();
  out_.resize(out_shape_, n_batch);
  // prod_ row c holds, for each sample n, its `positions` outputs contiguously: one copy each.
  for (int n = 0; n < n_batch; ++n) {
    for (int c = 0; c < out_shape_.c; ++c) {
      float* dst = out_.data.col(n).data() + c * positions;
      const float* src = prod_.row(c).data() + static_cast<Eigen::Index>(n) * positions;
      if (has_bias_) {
        const float b = bias_(c);
        for (int p = 0; p < positions; ++p) dst[p] = src[p] + b;
      } else {
        std::memcpy(dst, src, sizeof(float) * positions);
      }
    }
  }
  return out_;
}

void Conv2d::col2im(int n_batch) {
  const int positions = out_shape_.spatial(), k = kernel_, H = in_shape_.h, W = in_shape_.w;
  grad_in_.resize(in_shape_, n_batch);
  grad_in_.data.setZero();
  for (int n = 0; n < n_batch; ++n) {
    float* img = grad_in_.data.col(n).data();
    for (int oh = 0; oh < out_shape_.h; ++oh) {
      for (int ow = 0; ow < out_shape_.w; ++ow) {
        const float* col = dcols_.col(static_cast<Eigen::Index>(n) * positions + oh * out_shape_.w + ow).data();
        for (int c = 0; c < in_shape_.c; ++c) {
          for (int kh = 0; kh < k; ++kh) {
            const int ih = oh * stride_ - padding_ + kh;
            for (int kw = 0; kw < k; ++kw, ++col) {
              const int iw = ow * stride_ - padding_ + kw;
              if (ih >= 0 && ih < H && iw >= 0 && iw < W) img[(c * H + ih) * W + iw] += *col;
            }
          }
        }
      }
    }
  }
}

const Tensor& Conv2d::backward(const Tensor& grad_out) {
  const int n_batch = grad_out.batch(), positions = out_shape_.spatial();
  // Reorder dy from (out_c * positions, batch) into prod_'s (out_c, batch * positions).
  for (int n = 0; n < n_batch; ++n)
    for (int c = 0; c < out_shape_.c; ++c)
      std::memcpy(prod_.row(c).data() + static_cast<Eigen::Index>(n) * positions,
                  grad_out.data.col(n).data() + c * positions, sizeof(float) * positions);
  weight_grad_.noalias() += prod_ * cols_.transpose();
  if (has_bias_) bias_grad_ += prod_.rowwise().sum();
  if (!input_grad_) return grad_in_;
  dcols_.noalias() = weight_.transpose() * prod_;
  col2im(n_batch);
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
