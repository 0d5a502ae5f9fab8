// What this file is: the window under Xvfb (120 frames of the default view while training: it
// exits 0 and its screenshot is not blank; partial redraws leave the same picture as drawing from
// scratch), and the UI text: English and Chinese have the same keys, and every key the code asks
// for exists.
#include <cairo.h>
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "test_paths.h"
#include "test_helpers.h"

namespace {

namespace fs = std::filesystem;

TEST(Gui, RunsUnderXvfbAndDrawsSomething) {
  const fs::path dir = fs::temp_directory_path() / ("bnlab_gui_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const std::string png = (dir / "shot.png").string();
  int code = -1;
  // A private HOME and XDG_CONFIG_HOME: the test never touches the user's settings. Under
  // AddressSanitizer, leak checking is off for the window: Mesa's driver is unloaded at exit and
  // its allocations cannot be told apart from ours (the core's leaks are checked elsewhere).
  const std::string out = bnlab::run_command("cd " + dir.string() + " && HOME=" + dir.string() + " XDG_CONFIG_HOME=" + dir.string() +
                                  " ASAN_OPTIONS=detect_leaks=0" +
                                  " xvfb-run -a -s '-screen 0 1280x720x24' " + BNLAB_EXE +
                                  " gui --frames 120 --train --size 1280x720 --screenshot " + png,
                              &code);
  ASSERT_EQ(code, 0) << out;
  cairo_surface_t* s = cairo_image_surface_create_from_png(png.c_str());
  ASSERT_EQ(cairo_surface_status(s), CAIRO_STATUS_SUCCESS) << out;
  EXPECT_EQ(cairo_image_surface_get_width(s), 1280);
  EXPECT_EQ(cairo_image_surface_get_height(s), 720);
  // Not blank: many distinct colours, not one background.
  const unsigned char* data = cairo_image_surface_get_data(s);
  const int stride = cairo_image_surface_get_stride(s);
  std::set<uint32_t> colours;
  for (int y = 0; y < 720; y += 3)
    for (int x = 0; x < 1280; x += 3) colours.insert(reinterpret_cast<const uint32_t*>(data + y * stride)[x]);
  EXPECT_GT(colours.size(), 20u);
  cairo_surface_destroy(s);
  fs::remove_all(dir);
}

// Each frame redraws only the windows that changed and keeps the rest of the last frame in the
// back buffer (app/ui/partial_redraw.h). --check-redraw builds every window on the last frame,
// draws what changed as usual, and counts the pixels that differ from drawing it all from
// scratch: training (panels change every frame) and paused (nothing changes).
TEST(Gui, PartialRedrawsLeaveTheSamePictureAsDrawingFromScratch) {
  const fs::path dir = fs::temp_directory_path() / ("bnlab_redraw_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  for (const std::string run : {" --train", ""}) {
    int code = -1;
    const std::string out = bnlab::run_command("HOME=" + dir.string() + " XDG_CONFIG_HOME=" + dir.string() +
                                               " ASAN_OPTIONS=detect_leaks=0 xvfb-run -a -s '-screen 0 1280x720x24' " + BNLAB_EXE +
                                               " gui --frames 60 --size 1280x720 --check-redraw" + run + " 2>&1",
                                               &code);
    ASSERT_EQ(code, 0) << out;
    const size_t at = out.find("{\"redraw_check\"");
    ASSERT_NE(at, std::string::npos) << out;
    const auto check = nlohmann::json::parse(out.substr(at, out.find('\n', at) - at))["redraw_check"];
    EXPECT_EQ(check["pixels"].get<int>(), 1280 * 720);
    // Under Xvfb the back buffer survives the swap, so the frame was partial: not every window
    // was drawn again (a menu bar, a sidebar, nine panels and a status bar: 12).
    EXPECT_TRUE(check["partial"].get<bool>()) << out;
    EXPECT_LT(check["tiles_drawn"].get<int>(), 12) << out;
    EXPECT_EQ(check["differing"].get<int>(), 0) << "run:" << run << "\n" << out;
  }
  fs::remove_all(dir);
}

// --versus-idle alternates phases that draw and phases that do not, and compares the runs'
// steps/s in both; both kinds of phase must have happened and the runs trained in each.
TEST(Gui, VersusIdleMeasuresTrainingWithAndWithoutDrawing) {
  const fs::path dir = fs::temp_directory_path() / ("bnlab_versus_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  int code = -1;
  const std::string out = bnlab::run_command("HOME=" + dir.string() + " XDG_CONFIG_HOME=" + dir.string() +
                                             " ASAN_OPTIONS=detect_leaks=0 xvfb-run -a -s '-screen 0 1280x720x24' " + BNLAB_EXE +
                                             " gui --frames 40 --size 1280x720 --train --frame-stats --versus-idle 2>&1",
                                             &code);
  ASSERT_EQ(code, 0) << out;
  const size_t at = out.find("{\"versus_idle\"");
  ASSERT_NE(at, std::string::npos) << out;
  const auto v = nlohmann::json::parse(out.substr(at, out.find('\n', at) - at))["versus_idle"];
  ASSERT_TRUE(v.is_object()) << out;
  EXPECT_GE(v["phases"].get<int>(), 2);
  EXPECT_GT(v["drawing_steps_per_s_a"].get<double>(), 0.0);
  EXPECT_GT(v["idle_steps_per_s_a"].get<double>(), 0.0);
  // The rates are printed to 0.1 step/s (a sanitizer build trains at a few dozen), the ratio to 4 places.
  const double drawing = v["drawing_steps_per_s_a"].get<double>(), idle = v["idle_steps_per_s_a"].get<double>();
  EXPECT_NEAR(v["ratio_a"].get<double>(), drawing / idle, 0.0005 + 0.1 / idle);
  fs::remove_all(dir);
}

TEST(Gui, EveryLanguageHasEveryKey) {
  const std::string assets = std::string(BNLAB_SOURCE_DIR) + "/assets/i18n/";
  std::set<std::string> keys[2];
  int i = 0;
  for (const char* lang : {"en", "zh"}) {
    std::ifstream in(assets + lang + ".json");
    ASSERT_TRUE(in) << lang;
    const auto j = nlohmann::json::parse(in);
    for (auto it = j.begin(); it != j.end(); ++it) {
      keys[i].insert(it.key());
      EXPECT_FALSE(it.value().get<std::string>().empty()) << lang << " " << it.key();
    }
    ++i;
  }
  EXPECT_EQ(keys[0], keys[1]);
  // Every literal key passed to tr("...") or tr_id("...") in app/ is in the tables.
  int checked = 0;
  for (const auto& entry : fs::recursive_directory_iterator(std::string(BNLAB_SOURCE_DIR) + "/app")) {
    if (entry.path().extension() != ".cpp" && entry.path().extension() != ".h") continue;
    std::ifstream in(entry.path());
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string src = ss.str();
    for (const std::string call : {"tr(\"", "tr_id(\""})
      for (size_t at = src.find(call); at != std::string::npos; at = src.find(call, at + 1)) {
        const size_t begin = at + call.size(), end = src.find('"', begin);
        const std::string key = src.substr(begin, end - begin);
        if (key.find('.') == std::string::npos || src.compare(end, 2, "\")") != 0) continue;  // not a literal key
        EXPECT_TRUE(keys[0].count(key)) << entry.path().filename() << " asks for missing key " << key;
        ++checked;
      }
  }
  EXPECT_GT(checked, 50);
}

}  // namespace
