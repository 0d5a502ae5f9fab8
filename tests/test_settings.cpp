// What this file is: settings.json as the user's machine may have it: numbers out of range
// (1e10 for a window width was an out-of-range float-to-int conversion, undefined behaviour) are
// clamped, wrong types keep the defaults, a damaged file is set aside.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "ui/settings.h"

namespace bnlab::ui {
namespace {

namespace fs = std::filesystem;

Settings load_from(const std::string& text, std::string* warning) {
  const fs::path dir = fs::temp_directory_path() / ("bnlab-settings-" + std::to_string(::getpid()));
  fs::create_directories(dir / "bnlab");
  std::ofstream(dir / "bnlab" / "settings.json") << text;
  setenv("XDG_CONFIG_HOME", dir.c_str(), 1);
  Settings s = Settings::load(warning);
  unsetenv("XDG_CONFIG_HOME");
  fs::remove_all(dir);
  return s;
}

TEST(Settings, NumbersOutOfRangeAreClampedAndWrongTypesKeepTheDefaults) {
  std::string warning;
  const Settings big = load_from(R"({"window_width": 1e10, "window_height": -1e300, "font_size": 1e40})", &warning);
  EXPECT_EQ(big.window_width, 8192);
  EXPECT_EQ(big.window_height, 480);
  EXPECT_FLOAT_EQ(big.font_size, 48.0f);
  EXPECT_TRUE(warning.empty()) << warning;
  const Settings odd = load_from(R"({"window_width": "wide", "font_size": null, "sidebar": false})", &warning);
  EXPECT_EQ(odd.window_width, Settings{}.window_width);
  EXPECT_FLOAT_EQ(odd.font_size, Settings{}.font_size);
  EXPECT_FALSE(odd.sidebar);
}

TEST(Settings, ADamagedFileIsSetAsideAndSaid) {
  std::string warning;
  const Settings s = load_from("{\"theme\": ", &warning);
  EXPECT_EQ(s.theme, Settings{}.theme);
  EXPECT_NE(warning.find("damaged"), std::string::npos) << warning;
}

}  // namespace
}  // namespace bnlab::ui
