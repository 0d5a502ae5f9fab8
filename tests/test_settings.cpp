// What this file is: settings.json as the user's machine may have it: numbers out of range
// (1e10 for a window width was an out-of-range float-to-int conversion, undefined behaviour) are
// clamped, wrong types keep the defaults, a damaged file is set aside.
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "kill_helpers.h"
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

// The settings folder of one test, as $XDG_CONFIG_HOME; removed when it ends.
class SettingsDir {
 public:
  SettingsDir() : root_(fs::temp_directory_path() / ("bnlab-settings-save-" + std::to_string(::getpid()))) {
    fs::create_directories(root_);
    setenv("XDG_CONFIG_HOME", root_.c_str(), 1);
  }
  ~SettingsDir() {
    unsetenv("XDG_CONFIG_HOME");
    fs::remove_all(root_);
  }
  std::string file() const { return (root_ / "bnlab" / "settings.json").string(); }

 private:
  fs::path root_;
};

// Nothing lost (#10): settings.json killed mid-save is the old or the new file, never half.
TEST(Settings, KilledMidSaveIsTheOldOrTheNewFile) {
  const SettingsDir dir;
  // A long last experiment makes each save take long enough for kills to land inside it.
  Settings s;
  s.last_config = std::string(4 << 20, 'a');
  s.save(nullptr);
  int bad = 0;
  const KillReport r = kill_during_saves(
      [&](int i) {
        s.last_config = std::string(4 << 20, i % 2 ? 'b' : 'a');
        s.save(nullptr);
      },
      dir.file() + ".tmp", 16, std::chrono::milliseconds(2), [&] {
        std::string warning;
        const Settings loaded = Settings::load(&warning);
        const bool whole = loaded.last_config == std::string(4 << 20, 'a') || loaded.last_config == std::string(4 << 20, 'b');
        if (!warning.empty() || !whole) ++bad;
        EXPECT_TRUE(warning.empty()) << warning;
      });
  std::printf("%d kills, %d of them inside a save\n", r.killed, r.mid_save);
  EXPECT_EQ(r.killed, 16);
  EXPECT_GT(r.mid_save, 0) << "no kill landed inside a save: the test proved nothing";
  EXPECT_EQ(bad, 0);
  s.save(nullptr);  // reuses the temporary the last kill left
  EXPECT_FALSE(fs::exists(dir.file() + ".tmp"));
}

TEST(Settings, AFailedSaveSaysWhyAndLeavesNoTemporary) {
  const SettingsDir dir;
  fs::create_directories(fs::path(dir.file()) / "in the way");  // a folder where the file goes
  std::string warning;
  Settings{}.save(&warning);
  EXPECT_NE(warning.find(dir.file()), std::string::npos) << warning;
  EXPECT_FALSE(fs::exists(dir.file() + ".tmp"));
}

}  // namespace
}  // namespace bnlab::ui
