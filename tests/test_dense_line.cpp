// What this file is: the per-column extents that the screen fills for a dense line
// (app/plot/dense_line.h), checked against a brute-force walk along each segment.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "plot/dense_line.h"

namespace bnlab::plot {
namespace {

// A noisy series as the plot hands it to the screen: x ascending, several points per column.
std::vector<Vec2> noisy_line(int n, float x0, float dx, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> noise(0.0f, 6.0f);
  std::vector<Vec2> p;
  for (int i = 0; i < n; ++i) p.push_back({x0 + dx * i, 100.0f + 0.05f * i + noise(rng)});
  return p;
}

TEST(DenseLine, ColumnSpansMatchAWalkAlongEverySegment) {
  const std::vector<Vec2> p = noisy_line(2000, 3.3f, 0.37f, 7);
  const float x_min = 40.0f, x_max = 500.0f;  // the line starts left of the window and ends right of it
  ColumnSpans got;
  column_spans(p.data(), static_cast<int>(p.size()), x_min, x_max, got);
  ASSERT_EQ(got.first_column, 40);
  ASSERT_EQ(got.spans.size(), 460u);
  // Brute force: 2,000 samples along each segment, each counted in the column it falls in.
  std::vector<float> lo(got.spans.size(), INFINITY), hi(got.spans.size(), -INFINITY);
  for (size_t i = 0; i + 1 < p.size(); ++i)
    for (int k = 0; k <= 2000; ++k) {
      const float t = k / 2000.0f;
      const float x = p[i].x + t * (p[i + 1].x - p[i].x), y = p[i].y + t * (p[i + 1].y - p[i].y);
      if (x < x_min || x >= x_max) continue;
      const size_t c = static_cast<size_t>(std::floor(x)) - 40;
      lo[c] = std::min(lo[c], y);
      hi[c] = std::max(hi[c], y);
    }
  int turning = 0;
  for (size_t c = 0; c < got.spans.size(); ++c) {
    ASSERT_FALSE(got.spans[c].empty()) << "column " << c;
    // The samples fall inside the exact extent and come within a sample's step of its ends.
    EXPECT_LE(got.spans[c].lo, lo[c] + 1e-3f) << c;
    EXPECT_GE(got.spans[c].hi, hi[c] - 1e-3f) << c;
    EXPECT_NEAR(got.spans[c].lo, lo[c], 0.05f) << c;
    EXPECT_NEAR(got.spans[c].hi, hi[c], 0.05f) << c;
    turning += got.spans[c].turns;
  }
  EXPECT_GT(turning, 300);  // noise turns in most columns
}

TEST(DenseLine, ASteepStraightLineNeverTurns) {
  std::vector<Vec2> p;
  for (int i = 0; i <= 400; ++i) p.push_back({10.0f + 0.25f * i, 900.0f - 7.5f * i});  // 30 px per column
  ColumnSpans got;
  column_spans(p.data(), static_cast<int>(p.size()), 0.0f, 1000.0f, got);
  ASSERT_EQ(got.first_column, 10);
  ASSERT_EQ(got.spans.size(), 100u);  // ends exactly on the edge of column 110: not entered
  for (const ColumnSpan& s : got.spans) {
    EXPECT_FALSE(s.turns);
    EXPECT_NEAR(s.hi - s.lo, 30.0f, 1e-3f);
  }
  EXPECT_NEAR(got.spans[0].mid(), 900.0f - 15.0f, 1e-3f);
}

TEST(DenseLine, OnlyAscendingLinesWithManyPointsPerColumnAreDense) {
  const std::vector<Vec2> dense = noisy_line(1000, 0.0f, 0.5f, 1);     // 2 points per column
  const std::vector<Vec2> sparse = noisy_line(1000, 0.0f, 1.0f, 1);    // 1 point per column
  EXPECT_TRUE(is_dense(dense.data(), 1000, 0.0f, 1000.0f));
  EXPECT_FALSE(is_dense(sparse.data(), 1000, 0.0f, 1000.0f));
  // What counts is the part inside the window: 2 points per column there, whatever lies outside.
  EXPECT_TRUE(is_dense(dense.data(), 1000, 100.0f, 200.0f));
  std::vector<Vec2> back = dense;
  back[500].x = back[499].x - 1.0f;  // a parametric curve (an optimizer's path) goes back in x
  EXPECT_FALSE(is_dense(back.data(), 1000, 0.0f, 1000.0f));
  back[500].x = NAN;
  EXPECT_FALSE(is_dense(back.data(), 1000, 0.0f, 1000.0f));
}

}  // namespace
}  // namespace bnlab::plot
