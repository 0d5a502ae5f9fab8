// What this file is: the network view's geometry (app/panels/network_layout.h): boxes in flow
// order joined by arrows, BN's switch on BN's row and on every block but the output block, the
// layers in the configured order, a compact form when the panel is short, and hit-testing that
// tells a switch from a layer row, a box of run A from one of run B, and a column header.
#include <gtest/gtest.h>

#include "panels/network_layout.h"

namespace bnlab {
namespace {

plot::Vec2 centre(const plot::Rect& r) { return {(r.x0 + r.x1) * 0.5f, (r.y0 + r.y1) * 0.5f}; }

bool inside(const plot::Rect& inner, const plot::Rect& outer) {
  return inner.x0 >= outer.x0 && inner.x1 <= outer.x1 && inner.y0 >= outer.y0 && inner.y1 <= outer.y1;
}

constexpr plot::Rect kRoomy{10, 20, 810, 420};
constexpr int kRows[3] = {static_cast<int>(LayerRow::op), static_cast<int>(LayerRow::norm),
                          static_cast<int>(LayerRow::activation)};

TEST(NetworkLayout, BoxesFollowTheFlowJoinedByArrows) {
  const NetworkLayout l = layout_network(kRoomy, 4, true, DiagramMetrics{});
  EXPECT_FALSE(l.compact);
  for (int run = 0; run < 2; ++run) {
    ASSERT_EQ(l.boxes[run].size(), 4u);
    ASSERT_EQ(l.arrows[run].size(), 5u);  // input → 1 → 2 → 3 → 4 → output
    EXPECT_FLOAT_EQ(l.arrows[run].front().from.x, l.inputs[run].x1);
    EXPECT_FLOAT_EQ(l.arrows[run].back().to.x, l.outputs[run].x0);
    for (int k = 0; k < 4; ++k) {
      const plot::Rect& box = l.boxes[run][k].box;
      EXPECT_TRUE(inside(box, kRoomy));
      EXPECT_FLOAT_EQ(l.arrows[run][k].to.x, box.x0);
      EXPECT_FLOAT_EQ(l.arrows[run][k + 1].from.x, box.x1);
      EXPECT_LT(l.arrows[run][k].from.x, l.arrows[run][k].to.x);
      for (int r : kRows) EXPECT_TRUE(inside(l.boxes[run][k].rows[r], box));
    }
    EXPECT_LT(l.labels[run].x1, l.inputs[run].x0);
    EXPECT_TRUE(inside(l.outputs[run], kRoomy));
  }
  // Run B sits below run A, block by block in the same column.
  for (int k = 0; k < 4; ++k) {
    EXPECT_GT(l.boxes[1][k].box.y0, l.boxes[0][k].box.y1);
    EXPECT_FLOAT_EQ(l.boxes[1][k].box.x0, l.boxes[0][k].box.x0);
    EXPECT_TRUE(inside(l.boxes[0][k].box, l.columns[k]));
    EXPECT_TRUE(inside(l.boxes[1][k].box, l.columns[k]));
    EXPECT_LT(l.numbers[k].y1, l.boxes[0][k].box.y0 + 0.01f);
  }
}

TEST(NetworkLayout, BoxesStopGrowingAndCentreInAWideArea) {
  DiagramMetrics m;
  m.max_box_width = 100;
  const plot::Rect wide{0, 0, 3000, 300};
  const NetworkLayout l = layout_network(wide, 2, true, m);
  EXPECT_FLOAT_EQ(l.boxes[0][0].box.width(), 100);
  const float left = l.labels[0].x0 - wide.x0, right = wide.x1 - l.outputs[0].x1;
  EXPECT_NEAR(left, right, 1.0f);
}

TEST(NetworkLayout, LayersStackInTheConfiguredOrder) {
  for (bool bn_first : {true, false}) {
    const NetworkLayout l = layout_network(kRoomy, 3, bn_first, DiagramMetrics{});
    const BlockBox& b = l.boxes[0][1];
    const float op = b.rows[static_cast<int>(LayerRow::op)].y0;
    const float norm = b.rows[static_cast<int>(LayerRow::norm)].y0;
    const float act = b.rows[static_cast<int>(LayerRow::activation)].y0;
    EXPECT_LT(op, std::min(norm, act));
    EXPECT_EQ(norm < act, bn_first) << "BN " << (bn_first ? "before" : "after") << " the activation";
  }
}

TEST(NetworkLayout, EveryBlockButTheOutputHasABnSwitchOnItsBnRow) {
  const NetworkLayout l = layout_network(kRoomy, 4, true, DiagramMetrics{});
  for (int run = 0; run < 2; ++run)
    for (int k = 0; k < 4; ++k) {
      const BlockBox& b = l.boxes[run][k];
      if (k == 3) {
        EXPECT_TRUE(is_empty(b.bn_switch));
        continue;
      }
      ASSERT_FALSE(is_empty(b.bn_switch));
      EXPECT_TRUE(inside(b.bn_switch, b.rows[static_cast<int>(LayerRow::norm)]));
    }
}

TEST(NetworkLayout, ShortAreaKeepsOnlyTheSwitchRow) {
  const DiagramMetrics m;
  const plot::Rect short_area{0, 0, 800, 3.0f * m.line_height + 8.0f * m.pad};
  const NetworkLayout l = layout_network(short_area, 3, true, m);
  EXPECT_TRUE(l.compact);
  for (int run = 0; run < 2; ++run)
    for (const BlockBox& b : l.boxes[run]) {
      EXPECT_TRUE(is_empty(b.rows[static_cast<int>(LayerRow::op)]));
      EXPECT_TRUE(is_empty(b.rows[static_cast<int>(LayerRow::activation)]));
      EXPECT_FALSE(is_empty(b.rows[static_cast<int>(LayerRow::norm)]));
      EXPECT_TRUE(inside(b.box, short_area));
    }
}

TEST(NetworkLayout, HitTestTellsSwitchRowBoxAndHeader) {
  const NetworkLayout l = layout_network(kRoomy, 4, true, DiagramMetrics{});
  // A's BN switch of block 2.
  DiagramHit h = hit_test(l, centre(l.boxes[0][1].bn_switch));
  EXPECT_EQ(h.run, 0);
  EXPECT_EQ(h.block, 1);
  EXPECT_TRUE(h.bn_switch);
  EXPECT_EQ(h.row, static_cast<int>(LayerRow::norm));
  // The left end of that row: the BN layer, not its switch.
  const plot::Rect& norm_row = l.boxes[0][1].rows[static_cast<int>(LayerRow::norm)];
  h = hit_test(l, {norm_row.x0 + 1, centre(norm_row).y});
  EXPECT_FALSE(h.bn_switch);
  EXPECT_EQ(h.row, static_cast<int>(LayerRow::norm));
  // B's activation row of block 3.
  h = hit_test(l, centre(l.boxes[1][2].rows[static_cast<int>(LayerRow::activation)]));
  EXPECT_EQ(h.run, 1);
  EXPECT_EQ(h.block, 2);
  EXPECT_EQ(h.row, static_cast<int>(LayerRow::activation));
  EXPECT_FALSE(h.bn_switch);
  // The output block's BN row has no switch to hit.
  h = hit_test(l, centre(l.boxes[0][3].rows[static_cast<int>(LayerRow::norm)]));
  EXPECT_EQ(h.block, 3);
  EXPECT_FALSE(h.bn_switch);
  // A box's padding: the block, no row.
  const plot::Rect& box = l.boxes[0][0].box;
  h = hit_test(l, {centre(box).x, box.y0 + 0.5f});
  EXPECT_EQ(h.block, 0);
  EXPECT_EQ(h.row, -1);
  // The number above column 4 selects the block for neither run in particular.
  h = hit_test(l, centre(l.numbers[3]));
  EXPECT_EQ(h.run, -1);
  EXPECT_EQ(h.block, 3);
  // An arrow between boxes, and the input tag, hit nothing.
  const plot::Vec2 mid{(l.arrows[0][2].from.x + l.arrows[0][2].to.x) * 0.5f, l.arrows[0][2].from.y};
  EXPECT_EQ(hit_test(l, mid).block, -1);
  EXPECT_EQ(hit_test(l, centre(l.inputs[0])).block, -1);
}

TEST(NetworkLayout, NoBlocksNoBoxes) {
  const NetworkLayout l = layout_network(kRoomy, 0, true, DiagramMetrics{});
  EXPECT_TRUE(l.boxes[0].empty());
  EXPECT_EQ(hit_test(l, centre(kRoomy)).block, -1);
}

}  // namespace
}  // namespace bnlab
