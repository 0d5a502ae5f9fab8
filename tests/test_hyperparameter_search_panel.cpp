// What this file is: the hyperparameter search lab's panel: a headless scene page waits for the
// whole grid and its heatmap shows each cell's final test accuracy as the run alone computes it;
// a diverged cell says so in the heatmap's data; the numbers are written as the cells show them;
// and the actions a click on a cell posts gives run B that cell's settings (the session's runs,
// not the pixels).
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <sstream>
#include <string>
#include <thread>

#include "test_paths.h"
#include "render_helpers.h"
#include "core/train/hyperparameter_search.h"
#include "core/train/small_batch_lab.h"
#include "lab_helpers.h"
#include "panels/search_cell_b.h"
#include "panels/search_grid_view.h"
#include "scene/render.h"
#include "scene/scene.h"
#include "ui/headless.h"
#include "ui/lab.h"

namespace bnlab {
namespace {

namespace fs = std::filesystem;

std::string tiny_experiment() {
  return std::string(R"({"seed": 3, "data": {"dataset": "mnist", "dir": ")") + BNLAB_TEST_DATA_DIR +
         R"(/tiny8", "normalize": "scale"},
     "model": {"blocks": [{"op": "dense", "units": 16, "norm": "batch", "activation": "none"}, {"op": "dense", "units": 10}]},
     "train": {"batch_size": 8, "lr": 0.1}})";
}

// lr 0.1 and 10^5 × BN off and on, 12 steps a run, the page in CSV.
TEST(HyperparameterSearchRender, TheHeatmapShowsEachRunsOwnFinalAccuracy) {
  const std::string scene_json = R"({"id": "tiny-search", "title": {"en": "Tiny search", "zh": "小搜索"},
    "experiment": )" + tiny_experiment() + R"(,
    "steps": [{"id": "grid", "narration": {"en": "The grid.", "zh": "网格。"},
      "layout": [{"panel": "hyperparameter_search", "start": true, "rows": "lr", "row_from": 0.1, "row_to": 100000,
                  "row_count": 2, "row_log": true, "cols": "bn", "steps": 12, "train_images": 0}]}]})";
  const std::vector<RenderedStep> steps = render_csv(scene_json, "tiny-search.json");
  ASSERT_EQ(steps.size(), 1u);
  const DrawnPlot* heatmap = nullptr;
  for (const DrawnPlot& p : steps[0].plots)
    if (p.id == "search-heatmap") heatmap = &p;
  ASSERT_NE(heatmap, nullptr);

  // Each cell's run alone: the experiment with the cell's settings, 12 steps, then the test set.
  const Config base = parse_config(nlohmann::json::parse(tiny_experiment()));
  const auto data = first_examples(load_data(base.data, base.seed), 0, 2000);
  std::istringstream csv(heatmap->csv);
  std::string line;
  std::getline(csv, line);
  EXPECT_EQ(line, "row,column,value");
  int cells = 0;
  for (double lr : {0.1, 1e5})
    for (int bn : {0, 1}) {
      ASSERT_TRUE(std::getline(csv, line));
      Config c = base;
      apply_setting(c, "lr", lr);
      apply_setting(c, "bn", bn);
      bnlab::Run run(c, data);
      bool diverged = false;
      for (int s = 0; s < 12 && !diverged; ++s) diverged = !std::isfinite(run.step().loss);
      const std::string value = line.substr(line.rfind(',') + 1);
      SCOPED_TRACE(line);
      if (diverged) {
        EXPECT_EQ(value, "diverged");
      } else {
        const double accuracy = run.evaluate("test", Mode::infer_running).accuracy;
        EXPECT_NEAR(std::stod(value), accuracy, 1e-6);
      }
      ++cells;
    }
  EXPECT_EQ(cells, 4);
  EXPECT_NE(heatmap->csv.find("diverged"), std::string::npos);  // lr 10^5 without BN: the linear net's weights overflow
}

