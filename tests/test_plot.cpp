// What this file is: the plot module's arithmetic against hand computations and brute force:
// nice ticks and log decades, compact labels, TensorBoard's debiased EMA, min/max decimation
// (per column identical to a brute-force reduction), marching squares on known fields.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <random>

#include "plot/contour.h"
#include "plot/series.h"
#include "plot/ticks.h"

namespace bnlab::plot {
namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

// True if s is 1, 2 or 5 times a power of ten.
bool is_nice(double s) {
  const double m = s / std::pow(10.0, std::floor(std::log10(s) + 1e-9));
  return std::abs(m - 1.0) < 1e-6 || std::abs(m - 2.0) < 1e-6 || std::abs(m - 5.0) < 1e-6;
}

TEST(PlotTicks, NiceStepIsOneTwoOrFiveTimesAPowerOfTen) {
  EXPECT_DOUBLE_EQ(nice_step(1.0, 5), 0.2);
  EXPECT_DOUBLE_EQ(nice_step(100.0, 5), 20.0);
  EXPECT_DOUBLE_EQ(nice_step(12345.0, 4), 5000.0);
  EXPECT_DOUBLE_EQ(nice_step(7.0, 7), 1.0);
  EXPECT_NEAR(nice_step(0.003, 3), 0.001, 1e-15);
}

TEST(PlotTicks, LinearTicksAreEvenlySpacedNiceMultiplesInsideTheRange) {
  const std::pair<double, double> ranges[] = {{0, 1},       {-3.7, 12.2}, {0.0012, 0.0047},
                                              {1e5, 3.3e6}, {-1, -0.5},   {999.5, 1000.5}};
  for (const auto& [lo, hi] : ranges) {
    for (int max_ticks : {3, 5, 8, 12}) {
      const AxisTicks t = linear_ticks(lo, hi, max_ticks);
      SCOPED_TRACE(testing::Message() << "[" << lo << ", " << hi << "] max " << max_ticks);
      ASSERT_GE(t.major.size(), 2u);
      EXPECT_LE(static_cast<int>(t.major.size()), max_ticks);
      ASSERT_EQ(t.labels.size(), t.major.size());
      const double step = t.major[1] - t.major[0];
      EXPECT_TRUE(is_nice(step)) << step;
      for (size_t i = 0; i < t.major.size(); ++i) {
        EXPECT_GE(t.major[i], lo - 1e-9 * step);
        EXPECT_LE(t.major[i], hi + 1e-9 * step);
        EXPECT_NEAR(t.major[i] / step, std::round(t.major[i] / step), 1e-6);  // multiples of the step
        if (i > 0) {
          EXPECT_NEAR(t.major[i] - t.major[i - 1], step, 1e-9 * std::abs(step));
        }
      }
    }
  }
  const AxisTicks unit = linear_ticks(0.0, 1.0, 6);
  EXPECT_EQ(unit.labels, (std::vector<std::string>{"0", "0.2", "0.4", "0.6", "0.8", "1"}));
}

TEST(PlotTicks, LogTicksAreDecadesThinnedOrFilledToFit) {
  const AxisTicks decades = log_ticks(1e-4, 1e2, 8);
  ASSERT_EQ(decades.major.size(), 7u);
  for (size_t i = 0; i < decades.major.size(); ++i) EXPECT_NEAR(std::log10(decades.major[i]), -4.0 + i, 1e-12);
  EXPECT_EQ(decades.labels.front(), "1e-4");
  EXPECT_EQ(decades.labels[1], "0.001");
  EXPECT_EQ(decades.labels.back(), "100");
  EXPECT_FALSE(decades.minor.empty());  // 2..9 × 10^k between them

  const AxisTicks thinned = log_ticks(1e-8, 1e8, 5);  // 17 decades: every fourth
  ASSERT_EQ(thinned.major.size(), 5u);
  for (size_t i = 0; i < thinned.major.size(); ++i) EXPECT_NEAR(std::log10(thinned.major[i]), -8.0 + 4.0 * i, 1e-12);

  const AxisTicks filled = log_ticks(1.0, 100.0, 10);  // room for 2 and 5 as well
  const std::vector<double> expect = {1, 2, 5, 10, 20, 50, 100};
  ASSERT_EQ(filled.major.size(), expect.size());
  for (size_t i = 0; i < expect.size(); ++i) EXPECT_NEAR(filled.major[i], expect[i], 1e-12 * expect[i]);

  const AxisTicks narrow = log_ticks(0.3, 0.8, 6);  // inside one decade: linear ticks
  ASSERT_GE(narrow.major.size(), 2u);
  for (double v : narrow.major) EXPECT_TRUE(v >= 0.3 - 1e-12 && v <= 0.8 + 1e-12);
}

TEST(PlotTicks, LabelsAreCompact) {
  EXPECT_EQ(format_tick(0.001, 0.001), "0.001");
  EXPECT_EQ(format_tick(1e-4, 1e-4), "1e-4");
  EXPECT_EQ(format_tick(2.5e-5, 5e-6), "2.5e-5");
  EXPECT_EQ(format_tick(12000, 1000), "12k");
  EXPECT_EQ(format_tick(12500, 500), "12.5k");
  EXPECT_EQ(format_tick(2.5e6, 5e5), "2.5M");
  EXPECT_EQ(format_tick(0.25, 0.05), "0.25");
  EXPECT_EQ(format_tick(1500, 500), "1500");
  EXPECT_EQ(format_tick(-0.2, 0.1), "-0.2");
  EXPECT_EQ(format_tick(1e-17, 0.1), "0");  // rounding residue of a tick at zero
  EXPECT_EQ(format_tick(3.0, 1.0), "3");
}

TEST(PlotSeries, EmaMatchesTensorBoardsDebiasedFormulaByHand) {
  // w = 0.5, last_0 = 0; the NaN passes through and does not count.
  //   t=1: last = 0.5       / (1 - 0.5)    = 1
  //   t=2: last = 1.25      / (1 - 0.25)   = 5/3
  //   t=3: last = 2.625     / (1 - 0.125)  = 3
  //   t=4: last = 2.8125    / (1 - 0.0625) = 3
  const float ys[] = {1, 2, 4, kNaN, 3};
  const std::vector<float> s = ema_smooth(ys, 5, 0.5f);
  ASSERT_EQ(s.size(), 5u);
  EXPECT_NEAR(s[0], 1.0f, 1e-6);
  EXPECT_NEAR(s[1], 5.0f / 3.0f, 1e-6);
  EXPECT_NEAR(s[2], 3.0f, 1e-6);
  EXPECT_TRUE(std::isnan(s[3]));
  EXPECT_NEAR(s[4], 3.0f, 1e-6);

  // The debiased EMA starts at the first value whatever the weight, and weight 0 is the identity.
  const float noisy[] = {5, 1, 9, 2};
  EXPECT_NEAR(ema_smooth(noisy, 4, 0.99f)[0], 5.0f, 1e-5);
  EXPECT_EQ(ema_smooth(noisy, 4, 0.0f), std::vector<float>(noisy, noisy + 4));
  const float flat[] = {0.1f, 0.1f, 0.1f};
  EXPECT_EQ(ema_smooth(flat, 3, 0.9f), std::vector<float>(flat, flat + 3));  // constant: unchanged
}

// Column of x in a `columns`-wide view of [lo, hi], as a reader would compute it.
int column_of(double x, double lo, double hi, int columns) {
  return std::clamp(static_cast<int>((x - lo) / (hi - lo) * columns), 0, columns - 1);
}

TEST(PlotSeries, DecimationKeepsEachColumnsMinimumAndMaximum) {
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> step(0.0f, 2.0f), value(-5.0f, 5.0f);
  std::uniform_int_distribution<int> coin(0, 99);
  const int n = 200000;
  std::vector<float> xs(n), ys(n);
  float x = 0.0f;
  for (int i = 0; i < n; ++i) {
    x += step(rng);
    xs[i] = x;
    ys[i] = coin(rng) == 0 ? kNaN : value(rng);  // 1% gaps
  }
  const double lo = xs[n / 10], hi = xs[n / 2] + 0.5;
  ys[n / 10 - 1] = 0.5f;  // the neighbours beyond each end are finite, so both are kept
  ys[std::upper_bound(xs.begin(), xs.end(), hi, [](double a, float b) { return a < b; }) - xs.begin()] = 0.5f;
  for (int columns : {1, 97, 640, 4000}) {
    const XYSeries d = decimate_minmax(xs.data(), ys.data(), n, lo, hi, columns);
    std::map<int, std::pair<float, float>> brute, got;  // column -> (min, max)
    auto include = [](std::map<int, std::pair<float, float>>& m, int c, float y) {
      auto [it, fresh] = m.try_emplace(c, y, y);
      if (!fresh) it->second = {std::min(it->second.first, y), std::max(it->second.second, y)};
    };
    for (int i = 0; i < n; ++i)
      if (xs[i] >= lo && xs[i] <= hi && std::isfinite(ys[i])) include(brute, column_of(xs[i], lo, hi, columns), ys[i]);
    int outside = 0;
    for (size_t i = 0; i < d.xs.size(); ++i) {
      if (std::isnan(d.xs[i])) continue;
      if (d.xs[i] < lo || d.xs[i] > hi) {
        ++outside;  // the neighbours that carry the line to the edges
        continue;
      }
      include(got, column_of(d.xs[i], lo, hi, columns), d.ys[i]);
    }
    EXPECT_EQ(got, brute) << columns << " columns";
    EXPECT_EQ(outside, 2);
    EXPECT_LE(d.xs.size(), 2u * columns + 2u + 2u * columns);  // points, neighbours, breaks
  }
}

TEST(PlotSeries, MillionPointsReduceToTwoPerColumn) {
  const int n = 1000000;
  std::vector<float> ys(n);
  for (int i = 0; i < n; ++i) ys[i] = std::sin(i * 0.001f) + 0.1f * std::sin(i * 1.7f);
  const XYSeries d = decimate_minmax(nullptr, ys.data(), n, 0.0, n - 1.0, 1000);
  EXPECT_LE(d.xs.size(), 2000u);
  EXPECT_GE(d.xs.size(), 1000u);
  EXPECT_EQ(d.xs.size(), d.ys.size());
}

TEST(PlotSeries, NonFiniteValuesBreakTheLineInsteadOfReachingInfinity) {
  std::vector<float> xs(100), ys(100);
  for (int i = 0; i < 100; ++i) {
    xs[i] = static_cast<float>(i);
    ys[i] = (i >= 40 && i < 60) ? (i % 2 ? kNaN : std::numeric_limits<float>::infinity()) : 1.0f;
  }
  const XYSeries d = decimate_minmax(xs.data(), ys.data(), 100, 0.0, 99.0, 100);
  int breaks = 0;
  for (size_t i = 0; i < d.xs.size(); ++i) {
    if (std::isnan(d.xs[i])) {
      ++breaks;
      ASSERT_GT(i, 0u);
      ASSERT_LT(i + 1, d.xs.size());
      EXPECT_LT(d.xs[i - 1], 40.0f);  // the line stops before the gap ...
      EXPECT_GE(d.xs[i + 1], 60.0f);  // ... and starts again after it
    } else {
      EXPECT_TRUE(std::isfinite(d.ys[i]));
    }
  }
  EXPECT_EQ(breaks, 1);
}

TEST(PlotContour, ConeIsolineLiesOnTheCircleAndCloses) {
  const int n = 41;
  const float c = 20.0f, radius = 12.5f;
  std::vector<float> field(n * n);
  for (int j = 0; j < n; ++j)
    for (int i = 0; i < n; ++i) field[j * n + i] = std::hypot(i - c, j - c);
  const std::vector<Segment> segs = marching_squares(field.data(), n, n, radius);
  ASSERT_GT(segs.size(), 40u);
  std::map<std::pair<long, long>, int> ends;  // end points, rounded, and how often they occur
  for (const Segment& s : segs) {
    // Linear interpolation of a distance along an edge is off by at most h²/(8r) ≈ 0.01.
    EXPECT_NEAR(std::hypot(s.x0 - c, s.y0 - c), radius, 0.02f);
    EXPECT_NEAR(std::hypot(s.x1 - c, s.y1 - c), radius, 0.02f);
    ++ends[{std::lround(s.x0 * 1e4f), std::lround(s.y0 * 1e4f)}];
    ++ends[{std::lround(s.x1 * 1e4f), std::lround(s.y1 * 1e4f)}];
  }
  for (const auto& [p, count] : ends) EXPECT_EQ(count, 2) << "open end at " << p.first << ", " << p.second;
}

TEST(PlotContour, PeakInThreeByThreeGridGivesADiamond) {
  const float field[9] = {0, 0, 0, 0, 1, 0, 0, 0, 0};
  const std::vector<Segment> segs = marching_squares(field, 3, 3, 0.5f);
  ASSERT_EQ(segs.size(), 4u);  // one per cell, each cutting off the centre corner
  std::map<std::pair<float, float>, int> ends;
  for (const Segment& s : segs) {
    ++ends[{s.x0, s.y0}];
    ++ends[{s.x1, s.y1}];
  }
  const std::map<std::pair<float, float>, int> expect = {
      {{0.5f, 1.0f}, 2}, {{1.5f, 1.0f}, 2}, {{1.0f, 0.5f}, 2}, {{1.0f, 1.5f}, 2}};
  EXPECT_EQ(ends, expect);
}

TEST(PlotContour, SaddleIsResolvedByTheCentreValue) {
  // Corners (0,0) and (1,1) high, the others low; the centre (mean) is 1.
  const float field[4] = {2, 0, 0, 2};
  auto near_corner = [](const Segment& s, float cx, float cy) {
    const float mx = 0.5f * (s.x0 + s.x1), my = 0.5f * (s.y0 + s.y1);
    return std::hypot(mx - cx, my - cy) < 0.5f;
  };
  // Level 0.5: the centre is inside, the high corners join, the low corners are cut off.
  const std::vector<Segment> low = marching_squares(field, 2, 2, 0.5f);
  ASSERT_EQ(low.size(), 2u);
  EXPECT_TRUE((near_corner(low[0], 1, 0) && near_corner(low[1], 0, 1)) ||
              (near_corner(low[0], 0, 1) && near_corner(low[1], 1, 0)));
  // Level 1.5: the centre is outside, the high corners are cut off each on its own.
  const std::vector<Segment> high = marching_squares(field, 2, 2, 1.5f);
  ASSERT_EQ(high.size(), 2u);
  EXPECT_TRUE((near_corner(high[0], 0, 0) && near_corner(high[1], 1, 1)) ||
              (near_corner(high[0], 1, 1) && near_corner(high[1], 0, 0)));
  EXPECT_NEAR(high[0].x0 + high[0].y0 + high[0].x1 + high[0].y1, high[0].x0 < 0.5f ? 0.5f : 3.5f, 1e-6);
}

}  // namespace
}  // namespace bnlab::plot
