// What this file is: forward and backward of Pool2d.
#include "core/layers/pool2d.h"

#include <limits>

#include "core/error.h"

namespace bnlab {

Pool2d::Pool2d(Shape in, PoolType type, int size) : in_shape_(in), type_(type), size_(size) {
  if (size < 1 || in.h / size < 1 || in.w / size < 1)
    throw config_error("pool: size " + std::to_string(size) + " does not fit its input " + in.str());
  out_shape_ = {in.c, in.h / size, in.w / size};
}

const Tensor& Pool2d::forward(const Tensor& x, Mode) {
  const int n_batch = x.batch(), k = size_, H = in_shape_.h, W = in_shape_.w;
  const int OH = out_shape_.h, OW = out_shape_.w, out_features = out_shape_.size();
  out_.resize(out_shape_, n_batch);
  if (type_ == PoolType::max) argmax_.resize(static_cast<size_t>(out_features) * n_batch);
  const float inv_area = 1.0f / static_cast<float>(k * k);
  for (int n = 0; n < n_batch; ++n) {
    const float* img = x.data.col(n).data();
    float* out = out_.data.col(n).data();
    for (int c = 0; c < in_shape_.c; ++c) {
      for (int oh = 0; oh < OH; ++oh) {
        for (int ow = 0; ow < OW; ++ow) {
          const int o = (c * OH + oh) * OW + ow;
          float acc = type_ == PoolType::avg ? 0.0f : -std::numeric_limits<float>::infinity();
          int best = -1;
          for (int kh = 0; kh < k; ++kh) {
            for (int kw = 0; kw < k; ++kw) {
              const int i = (c * H + oh * k + kh) * W + ow * k + kw;
              if (type_ == PoolType::avg) {
                acc += img[i];
              } else if (img[i] > acc || best < 0) {
                acc = img[i];
                best = i;
              }
            }
          }
          if (type_ == PoolType::avg) {
            out[o] = acc * inv_area;
          } else {
            out[o] = acc;
            argmax_[static_cast<size_t>(n) * out_features + o] = best;
          }
        }
      }
    }
  }
  return out_;
}

const Tensor& Pool2d::backward(const Tensor& grad_out) {
  const int n_batch = grad_out.batch(), k = size_, H = in_shape_.h, W = in_shape_.w;
  const int OH = out_shape_.h, OW = out_shape_.w, out_features = out_shape_.size();
  grad_in_.resize(in_shape_, n_batch);
  grad_in_.data.setZero();
  const float inv_area = 1.0f / static_cast<float>(k * k);
  for (int n = 0; n < n_batch; ++n) {
    const float* dy = grad_out.data.col(n).data();
    float* dx = grad_in_.data.col(n).data();
    if (type_ == PoolType::max) {
      for (int o = 0; o < out_features; ++o) dx[argmax_[static_cast<size_t>(n) * out_features + o]] += dy[o];
      continue;
    }
    for (int c = 0; c < in_shape_.c; ++c)
      for (int oh = 0; oh < OH; ++oh)
        for (int ow = 0; ow < OW; ++ow) {
          const float g = dy[(c * OH + oh) * OW + ow] * inv_area;
          for (int kh = 0; kh < k; ++kh)
            for (int kw = 0; kw < k; ++kw) dx[(c * H + oh * k + kh) * W + ow * k + kw] += g;
        }
  }
  return grad_in_;
}

}  // namespace bnlab
