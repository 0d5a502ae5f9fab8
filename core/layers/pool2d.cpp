// What this file is: forward and backward of Pool2d.
#include "core/layers/pool2d.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

#include "core/error.h"

namespace bnlab {

Shape pool2d_output_shape(Shape in, int size) { return {in.c, in.h / size, in.w / size}; }

Pool2d::Pool2d(Shape in, PoolType type, int size) : in_shape_(in), type_(type), size_(size) {
  if (size < 1 || in.h / size < 1 || in.w / size < 1)
    throw config_error("pool: size " + std::to_string(size) + " does not fit its input " + in.str());
  out_shape_ = pool2d_output_shape(in, size);
}

namespace {

// A run's worth of floats for the 2 × 2 average's row pairs, reused so a step does not allocate.
float* pairs_scratch(int64_t size) {
  thread_local std::vector<float> scratch;
  if (static_cast<int64_t>(scratch.size()) < size) scratch.resize(size);
  return scratch.data();
}

// 2 × 2 average windows (LeNet's pools) over a run of even width W = 2·OW, in two loops that
// vectorize where a loop per output row of OW (12 or 4 in LeNet) would not: each pair of rows
// summed into `pairs` (OH × W), then each pair of its columns, (a + c) + (b + d), times ¼.
void avg_2x2(const float* img, int W, int OH, int OW, float* out) {
  float* pairs = pairs_scratch(int64_t{OH} * W);
  for (int oh = 0; oh < OH; ++oh) {
    const float* r0 = img + 2 * oh * W;
    for (int w = 0; w < W; ++w) pairs[oh * W + w] = r0[w] + r0[W + w];
  }
  for (int o = 0; o < OH * OW; ++o) out[o] = (pairs[2 * o] + pairs[2 * o + 1]) * 0.25f;
}

// Its gradient: each output's ¼ duplicated along the columns into `pairs` (OH × W), each row
// of which is then both rows of its windows.
void avg_2x2_grad(const float* dy, int W, int OH, int OW, float* run) {
  float* pairs = pairs_scratch(int64_t{OH} * W);
  for (int o = 0; o < OH * OW; ++o) pairs[2 * o] = pairs[2 * o + 1] = dy[o] * 0.25f;
  for (int oh = 0; oh < OH; ++oh) {
    std::copy_n(pairs + oh * W, W, run + 2 * oh * W);
    std::copy_n(pairs + oh * W, W, run + (2 * oh + 1) * W);
  }
}

// L 2 × 2 max windows side by side, those of output row oh from column j: the scan of each
// window in row-major order (a, b / c, d), keeping the first strict maximum as the scalar path
// does, done on L windows at once with selects, since a compare per value branches
// unpredictably on ReLU's ties. Vectors are only ever locals (see im2col.cpp's Chunk).
struct Lanes8 {
  static constexpr int L = 8;
  typedef float Floats __attribute__((vector_size(32)));
  typedef int Ints __attribute__((vector_size(32)));
};
struct Lanes4 {
  static constexpr int L = 4;
  typedef float Floats __attribute__((vector_size(16)));
  typedef int Ints __attribute__((vector_size(16)));
};

template <typename Lanes>
void max_2x2_lanes(const float* img, int W, int oh, int j, int OW, int base, float* out, int* arg) {
  constexpr int L = Lanes::L;
  using Floats = typename Lanes::Floats;
  using Ints = typename Lanes::Ints;
  Ints lane;
  for (int i = 0; i < L; ++i) lane[i] = i;
  const float* r0 = img + 2 * oh * W + 2 * j;
  Floats top[2], bottom[2];
  std::memcpy(top, r0, sizeof top);
  std::memcpy(bottom, r0 + W, sizeof bottom);
  // The even and odd columns of each row (GCC's and clang's __builtin_shufflevector).
  Floats a, b, c, d;
  if constexpr (L == 8) {
    a = __builtin_shufflevector(top[0], top[1], 0, 2, 4, 6, 8, 10, 12, 14);
    b = __builtin_shufflevector(top[0], top[1], 1, 3, 5, 7, 9, 11, 13, 15);
    c = __builtin_shufflevector(bottom[0], bottom[1], 0, 2, 4, 6, 8, 10, 12, 14);
    d = __builtin_shufflevector(bottom[0], bottom[1], 1, 3, 5, 7, 9, 11, 13, 15);
  } else {
    a = __builtin_shufflevector(top[0], top[1], 0, 2, 4, 6);
    b = __builtin_shufflevector(top[0], top[1], 1, 3, 5, 7);
    c = __builtin_shufflevector(bottom[0], bottom[1], 0, 2, 4, 6);
    d = __builtin_shufflevector(bottom[0], bottom[1], 1, 3, 5, 7);
  }
  Floats best = a;
  Ints at = Ints{} + (base + 2 * oh * W + 2 * j) + 2 * lane;
  Ints won = b > best;
  best = won ? b : best;
  Ints offset = won & 1;
  won = c > best;
  best = won ? c : best;
  offset = won ? W : offset;
  won = d > best;
  best = won ? d : best;
  offset = won ? W + 1 : offset;
  at += offset;
  std::memcpy(out + oh * OW + j, &best, sizeof best);
  std::memcpy(arg + oh * OW + j, &at, sizeof at);
}

// 2 × 2 max windows over a run with at least 4 of them per row (W ≥ 8), row by row in groups of
// 8 or 4 windows; a row's last group overlaps the one before it rather than leaving a tail, which
// writes some windows twice with the same result.
void max_2x2(const float* img, int W, int OH, int OW, int base, float* out, int* arg) {
  const int L = OW >= 8 ? 8 : 4;
  for (int oh = 0; oh < OH; ++oh)
    for (int j = 0; j < OW; j += L) {
      const int from = std::min(j, OW - L);
      if (L == 8) max_2x2_lanes<Lanes8>(img, W, oh, from, OW, base, out, arg);
      else max_2x2_lanes<Lanes4>(img, W, oh, from, OW, base, out, arg);
    }
}

}  // namespace

const Tensor& Pool2d::forward(const Tensor& x, Mode) {
  const int64_t S = in_shape_.spatial();
  start_forward(x.batch());
  for (int n = 0; n < x.batch(); ++n)
    for (int c = 0; c < in_shape_.c; ++c) forward_run(x.data.col(n).data() + c * S, n, c);
  return out_;
}

void Pool2d::start_forward(int batch) {
  out_.resize(out_shape_, batch);
  if (type_ == PoolType::max) argmax_.resize(out_shape_.size() * batch);
}

void Pool2d::forward_run(const float* img, int n, int c) {
  const int k = size_, W = in_shape_.w, OH = out_shape_.h, OW = out_shape_.w;
  const int out_features = static_cast<int>(out_shape_.size());
  float* out = out_.data.col(n).data() + c * OH * OW;
  if (type_ == PoolType::avg && k == 2 && W % 2 == 0) {
    avg_2x2(img, W, OH, OW, out);
    return;
  }
  // The max's index is kept from the sample's start (C·H·W), as input_grad_run reads it.
  int* arg = type_ == PoolType::max ? argmax_.data() + static_cast<size_t>(n) * out_features + c * OH * OW : nullptr;
  const int run_start = c * in_shape_.h * W;
  if (type_ == PoolType::max && k == 2 && OW >= 4) {
    max_2x2(img, W, OH, OW, run_start, out, arg);
    return;
  }
  const float inv_area = 1.0f / static_cast<float>(k * k);
  for (int oh = 0; oh < OH; ++oh) {
    float* o = out + oh * OW;
    const int row0 = oh * k * W;  // the window's first input row, in the run
    if (type_ == PoolType::avg) {
      for (int ow = 0; ow < OW; ++ow) o[ow] = 0.0f;
      for (int kh = 0; kh < k; ++kh)
        for (int ow = 0; ow < OW; ++ow)
          for (int kw = 0; kw < k; ++kw) o[ow] += img[row0 + kh * W + ow * k + kw];
      for (int ow = 0; ow < OW; ++ow) o[ow] *= inv_area;
      continue;
    }
    for (int ow = 0; ow < OW; ++ow) {
      int best = row0 + ow * k;
      for (int kh = 0; kh < k; ++kh)
        for (int kw = 0; kw < k; ++kw) {
          const int i = row0 + kh * W + ow * k + kw;
          if (img[i] > img[best]) best = i;
        }
      o[ow] = img[best];
      arg[oh * OW + ow] = run_start + best;
    }
  }
}

const Tensor& Pool2d::backward(const Tensor& grad_out) {
  const int n_batch = grad_out.batch();
  const int64_t S = in_shape_.spatial();
  grad_in_.resize(in_shape_, n_batch);
  for (int n = 0; n < n_batch; ++n)
    for (int c = 0; c < in_shape_.c; ++c) input_grad_run(grad_out, n, c, grad_in_.data.col(n).data() + c * S);
  return grad_in_;
}

void Pool2d::input_grad_run(const Tensor& grad_out, int n, int c, float* run) const {
  const int k = size_, H = in_shape_.h, W = in_shape_.w;
  const int OH = out_shape_.h, OW = out_shape_.w, out_features = static_cast<int>(out_shape_.size());
  const float* dy = grad_out.data.col(n).data() + c * OH * OW;  // (OH, OW)
  // Windows do not overlap, so every covered input is written once; only the rows and columns
  // that pooling dropped, or the non-maxima, need zeros first.
  if (type_ == PoolType::max || H % k || W % k) std::fill(run, run + H * W, 0.0f);
  if (type_ == PoolType::max) {
    const int* arg = argmax_.data() + static_cast<size_t>(n) * out_features + c * OH * OW;  // rows of the sample
    for (int o = 0; o < OH * OW; ++o) run[arg[o] - c * H * W] += dy[o];
    return;
  }
  if (k == 2 && W % 2 == 0) {
    avg_2x2_grad(dy, W, OH, OW, run);
    return;
  }
  const float inv_area = 1.0f / static_cast<float>(k * k);
  for (int oh = 0; oh < OH; ++oh) {
    const float* g = dy + oh * OW;
    float* r0 = run + oh * k * W;  // the windows' first input row
    for (int kh = 0; kh < k; ++kh)
      for (int ow = 0; ow < OW; ++ow)
        for (int kw = 0; kw < k; ++kw) r0[kh * W + ow * k + kw] = g[ow] * inv_area;
  }
}

}  // namespace bnlab
