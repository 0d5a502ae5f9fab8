// What this file is: where End() puts things, through a canvas that records every text box:
// equal scales on both axes, legends in small plots, and tick labels that stay inside the plot
// and never overlap one another (the x axis's last label, a heatmap's colour bar).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "plot/plot.h"

namespace bnlab::plot {
namespace {

// Records the box of every text it is asked to draw, laid out as the real canvases do: `pos`
// is the anchor that the alignment refers to; vertical text turns its box on its side.
class BoxCanvas final : public Canvas {
 public:
  struct Placed {
    std::string text;
    Rect box;
  };
  std::vector<Placed> texts;
  float char_width = 0.55f;  // of the text height
  float text_size = 13.0f;
  bool on_screen = false;  // interactive: the axes are kept for PixelToData

  void polyline(const Vec2*, int, Color, float, bool) override {}
  void rect_filled(Rect, Color) override {}
  void convex_filled(const Vec2*, int, Color) override {}
  void strip_filled(const Vec2*, const Vec2*, int, Color) override {}
  void circle_filled(Vec2, float, Color) override {}
  void text(Vec2 p, std::string_view s, const TextStyle& style) override {
    const Vec2 m = measure_text(s, style.size);
    const float w = style.vertical ? m.y : m.x, h = style.vertical ? m.x : m.y;
    // Along the reading direction and across it; for vertical text the reading runs up the screen.
    const float fh = style.h == HAlign::left ? 0.0f : style.h == HAlign::center ? 0.5f : 1.0f;
    const float fv = style.v == VAlign::top ? 0.0f : style.v == VAlign::middle ? 0.5f : 1.0f;
    Rect box;
    if (style.vertical) {
      box.x0 = p.x - fv * w;
      box.y0 = p.y - (1.0f - fh) * h;
    } else {
      box.x0 = p.x - fh * w;
      box.y0 = p.y - fv * h;
    }
    box.x1 = box.x0 + w;
    box.y1 = box.y0 + h;
    texts.push_back({std::string(s), box});
  }
  Vec2 measure_text(std::string_view s, float size) override {
    const float h = size > 0 ? size : text_size;
    return {char_width * h * static_cast<float>(s.size()), h};
  }
  void push_clip(Rect) override {}
  void pop_clip() override {}
  float default_text_size() const override { return text_size; }
  bool interactive() const override { return on_screen; }

