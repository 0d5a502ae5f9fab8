// What this file is: the window's keyboard shortcuts end to end. The window runs under Xvfb;
// xdotool focuses it and types through the X server (XTEST), as a user would; Ctrl+Q quits, and
// --frame-stats prints where the runs ended and what the window wrote. A small generated
// dataset keeps each run to a few seconds.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "test_paths.h"

namespace {

namespace fs = std::filesystem;

struct Session {
  fs::path dir;
  Session() : dir(fs::temp_directory_path() / ("bnlab_keys_" + std::to_string(::getpid()))) {
    fs::remove_all(dir);
    fs::create_directories(dir / "config" / "bnlab");
    std::ofstream(dir / "spiral.json") << R"({"seed": 1, "data": {"dataset": "spiral", "n": 400, "normalize": "none"},
      "model": {"blocks": [{"op": "dense", "units": 16, "norm": "batch", "activation": "relu"},
                           {"op": "dense", "units": 16, "norm": "batch", "activation": "relu"},
                           {"op": "dense", "units": 3}]},
      "train": {"batch_size": 20, "lr": 0.1}})";
    // Only the training curves: they fill the panel area, so the middle of it is a plot.
    std::ofstream(dir / "config" / "bnlab" / "settings.json")
        << R"({"welcomed": true, "panels": {"panel.distributions": false, "panel.shift": false, "panel.saturation": false,
                          "panel.gradients": false, "panel.gamma_beta": false, "panel.decision_boundary": false,
                          "panel.network": false, "panel.contours": false}})";
  }
  ~Session() { fs::remove_all(dir); }

  // The tiny MNIST-format set as "d", so the dataset folder box shows a short path.
  void write_mnist_config() {
    fs::create_directory_symlink(fs::path(BNLAB_TEST_DATA_DIR) / "tiny8", dir / "d");
    std::ofstream(dir / "mnist.json") << R"({"seed": 1, "data": {"dataset": "mnist", "dir": "d", "normalize": "scale"},
      "model": {"blocks": [{"op": "dense", "units": 16, "norm": "batch", "activation": "relu"},
                           {"op": "dense", "units": 16, "norm": "batch", "activation": "relu"},
                           {"op": "dense", "units": 10}]},
      "train": {"batch_size": 20, "lr": 0.1}})";
  }

  // The experiment the window saved when it closed (settings.json's last_config).
  nlohmann::json last_config() const {
    std::ifstream in(dir / "config" / "bnlab" / "settings.json");
    const auto settings = nlohmann::json::parse(in, nullptr, false);
    if (!settings.is_object() || !settings.contains("last_config")) return {};
    return nlohmann::json::parse(settings["last_config"].get<std::string>(), nullptr, false);
  }

  // Opens the window, types `keys` (xdotool key arguments, one group per line, a pause after
  // each), quits with Ctrl+Q and returns the last JSON line that names the runs' steps.
  nlohmann::json type(const std::vector<std::string>& keys, const std::string& extra_args, std::string* log) {
    std::ostringstream script;
    script << "set -e\n"
           << "'" << BNLAB_EXE << "' gui --size 1280x720 --frame-stats " << extra_args << " > '" << (dir / "out.txt").string()
           << "' 2>&1 &\n"
           << "pid=$!\n"
           << "wid=$(xdotool search --sync --onlyvisible --name '^bnlab$' | head -1)\n"
           << "sleep 2\n"  // the dataset loads in the background
           << "xdotool windowfocus --sync $wid\n"
           << "xdotool mousemove --window $wid 800 380\n";
    // A key group, or (after "!") a raw xdotool command such as a mouse click.
    for (const std::string& k : keys)
      script << (k[0] == '!' ? "xdotool " + k.substr(1) : "xdotool key --delay 80 " + k) << "\nsleep 0.6\n";
    script << "xdotool key ctrl+q\n"
           << "wait $pid\n";
    std::ofstream(dir / "keys.sh") << script.str();
    const std::string cmd = "cd '" + dir.string() + "' && HOME='" + dir.string() + "' XDG_CONFIG_HOME='" +
                            (dir / "config").string() + "' ASAN_OPTIONS=detect_leaks=0 timeout 300 xvfb-run -a -s '-screen 0 1280x720x24' bash keys.sh 2>&1";
    FILE* p = popen(cmd.c_str(), "r");
    std::array<char, 4096> buf{};
    size_t n = 0;
    while (p && (n = fread(buf.data(), 1, buf.size(), p)) > 0) log->append(buf.data(), n);
    const int status = p ? pclose(p) : -1;
    std::ifstream out(dir / "out.txt");
    std::string line;
    nlohmann::json result;
    while (std::getline(out, line)) {
      log->append(line + "\n");
      if (line.find("\"step_a\"") != std::string::npos) result = nlohmann::json::parse(line);
    }
    EXPECT_EQ(status, 0) << *log;
    return result;
  }

  int files_in_exports(const std::string& suffix) const {
    int count = 0;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir / "bnlab-exports", ec))
      count += e.path().string().size() >= suffix.size() &&
               e.path().string().compare(e.path().string().size() - suffix.size(), suffix.size(), suffix) == 0;
    return count;
  }
};

