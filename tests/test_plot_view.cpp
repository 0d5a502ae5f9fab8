// What this file is: Begin/items/End through a canvas that only counts what it is asked to
// draw: fitting the axes, gaps for non-finite values, a 10^6-point line drawn with a bounded
// number of points, per-id view state, and the CSV of exactly the data drawn.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>
#include <vector>

#include "plot/plot.h"
#include "plot/series.h"

namespace bnlab::plot {
namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

class CountingCanvas final : public Canvas {
 public:
  int polylines = 0;
  int long_polylines = 0;  // more than the frame's 4 points: data, not grid
  long polyline_points = 0;
  long longest = 0;
  int texts = 0;
  int fills = 0;
  std::vector<std::string> strings;
  float char_width = 0.55f;  // of the text height

  void polyline(const Vec2* p, int n, Color, float, bool) override {
    for (int i = 0; i < n; ++i) EXPECT_TRUE(std::isfinite(p[i].x) && std::isfinite(p[i].y));
    ++polylines;
    if (n > 4) ++long_polylines;
    polyline_points += n;
    longest = std::max<long>(longest, n);
  }
  void rect_filled(Rect, Color) override { ++fills; }
  void convex_filled(const Vec2*, int, Color) override { ++fills; }
  void strip_filled(const Vec2*, const Vec2*, int, Color) override { ++fills; }
  void circle_filled(Vec2, float, Color) override { ++fills; }
  void text(Vec2 p, std::string_view s, const TextStyle& style) override {
    ++texts;
    strings.emplace_back(s);
    if (style.h == HAlign::center) centred.push_back({p.x, measure_text(s, style.size).x});
  }
  struct Placed {
    float x, width;
  };
  std::vector<Placed> centred;  // x tick labels (and a title, if the spec has one)
  Vec2 measure_text(std::string_view s, float size) override {
    const float h = size > 0 ? size : 13.0f;
    return {char_width * h * static_cast<float>(s.size()), h};
  }
  void push_clip(Rect) override {}
  void pop_clip() override {}
  float default_text_size() const override { return 13.0f; }
};

const Rect kRect{0, 0, 600, 400};

class PlotView : public testing::Test {
 protected:
  void SetUp() override { ResetState(); }
  void TearDown() override { ResetState(); }
};

TEST_F(PlotView, FitsTheDataAndKeepsFixedEnds) {
  CountingCanvas canvas;
  const float xs[] = {0, 1, 2, 3, 4}, ys[] = {1, 3, 2, 5, 4};
  PlotSpec spec;
  ASSERT_TRUE(Begin(canvas, "fit", kRect, spec));
  Line("a", xs, ys, 5);
  End();
  double x0, x1, y0, y1;
  ASSERT_TRUE(ViewRange("fit", &x0, &x1, &y0, &y1));
  EXPECT_DOUBLE_EQ(x0, 0.0);
  EXPECT_DOUBLE_EQ(x1, 4.0);
  EXPECT_NEAR(y0, 1.0 - 0.05 * 4.0, 1e-9);  // 5% margin on y
  EXPECT_NEAR(y1, 5.0 + 0.05 * 4.0, 1e-9);

  spec.y_min = 0.0;
  spec.y_max = 10.0;
  ASSERT_TRUE(Begin(canvas, "fit", kRect, spec));
  Line("a", xs, ys, 5);
  End();
  ASSERT_TRUE(ViewRange("fit", &x0, &x1, &y0, &y1));
  EXPECT_DOUBLE_EQ(y0, 0.0);
  EXPECT_DOUBLE_EQ(y1, 10.0);
  EXPECT_FALSE(ViewRange("never drawn", &x0, &x1, &y0, &y1));
}

TEST_F(PlotView, XTickLabelsNeverTouchInANarrowPlot) {
  // Steps 0..1700 in a plot about as wide as a grid cell's small plots: the fewest nice ticks
  // (500, 1000, 1500) are still too many for their labels.
  const float xs[] = {0, 1700}, ys[] = {0, 1};
  int drawn = 0;
  for (float width : {70.0f, 80.0f, 90.0f, 100.0f, 120.0f, 160.0f, 600.0f}) {
    CountingCanvas canvas;
    canvas.char_width = 0.9f;  // a large font's digits
    if (!Begin(canvas, "narrow", Rect{0, 0, width, 200}, PlotSpec{.legend = false})) continue;  // too small for axes
    ++drawn;
    Line("a", xs, ys, 2);
    End();
    ASSERT_GE(canvas.centred.size(), 1u) << width;
    std::sort(canvas.centred.begin(), canvas.centred.end(), [](auto& a, auto& b) { return a.x < b.x; });
    for (size_t i = 1; i < canvas.centred.size(); ++i) {
      const auto &l = canvas.centred[i - 1], &r = canvas.centred[i];
      EXPECT_LT(l.x + l.width / 2, r.x - r.width / 2) << "width " << width << ": labels " << i - 1 << " and " << i << " touch";
    }
  }
  EXPECT_GE(drawn, 5);
}

TEST_F(PlotView, TitleLabelsAndLegendAreDrawn) {
  CountingCanvas canvas;
  const float ys[] = {1, 2, 3};
  PlotSpec spec;
  spec.title = "Training loss";
  spec.x_label = "step";
  spec.y_label = "loss";
  ASSERT_TRUE(Begin(canvas, "labels", kRect, spec));
  Line("run A", nullptr, ys, 3);
  Line("##hidden", nullptr, ys, 3);
  End();
  auto drawn = [&](const std::string& s) { return std::count(canvas.strings.begin(), canvas.strings.end(), s); };
  EXPECT_EQ(drawn("Training loss"), 1);
  EXPECT_EQ(drawn("step"), 1);
  EXPECT_EQ(drawn("loss"), 1);
  EXPECT_EQ(drawn("run A"), 1);  // the legend
  EXPECT_EQ(drawn("hidden"), 0);
  EXPECT_EQ(drawn(""), 0);
}

TEST_F(PlotView, NonFiniteValuesSplitTheLine) {
  CountingCanvas canvas;
  std::vector<float> ys(50, 1.0f);
  ys[20] = kNaN;
  ys[30] = std::numeric_limits<float>::infinity();
  ASSERT_TRUE(Begin(canvas, "gaps", kRect, PlotSpec{.legend = false}));
  Line("a", nullptr, ys.data(), 50);
  End();
  EXPECT_EQ(canvas.long_polylines, 3);  // points 0-19, 21-29, 31-49
  EXPECT_EQ(canvas.longest, 20);
}

TEST_F(PlotView, MillionPointLineDrawsAsFewPointsAsTheWidth) {
  const int n = 1000000;
  std::vector<float> xs(n), ys(n);
  for (int i = 0; i < n; ++i) {
    xs[i] = static_cast<float>(i);
    ys[i] = std::sin(i * 1e-4f) + 0.2f * std::sin(i * 0.37f);
  }
  CountingCanvas canvas;
  ASSERT_TRUE(Begin(canvas, "big", kRect, PlotSpec{}));
  Line("a", xs.data(), ys.data(), n);
  End();
  EXPECT_EQ(canvas.long_polylines, 1);
  EXPECT_GT(canvas.longest, 600);  // about two points per pixel column of a 600-wide plot
  EXPECT_LE(canvas.longest, 2 * 600);
}

TEST_F(PlotView, CsvHoldsExactlyTheSmoothedDrawnPoints) {
  CountingCanvas canvas;
  const float xs[] = {0, 1, 2, 3}, ys[] = {4, 2, 8, 6};
  const float counts[] = {1, 5, 2};
  ASSERT_TRUE(Begin(canvas, "csv", kRect, PlotSpec{}));
  Line("loss, A", xs, ys, 4, ItemStyle{.smoothing = 0.6f});
  Histogram("h", counts, 3, 0.0, 3.0);
  End();
  const std::string csv = LastPlotCsv("csv");
  std::istringstream in(csv);
  std::string line;
  std::vector<std::string> rows;
  while (std::getline(in, line)) rows.push_back(line);
  ASSERT_EQ(rows.size(), 1u + 4u + 4u + 3u);
  EXPECT_EQ(rows[0], "series,kind,x,y,value");
  EXPECT_EQ(rows[1], "\"loss, A (raw)\",line,0,4,");  // the faint raw line is drawn too
  const std::vector<float> smooth = ema_smooth(ys, 4, 0.6f);
  for (int i = 0; i < 4; ++i) {
    std::istringstream r(rows[5 + i]);
    std::string name, kind, x, y;
    std::getline(r, name, ',');
    std::getline(r, name, ',');  // the quoted name holds a comma
    std::getline(r, kind, ',');
    std::getline(r, x, ',');
    std::getline(r, y, ',');
    EXPECT_EQ(kind, "line");
    EXPECT_FLOAT_EQ(std::stof(x), xs[i]);
    EXPECT_FLOAT_EQ(std::stof(y), smooth[i]);
  }
  EXPECT_EQ(rows[9], "h,histogram,0.5,1,1");
  EXPECT_EQ(rows[11], "h,histogram,2.5,2,1");
  EXPECT_EQ(LastPlotCsv("unknown"), "");

  // Items kept out of the legend ("##...") are still named in the CSV.
  ASSERT_TRUE(Begin(canvas, "hidden", kRect, PlotSpec{}));
  Scatter("##rim train", xs, ys, 1);
  Scatter("train##points", xs, ys, 1);
  End();
  EXPECT_EQ(LastPlotCsv("hidden"), "series,kind,x,y,value\nrim train,scatter,0,4,\ntrain,scatter,0,4,\n");
}

TEST_F(PlotView, ViewStateIsKeptPerIdAndRefitsWhenAsked) {
  CountingCanvas canvas;
  const float a[] = {0, 10}, b[] = {100, 200};
  ASSERT_TRUE(Begin(canvas, "one", kRect, PlotSpec{}));
  Line("a", nullptr, a, 2);
  End();
  ASSERT_TRUE(Begin(canvas, "two", kRect, PlotSpec{}));
  Line("b", nullptr, b, 2);
  End();
  double x0, x1, y0, y1;
  ASSERT_TRUE(ViewRange("one", &x0, &x1, &y0, &y1));
  EXPECT_LT(y1, 20.0);
  ASSERT_TRUE(ViewRange("two", &x0, &x1, &y0, &y1));
  EXPECT_GT(y0, 90.0);

  // A second Begin while a plot is open is refused; End without Begin does nothing.
  ASSERT_TRUE(Begin(canvas, "one", kRect, PlotSpec{}));
  EXPECT_FALSE(Begin(canvas, "two", kRect, PlotSpec{}));
  End();
  End();
  EXPECT_FALSE(Begin(canvas, "tiny", Rect{0, 0, 20, 20}, PlotSpec{}));
}

TEST_F(PlotView, EveryItemKindRecordsAndDraws) {
  CountingCanvas canvas;
  const float xs[] = {0, 1, 2}, lo[] = {0, 1, 0}, hi[] = {1, 2, 1.5f};
  const float counts_a[] = {1, 4, 2}, counts_b[] = {2, 2, 3};
  const RidgeRow rows[] = {{counts_a, 3, -1, 1, 0}, {counts_b, 3, -1, 1, 1}};
  const int classes[] = {0, 1, 2};
  const float field[9] = {0, 0, 0, 0, 1, 0, 0, 0, 0}, level = 0.5f;
  ASSERT_TRUE(Begin(canvas, "all", kRect, PlotSpec{.log_y = false}));
  Band("band", xs, lo, hi, 3);
  Ridgeline("ridge", rows, 2, 0.8f);
  Scatter("points", xs, hi, 3, {}, classes);
  Heatmap("heat", field, 3, 3, GridBounds{0, 2, 0, 2}, 0.0f, 1.0f);
  Contour("iso", field, 3, 3, GridBounds{0, 2, 0, 2}, &level, 1);
  End();
  const std::string csv = LastPlotCsv("all");
  for (const char* kind : {",band,", ",ridgeline,", ",scatter,", ",heatmap,", ",contour,"})
    EXPECT_NE(csv.find(kind), std::string::npos) << kind;
  EXPECT_NE(csv.find("ridge,ridgeline,0,1,2\n"), std::string::npos) << csv;  // row 2, middle bin, count 2
  EXPECT_NE(csv.find("heat,heatmap,1,1,1\n"), std::string::npos);
  EXPECT_GT(canvas.fills, 9);
}

}  // namespace
}  // namespace bnlab::plot
