// What this file is: the lecture's size requirement, checked on every shipped scene. On a
// projector at 1280x720 a plot smaller than 500x300 pixels is unreadable from the back of the
// room, so on every step whose layout has at most two panels (two cells side by side) each
// plot drawn must be at least that big: a panel with several plots shows one at a time there.
#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

#include "scene/render.h"
#include "ui/lab.h"

namespace bnlab {
namespace {

namespace fs = std::filesystem;

constexpr float kMinPlotWidth = 500.0f, kMinPlotHeight = 300.0f;

struct TempDir {
  fs::path path = fs::temp_directory_path() / ("bnlab-sizes-" + std::to_string(::getpid()) + "-" + std::to_string(rand()));
  TempDir() { fs::create_directories(path); }
  ~TempDir() { fs::remove_all(path); }
};

// Each scene is rendered once per language; CSV lays the page out as a PNG would (the same
// draw_page through a cairo canvas) without encoding images.
TEST(PanelSizes, EveryPlotOfATwoPanelStepIsAtLeast500By300AtTheProjectorsSize) {
  const std::vector<Scene> scenes = load_all_scenes(ui::scenes_dir(), ui::examples_dir());
  ASSERT_GE(scenes.size(), 8u);
  for (const Scene& scene : scenes)
    for (const char* lang : {"en", "zh"}) {
      TempDir dir;
      RenderOptions o;
      o.out_dir = dir.path.string();
      o.langs = {lang};
      o.theme = "projector";
      o.format = "csv";
      o.width = 1280;
      o.height = 720;
      const std::vector<RenderedStep> steps = render_scene(scene, o);
      ASSERT_EQ(steps.size(), scene.steps.size()) << scene.id;
      for (size_t k = 0; k < steps.size(); ++k) {
        if (scene.steps[k].layout.size() > 2) continue;
        EXPECT_FALSE(steps[k].plots.empty()) << steps[k].path;
        for (const DrawnPlot& p : steps[k].plots) {
          std::ostringstream where;
          where << scene.id << " (" << lang << ") step " << k + 1 << " \"" << scene.steps[k].id << "\": plot " << p.id
                << " is " << p.rect.width() << "x" << p.rect.height();
          EXPECT_GE(p.rect.width(), kMinPlotWidth) << where.str();
          EXPECT_GE(p.rect.height(), kMinPlotHeight) << where.str();
        }
      }
    }
}

}  // namespace
}  // namespace bnlab
