// What this file is: the γ/β panel's feature × time matrix (app/panels/feature_time.h): cells
// equal the frames' values feature by feature, columns between unevenly spaced frames
// interpolate them, missing blocks and features stay empty (NaN) and out of the range, the
// switch from lines to a heatmap above 24 features, and colour ranges centred on γ = 1 and β = 0.
#include <gtest/gtest.h>

#include <cmath>

#include "panels/feature_time.h"

namespace bnlab {
namespace {

using Frames = std::vector<std::shared_ptr<const ProbeFrame>>;

// A frame at `step` whose block 1 has BN with γ_f = gamma_at(f) (block 0 has none).
template <typename F>
std::shared_ptr<const ProbeFrame> frame(int64_t step, int features, F gamma_at) {
  auto f = std::make_shared<ProbeFrame>();
  f->step = step;
  f->blocks.resize(2);
  for (int i = 0; i < features; ++i) f->blocks[1].gamma.push_back(gamma_at(i));
  return f;
}

float cell(const FeatureTimeMatrix& m, int feature, int column) { return m.values[static_cast<size_t>(feature) * m.cols + column]; }

TEST(FeatureTime, EvenlySpacedFramesBecomeColumnsOneToOne) {
  Frames frames;
  for (int t = 0; t < 6; ++t) frames.push_back(frame(10 * t, 4, [t](int f) { return 1.0f + 0.1f * f - 0.01f * t; }));
  const FeatureTimeMatrix m = feature_time_matrix(frames, 1, &BlockProbe::gamma, 100);
  ASSERT_EQ(m.cols, 6);
  ASSERT_EQ(m.rows, 4);
  EXPECT_EQ(m.first_step, 0.0);
  EXPECT_EQ(m.last_step, 50.0);
  for (int f = 0; f < 4; ++f)
    for (int t = 0; t < 6; ++t) EXPECT_FLOAT_EQ(cell(m, f, t), 1.0f + 0.1f * f - 0.01f * t) << f << " " << t;
  EXPECT_FLOAT_EQ(m.lo, 1.0f - 0.05f);
  EXPECT_FLOAT_EQ(m.hi, 1.3f);
}

TEST(FeatureTime, ColumnsBetweenUnevenFramesInterpolate) {
  // The history thins its older frames: steps 0, 20, 40, 80, 160 for five frames, whose
  // feature f holds 10 · (frame index) + f.
  Frames frames;
  const int64_t steps[5] = {0, 20, 40, 80, 160};
  for (int i = 0; i < 5; ++i) frames.push_back(frame(steps[i], 2, [i](int f) { return 10.0f * i + f; }));
  const FeatureTimeMatrix m = feature_time_matrix(frames, 1, &BlockProbe::gamma, 100);
  ASSERT_EQ(m.cols, 5);  // never more columns than frames
  // Columns at steps 0, 40, 80, 120, 160; step 120 lies halfway between the frames of 80 and 160.
  const float expected[5] = {0, 20, 30, 35, 40};
  for (int c = 0; c < 5; ++c) {
    EXPECT_FLOAT_EQ(cell(m, 0, c), expected[c]) << c;
    EXPECT_FLOAT_EQ(cell(m, 1, c), expected[c] + 1) << c;
  }
}

TEST(FeatureTime, ManyFramesShareFewerColumns) {
  Frames frames;
  for (int t = 0; t <= 100; ++t) frames.push_back(frame(t, 3, [t](int) { return static_cast<float>(t); }));
  const FeatureTimeMatrix m = feature_time_matrix(frames, 1, &BlockProbe::gamma, 11);
  ASSERT_EQ(m.cols, 11);
  for (int c = 0; c < 11; ++c) EXPECT_FLOAT_EQ(cell(m, 2, c), 10.0f * c);
}

TEST(FeatureTime, MissingBlocksAndFeaturesStayEmpty) {
  Frames frames;
  frames.push_back(frame(0, 0, [](int) { return 0.0f; }));  // BN off in this block at first
  auto small = std::make_shared<ProbeFrame>();                // an older network with one block
  small->step = 10;
  small->blocks.resize(1);
  frames.push_back(small);
  frames.push_back(frame(20, 2, [](int f) { return 5.0f + f; }));  // 2 features, then 3
  frames.push_back(frame(30, 3, [](int f) { return -1.0f * f; }));
  const FeatureTimeMatrix m = feature_time_matrix(frames, 1, &BlockProbe::gamma, 100);
  ASSERT_EQ(m.rows, 3);
  ASSERT_EQ(m.cols, 4);
  for (int f = 0; f < 3; ++f) {
    EXPECT_TRUE(std::isnan(cell(m, f, 0)));
    EXPECT_TRUE(std::isnan(cell(m, f, 1)));
  }
  EXPECT_FLOAT_EQ(cell(m, 1, 2), 6.0f);
  EXPECT_TRUE(std::isnan(cell(m, 2, 2)));
  EXPECT_FLOAT_EQ(cell(m, 2, 3), -2.0f);
  EXPECT_FLOAT_EQ(m.lo, -2.0f);
  EXPECT_FLOAT_EQ(m.hi, 6.0f);
}

TEST(FeatureTime, AGapInTheDataStaysAGap) {
  // Frames at steps 0, 10, 50 and 60 whose γ_f = step + f; columns fall at 0, 20, 40 and 60.
  auto at = [](int64_t step, int features) { return frame(step, features, [step](int f) { return static_cast<float>(step + f); }); };
  const FeatureTimeMatrix all = feature_time_matrix({at(0, 2), at(10, 2), at(50, 2), at(60, 2)}, 1, &BlockProbe::gamma, 4);
  ASSERT_EQ(all.cols, 4);
  EXPECT_FLOAT_EQ(cell(all, 0, 1), 20.0f);  // a quarter of the way from step 10 to step 50
  EXPECT_FLOAT_EQ(cell(all, 1, 2), 41.0f);
  // BN was off at step 50: both columns next to it stay empty; the frames either side of the gap
  // keep their own values.
  const FeatureTimeMatrix gap = feature_time_matrix({at(0, 2), at(10, 2), at(50, 0), at(60, 2)}, 1, &BlockProbe::gamma, 4);
  EXPECT_FLOAT_EQ(cell(gap, 0, 0), 0.0f);
  EXPECT_TRUE(std::isnan(cell(gap, 0, 1)));
  EXPECT_TRUE(std::isnan(cell(gap, 1, 2)));
  EXPECT_FLOAT_EQ(cell(gap, 1, 3), 61.0f);
  EXPECT_FLOAT_EQ(gap.hi, 61.0f);
}

TEST(FeatureTime, NothingToShowGivesAnEmptyMatrix) {
  Frames frames{frame(0, 3, [](int) { return 1.0f; })};
  EXPECT_EQ(feature_time_matrix({}, 1, &BlockProbe::gamma, 10).cols, 0);
  EXPECT_EQ(feature_time_matrix(frames, 0, &BlockProbe::gamma, 10).cols, 0);  // no BN there
  EXPECT_EQ(feature_time_matrix(frames, 5, &BlockProbe::gamma, 10).cols, 0);  // no such block
  EXPECT_EQ(feature_time_matrix(frames, 1, &BlockProbe::beta, 10).cols, 0);   // β not recorded
  const FeatureTimeMatrix one = feature_time_matrix(frames, 1, &BlockProbe::gamma, 10);
  EXPECT_EQ(one.cols, 1);
  EXPECT_EQ(one.first_step, one.last_step);
}

TEST(FeatureTime, LinesUpTo24FeaturesThenAHeatmap) {
  EXPECT_FALSE(draw_features_as_heatmap(1));
  EXPECT_FALSE(draw_features_as_heatmap(24));
  EXPECT_TRUE(draw_features_as_heatmap(25));
  EXPECT_TRUE(draw_features_as_heatmap(100));
}

TEST(FeatureTime, ColourRangeIsCentredOnTheStartingValue) {
  float lo = 0, hi = 0;
  centred_range(0.8f, 1.1f, 1.0f, 0.05f, &lo, &hi);  // γ: the farther side sets the width
  EXPECT_FLOAT_EQ(lo, 0.8f);
  EXPECT_FLOAT_EQ(hi, 1.2f);
  centred_range(-0.01f, 0.03f, 0.0f, 0.05f, &lo, &hi);  // β barely moved: the minimum width
  EXPECT_FLOAT_EQ(lo, -0.05f);
  EXPECT_FLOAT_EQ(hi, 0.05f);
  centred_range(NAN, NAN, 1.0f, 0.05f, &lo, &hi);
  EXPECT_FLOAT_EQ(lo, 0.95f);
  EXPECT_FLOAT_EQ(hi, 1.05f);
}

}  // namespace
}  // namespace bnlab