  // Texts that are `name`, or `name` with its middle elided ("A (…) 1"), as a narrow legend draws it.
  int count_shown(const std::string& name) const {
    return static_cast<int>(std::count_if(texts.begin(), texts.end(), [&](const Placed& p) {
      const size_t dots = p.text.find("…");
      if (dots == std::string::npos) return p.text == name;
      const std::string head = p.text.substr(0, dots), tail = p.text.substr(dots + std::string("…").size());
      return dots > 0 && name.size() > head.size() + tail.size() && name.compare(0, head.size(), head) == 0 &&
             name.compare(name.size() - tail.size(), tail.size(), tail) == 0;
    }));
  }
  int count(const std::string& s) const {
    return static_cast<int>(std::count_if(texts.begin(), texts.end(), [&](const Placed& p) { return p.text == s; }));
  }
};

class PlotLayout : public testing::Test {
 protected:
  void SetUp() override { ResetState(); }
  void TearDown() override { ResetState(); }
};

// A circle of radius 1 around the origin, as a parametric line.
void unit_circle(std::vector<float>* xs, std::vector<float>* ys) {
  for (int i = 0; i <= 64; ++i) {
    xs->push_back(std::cos(i * 2.0f * 3.14159265f / 64));
    ys->push_back(std::sin(i * 2.0f * 3.14159265f / 64));
  }
}

// Pixels per data unit along x and along y, measured through PixelToData.
void pixels_per_unit(const std::string& id, double* along_x, double* along_y) {
  Rect axes;
  ASSERT_TRUE(AxesRect(id, &axes));
  double xa = 0, ya = 0, xb = 0, yb = 0;
  ASSERT_TRUE(PixelToData(id, Vec2{axes.x0, axes.y1}, &xa, &ya));
  ASSERT_TRUE(PixelToData(id, Vec2{axes.x1, axes.y0}, &xb, &yb));
  *along_x = axes.width() / (xb - xa);
  *along_y = axes.height() / (yb - ya);
}

TEST_F(PlotLayout, EqualAspectGivesADataUnitTheSamePixelsOnBothAxes) {
  std::vector<float> xs, ys;
  unit_circle(&xs, &ys);
  for (const Rect rect : {Rect{0, 0, 800, 300}, Rect{0, 0, 300, 700}, Rect{40, 30, 640, 430}}) {
    for (bool title : {false, true}) {
      BoxCanvas canvas;
      canvas.on_screen = true;
      PlotSpec spec;
      if (title) spec.title = "loss contours";
      spec.x_label = "w1";
      spec.y_label = "w2";
      spec.x_min = -1.5;  // the contour panel's fixed window: square in data
      spec.x_max = 1.5;
      spec.y_min = -1.5;
      spec.y_max = 1.5;
      spec.equal_aspect = true;
      ASSERT_TRUE(Begin(canvas, "eq", rect, spec));
      Line("circle", xs.data(), ys.data(), static_cast<int>(xs.size()));
      End();
      double px_x = 0, px_y = 0;
      pixels_per_unit("eq", &px_x, &px_y);
      EXPECT_NEAR(px_x / px_y, 1.0, 1e-4) << rect.width() << "x" << rect.height();
      // The shorter range widened around its centre: the whole window still shows.
      double x0, x1, y0, y1;
      ASSERT_TRUE(ViewRange("eq", &x0, &x1, &y0, &y1));
      EXPECT_LE(x0, -1.5 + 1e-9);
      EXPECT_GE(x1, 1.5 - 1e-9);
      EXPECT_LE(y0, -1.5 + 1e-9);
      EXPECT_GE(y1, 1.5 - 1e-9);
      EXPECT_NEAR(x0 + x1, 0.0, 1e-9);
      EXPECT_NEAR(y0 + y1, 0.0, 1e-9);
      EXPECT_TRUE(std::abs(x1 - 1.5) < 1e-9 || std::abs(y1 - 1.5) < 1e-9);  // only one axis widens
    }
  }
  // Without it, the same window stretches to the rectangle: a unit is longer on x.
  BoxCanvas canvas;
  canvas.on_screen = true;
  PlotSpec spec;
  spec.x_min = spec.y_min = -1.5;
  spec.x_max = spec.y_max = 1.5;
  ASSERT_TRUE(Begin(canvas, "stretched", Rect{0, 0, 800, 300}, spec));
  Line("circle", xs.data(), ys.data(), static_cast<int>(xs.size()));
  End();
  double px_x = 0, px_y = 0;
  pixels_per_unit("stretched", &px_x, &px_y);
  EXPECT_GT(px_x / px_y, 2.0);
}

TEST_F(PlotLayout, TwoOrMoreNamedSeriesAlwaysShowTheirLegend) {
  const float ys_a[] = {2.3f, 1.2f, 0.8f, 0.6f}, ys_b[] = {2.3f, 1.8f, 1.5f, 1.3f};
  struct Case {
    Rect rect;
    float text_size;
    int series;
  };
  // A grid cell's small plot, the same at a projector's font size, a wide short strip, many runs.
  for (const Case c : {Case{{0, 0, 240, 150}, 13, 2}, Case{{0, 0, 320, 200}, 27, 2}, Case{{0, 0, 600, 110}, 13, 3},
                       Case{{0, 0, 300, 220}, 13, 8}}) {
    BoxCanvas canvas;
    canvas.text_size = c.text_size;
    PlotSpec spec;
    spec.title = "loss";
    spec.x_label = "step";
    ASSERT_TRUE(Begin(canvas, "legend", c.rect, spec));
    std::vector<std::string> names;
    for (int i = 0; i < c.series; ++i) {
      names.push_back((i % 2 ? "B (plain) " : "A (with BN) ") + std::to_string(i / 2 + 1));
      Line(names.back(), nullptr, i % 2 ? ys_b : ys_a, 4);
    }
    Line("##smoothed ghost", nullptr, ys_b, 4);
    End();
    for (const std::string& name : names)
      EXPECT_EQ(canvas.count_shown(name), 1)
          << name << " in " << c.rect.width() << "x" << c.rect.height() << " at " << c.text_size;
    EXPECT_EQ(canvas.count("smoothed ghost"), 0);
    EXPECT_EQ(canvas.count("##smoothed ghost"), 0);
    // Inside the plot.
    for (const auto& p : canvas.texts) {
      EXPECT_GE(p.box.x0, c.rect.x0) << p.text;
      EXPECT_LE(p.box.x1, c.rect.x1) << p.text;
      EXPECT_GE(p.box.y0, c.rect.y0) << p.text;
      EXPECT_LE(p.box.y1, c.rect.y1) << p.text;
    }
    // Every name keeps its last character, where "1" and "2" tell the runs' blocks apart.
    EXPECT_EQ(canvas.count_shown("A (with BN) 1"), 1);
  }
  // A plot that asks for no legend gets none.
  BoxCanvas canvas;
  ASSERT_TRUE(Begin(canvas, "none", Rect{0, 0, 600, 400}, PlotSpec{.legend = false}));
  Line("A", nullptr, ys_a, 4);
  Line("B", nullptr, ys_b, 4);
  End();
  EXPECT_EQ(canvas.count("A") + canvas.count("B"), 0);
}

// Every text inside `rect`, and no two texts overlapping (touching is allowed).
void expect_clear(const BoxCanvas& canvas, Rect rect, const std::string& what) {
  constexpr float kSlack = 0.01f;
  for (const auto& p : canvas.texts) {
    EXPECT_GE(p.box.x0, rect.x0 - kSlack) << what << ": '" << p.text << "' clipped on the left";
    EXPECT_LE(p.box.x1, rect.x1 + kSlack) << what << ": '" << p.text << "' clipped on the right";
    EXPECT_GE(p.box.y0, rect.y0 - kSlack) << what << ": '" << p.text << "' clipped at the top";
    EXPECT_LE(p.box.y1, rect.y1 + kSlack) << what << ": '" << p.text << "' clipped at the bottom";
  }
  for (size_t i = 0; i < canvas.texts.size(); ++i) {
    for (size_t j = i + 1; j < canvas.texts.size(); ++j) {
      const Rect a = canvas.texts[i].box, b = canvas.texts[j].box;
      const bool apart =
          a.x1 <= b.x0 + kSlack || b.x1 <= a.x0 + kSlack || a.y1 <= b.y0 + kSlack || b.y1 <= a.y0 + kSlack;
      EXPECT_TRUE(apart) << what << ": '" << canvas.texts[i].text << "' overlaps '" << canvas.texts[j].text << "'";
    }
  }
}

TEST_F(PlotLayout, TheLastXTickLabelIsNeverClipped) {
  // Steps 0..2000: a tick, and its label "2000", sit on the axes' right end, half the label
  // past it. Likewise "-1500" on the left end, beside y labels as narrow as "0" and "1".
  const float xs[] = {0, 2000}, ys[] = {0, 1}, left_xs[] = {-1500, 0};
  int drawn = 0;
  for (float width : {160.0f, 240.0f, 300.0f, 420.0f, 640.0f}) {
    for (float ts : {13.0f, 20.0f, 27.0f}) {
      for (const float* x : {xs, left_xs}) {
        BoxCanvas canvas;
        canvas.text_size = ts;
        const Rect rect{0, 0, width, 240};
        if (!Begin(canvas, "ends", rect, PlotSpec{.legend = false})) continue;
        Line("a", x, ys, 2);
        End();
        ++drawn;
        // The end tick is labelled (not thinned away) whenever it is the only label.
        EXPECT_GE(canvas.texts.size(), 3u);
        expect_clear(canvas, rect, std::to_string(static_cast<int>(width)) + " wide at " + std::to_string(ts));
      }
    }
  }
  EXPECT_GE(drawn, 25);
}

TEST_F(PlotLayout, TickLabelsNeverOverlapEvenWithALargeFontInASmallPlot) {
  // The γ/β panel's heatmap at 1280×720 in the projector theme with a large font: its cells are
  // a few hundred pixels, the font 27 pixels; a change of ±0.02 around γ = 1 on the colour bar.
  std::vector<float> values(64 * 16);
  for (size_t i = 0; i < values.size(); ++i) values[i] = 1.0f + 0.02f * std::sin(static_cast<float>(i) * 0.1f);
  const float xs[] = {0, 2000}, ys[] = {0.25f, 2.5f};
  int drawn = 0;
  for (const Rect rect : {Rect{0, 0, 200, 140}, Rect{0, 0, 320, 180}, Rect{0, 0, 400, 260}, Rect{0, 0, 640, 360}}) {
    for (float ts : {13.0f, 20.0f, 27.0f}) {
      for (bool heatmap : {true, false}) {
        BoxCanvas canvas;
        canvas.text_size = ts;
        PlotSpec spec;
        spec.title = "γ · A 2";
        spec.x_label = "step";
        spec.y_label = heatmap ? "feature" : "loss";
        if (!Begin(canvas, "crowded", rect, spec)) continue;
        if (heatmap)
          Heatmap("γ", values.data(), 64, 16, GridBounds{0, 2000, 0, 15}, 0.98f, 1.02f, Colormap::diverging);
        else
          Line("loss", xs, ys, 2);
        End();
        ++drawn;
        expect_clear(canvas, rect,
                     std::to_string(static_cast<int>(rect.width())) + "x" +
                         std::to_string(static_cast<int>(rect.height())) + " at " + std::to_string(ts) +
                         (heatmap ? " (heatmap)" : ""));
      }
    }
  }
  EXPECT_GE(drawn, 20);
}

TEST_F(PlotLayout, ALegendOverTinyAxesKeepsShortNamesWholeAndOverlapsNoText) {
  // Gradient flow at 1280×720 with the projector's large font: eight blocks' lines in a cell
  // whose axes are a few lines tall. The key lies over the axes, whole, and the x label it
  // covers is left out rather than drawn under it.
  const float ys[] = {1.0f, 0.5f, 0.2f};
  for (const Rect rect : {Rect{0, 0, 270, 160}, Rect{0, 0, 330, 190}}) {
    BoxCanvas canvas;
    canvas.text_size = 27;
    PlotSpec spec;
    spec.title = "Gradient flow";
    spec.x_label = "step";
    spec.y_label = "‖∇W‖";
    ASSERT_TRUE(Begin(canvas, "tiny", rect, spec));
    std::vector<std::string> names;
    for (int i = 0; i < 8; ++i) {
      names.push_back(std::string(i < 4 ? "A " : "B ") + std::to_string(i % 4 + 1));
      Line(names.back(), nullptr, ys, 3);
    }
    End();
    for (const std::string& name : names) EXPECT_EQ(canvas.count(name), 1) << name << " in " << rect.width();
    expect_clear(canvas, rect, "tiny axes " + std::to_string(static_cast<int>(rect.width())));
  }
}

TEST_F(PlotLayout, TheLegendTakesACornerThatHidesNoData) {
  // Accuracy rises at once and stays near the top, so the top right corner would hide it: the key
  // goes to the bottom right. Loss falls at once and stays near the bottom: it stays top right.
  struct Case {
    bool rising;
    bool key_low;
  };
  for (const Case c : {Case{true, true}, Case{false, false}}) {
    ResetState();
    BoxCanvas canvas;
    canvas.on_screen = true;  // keeps the view, which AxesRect reads
    canvas.text_size = 13;
    PlotSpec spec;
    spec.title = c.rising ? "accuracy" : "loss";
    ASSERT_TRUE(Begin(canvas, "corner", Rect{0, 0, 600, 400}, spec));
    std::vector<float> a(200), b(200);
    for (int i = 0; i < 200; ++i) {
      const float settle = std::exp(-i / 8.0f);
      a[i] = c.rising ? 0.9f - 0.8f * settle : 0.1f + 2.0f * settle;
      b[i] = c.rising ? 0.85f - 0.75f * settle : 0.15f + 2.0f * settle;
    }
    Line("run A", nullptr, a.data(), 200);
    Line("run B", nullptr, b.data(), 200);
    End();
    Rect axes;
    ASSERT_TRUE(AxesRect("corner", &axes));
    const float middle_y = 0.5f * (axes.y0 + axes.y1), middle_x = 0.5f * (axes.x0 + axes.x1);
    for (const std::string name : {"run A", "run B"}) {
      const auto it = std::find_if(canvas.texts.begin(), canvas.texts.end(), [&](const auto& t) { return t.text == name; });
      ASSERT_NE(it, canvas.texts.end()) << name;
      EXPECT_GT(it->box.x0, middle_x) << name << " (" << spec.title << ")";
      if (c.key_low)
        EXPECT_GT(it->box.y0, middle_y) << name << " (" << spec.title << ")";
      else
        EXPECT_LT(it->box.y1, middle_y) << name << " (" << spec.title << ")";
    }
  }
}

}  // namespace
}  // namespace bnlab::plot
