// What this file is: the train-vs-inference lab's panel in a headless scene render. The page
// waits for its evaluations (Panel::busy), and its table holds what compare_inference gives for
// the same network trained the same steps; a network without BN gets one number three times and
// a sentence where the gap plot would be.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>

#include "test_paths.h"
#include "core/io/config.h"
#include "core/probes/inference_modes.h"
#include "core/train/run.h"
#include "scene/render.h"
#include "scene/scene.h"

namespace bnlab {
namespace {

namespace fs = std::filesystem;

std::string experiment() {
  return std::string(R"({"seed": 5, "data": {"dataset": "mnist", "dir": ")") + BNLAB_TEST_DATA_DIR +
         R"(/tiny8", "normalize": "scale"},
   "model": {"blocks": [{"op": "dense", "units": 12, "norm": "batch", "activation": "relu"},
                        {"op": "dense", "units": 10}]},
   "train": {"batch_size": 8, "lr": 0.1}})";
}

std::string scene_json() {
  return R"({"id": "tiny-inference", "title": {"en": "T", "zh": "T"}, "experiment": )" + experiment() + R"(,
  "steps": [
    {"id": "bn", "narration": {"en": "x", "zh": "x"}, "layout": [{"panel": "train_vs_inference", "block": 1}],
     "run": {"to_step": 20}},
    {"id": "no-bn", "narration": {"en": "x", "zh": "x"}, "bn_a": "none",
     "layout": [{"panel": "train_vs_inference", "block": 1}], "run": {"to_step": 30}}
  ]})";
}

const DrawnPlot* plot_named(const RenderedStep& s, const std::string& id) {
  for (const DrawnPlot& p : s.plots)
    if (p.id == id) return &p;
  return nullptr;
}

std::string row(const char* run, const char* stats, int64_t step, const EvalResult& r) {
  char buf[160];
  std::snprintf(buf, sizeof buf, "%s,%s,%lld,%d,%.6g,%.6g\n", run, stats, static_cast<long long>(step), r.examples,
                r.loss, r.accuracy);
  return buf;
}

TEST(TrainVsInferenceRender, TheTableIsTheThreeEvaluationsOfTheTrainedNetwork) {
  const fs::path dir = fs::temp_directory_path() / ("bnlab-inference-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const Scene scene = parse_scene(nlohmann::json::parse(scene_json()), "tiny-inference.json", BNLAB_EXAMPLES_DIR);
  RenderOptions o;
  o.out_dir = dir.string();
  o.format = "csv";
  const std::vector<RenderedStep> steps = render_scene(scene, o);
  fs::remove_all(dir);
  ASSERT_EQ(steps.size(), 2u);

  // By hand: run A's network after 20 steps, and the panel's settings (its defaults).
  const Config cfg = parse_config(nlohmann::json::parse(experiment()));
  bnlab::Run run(cfg, std::make_shared<const DataSplit>(load_data(cfg.data, cfg.seed)));
  for (int i = 0; i < 20; ++i) run.step();
  InferenceSettings s;
  s.batch_size = 8;
  s.test_examples = 2000;
  s.population_examples = 10000;
  const auto c = compare_inference(capture_model_state(run.model(), 20), run.data(), s);
  ASSERT_TRUE(c.has_value());
  const DrawnPlot* table = plot_named(steps[0], "inference-table");
  ASSERT_NE(table, nullptr);
  EXPECT_NE(table->csv.find(row("A", "batch", 20, c->batch)), std::string::npos) << table->csv;
  EXPECT_NE(table->csv.find(row("A", "running", 20, c->running)), std::string::npos) << table->csv;
  EXPECT_NE(table->csv.find(row("A", "population", 20, c->population)), std::string::npos) << table->csv;
  EXPECT_NE(plot_named(steps[0], "running-minus-population-mean"), nullptr);

  // Without BN: the same number in every row, and no gap plot.
  const DrawnPlot* plain = plot_named(steps[1], "inference-table");
  ASSERT_NE(plain, nullptr);
  const size_t b = plain->csv.find("A,batch,30,"), r = plain->csv.find("A,running,30,"),
               p = plain->csv.find("A,population,30,");
  ASSERT_NE(b, std::string::npos) << plain->csv;
  ASSERT_NE(r, std::string::npos);
  ASSERT_NE(p, std::string::npos);
  auto numbers = [&](size_t at) {
    const size_t start = plain->csv.find(',', plain->csv.find(',', at) + 1);
    return plain->csv.substr(start, plain->csv.find('\n', at) - start);
  };
  EXPECT_EQ(numbers(r), numbers(p));
  EXPECT_EQ(plot_named(steps[1], "running-minus-population-mean"), nullptr);
  EXPECT_NE(plot_named(steps[1], "inference-gap-message"), nullptr);
}

}  // namespace
}  // namespace bnlab
