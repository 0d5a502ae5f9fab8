// What this file is: scene validation (docs/SCENES.md): a good scene parses into what it says,
// and each refused case is refused with a message naming the file, the step and the field.
#include <gtest/gtest.h>

#include "test_paths.h"
#include "core/error.h"
#include "scene/scene.h"

namespace bnlab {
namespace {

using nlohmann::json;

json good_scene() {
  return json::parse(R"({
    "id": "t",
    "title": {"en": "Test", "zh": "测试"},
    "experiment": "fashion_mlp_bn.json",
    "run_b": {"bn": "none"},
    "steps": [
      {"id": "one", "narration": {"en": "First.", "zh": "第一步。"}, "layout": [{"panel": "network"}]},
      {"id": "two", "narration": {"en": "Second.", "zh": "第二步。"},
       "notes": {"en": "Ask.", "zh": "提问。"},
       "layout": [{"panel": "curves", "log_y": true}, {"panel": "distributions", "block": 3, "tap": "z"}],
       "set": {"train": {"lr": 0.5}}, "bn_a": [1, 3], "speed": 100,
       "hide": ["sidebar"], "lock": ["network"], "run": {"to_step": 200}, "highlight": ["curves"]},
      {"id": "three", "narration": {"en": "Third.", "zh": "第三步。"}, "layout": [{"panel": "saturation"}],
       "set": {"model": {"init": {"scale": 4}}}, "run": {"until": "test_accuracy", "at_least": 0.7, "max_steps": 100}}
    ]})");
}

Scene parse(const json& j) { return parse_scene(j, "t.json", BNLAB_EXAMPLES_DIR); }

// The message of the error parse() throws, or "" if it parses.
std::string refusal(const json& j) {
  try {
    parse(j);
  } catch (const Error& e) {
    EXPECT_EQ(e.exit_code(), 2) << e.what();
    return e.what();
  }
  return "";
}

void expect_refused(const json& j, const std::string& where, const std::string& what) {
  const std::string m = refusal(j);
  ASSERT_FALSE(m.empty()) << "accepted, expected a refusal at " << where;
  EXPECT_EQ(m.rfind("t.json: ", 0), 0u) << m;  // names the file first
  EXPECT_NE(m.find(where), std::string::npos) << m;
  EXPECT_NE(m.find(what), std::string::npos) << m;
}

TEST(Scene, AGoodSceneParsesIntoWhatItSays) {
  const Scene s = parse(good_scene());
  EXPECT_EQ(s.id, "t");
  EXPECT_EQ(s.title.in("zh"), "测试");
  ASSERT_EQ(s.steps.size(), 3u);
  EXPECT_EQ(s.norms_b, std::vector<NormKind>(3, NormKind::none));
  const SceneStep& two = s.steps[1];
  EXPECT_FALSE(two.rebuilds);  // a learning rate acts live
  EXPECT_FLOAT_EQ(two.config.train.lr, 0.5f);
  EXPECT_EQ(*two.norms_a, std::vector<NormKind>({NormKind::batch, NormKind::none, NormKind::batch}));
  EXPECT_EQ(two.config.model.blocks[1].norm, NormKind::none);
  EXPECT_EQ(two.block, 2);
  EXPECT_EQ(two.tap, 0);
  EXPECT_EQ(two.run.kind, RunSpec::Kind::to_step);
  EXPECT_EQ(two.run.to_step, 200);
  EXPECT_EQ(two.layout[0].settings["log_y"], true);
  EXPECT_EQ(two.highlight, std::vector<std::string>({"curves"}));
  const SceneStep& three = s.steps[2];
  EXPECT_TRUE(three.rebuilds);  // a new initialization needs new networks
  EXPECT_FLOAT_EQ(three.config.model.init.scale, 4.0f);
  EXPECT_FLOAT_EQ(three.config.train.lr, 0.5f);  // earlier steps' settings carry on
  EXPECT_EQ(three.run.metric, "test_accuracy");
  EXPECT_EQ(three.run.to_step, 100);
}

// norm_a / norm_b give a kind per block (one for all, or a list), run_b a kind too; bn_a and
// bn_b keep their meaning; group gets groups that divide the block.
TEST(Scene, NormsPerBlockByKind) {
  json j = good_scene();  // fashion_mlp_bn: dense 100, 100, 100, then the output
  j["run_b"] = {{"norm", "layer"}};
  j["steps"][0]["norm_b"] = {"group", "batch", "none"};
  j["steps"][1].erase("bn_a");
  j["steps"][1]["norm_a"] = "group";
  Scene s = parse(j);
  EXPECT_EQ(s.norms_b, std::vector<NormKind>(3, NormKind::layer));
  EXPECT_EQ(s.steps[0].norms_b_state, std::vector<NormKind>({NormKind::group, NormKind::batch, NormKind::none}));
  EXPECT_FALSE(s.steps[0].norms_a);
  const SceneStep& two = s.steps[1];
  EXPECT_FALSE(two.rebuilds);  // a norm switch is live
  EXPECT_EQ(two.norms_b_state, s.steps[0].norms_b_state);  // carried over
  for (int b = 0; b < 3; ++b) {
    EXPECT_EQ(two.config.model.blocks[b].norm, NormKind::group);
    EXPECT_EQ(two.config.model.blocks[b].groups, default_groups(100));
  }
  EXPECT_EQ(two.config.model.blocks[3].norm, NormKind::none);  // the output keeps its own
  EXPECT_EQ(s.steps[2].config.model.blocks[0].norm, NormKind::group);  // and carried over too
  j["run_b"] = {{"norm", "same"}};
  EXPECT_EQ(parse(j).norms_b, std::vector<NormKind>(3, NormKind::batch));
  j["run_b"] = {{"bn", "same"}};  // the old form, as before
  EXPECT_EQ(parse(j).norms_b, std::vector<NormKind>(3, NormKind::batch));
}

TEST(Scene, RefusesABadNormNamingTheField) {
  json j = good_scene();
  j["steps"][1].erase("bn_a");
  j["steps"][1]["norm_a"] = "weight";
  expect_refused(j, "step 2 (\"two\"): norm_a", "expected one of batch, layer, group, instance, none, got \"weight\"");
  j["steps"][1]["norm_a"] = {"layer", "group"};
  expect_refused(j, "step 2 (\"two\"): norm_a", "must list 3 norms, one per block but the output, got 2");
  j["steps"][1]["norm_a"] = {"layer", "instance", "none"};
  expect_refused(j, "norm_a[1]", "instance norm is for conv blocks only, and block 2 is dense");
  j["steps"][1]["norm_a"] = "instance";
  expect_refused(j, "step 2 (\"two\"): norm_a", "instance norm is for conv blocks only");
  j["steps"][1]["norm_a"] = {"layer", 3, "none"};
  expect_refused(j, "norm_a[1]", "got 3");
  j["steps"][1]["norm_a"] = "layer";
  j["steps"][1]["bn_a"] = "all";
  expect_refused(j, "step 2 (\"two\"): norm_a", "not both");
  j = good_scene();
  j["run_b"] = {{"norm", {"batch"}}};
  expect_refused(j, "run_b.norm", "must list 3 norms");
  j["run_b"] = {{"norm", "batch"}, {"bn", "none"}};
  expect_refused(j, "run_b.norm", "not both");
  j = good_scene();
  j["experiment"] = "fashion_lenet_bn.json";  // conv 6, conv 16, dense 120, dense 84, dense 10
  j["steps"][1].erase("layout");
  j["steps"][1]["layout"] = {{{"panel", "curves"}}};
  j["steps"][1].erase("bn_a");
  j["steps"][1]["norm_b"] = {"instance", "instance", "layer", "group"};
  EXPECT_EQ(refusal(j), "");
  j["steps"][1]["norm_b"] = {"instance", "instance", "instance", "group"};
  expect_refused(j, "norm_b[2]", "block 3 is dense");
}

TEST(Scene, RefusesAnUnknownField) {
  json j = good_scene();
  j["steps"][1]["naration"] = {{"en", "x"}, {"zh", "y"}};
  expect_refused(j, "step 2 (\"two\"): naration", "unknown field");
  j = good_scene();
  j["colour"] = "red";
  expect_refused(j, "colour", "unknown field");
}

TEST(Scene, RefusesAnUnknownPanel) {
  json j = good_scene();
  j["steps"][0]["layout"][0]["panel"] = "histogram";
  expect_refused(j, "step 1 (\"one\"): layout[0].panel", "histogram");
}

TEST(Scene, RefusesASettingThePanelDoesNotHave) {
  json j = good_scene();
  j["steps"][1]["layout"][0]["block"] = 2;  // curves has no block
  expect_refused(j, "step 2 (\"two\"): layout[0].block", "unknown field");
}

TEST(Scene, RefusesAValueOutOfRange) {
  json j = good_scene();
  j["steps"][1]["layout"][0]["smoothing"] = 1.5;
  expect_refused(j, "layout[0].smoothing", "between 0 and 0.99");
  j = good_scene();
  j["steps"][1]["layout"][1]["block"] = 9;  // the network has 4 blocks
  expect_refused(j, "layout[1].block", "between 1 and 4");
  j = good_scene();
  j["steps"][1]["set"] = {{"train", {{"lr", -1}}}};
  expect_refused(j, "step 2 (\"two\"): set: train.lr", "between 0");
  j = good_scene();
  j["steps"][1]["bn_a"] = {4};  // the output block has no BN
  expect_refused(j, "bn_a[0]", "from 1 to 3");
  j = good_scene();
  j["steps"][1]["layout"][1]["tap"] = "zz";
  expect_refused(j, "layout[1].tap", "zz");
}

TEST(Scene, RefusesAMissingEnglishOrChineseText) {
  json j = good_scene();
  j["steps"][1]["narration"].erase("zh");
  expect_refused(j, "step 2 (\"two\"): narration.zh", "required");
  j = good_scene();
  j["title"]["en"] = "  ";
  expect_refused(j, "title.en", "not empty");
  j = good_scene();
  j["steps"][1]["notes"].erase("en");
  expect_refused(j, "notes.en", "required");
  j = good_scene();
  j["steps"][0].erase("narration");
  expect_refused(j, "step 1 (\"one\"): narration", "required");
}

TEST(Scene, RefusesALayoutOfNoneOrMoreThanFourPanels) {
  json j = good_scene();
  j["steps"][0]["layout"] = json::array();
  expect_refused(j, "step 1 (\"one\"): layout", "1 to 4 panels");
  j["steps"][0]["layout"] = json::parse(R"([{"panel":"curves"},{"panel":"shift"},{"panel":"gradients"},{"panel":"network"},{"panel":"contours"}])");
  expect_refused(j, "layout", "1 to 4 panels");
  j["steps"][0]["layout"] = json::parse(R"([{"panel":"curves"},{"panel":"curves"}])");
  expect_refused(j, "layout[1].panel", "already in this layout");
}

TEST(Scene, RefusesTwoSelectionsInOneStep) {
  json j = good_scene();
  j["steps"][1]["layout"][0] = {{"panel", "saturation"}, {"block", 1}};
  expect_refused(j, "layout[1].block", "one selection");
}

TEST(Scene, RefusesARunThatGoesBackOrHasNoBound) {
  json j = good_scene();
  j["steps"][2].erase("set");  // no rebuild: the runs are at step 200
  j["steps"][2]["run"] = {{"to_step", 100}};
  expect_refused(j, "step 3 (\"three\"): run.to_step", "cannot go back");
  j["steps"][2]["run"] = {{"until", "test_loss"}, {"at_most", 0.5}};
  expect_refused(j, "run.max_steps", "required");
  j["steps"][2]["run"] = {{"until", "test_loss"}, {"at_most", 0.5}, {"at_least", 0.1}, {"max_steps", 900}};
  expect_refused(j, "run.until", "exactly one");
  j["steps"][2]["run"] = "fast";
  expect_refused(j, "step 3 (\"three\"): run", "\"paused\"");
}

TEST(Scene, RefusesBadIdsControlsAndHighlights) {
  json j = good_scene();
  j["steps"][1]["id"] = "one";
  expect_refused(j, "step 2: id", "already the id");
  j = good_scene();
  j["id"] = "Bad Id";
  expect_refused(j, "id", "lower-case");
  j = good_scene();
  j["steps"][1]["lock"] = {"sidebar"};  // hidden, not locked
  expect_refused(j, "lock[0]", "expected one of");
  j = good_scene();
  j["steps"][1]["highlight"] = {"network"};  // not in this step's layout
  expect_refused(j, "highlight[0]", "expected one of curves, distributions");
}

TEST(Scene, RefusesAnExperimentOutsideExamples) {
  json j = good_scene();
  j["experiment"] = "../CMakeLists.txt";
  expect_refused(j, "experiment", "name of a file in examples/");
  j["experiment"] = "nope.json";
  expect_refused(j, "experiment", "no file");
  j["experiment"] = {{"model", {{"blocks", json::array()}}}};
  expect_refused(j, "experiment: model.blocks", "non-empty");
}

TEST(Scene, ADeeplyNestedValueIsRefusedWithoutRecursion) {
  std::string deep(100000, '[');
  deep += std::string(100000, ']');
  json j = good_scene();
  j["steps"][0]["speed"] = json::parse(deep);
  expect_refused(j, "step 1 (\"one\"): speed", "a list");
}

// A patch is copied and merged recursively, so 100,000 nested objects in one overflowed the
// stack (a segfault in `bnlab scene check`) before any check could name the field.
TEST(Scene, ADeeplyNestedPatchIsRefusedWithoutRecursion) {
  std::string deep;
  for (int i = 0; i < 100000; ++i) deep += R"({"a":)";
  deep += "1" + std::string(100000, '}');
  json j = good_scene();
  j["steps"][0]["set"] = {{"data", json::parse(deep)}};
  expect_refused(j, "step 1 (\"one\"): set", "nested more than");
  j = good_scene();
  j["steps"][1]["set_b"] = json::parse(deep);
  expect_refused(j, "step 2 (\"two\"): set_b", "nested more than");
  j = good_scene();
  j["run_b"]["train"] = json::parse(deep);
  expect_refused(j, "run_b.train", "nested more than");
}

TEST(Scene, EveryShippedSceneIsValid) {
  const std::vector<Scene> scenes = load_all_scenes(std::string(BNLAB_ASSETS_DIR) + "/scenes", BNLAB_EXAMPLES_DIR);
  for (const Scene& s : scenes) EXPECT_FALSE(s.steps.empty()) << s.id;
}

}  // namespace
}  // namespace bnlab
