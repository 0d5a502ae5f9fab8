// What this file is: Im2col (core/kernels/im2col.h) against the definitions it implements, on
// the geometries its fast paths split on: stride 1 with and without padding, padding wider than
// the kernel reaches, runs shorter than, equal to and longer than its 8-float chunks, and
// stride 2. The conv's forward is checked against the direct sum at the workloads' larger sizes,
// which the gradient checks (small images) do not reach.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/kernels/im2col.h"
#include "core/layers/conv2d.h"
#include "core/rng.h"

namespace bnlab {
namespace {

struct Case {
  int c, h, w, k, stride, padding;
};

ConvGeometry geometry(const Case& c) {
  const int out_h = (c.h + 2 * c.padding - c.k) / c.stride + 1, out_w = (c.w + 2 * c.padding - c.k) / c.stride + 1;
  return {c.c, c.h, c.w, c.k, c.stride, c.padding, out_h, out_w};
}

std::string name(const Case& c) {
  return std::to_string(c.c) + "×" + std::to_string(c.h) + "×" + std::to_string(c.w) + " k" + std::to_string(c.k) +
         " s" + std::to_string(c.stride) + " p" + std::to_string(c.padding);
}

std::vector<float> random_values(size_t n, uint64_t seed) {
  Rng rng(seed);
  std::vector<float> v(n);
  for (float& x : v) x = rng.normal(0.0f, 1.0f);
  return v;
}

// The input value that tap (c, kh, kw) of output position (oh, ow) reads, 0 in the padding.
float tap(const Case& c, const std::vector<float>& image, int ch, int kh, int kw, int oh, int ow) {
  const int ih = oh * c.stride - c.padding + kh, iw = ow * c.stride - c.padding + kw;
  return ih < 0 || ih >= c.h || iw < 0 || iw >= c.w ? 0.0f : image[(ch * c.h + ih) * c.w + iw];
}

const Case kCases[] = {
    {1, 28, 28, 5, 1, 0},  // W3's first conv: runs of 24
    {6, 12, 12, 5, 1, 0},  // W3's second: runs of exactly 8
    {1, 28, 28, 3, 1, 1},  // CNN's first: runs of 28, padded
    {3, 14, 14, 3, 1, 1},  // CNN's second: runs of 14
    {2, 5, 7, 3, 1, 0},    // runs shorter than a chunk
    {2, 6, 9, 2, 1, 3},    // padding wider than the kernel reaches: whole rows of zeros
    {2, 11, 19, 3, 2, 1},  // stride 2
    {1, 9, 9, 4, 3, 2},
};

TEST(ConvIm2col, ColumnsMatchTheDefinition) {
  for (const Case& c : kCases) {
    const ConvGeometry g = geometry(c);
    const std::vector<float> image = random_values(static_cast<size_t>(c.c) * c.h * c.w, 3);
    std::vector<float> cols(static_cast<size_t>(g.patch()) * g.positions(), -7.0f);
    Im2col im2col(g);
    for (int pass = 0; pass < 2; ++pass) {  // the second pass reuses the padded image
      im2col.to_columns(image.data(), cols.data());
      for (int ch = 0; ch < c.c; ++ch)
        for (int kh = 0; kh < c.k; ++kh)
          for (int kw = 0; kw < c.k; ++kw)
            for (int oh = 0; oh < g.out_height; ++oh)
              for (int ow = 0; ow < g.out_width; ++ow) {
                const size_t at =
                    static_cast<size_t>((ch * c.k + kh) * c.k + kw) * g.positions() + oh * g.out_width + ow;
                ASSERT_EQ(cols[at], tap(c, image, ch, kh, kw, oh, ow))
                    << name(c) << " pass " << pass << " tap " << ch << "," << kh << "," << kw << " at " << oh << ","
                    << ow;
              }
    }
  }
}

// to_image is im2col's adjoint: ⟨im2col(x), y⟩ = ⟨x, col2im(y)⟩ for every x and y; here each
// gradient value is checked against the sum over the taps that read it.
TEST(ConvIm2col, ImageGradientSumsTheTapsThatReadEachValue) {
  for (const Case& c : kCases) {
    const ConvGeometry g = geometry(c);
    const std::vector<float> cols = random_values(static_cast<size_t>(g.patch()) * g.positions(), 4);
    std::vector<float> expected(static_cast<size_t>(c.c) * c.h * c.w, 0.0f);
    for (int ch = 0; ch < c.c; ++ch)
      for (int kh = 0; kh < c.k; ++kh)
        for (int kw = 0; kw < c.k; ++kw)
          for (int oh = 0; oh < g.out_height; ++oh)
            for (int ow = 0; ow < g.out_width; ++ow) {
              const int ih = oh * c.stride - c.padding + kh, iw = ow * c.stride - c.padding + kw;
              if (ih < 0 || ih >= c.h || iw < 0 || iw >= c.w) continue;
              expected[(ch * c.h + ih) * c.w + iw] +=
                  cols[static_cast<size_t>((ch * c.k + kh) * c.k + kw) * g.positions() + oh * g.out_width + ow];
            }
    Im2col im2col(g);
    std::vector<float> grad(expected.size(), 5.0f);  // overwritten, not added to
    for (int pass = 0; pass < 2; ++pass) {
      im2col.to_image(cols.data(), grad.data());
      for (size_t i = 0; i < grad.size(); ++i)
        ASSERT_FLOAT_EQ(grad[i], expected[i]) << name(c) << " pass " << pass << " value " << i;
    }
  }
}

// Conv2d's forward, sample by sample through OpenBLAS, against the direct sum of its definition.
TEST(ConvIm2col, ForwardMatchesTheDirectSum) {
  const Case c{5, 14, 14, 3, 1, 1};
  const int out_c = 7, batch = 3;
  Conv2d conv({c.c, c.h, c.w}, out_c, c.k, c.stride, c.padding, true);
  Rng rng(6);
  for (const Param& p : conv.params())
    for (int64_t i = 0; i < p.size; ++i) p.value[i] = rng.normal(0.0f, 0.5f);
  Tensor x;
  x.resize({c.c, c.h, c.w}, batch);
  for (Eigen::Index i = 0; i < x.data.size(); ++i) x.data.data()[i] = rng.normal(0.0f, 1.0f);
  const Tensor& y = conv.forward(x, Mode::train);
  const ConvGeometry g = geometry(c);
  for (int n = 0; n < batch; ++n) {
    const std::vector<float> image(x.data.col(n).data(), x.data.col(n).data() + x.data.rows());
    for (int o = 0; o < out_c; ++o)
      for (int oh = 0; oh < g.out_height; ++oh)
        for (int ow = 0; ow < g.out_width; ++ow) {
          double sum = conv.bias_[o];
          for (int ch = 0; ch < c.c; ++ch)
            for (int kh = 0; kh < c.k; ++kh)
              for (int kw = 0; kw < c.k; ++kw)
                sum += double{conv.weight_(o, (ch * c.k + kh) * c.k + kw)} * tap(c, image, ch, kh, kw, oh, ow);
          ASSERT_NEAR(y.data((o * g.out_height + oh) * g.out_width + ow, n), sum, 1e-4)
              << "sample " << n << " channel " << o << " at " << oh << "," << ow;
        }
  }
}

}  // namespace
}  // namespace bnlab
