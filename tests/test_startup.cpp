// What this file is: what the window opens at start (ui/startup.h) and how it says what it could
// not open (ui/problems.h), in English and Chinese: a broken --config opens the last experiment
// or the default view; the strict reader's reasons are said in the UI's language; a last_config
// that cannot be used is set aside with its settings file, never lost, and a damaged settings
// file never overwrites an earlier one.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "test_paths.h"
#include "lab_helpers.h"
#include "ui/startup.h"
#include "ui/text.h"

namespace bnlab::ui {
namespace {

namespace fs = std::filesystem;

// A private XDG_CONFIG_HOME with this settings.json (none if empty), and the UI's words.
struct ConfigHome {
  fs::path dir = fs::temp_directory_path() / ("bnlab-startup-" + std::to_string(::getpid()));
  explicit ConfigHome(const std::string& settings = "") {
    fs::remove_all(dir);
    fs::create_directories(dir / "bnlab");
    if (!settings.empty()) std::ofstream(dir / "bnlab" / "settings.json") << settings;
    setenv("XDG_CONFIG_HOME", dir.c_str(), 1);
    text.load(BNLAB_ASSETS_DIR);
  }
  ~ConfigHome() {
    unsetenv("XDG_CONFIG_HOME");
    text.set_language("en");
    fs::remove_all(dir);
  }
  std::string write(const std::string& name, const std::string& content) const {
    std::ofstream(dir / name) << content;
    return (dir / name).string();
  }
};

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// What the window says about `config` (a config file's text) in `lang`.
std::string said(const ConfigHome& home, const std::string& config, const std::string& lang) {
  const std::string file = home.write("c.json", config);
  Settings settings;
  const Startup s = choose_startup(file, settings);
  text.set_language(lang);
  return s.problems.empty() ? "(nothing said)" : say(s.problems.front().config).substr(file.size());
}

TEST(Startup, ABrokenConfigOpensTheLastExperimentOrTheDefaultView) {
  ConfigHome home;
  const std::string broken =
      home.write("broken.json", R"({"model": {"blocks": [{"op": "dense", "units": 10}]}, "train": {"lr": -1}})");
  Settings settings;
  settings.last_config = to_json(spiral_config()).dump();
  Startup s = choose_startup(broken, settings);
  EXPECT_EQ(to_json(s.config), to_json(spiral_config()));  // the last experiment
  EXPECT_TRUE(s.last_experiment);
  ASSERT_EQ(s.problems.size(), 1u);
  EXPECT_TRUE(s.problems[0].last_experiment_open);
  text.set_language("zh");
  EXPECT_NE(say(s.problems[0]).find("已改为打开上次的实验"), std::string::npos) << say(s.problems[0]);

  settings.last_config.clear();
  s = choose_startup(broken, settings);
  EXPECT_EQ(to_json(s.config), to_json(default_config()));
  EXPECT_TRUE(s.spiral_may_stand_in);  // the default view's Fashion-MNIST only
  ASSERT_EQ(s.problems.size(), 1u);
  EXPECT_NE(say(s.problems[0]).find("已改为打开默认视图"), std::string::npos) << say(s.problems[0]);
  text.set_language("en");
  EXPECT_NE(say(s.problems[0]).find("The default view is open instead"), std::string::npos) << say(s.problems[0]);

  // A good config opens as it is, and may not be replaced by the spiral set.
  const std::string good = home.write("good.json", to_json(spiral_config()).dump());
  s = choose_startup(good, settings);
  EXPECT_TRUE(s.problems.empty());
  EXPECT_FALSE(s.spiral_may_stand_in);
}

TEST(Startup, TheStrictReadersReasonsAreSaidInBothLanguages) {
  ConfigHome home;
  const std::string model = R"("model": {"blocks": [{"op": "dense", "units": 10}]})";
  const struct {
    std::string config, en, zh;
  } cases[] = {
      {"{" + model + R"(, "trian": {}})", ": trian is not a known field", "：trian 不是已知的字段"},
      {"{" + model + R"(, "seed": 1, "train": {"lr": "fast"}})", ": train.lr must be a number, got \"fast\"",
       "：train.lr 应为数值，实际为 \"fast\""},
      {"{" + model + R"(, "train": {"batch_size": [1]}})", ": train.batch_size must be an integer, got a list",
       "：train.batch_size 应为整数，实际为 列表"},
      {"{" + model + R"(, "train": {"optimizer": "adamw"}})",
       ": train.optimizer: unknown value \"adamw\" (expected sgd, rmsprop, adam)",
       "：train.optimizer：未知取值“adamw”（可选值：sgd, rmsprop, adam）"},
      {R"({"train": {}})", ": model is missing", "：缺少字段 model"},
      {"{" + model + ",\n  \"seed\": }", " is not valid JSON (line 2, column 11).",
       " 不是有效的 JSON（第 2 行，第 11 列）。"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(said(home, c.config, "en"), c.en) << c.config;
    EXPECT_EQ(said(home, c.config, "zh"), c.zh) << c.config;
  }
  Settings settings;
  const Startup s = choose_startup((home.dir / "nope.json").string(), settings);
  ASSERT_EQ(s.problems.size(), 1u);
  text.set_language("zh");
  EXPECT_EQ(say(s.problems[0].config), "文件 " + (home.dir / "nope.json").string() + " 不存在。");
}

// The crash of last session: a value nested 70,000 deep in last_config. Now it is refused, the
// settings file is copied aside byte for byte, and the default view opens.
TEST(Startup, AnUnusableLastConfigIsSetAsideWithItsSettingsFile) {
  const std::string deep = std::string(70000, '[') + std::string(70000, ']');
  const std::string file = nlohmann::json{{"theme", "projector"}, {"last_config", R"({"seed": )" + deep + "}"}}.dump();
  ConfigHome home(file);
  Settings settings = Settings::load(nullptr);
  EXPECT_EQ(settings.theme, "projector");  // the rest of the file is used
  const Startup s = choose_startup("", settings);
  EXPECT_EQ(to_json(s.config), to_json(default_config()));
  ASSERT_EQ(s.problems.size(), 1u);
  EXPECT_EQ(s.problems[0].kind, StartupProblem::Kind::last_config);
  EXPECT_EQ(s.problems[0].kept_as, Settings::path() + ".broken");
  EXPECT_EQ(read(Settings::path() + ".broken"), file);
  EXPECT_TRUE(settings.last_config.empty());  // not tried again: the file is rewritten at close
  text.set_language("zh");
  EXPECT_NE(say(s.problems[0]).find("设置文件已另存为 " + Settings::path() + ".broken"), std::string::npos)
      << say(s.problems[0]);
}

TEST(Startup, ADamagedSettingsFileNeverOverwritesAnEarlierOne) {
  ConfigHome home("{\"theme\": ");
  std::ofstream(Settings::path() + ".broken") << "an earlier one";
  Settings settings = Settings::load(nullptr);
  EXPECT_EQ(settings.set_aside_as, Settings::path() + ".broken-2");
  EXPECT_EQ(read(Settings::path() + ".broken"), "an earlier one");
  EXPECT_EQ(read(Settings::path() + ".broken-2"), "{\"theme\": ");
  EXPECT_FALSE(fs::exists(Settings::path()));
  const Startup s = choose_startup("", settings);
  ASSERT_EQ(s.problems.size(), 1u);
  EXPECT_EQ(s.problems[0].kind, StartupProblem::Kind::settings);
  text.set_language("zh");
  EXPECT_NE(say(s.problems[0]).find("已损坏，已另存为 " + Settings::path() + ".broken-2"), std::string::npos)
      << say(s.problems[0]);
}

}  // namespace
}  // namespace bnlab::ui
