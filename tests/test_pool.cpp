// What this file is: Pool2d's 2 × 2 pools (core/layers/pool2d.cpp) against their definitions,
// window by window: max keeps the first strict maximum in the window's row-major order
// (PyTorch's MaxPool2d), so ties and NaN send the gradient to the same input; average (its
// vectorized path) is the window's mean and sends a quarter back. The max's inputs are full of
// ties (values from {0, 1, 2}, as ReLU's zeros make them); some sizes are odd, and the pools
// drop their last row and column.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "core/layers/pool2d.h"
#include "core/rng.h"

namespace bnlab {
namespace {

// A (c, h, w) batch of 3 with values in {0, 1, 2} and, when `nans`, about one in eight NaN.
Tensor tied_input(Shape s, bool nans) {
  Tensor x;
  x.resize(s, 3);
  Rng rng(11);
  for (Eigen::Index i = 0; i < x.data.size(); ++i) {
    const float u = rng.uniform(0.0f, 1.0f);
    x.data.data()[i] = nans && u < 0.125f ? std::numeric_limits<float>::quiet_NaN() : std::floor(rng.uniform(0.0f, 3.0f));
  }
  return x;
}

// The index (within the sample) of window (c, oh, ow)'s first strict maximum, scanning it row by row.
int scanned_max(const float* img, Shape s, int c, int oh, int ow) {
  int best = (c * s.h + 2 * oh) * s.w + 2 * ow;
  for (int kh = 0; kh < 2; ++kh)
    for (int kw = 0; kw < 2; ++kw) {
      const int i = (c * s.h + 2 * oh + kh) * s.w + 2 * ow + kw;
      if (img[i] > img[best]) best = i;
    }
  return best;
}

void expect_same_float(float got, float want, const std::string& where) {
  if (std::isnan(want)) EXPECT_TRUE(std::isnan(got)) << where;
  else EXPECT_EQ(got, want) << where;
}

TEST(Pool, MaxTwoByTwoPicksTheFirstStrictMaximumOfEachWindowAsAScanDoes) {
  // Windows per row: 4 and 14 (the vector path, its last group overlapping when 14), 7 (CNN's
  // second pool, groups of 4), 3 (the scalar path).
  for (const Shape s : {Shape{2, 6, 8}, Shape{2, 7, 9}, Shape{1, 28, 28}, Shape{3, 14, 14}, Shape{2, 6, 7}})
    for (const bool nans : {false, true}) {
      const std::string name = s.str() + (nans ? " with NaN" : "");
      const Tensor x = tied_input(s, nans);
      Pool2d pool(s, PoolType::max, 2);
      const Tensor& y = pool.forward(x, Mode::train);
      const Shape o = pool.output_shape({});
      // Backward sends each output's gradient (its own index + 1) to the input it chose.
      Tensor dy;
      dy.resize(o, x.batch());
      for (Eigen::Index i = 0; i < dy.data.size(); ++i) dy.data.data()[i] = static_cast<float>(i % o.size() + 1);
      const Tensor& dx = pool.backward(dy);
      for (int n = 0; n < x.batch(); ++n)
        for (int c = 0; c < s.c; ++c)
          for (int oh = 0; oh < o.h; ++oh)
            for (int ow = 0; ow < o.w; ++ow) {
              const int out = (c * o.h + oh) * o.w + ow;
              const int best = scanned_max(x.data.col(n).data(), s, c, oh, ow);
              const std::string where = name + " sample " + std::to_string(n) + " output " + std::to_string(out);
              expect_same_float(y.data(out, n), x.data(best, n), where);
              EXPECT_EQ(dx.data(best, n), static_cast<float>(out + 1)) << where;
            }
      // Every other input, the dropped last row and column among them, gets nothing.
      int routed = 0;
      for (Eigen::Index i = 0; i < dx.data.size(); ++i) routed += dx.data.data()[i] != 0.0f;
      EXPECT_EQ(routed, static_cast<int>(o.size()) * x.batch()) << name;
    }
}

TEST(Pool, AverageTwoByTwoIsEachWindowsMeanAndSpreadsAQuarterBack) {
  for (const Shape s : {Shape{2, 6, 8}, Shape{2, 7, 9}, Shape{6, 24, 24}}) {
    Tensor x;
    x.resize(s, 2);
    Rng rng(12);
    for (Eigen::Index i = 0; i < x.data.size(); ++i) x.data.data()[i] = rng.normal();
    Pool2d pool(s, PoolType::avg, 2);
    const Tensor& y = pool.forward(x, Mode::train);
    const Shape o = pool.output_shape({});
    Tensor dy;
    dy.resize(o, x.batch());
    for (Eigen::Index i = 0; i < dy.data.size(); ++i) dy.data.data()[i] = rng.normal();
    const Tensor& dx = pool.backward(dy);
    for (int n = 0; n < x.batch(); ++n)
      for (int c = 0; c < s.c; ++c)
        for (int h = 0; h < s.h; ++h)
          for (int w = 0; w < s.w; ++w) {
            const int oh = h / 2, ow = w / 2, in = (c * s.h + h) * s.w + w;
            const bool covered = oh < o.h && ow < o.w;
            const int out = (c * o.h + oh) * o.w + ow;
            EXPECT_EQ(dx.data(in, n), covered ? 0.25f * dy.data(out, n) : 0.0f) << s.str() << " input " << in;
            if (!covered || h % 2 || w % 2) continue;
            double mean = 0.0;
            for (int kh = 0; kh < 2; ++kh)
              for (int kw = 0; kw < 2; ++kw) mean += x.data(in + kh * s.w + kw, n);
            mean /= 4.0;
            // Four floats summed in float: within a few units in the last place of the largest.
            EXPECT_NEAR(y.data(out, n), mean, 4e-7 * (1.0 + std::abs(mean)) * 4) << s.str() << " output " << out;
          }
  }
}

}  // namespace
}  // namespace bnlab