TEST(GuiKeys, StepSwitchBnScreenshotAndExport) {
  Session s;
  std::string log;
  // Three single steps, B switches BN off on every block of A, F12 saves the window, Ctrl+E
  // exports the plot under the mouse.
  const auto r = s.type({"s", "s", "s", "b", "F12", "ctrl+e"}, "--config spiral.json", &log);
  ASSERT_TRUE(r.is_object()) << log;
  EXPECT_EQ(r["step_a"], 3) << log;
  EXPECT_EQ(r["step_b"], 3) << log;
  EXPECT_EQ(r["paused"], true) << log;
  EXPECT_EQ(r["bn_blocks_a"], 0) << log;
  EXPECT_EQ(s.files_in_exports(".png"), 2) << log;  // the window and the plot

  // The experiment comes back on the next start, without --config, BN switch included.
  std::string log2;
  const auto r2 = s.type({}, "", &log2);
  ASSERT_TRUE(r2.is_object()) << log2;
  EXPECT_EQ(r2["dataset"], "spiral") << log2;
  EXPECT_EQ(r2["bn_blocks_a"], 0) << log2;
  EXPECT_EQ(r2["step_a"], 0) << log2;
}

// Where the sidebar's widgets are at 1280x720 in the default theme, once the hyperparameters and
// the network are folded and the dataset and export sections opened (clicks in this order).
const std::vector<std::string> kFoldSidebar = {"!mousemove --window $wid 150 170 click 1",   // Hyperparameters
                                               "!mousemove --window $wid 150 198 click 1",   // Network
                                               "!mousemove --window $wid 150 310 click 1",   // Export folder
                                               "!mousemove --window $wid 150 254 click 1"};  // Dataset
const std::string kDatasetFolderBox = "!mousemove --window $wid 140 332 click 1";
const std::string kDatasetCombo = "!mousemove --window $wid 80 282 click 1";
const std::string kSpeedSliderCtrlClick = "!mousemove --window $wid 90 98 keydown ctrl click 1 keyup ctrl";

