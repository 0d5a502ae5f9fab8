// What this file is: the plot's screen input in a headless ImGui context, frame by frame with
// scripted mouse state: the wheel zooms around the pointer, a drag pans, a double-click fits
// again, and the hover read-out finds the nearest point.
#include <gtest/gtest.h>
#include <imgui.h>

#include <cfloat>
#include <cstdio>
#include <functional>
#include <vector>

#include "plot/cairo_canvas.h"
#include "plot/imgui_canvas.h"
#include "plot/plot.h"

namespace bnlab::plot {
namespace {

class PlotInput : public testing::Test {
 protected:
  void SetUp() override {
    ResetState();
    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;
    io.DisplaySize = ImVec2(1000, 700);
    io.DeltaTime = 1.0f / 60.0f;
    unsigned char* pixels;
    int w, h;
    io.Fonts->GetTexDataAsRGBA32(&pixels, &w, &h);
    for (int i = 0; i < 100; ++i) ys_.push_back(static_cast<float>(i));
  }
  void TearDown() override {
    ImGui::DestroyContext();
    ResetState();
  }

  // One frame with the mouse at `mouse` (button down or not, wheel turned by `wheel`), drawing
  // the plot "p" in a window that fills the display.
  void frame(ImVec2 mouse, bool down, float wheel = 0.0f, bool shift = false) {
    ImGuiIO& io = ImGui::GetIO();
    io.KeyShift = shift;
    io.MousePos = mouse;
    io.MouseDown[0] = down;
    io.MouseWheel = wheel;
    ImGui::NewFrame();
    ImGui::SetNextWindowPos(ImVec2(0, 0));
    ImGui::SetNextWindowSize(ImVec2(1000, 700));
    ImGui::Begin("window", nullptr, ImGuiWindowFlags_NoDecoration);
    ImGuiCanvas canvas(ImGui::GetWindowDrawList());
    if (Begin(canvas, "p", kRect, PlotSpec{})) {
      Line("ramp", nullptr, ys_.data(), static_cast<int>(ys_.size()));
      End();
    }
    ImGui::End();
    ImGui::Render();
  }

  std::vector<double> view() {
    double x0 = 0, x1 = 0, y0 = 0, y1 = 0;
    EXPECT_TRUE(ViewRange("p", &x0, &x1, &y0, &y1));
    return {x0, x1, y0, y1};
  }

  static constexpr Rect kRect{50, 50, 850, 650};
  const ImVec2 kCentre{450, 330};
  const ImVec2 kAway{-FLT_MAX, -FLT_MAX};
  std::vector<float> ys_;
};

TEST_F(PlotInput, WheelZoomsDragPansDoubleClickFits) {
  frame(kAway, false);
  const std::vector<double> fitted = view();
  EXPECT_DOUBLE_EQ(fitted[0], 0.0);
  EXPECT_DOUBLE_EQ(fitted[1], 99.0);

  frame(kCentre, false, 1.0f);  // one notch in
  frame(kCentre, false);        // the next End() draws the zoomed view
  const std::vector<double> zoomed = view();
  EXPECT_NEAR(zoomed[1] - zoomed[0], 0.85 * 99.0, 1e-6);
  EXPECT_NEAR(zoomed[3] - zoomed[2], 0.85 * (fitted[3] - fitted[2]), 1e-6);
  EXPECT_GT(zoomed[0], fitted[0]);  // around the pointer, not the left edge

  frame(kCentre, true);                            // press ...
  frame(ImVec2(kCentre.x + 80, kCentre.y), true);  // ... and drag right: the data follows the mouse
  frame(ImVec2(kCentre.x + 80, kCentre.y), false);
  const std::vector<double> panned = view();
  EXPECT_LT(panned[0], zoomed[0]);
  EXPECT_NEAR(panned[1] - panned[0], zoomed[1] - zoomed[0], 1e-6);  // a pan keeps the span

  for (int click = 0; click < 2; ++click) {  // double-click: back to the data's extent
    frame(kCentre, true);
    frame(kCentre, false);
  }
  frame(kCentre, false);
  const std::vector<double> refit = view();
  EXPECT_DOUBLE_EQ(refit[0], 0.0);
  EXPECT_DOUBLE_EQ(refit[1], 99.0);
}

TEST_F(PlotInput, MouseOutsideThePlotChangesNothing) {
  frame(kAway, false);
  const std::vector<double> before = view();
  frame(ImVec2(950, 680), false, 3.0f);  // inside the window, outside the plot
  frame(ImVec2(950, 680), false);
  EXPECT_EQ(view(), before);
}

TEST_F(PlotInput, DragWithAModifierIsLeftToThePanel) {
  frame(kAway, false);
  const std::vector<double> before = view();
  frame(kCentre, true, 0.0f, true);
  frame(ImVec2(kCentre.x + 80, kCentre.y + 40), true, 0.0f, true);
  frame(ImVec2(kCentre.x + 80, kCentre.y + 40), false, 0.0f, true);
  EXPECT_EQ(view(), before);
}

TEST_F(PlotInput, PixelsMapToDataThroughTheOnScreenAxes) {
  frame(kAway, false);
  Rect axes;
  ASSERT_TRUE(AxesRect("p", &axes));
  EXPECT_TRUE(axes.x0 > kRect.x0 && axes.x1 < kRect.x1 && axes.y0 > kRect.y0 && axes.y1 < kRect.y1);
  double x = 0, y = 0;
  ASSERT_TRUE(PixelToData("p", Vec2{axes.x0, axes.y1}, &x, &y));  // bottom-left corner
  const std::vector<double> v = view();
  EXPECT_NEAR(x, v[0], 1e-9);
  EXPECT_NEAR(y, v[2], 1e-9);
  Vec2 p;
  ASSERT_TRUE(DataToPixel("p", 42.0, 17.0, &p));
  ASSERT_TRUE(PixelToData("p", p, &x, &y));
  EXPECT_NEAR(x, 42.0, 1e-3);
  EXPECT_NEAR(y, 17.0, 1e-3);

  // Exporting the same plot at the origin of a file leaves the on-screen mapping alone.
  std::string error;
  const std::string path = testing::TempDir() + "plot_input_export.png";
  ASSERT_TRUE(export_plot(
      path, Format::png, 400, 300, 1,
      [&](Canvas& c) {
        if (Begin(c, "p", Rect{0, 0, 400, 300}, PlotSpec{})) {
          Line("ramp", nullptr, ys_.data(), static_cast<int>(ys_.size()));
          End();
        }
      },
      &error))
      << error;
  std::remove(path.c_str());
  Rect after;
  ASSERT_TRUE(AxesRect("p", &after));
  EXPECT_EQ(after.x0, axes.x0);
  EXPECT_EQ(after.y1, axes.y1);
  EXPECT_FALSE(AxesRect("never drawn", &after));
}

}  // namespace
}  // namespace bnlab::plot
