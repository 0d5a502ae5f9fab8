// What this file is: the lecture's size requirement. On a projector at 1280x720 a plot smaller
// than 500x300 pixels is unreadable from the back of the room, so a panel with several plots
// shows them all only where each gets that much (in lines of text: the projector's is 24 px),
// and otherwise one at a time. Checked here on the rule itself (plot_grid); test_scene_render
// checks every shipped scene's pages (each plot of a one- or two-panel step at least 500x300).
#include <gtest/gtest.h>
#include <imgui.h>

#include "panels/plot_grid.h"
#include "ui/headless.h"

namespace bnlab {
namespace {

// arrange_plots in a window of `width` x `height` lines of text with no padding, so the area
// for plots is exactly that.
PlotGrid arrange_in(float width, float height, int count, float first_share = 0.5f) {
  ImGui::NewFrame();
  const float line = ImGui::GetFontSize();
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(0, 0));
  ImGui::SetNextWindowPos(ImVec2(0, 0));
  ImGui::SetNextWindowSize(ImVec2(width * line, height * line));
  ImGui::Begin("cell", nullptr, ImGuiWindowFlags_NoDecoration);
  const PlotGrid grid = arrange_plots(count, first_share);
  ImGui::End();
  ImGui::PopStyleVar();
  ImGui::EndFrame();
  return grid;
}

TEST(PanelSizes, APanelShowsAllItsPlotsOnlyWhereEachIsLegible) {
  ui::HeadlessImGui imgui(4000, 4000, 16, false);
  // One of two panels side by side at the projector's 1280x720 (24-pixel text): 26 x 21 lines.
  EXPECT_FALSE(arrange_in(26, 21, 2).all());
  // The whole width: side by side.
  const PlotGrid wide = arrange_in(53, 21, 2);
  ASSERT_TRUE(wide.all());
  EXPECT_EQ(wide.columns, 2);
  EXPECT_EQ(wide.rects[0].y0, wide.rects[1].y0);
  // Tall enough for two but not wide enough: stacked.
  const PlotGrid tall = arrange_in(40, 30, 2);
  ASSERT_TRUE(tall.all());
  EXPECT_EQ(tall.columns, 1);
  EXPECT_GT(tall.rects[1].y0, tall.rects[0].y1);
  // A first column that asks for 60% still leaves the second its minimum.
  const PlotGrid shared = arrange_in(43, 21, 2, 0.6f);
  ASSERT_TRUE(shared.all());
  EXPECT_GE(shared.rects[1].width(), kMinPlotWidthInLines * ImGui::GetFontSize() - 0.01f);
  // γ/β's four: two rows of two where they fit, as before.
  const PlotGrid four = arrange_in(60, 30, 4, 0.6f);
  ASSERT_TRUE(four.all());
  EXPECT_EQ(four.columns, 2);
  EXPECT_EQ(four.rows, 2);
  for (const plot::Rect& r : four.rects) {
    EXPECT_GE(r.width(), kMinPlotWidthInLines * ImGui::GetFontSize() - 0.01f);
    EXPECT_GE(r.height(), kMinPlotHeightInLines * ImGui::GetFontSize() - 0.01f);
  }
}

}  // namespace
}  // namespace bnlab
