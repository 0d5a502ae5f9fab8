// What this file is: Im2col. A column row is out_height runs of out_width values; the work is in
// the number of runs (a 3×3 conv on 14×14 images has 9·14 of them per channel, of 14 floats), so
// the stride-1 path copies each run in whole 8-float chunks and handles padding once per sample
// by copying the image into a zero-bordered one. Other strides go value by value.
#include "core/kernels/im2col.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <utility>

namespace bnlab {
namespace {

// 8 floats: one AVX register. Only ever a local variable: passed to or returned from a function,
// its ABI would depend on whether the build has AVX (GCC's -Wpsabi).
typedef float Chunk __attribute__((vector_size(32)));
typedef float HalfChunk __attribute__((vector_size(16)));

// dst[0, n) = src[0, n). The last chunk overlaps the one before it instead of looping on a tail.
void copy_run(float* dst, const float* src, int n) {
  if (n < 8) {
    for (int i = 0; i < n; ++i) dst[i] = src[i];
    return;
  }
  for (int i = 0; i + 8 < n; i += 8) std::memcpy(dst + i, src + i, sizeof(Chunk));
  std::memcpy(dst + n - 8, src + n - 8, sizeof(Chunk));
}

// dst[0, n) += src[0, n).
void add_run(float* dst, const float* src, int n) {
  int i = 0;
  for (; i + 8 <= n; i += 8) {
    Chunk a, b;
    std::memcpy(&a, dst + i, sizeof a);
    std::memcpy(&b, src + i, sizeof b);
    a += b;
    std::memcpy(dst + i, &a, sizeof a);
  }
  if (i + 4 <= n) {
    HalfChunk a, b;
    std::memcpy(&a, dst + i, sizeof a);
    std::memcpy(&b, src + i, sizeof b);
    a += b;
    std::memcpy(dst + i, &a, sizeof a);
    i += 4;
  }
  for (; i < n; ++i) dst[i] += src[i];
}

// The output columns [lo, hi) whose input column ow · stride + offset lies in [0, width).
std::pair<int, int> valid_columns(int offset, int stride, int width, int out_width) {
  const int lo = std::min(offset >= 0 ? 0 : (-offset + stride - 1) / stride, out_width);
  const int last = width - 1 - offset;  // the largest ow · stride allowed
  const int hi = last < 0 ? 0 : last / stride + 1;
  return {lo, std::clamp(hi, lo, out_width)};
}

}  // namespace

Im2col::Im2col(const ConvGeometry& g) : g_(g) {
  if (g.stride == 1 && g.padding > 0) {
    padded_.assign(static_cast<size_t>(g.channels) * (g.height + 2 * g.padding) * (g.width + 2 * g.padding), 0.0f);
    padded_grad_.resize(padded_.size());
  }
}

void Im2col::to_columns(const float* image, float* cols) {
  const int C = g_.channels, H = g_.height, W = g_.width, OH = g_.out_height, OW = g_.out_width, k = g_.kernel;
  const int P = g_.positions();
  if (g_.stride == 1) {
    const int pad = g_.padding, Hp = H + 2 * pad, Wp = W + 2 * pad;
    const float* src = image;
    if (pad > 0) {
      for (int c = 0; c < C; ++c)
        for (int h = 0; h < H; ++h)
          copy_run(padded_.data() + (c * Hp + h + pad) * Wp + pad, image + (c * H + h) * W, W);
      src = padded_.data();
    }
    for (int c = 0; c < C; ++c)
      for (int kh = 0; kh < k; ++kh)
        for (int kw = 0; kw < k; ++kw) {
          float* row = cols + static_cast<int64_t>((c * k + kh) * k + kw) * P;
          const float* in = src + (c * Hp + kh) * Wp + kw;
          for (int oh = 0; oh < OH; ++oh) copy_run(row + oh * OW, in + oh * Wp, OW);
        }
    return;
  }
  const int s = g_.stride;
  for (int c = 0; c < C; ++c)
    for (int kh = 0; kh < k; ++kh)
      for (int kw = 0; kw < k; ++kw) {
        float* row = cols + static_cast<int64_t>((c * k + kh) * k + kw) * P;
        const int iw0 = kw - g_.padding;
        const auto [lo, hi] = valid_columns(iw0, s, W, OW);
        for (int oh = 0; oh < OH; ++oh, row += OW) {
          const int ih = oh * s - g_.padding + kh;
          std::fill(row, row + OW, 0.0f);
          if (ih < 0 || ih >= H) continue;
          const float* in = image + (c * H + ih) * W;
          for (int ow = lo; ow < hi; ++ow) row[ow] = in[ow * s + iw0];
        }
      }
}

void Im2col::to_image(const float* cols, float* image_grad) {
  const int C = g_.channels, H = g_.height, W = g_.width, OH = g_.out_height, OW = g_.out_width, k = g_.kernel;
  const int P = g_.positions();
  if (g_.stride == 1) {
    const int pad = g_.padding, Hp = H + 2 * pad, Wp = W + 2 * pad;
    float* dst = pad > 0 ? padded_grad_.data() : image_grad;
    std::fill_n(dst, static_cast<int64_t>(C) * Hp * Wp, 0.0f);
    for (int c = 0; c < C; ++c)
      for (int kh = 0; kh < k; ++kh)
        for (int kw = 0; kw < k; ++kw) {
          const float* row = cols + static_cast<int64_t>((c * k + kh) * k + kw) * P;
          float* out = dst + (c * Hp + kh) * Wp + kw;
          for (int oh = 0; oh < OH; ++oh) add_run(out + oh * Wp, row + oh * OW, OW);
        }
    if (pad > 0) {
      for (int c = 0; c < C; ++c)
        for (int h = 0; h < H; ++h)
          copy_run(image_grad + (c * H + h) * W, padded_grad_.data() + (c * Hp + h + pad) * Wp + pad, W);
    }
    return;
  }
  const int s = g_.stride;
  std::fill_n(image_grad, static_cast<int64_t>(C) * H * W, 0.0f);
  for (int c = 0; c < C; ++c)
    for (int kh = 0; kh < k; ++kh)
      for (int kw = 0; kw < k; ++kw) {
        const float* row = cols + static_cast<int64_t>((c * k + kh) * k + kw) * P;
        const int iw0 = kw - g_.padding;
        const auto [lo, hi] = valid_columns(iw0, s, W, OW);
        for (int oh = 0; oh < OH; ++oh, row += OW) {
          const int ih = oh * s - g_.padding + kh;
          if (ih < 0 || ih >= H) continue;
          float* out = image_grad + (c * H + ih) * W;
          for (int ow = lo; ow < hi; ++ow) out[ow * s + iw0] += row[ow];
        }
      }
}

}  // namespace bnlab
