// What this file is: the lab's action queue. A panel that asks, in the middle of a frame, for a
// reset, a new dataset and a new network changes nothing that the frame's other panels are
// reading: the actions wait for the next frame's start, and what panels read is owned for the
// whole frame. (Before the queue, a reset from the sidebar destroyed the runs and their histories
// while later panels of the same frame read them: a heap-use-after-free under AddressSanitizer.)
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <thread>

#include "lab_helpers.h"
#include "ui/headless.h"
#include "ui/lab.h"

namespace bnlab::ui {
namespace {


// A panel that does what it is told to in its draw call, and remembers what it read.
struct ProbePanel : Panel {
  std::function<void(PanelContext&)> on_draw;
  const char* key() const override { return "panel.probe"; }
  void draw(PanelContext& ctx) override {
    if (on_draw) on_draw(ctx);
  }
};

// Frames as the window runs them, until `done` or 30 s.
bool frames_until(Lab& lab, const std::function<bool()>& done) {
  for (int i = 0; i < 3000; ++i) {
    lab_frame(lab, {0, 0, 1280, 720}, "dark");
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

TEST(Lab, ResetDatasetAndNetworkChangesFromInsideAPanelWaitForTheNextFrame) {
  HeadlessImGui imgui(1280, 720, 16, false);
  Settings settings;
  Lab lab(settings);
  lab.session.start(spiral_config());
  ASSERT_TRUE(frames_until(lab, [&] { return lab.session.twins() != nullptr; })) << lab.session.error;
  lab.actions.post(act::Play{});
  ASSERT_TRUE(frames_until(lab, [&] { return lab.frame_data().a->step > 20; }));

  // The probe panel draws first; every other panel of the frame draws after it.
  auto probe = std::make_unique<ProbePanel>();
  ProbePanel* p = probe.get();
  lab.panels.insert(lab.panels.begin(), PanelEntry{std::move(probe), true});
  const uint64_t builds = lab.session.builds();
  const TwinRuns* twins_before = lab.session.twins();
  std::shared_ptr<const History> held;
  bool asked = false;
  p->on_draw = [&](PanelContext& ctx) {
    if (asked) return;
    asked = true;
    held = ctx.history_a;
    // A new network (same data: rebuilt at once when applied), then a new dataset as well
    // (loaded in the background, then rebuilt).
    Config network = ctx.session.draft();
    network.model.blocks.insert(network.model.blocks.end() - 1, network.model.blocks.front());
    Config data = network;
    data.data.dataset = "circles";
    ctx.actions.post(act::Reset{});
    ctx.actions.post(act::SetDraft{network});
    ctx.actions.post(act::Reset{});
    ctx.actions.post(act::SetDraft{data});
    ctx.actions.post(act::Reset{});
    // Nothing has happened yet: the runs this frame's panels read are still there.
    EXPECT_EQ(ctx.session.twins(), twins_before);
    EXPECT_EQ(ctx.session.builds(), builds);
  };
  lab_frame(lab, {0, 0, 1280, 720}, "dark");  // every panel drew after the probe, from the same runs
  ASSERT_TRUE(asked);
  EXPECT_EQ(lab.session.twins(), twins_before);  // still: the actions wait for the next frame
  EXPECT_FALSE(lab.actions.empty());

  // The next frames apply them: new data loads, new runs are built, with the new network.
  ASSERT_TRUE(frames_until(lab, [&] { return lab.session.builds() > builds && !lab.session.loading(); })) << lab.session.error;
  EXPECT_EQ(lab.session.config().data.dataset, "circles");
  EXPECT_EQ(lab.session.config().model.blocks.size(), 5u);
  ASSERT_TRUE(frames_until(lab, [&] { return lab.frame_data().a->step > 5; }));  // and they train
  // What the probe held outlives the runs it came from (reading it after they are gone is what
  // AddressSanitizer would catch), and the new runs have a history of their own.
  ASSERT_TRUE(held);
  held->query(History::train_loss, 1, 20, 10);
  EXPECT_NE(held.get(), lab.frame_data().history_a.get());
}

TEST(Lab, ViewActionsApplyInOrderAtTheFrameStart) {
  HeadlessImGui imgui(1280, 720, 16, false);
  Settings settings;
  Lab lab(settings);
  lab.actions.post(act::SetLayout{{"panel.curves", "panel.contours", "panel.nope"}});
  lab.actions.post(act::ToggleFocus{"panel.contours"});
  lab.actions.post(act::SetLanguage{"zh"});
  lab.actions.post(act::ToggleSidebar{});
  EXPECT_EQ(lab.shown_panels().size(), 9u);  // nothing applied yet
  lab.apply_actions();
  ASSERT_EQ(lab.shown_panels().size(), 1u);  // focus comes before the layout
  EXPECT_STREQ(lab.shown_panels()[0]->panel->key(), "panel.contours");
  lab.actions.post(act::ToggleFocus{"panel.contours"});
  lab.apply_actions();
  ASSERT_EQ(lab.shown_panels().size(), 2u);  // the layout, without the unknown panel
  EXPECT_STREQ(lab.shown_panels()[1]->panel->key(), "panel.contours");
  EXPECT_EQ(settings.language, "zh");
  EXPECT_FALSE(settings.sidebar);
}

TEST(Lab, GridCellsFillTheAreaWithoutOverlap) {
  for (int n = 1; n <= 9; ++n) {
    const std::vector<PanelRect> cells = grid_cells(n, 10, 20, 1280, 600);
    ASSERT_EQ(cells.size(), static_cast<size_t>(n));
    float area = 0;
    for (const PanelRect& c : cells) {
      area += c.w * c.h;
      EXPECT_GE(c.x, 10.0f);
      EXPECT_LE(c.x + c.w, 1290.01f);
      EXPECT_LE(c.y + c.h, 620.01f);
    }
    EXPECT_NEAR(area, 1280.0f * 600.0f, 1.0f) << n;
  }
  const std::vector<PanelRect> two = grid_cells(2, 0, 0, 1280, 560);
  EXPECT_EQ(two[0].w, 640.0f);  // side by side on a wide screen
  EXPECT_EQ(two[0].h, 560.0f);
}

}  // namespace
}  // namespace bnlab::ui