TEST(HyperparameterSearchRender, CellTextIsTheValueAsAPercentageOrALoss) {
  EXPECT_EQ(search_cell_text(0.8125, SearchMetric::final_accuracy), "81.2%");
  EXPECT_EQ(search_cell_text(0.8126, SearchMetric::best_accuracy), "81.3%");
  EXPECT_EQ(search_cell_text(0.41237, SearchMetric::final_loss), "0.412");
}

// A click posts cell_as_b_actions; applied by the lab at the next frame, the session's run B
// has the cell's learning settings and norms, from step 0, and A keeps its own.
TEST(HyperparameterSearchPanel, ClickingACellGivesRunBThatCellsConfig) {
  ui::HeadlessImGui imgui(1280, 720, 16, false);
  ui::Settings settings;
  ui::Lab lab(settings);
  lab.session.start(ui::spiral_config());
  auto frames_until = [&](const std::function<bool()>& done) {
    for (int i = 0; i < 3000; ++i) {
      ui::lab_frame(lab, {0, 0, 1280, 720}, "dark");
      if (done()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  };
  ASSERT_TRUE(frames_until([&] { return lab.session.twins() != nullptr; })) << lab.session.error;
  const Config a = lab.session.config();
  SearchPlan plan;
  plan.rows = {"beta1", 0.5, 0.8, 2, false};
  plan.cols = default_search_axis("bn");
  plan.length = {2, 0};
  HyperparameterSearch search(a, lab.frame_data().a->data, plan, 1);
  search.wait();
  const Config cell = search.cell_config(2);  // β1 0.8, BN off, with Adam (β1 is Adam's)
  ASSERT_EQ(cell.train.optimizer, "adam");
  ASSERT_EQ(cell.train.beta1, 0.8f);
  const std::vector<ui::Action> open = cell_as_b_actions(lab.session.config(), cell);
  ASSERT_FALSE(open.empty());
  const uint64_t builds = lab.session.builds();
  for (const ui::Action& act : open) lab.actions.post(act);
  ASSERT_TRUE(frames_until([&] { return lab.session.builds() > builds && lab.frame_data().b && lab.frame_data().b->config; }));
  const Config& b = *lab.frame_data().b->config;
  EXPECT_EQ(b.train, cell.train);
  for (size_t i = 0; i + 1 < b.model.blocks.size(); ++i) EXPECT_EQ(b.model.blocks[i].norm, NormKind::none) << i;
  EXPECT_EQ(lab.frame_data().b->step, 0);
  EXPECT_EQ(to_json(lab.session.config()), to_json(a));  // A unchanged
  EXPECT_TRUE(lab.session.b_has_own_train());
  EXPECT_EQ(lab.session.train_b(), cell.train);
  EXPECT_TRUE(lab.session.editing_b);  // the sidebar shows B's learning settings

  // BN on in the cell: B has BN on every hidden block.
  const std::vector<ui::Action> with_bn = cell_as_b_actions(lab.session.config(), search.cell_config(3));
  ASSERT_FALSE(with_bn.empty());
  for (const ui::Action& act : with_bn) lab.actions.post(act);
  const uint64_t builds2 = lab.session.builds();
  ASSERT_TRUE(frames_until([&] { return lab.session.builds() > builds2 && lab.frame_data().b && lab.frame_data().b->config; }));
  const Config& b2 = *lab.frame_data().b->config;
  for (size_t i = 0; i + 1 < b2.model.blocks.size(); ++i) EXPECT_EQ(b2.model.blocks[i].norm, NormKind::batch) << i;

  // A network that is not the grid's: nothing to open.
  Config other = a;
  other.model.blocks.insert(other.model.blocks.begin(), other.model.blocks.front());
  EXPECT_TRUE(cell_as_b_actions(other, cell).empty());
}

}  // namespace
}  // namespace bnlab
