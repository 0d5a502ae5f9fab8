// What this file is: the window opening on what cannot be used, under Xvfb, in both languages
// (#10, defect 3). A broken --config opens the window (it exited 2 on the terminal, and a user
// who started bnlab from a launcher saw nothing); a missing MNIST-format folder is said and the
// config kept (the window switched silently to the spiral set); a settings.json whose
// last_config cannot be used is set aside, its bytes kept, and the window starts with defaults.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "test_paths.h"
#include "test_helpers.h"

namespace {

namespace fs = std::filesystem;

struct Home {
  fs::path dir = fs::temp_directory_path() / ("bnlab_startup_" + std::to_string(::getpid()));
  explicit Home(const std::string& settings = R"({"welcomed": true})") {
    fs::remove_all(dir);
    fs::create_directories(dir / "bnlab");
    std::ofstream(dir / "bnlab" / "settings.json") << settings;
  }
  ~Home() { fs::remove_all(dir); }
  fs::path settings() const { return dir / "bnlab" / "settings.json"; }
  // A scripted window (a few frames, then it closes), its terminal output, and its exit code.
  std::string run(const std::string& args, int* code) const {
    return bnlab::run_command("cd " + dir.string() + " && HOME=" + dir.string() + " XDG_CONFIG_HOME=" + dir.string() +
                                  " ASAN_OPTIONS=detect_leaks=0 xvfb-run -a -s '-screen 0 1280x720x24' " + BNLAB_EXE +
                                  " gui --frames 5 --size 1280x720 --theme projector " + args,
                              code);
  }
  fs::path write(const std::string& name, const std::string& text) const {
    std::ofstream(dir / name) << text;
    return dir / name;
  }
};

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(GuiStartup, ABrokenConfigOpensTheWindowAndSaysWhyInTheUisLanguage) {
  const std::pair<const char*, const char*> cases[] = {
      {"en", "The experiment config could not be opened: broken.json: train.lr must be between 0 and 1e+09, got -1"},
      {"zh", "无法打开实验配置: broken.json：train.lr 应在 0 到 1e+09 之间，实际为 -1"}};
  for (const auto& [lang, said] : cases) {
    Home home;
    home.write("broken.json", R"({"model": {"blocks": [{"op": "dense", "units": 10}]}, "train": {"lr": -1}})");
    int code = -1;
    const std::string out = home.run(std::string("--lang ") + lang + " --config broken.json", &code);
    EXPECT_EQ(code, 0) << out;
    EXPECT_NE(out.find(said), std::string::npos) << out;
  }
}

TEST(GuiStartup, AMissingDatasetFolderIsSaidAndTheConfigKept) {
  const std::pair<const char*, const char*> cases[] = {{"en", "The folder /nonexistent/mnist does not exist."},
                                                       {"zh", "文件夹 /nonexistent/mnist 不存在。"}};
  for (const auto& [lang, said] : cases) {
    Home home;
    home.write("missing.json", R"({"data": {"dataset": "mnist", "dir": "/nonexistent/mnist"},
      "model": {"blocks": [{"op": "dense", "units": 16, "norm": "batch", "activation": "sigmoid"}, {"op": "dense", "units": 10}]}})");
    int code = -1;
    const std::string out = home.run(std::string("--lang ") + lang + " --config missing.json", &code);
    EXPECT_EQ(code, 0) << out;
    EXPECT_NE(out.find(said), std::string::npos) << out;
    EXPECT_EQ(out.find("spiral"), std::string::npos) << out;  // nothing stands in for what was asked
    EXPECT_EQ(out.find("螺旋"), std::string::npos) << out;
  }
}

// The last experiment (a string in settings.json) holding a value nested 70,000 deep, and a
// settings file that is not JSON: each is kept under a new name, byte for byte, and said.
TEST(GuiStartup, UnusableSettingsAreSetAsideKeptAndSaid) {
  const std::string deep = std::string(70000, '[') + std::string(70000, ']');
  const std::string last_config = R"({"seed": )" + deep + R"(, "model": {"blocks": [{"op": "dense", "units": 10}]}})";
  const std::string with_last = nlohmann::json{{"welcomed", true}, {"last_config", last_config}}.dump();
  const struct {
    std::string lang, settings, said;
  } cases[] = {{"en", with_last, "The last experiment could not be reopened"},
               {"zh", with_last, "无法重新打开上次的实验"},
               {"en", R"({"welcomed": tru)", "The settings could not be read"},
               {"zh", R"({"welcomed": tru)", "无法读取设置"}};
  for (const auto& c : cases) {
    Home home(c.settings);
    int code = -1;
    const std::string out = home.run("--lang " + c.lang, &code);
    EXPECT_EQ(code, 0) << out;
    EXPECT_NE(out.find(c.said), std::string::npos) << out.substr(0, 2000);
    const fs::path kept = home.settings().string() + ".broken";
    ASSERT_TRUE(fs::exists(kept)) << c.lang << " " << c.said;
    EXPECT_EQ(read(kept), c.settings);
  }
}

}  // namespace