std::vector<std::string> operator+(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// The arrow beside block 1's BN box (the hyperparameters folded) and the list's second entry.
const std::string kNormArrowBlock1 = "!mousemove --window $wid 72 248 click 1";
const std::string kNormListLayer = "!mousemove --window $wid 140 287 click 1";

// The sidebar's list of norms (BN, LN, GN, none: no IN for a dense block) switches block 1 of
// run A to layer norm live, the draft and the saved experiment with it, and the list, once
// closed, leaves the keys to the shortcuts (#11).
TEST(GuiKeys, TheSidebarsNormListGivesABlockLayerNormLive) {
  Session s;
  std::string log;
  const auto r = s.type({kFoldSidebar[0], kNormArrowBlock1, kNormListLayer, "s"}, "--config spiral.json", &log);
  ASSERT_TRUE(r.is_object()) << log;
  EXPECT_EQ(r["norms_a"], nlohmann::json({"layer", "batch", "none"})) << log;
  EXPECT_EQ(r["norms_b"], nlohmann::json({"none", "none", "none"})) << log;
  EXPECT_EQ(r["bn_blocks_a"], 1) << log;
  EXPECT_EQ(r["step_a"], 1) << log;
  EXPECT_EQ(s.last_config()["model"]["blocks"][0]["norm"], "layer") << log;
}

// The network view alone (a scene of one step), where run B's norm badge of block 2 is, and the
// GN entry of the list it opens.
const char* kNetworkScene = R"({"id": "keys-norms", "title": {"en": "Norms", "zh": "归一化"},
  "experiment": {"seed": 1, "data": {"dataset": "spiral", "n": 400, "normalize": "none"},
    "model": {"blocks": [{"op": "dense", "units": 16, "norm": "batch", "activation": "relu"},
                         {"op": "dense", "units": 16, "norm": "batch", "activation": "relu"},
                         {"op": "dense", "units": 3}]},
    "train": {"batch_size": 20, "lr": 0.1}},
  "steps": [{"id": "net", "narration": {"en": "The network.", "zh": "网络。"}, "layout": [{"panel": "network"}]}]})";
const std::string kBadgeB2 = "!mousemove --window $wid 644 391 click 1";
const std::string kListGroup = "!mousemove --window $wid 720 478 click 1";

// A click on run B's struck-through BN badge lists the norms; GN gives block 2 of B group norm
// live (A keeps its BN), and B steps with it (#11).
TEST(GuiKeys, TheNetworkViewsBadgeGivesABlockOfRunBGroupNormLive) {
  Session s;
  std::ofstream(s.dir / "norms.json") << kNetworkScene;
  std::string log;
  // xdotool's own sleep first: the scene's first step builds the runs (B with no norm) once the
  // data has loaded, which on a busy machine can come after a click made sooner, undoing it.
  const auto r = s.type({"!sleep 3", kBadgeB2, kListGroup, "s"}, "--scene norms.json", &log);
  ASSERT_TRUE(r.is_object()) << log;
  EXPECT_EQ(r["norms_b"], nlohmann::json({"none", "group", "none"})) << log;
  EXPECT_EQ(r["norms_a"], nlohmann::json({"batch", "batch", "none"})) << log;
  EXPECT_EQ(r["step_b"], 1) << log;
}

// Keys typed into a text box are its text: S, R and B do not step, reset or switch BN (#10,
// defect 2). Both folder boxes are open, as when the two shared one ID.
TEST(GuiKeys, TypingIntoTheFolderBoxTypesAndRunsNoShortcut) {
  Session s;
  s.write_mnist_config();
  std::string log;
  const auto r = s.type(kFoldSidebar + std::vector<std::string>{kDatasetFolderBox, "End s r b slash x Return"},
                        "--config mnist.json", &log);
  ASSERT_TRUE(r.is_object()) << log;
  EXPECT_EQ(r["step_a"], 0) << log;
  EXPECT_EQ(r["bn_blocks_a"], 2) << log;
  EXPECT_EQ(r["paused"], true) << log;
  // The box held the text: Enter made it the draft's folder, which the window saved.
  EXPECT_EQ(s.last_config()["data"]["dir"], "dsrb/x") << log;
}

// A slider typed into (Ctrl+click) and an open combo have the keyboard too; Esc then closes the
// combo and nothing else.
TEST(GuiKeys, ASliderInTextModeAndAnOpenComboTakeTheKeys) {
  Session s;
  s.write_mnist_config();
  std::string log;
  const auto r = s.type(kFoldSidebar + std::vector<std::string>{kSpeedSliderCtrlClick, "s r b", "Escape", kDatasetCombo,
                                                                "s r b", "Escape", "s"},
                        "--config mnist.json", &log);
  ASSERT_TRUE(r.is_object()) << log;
  EXPECT_EQ(r["step_a"], 1) << log;  // the last S, once the combo was closed
  EXPECT_EQ(r["bn_blocks_a"], 2) << log;
  EXPECT_EQ(r["dataset"], "mnist") << log;
  EXPECT_EQ(s.last_config()["data"]["dataset"], "mnist") << log;
}

// With Help open (a modal), Space does not train behind it and Esc closes it.
TEST(GuiKeys, HelpHasTheKeyboardUntilEscClosesIt) {
  Session s;
  std::string log;
  const auto r = s.type({"!mousemove --window $wid 173 12 click 1", "!mousemove --window $wid 200 40 click 1", "space", "s",
                         "Escape", "s"},
                        "--config spiral.json", &log);
  ASSERT_TRUE(r.is_object()) << log;
  EXPECT_EQ(r["step_a"], 1) << log;  // only the S after Esc
  EXPECT_EQ(r["paused"], true) << log;
}

TEST(GuiKeys, SpacePlaysAndPausesAndRResets) {
  Session s;
  std::string log;
  const auto trained = s.type({"space", "space"}, "--config spiral.json", &log);
  ASSERT_TRUE(trained.is_object()) << log;
  EXPECT_GT(trained["step_a"].get<int>(), 10) << log;
  EXPECT_EQ(trained["step_a"], trained["step_b"]) << log;  // twin runs in lock-step
  EXPECT_EQ(trained["paused"], true) << log;

  std::string log2;
  const auto reset = s.type({"space", "space", "r"}, "--config spiral.json", &log2);
  ASSERT_TRUE(reset.is_object()) << log2;
  EXPECT_EQ(reset["step_a"], 0) << log2;
  EXPECT_EQ(reset["bn_blocks_a"], 2) << log2;
}

TEST(GuiKeys, ADoubleClickOnATitleFocusesItsPanelWhileTraining) {
  Session s;
  std::string log;
  // The first panel's title is at the grid's top left, right of the sidebar. While the runs
  // train, frames come a few times a second: the double-click is found from GLFW's press times.
  const auto r = s.type({"space", "!mousemove --window $wid 560 45 click --repeat 2 --delay 150 1", "!sleep 1.5"},
                        "--config spiral.json", &log);
  ASSERT_TRUE(r.is_object()) << log;
  EXPECT_EQ(r["focused"], "panel.curves") << log;
  EXPECT_EQ(r["paused"], false) << log;  // it was training all along
  // Tab hides the sidebar; a second double-click brings the grid back.
  std::string log2;
  const auto r2 = s.type({"Tab", "!mousemove --window $wid 300 45 click --repeat 2 --delay 150 1", "!sleep 1"},
                         "--config spiral.json", &log2);
  ASSERT_TRUE(r2.is_object()) << log2;
  EXPECT_EQ(r2["sidebar"], false) << log2;
  EXPECT_EQ(r2["focused"], "") << log2;
}

TEST(GuiKeys, SceneKeysWalkTheStepsAndEscLeavesTheRunsAsTheyAre) {
  Session s;
  std::string log;
  // gamma-beta: step 1 is at step 0, step 2 trains to step 10, step 3 to step 1000.
  const auto r = s.type({"Right", "!sleep 2", "Right", "!sleep 4", "Left", "!sleep 4"}, "--scene gamma-beta", &log);
  ASSERT_TRUE(r.is_object()) << log;
  EXPECT_EQ(r["scene"], "gamma-beta") << log;
  EXPECT_EQ(r["scene_step"], 1) << log;
  EXPECT_EQ(r["step_a"], 10) << log;  // step 2 as it was the first time, not step 1000
  EXPECT_EQ(r["step_b"], 10) << log;
  std::string log2;
  const auto r2 = s.type({"Right", "!sleep 2", "Escape"}, "--scene gamma-beta", &log2);
  ASSERT_TRUE(r2.is_object()) << log2;
  EXPECT_EQ(r2["scene"], "") << log2;
  EXPECT_EQ(r2["step_a"], 10) << log2;  // the free lab keeps what the scene left
}

}  // namespace
