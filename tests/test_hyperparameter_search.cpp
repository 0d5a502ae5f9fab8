// What this file is: the hyperparameter search lab's core (issue #12 §6): a cell of the grid is
// the single run with the same settings, bit for bit (its losses, accuracies and curve); each
// sweep setting changes the config field it names and nothing else; the axes' values; a diverged
// cell is marked and leaves the heatmap's colour scale to the others; cancel stops every cell
// mid-run.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <map>
#include <set>
#include <thread>

#include "core/error.h"
#include "core/train/hyperparameter_search.h"
#include "core/train/small_batch_lab.h"
#include "test_helpers.h"

namespace bnlab {
namespace {

// The cell's run repeated alone: the same config and data, stepped and evaluated as the sweep
// does (training loss every train_every steps, the test set every eval_every steps and at the end).
CellResult single_run(const Config& cfg, std::shared_ptr<const DataSplit> data, int64_t steps, int64_t eval_every) {
  Run run(cfg, std::move(data));
  CellResult r;
  r.train_every = std::max<int64_t>(1, steps / 100);
  for (int64_t s = 1; s <= steps; ++s) {
    const StepRecord rec = run.step();
    if (!std::isfinite(rec.loss)) {
      r.diverged = true;
      r.train_loss.push_back({s, rec.loss});
      return r;
    }
    if (s % eval_every == 0 || s == steps) {
      const EvalResult e = run.evaluate("test", Mode::infer_running);
      r.evals.push_back({s, e.loss, e.accuracy});
      r.final_loss = e.loss;
      r.final_accuracy = e.accuracy;
    }
    if (s % r.train_every == 0) r.train_loss.push_back({s, rec.loss});
  }
  return r;
}

void expect_same_run(const CellResult& cell, const CellResult& alone, const std::string& what) {
  SCOPED_TRACE(what);
  EXPECT_EQ(cell.diverged, alone.diverged);
  ASSERT_EQ(cell.evals.size(), alone.evals.size());
  for (size_t k = 0; k < cell.evals.size(); ++k) {
    EXPECT_EQ(cell.evals[k].step, alone.evals[k].step);
    EXPECT_EQ(cell.evals[k].loss, alone.evals[k].loss);  // bit for bit: the same arithmetic in the same order
    EXPECT_EQ(cell.evals[k].accuracy, alone.evals[k].accuracy);
  }
  ASSERT_EQ(cell.train_loss.size(), alone.train_loss.size());
  for (size_t k = 0; k < cell.train_loss.size(); ++k) {
    EXPECT_EQ(cell.train_loss[k].step, alone.train_loss[k].step);
    EXPECT_EQ(cell.train_loss[k].loss, alone.train_loss[k].loss);
  }
  if (!cell.diverged) {
    EXPECT_EQ(cell.final_loss, alone.final_loss);
    EXPECT_EQ(cell.final_accuracy, alone.final_accuracy);
  }
}

// β1 × BN on/off with Adam, and learning rate × momentum with SGD: every cell, on two threads,
// equals its run alone (cells share no state: the pool's interleaving changes nothing).
TEST(HyperparameterSearch, EveryCellEqualsASingleRunWithItsSettings) {
  const Config cfg = moons_two_blocks_config();
  const auto data = loaded_data(cfg);
  SearchPlan adam;
  adam.rows = {"beta1", 0.5, 0.9, 2, false};
  adam.cols = default_search_axis("bn");
  adam.length = {40, 0};
  adam.train_limit = 300;
  adam.evaluations = 4;
  SearchPlan sgd = adam;
  sgd.rows = {"lr", 0.05, 0.5, 2, true};
  sgd.cols = {"momentum", 0.0, 0.9, 2, false};
  for (const SearchPlan& plan : {adam, sgd}) {
    HyperparameterSearch search(cfg, data, plan, 2);
    search.wait();
    ASSERT_TRUE(search.finished());
    const auto results = search.results();
    ASSERT_EQ(results.size(), 4u);
    for (size_t i = 0; i < results.size(); ++i) {
      const Config cell = search.cell_config(i);
      EXPECT_EQ(results[i].steps_done, 40);
      EXPECT_EQ(results[i].train_every, 1);
      expect_same_run(results[i], single_run(cell, search.data_ptr(), 40, search.eval_every()),
                      plan.rows.setting + " × " + plan.cols.setting + " cell " + std::to_string(i));
    }
    // The cells differ in what the axes name.
    EXPECT_NE(to_json(search.cell_config(0)), to_json(search.cell_config(3)));
  }
  // The β1 grid ran Adam although run A uses SGD (β1 is Adam's alone), and said so.
  HyperparameterSearch beta(cfg, data, adam, 1);
  beta.cancel();
  EXPECT_TRUE(beta.switched_to_adam());
  EXPECT_EQ(beta.cell_config(0).train.optimizer, "adam");
  EXPECT_EQ(beta.cell_config(0).train.beta1, 0.5f);
  EXPECT_EQ(beta.cell_config(1).model.blocks[0].norm, NormKind::batch);  // bn 1: BN on
  EXPECT_EQ(beta.cell_config(0).model.blocks[0].norm, NormKind::none);   // bn 0: off
}

// Each setting, applied to a config with other values, changes the one field it names (the
// config's JSON differs at that path alone); bn and norm change the hidden blocks' norms.
TEST(HyperparameterSearch, EachSettingChangesExactlyWhatItNames) {
  const Config base = moons_two_blocks_config();
  const nlohmann::json before = to_json(base);
  const std::vector<std::pair<std::string, std::set<std::string>>> expected = {
      {"lr", {"/train/lr"}},
      {"momentum", {"/train/momentum"}},
      {"weight_decay", {"/train/weight_decay"}},
      {"batch_size", {"/train/batch_size"}},
      {"beta1", {"/train/beta1"}},
      {"beta2", {"/train/beta2"}},
      {"optimizer", {"/train/optimizer"}},
      {"bn_momentum", {"/model/bn/momentum"}},
      {"init_scale", {"/model/init/scale"}},
      {"seed", {"/seed"}},
      {"bn", {"/model/blocks/0/norm", "/model/blocks/1/norm"}},
  };
  const std::map<std::string, double> value = {{"lr", 0.3},         {"momentum", 0.7},   {"weight_decay", 0.01},
                                               {"batch_size", 32},  {"beta1", 0.6},      {"beta2", 0.95},
                                               {"optimizer", 2},    {"bn_momentum", 0.3}, {"init_scale", 0.5},
                                               {"seed", 9},         {"bn", 0}};
  for (const auto& [setting, paths] : expected) {
    Config c = base;
    apply_setting(c, setting, value.at(setting));
    std::set<std::string> changed;
    for (const nlohmann::json& op : nlohmann::json::diff(before, to_json(c))) changed.insert(op["path"].get<std::string>());
    EXPECT_EQ(changed, paths) << setting;
  }
  Config c = base;
  apply_setting(c, "optimizer", 1);
  EXPECT_EQ(c.train.optimizer, "rmsprop");
  EXPECT_THROW(apply_setting(c, "optimizer", 3), Error);
  EXPECT_THROW(apply_setting(c, "optimizer", 0.5), Error);
}

TEST(HyperparameterSearch, AxisValues) {
  const std::vector<double> lr = search_axis_values({"lr", 0.01, 1.0, 3, true});
  ASSERT_EQ(lr.size(), 3u);
  EXPECT_DOUBLE_EQ(lr[0], 0.01);
  EXPECT_NEAR(lr[1], 0.1, 1e-15);  // equal ratios: 0.01 · 100^(1/2)
  EXPECT_DOUBLE_EQ(lr[2], 1.0);
  const std::vector<double> momentum = search_axis_values({"momentum", 0.0, 0.9, 4, false});  // equal steps
  ASSERT_EQ(momentum.size(), 4u);
  for (int k = 0; k < 4; ++k) EXPECT_NEAR(momentum[k], 0.3 * k, 1e-15);
  // Batch sizes are whole numbers, repeats dropped: 16 · 2^(k/2) rounded.
  EXPECT_EQ(search_axis_values({"batch_size", 16, 64, 5, true}), (std::vector<double>{16, 23, 32, 45, 64}));
  EXPECT_EQ(search_axis_values({"batch_size", 1, 2, 4, false}), (std::vector<double>{1, 2}));
  EXPECT_EQ(search_axis_values({"bn", 5, 7, 8, true}), (std::vector<double>{0, 1}));  // discrete: its values
  EXPECT_EQ(search_axis_values({"optimizer", 0, 0, 1, false}), (std::vector<double>{0, 1, 2}));
  EXPECT_EQ(search_axis_values({"lr", 0.2, 0.9, 1, true}), (std::vector<double>{0.2}));
  EXPECT_THROW(search_axis_values({"lr", 0.0, 1.0, 3, true}), Error);  // log through 0
  EXPECT_THROW(search_axis_values({"lr", 0.1, 1.0, 0, true}), Error);
  EXPECT_THROW(search_axis_values({"lr", 0.1, 1.0, kMaxSearchValues + 1, true}), Error);
  EXPECT_THROW(search_axis_values({"colour", 0.1, 1.0, 2, true}), Error);
}

// A learning rate of 10^5 on linear blocks without BN (nothing saturates, no unit dies)
// overflows the activations at once: the cell is marked diverged, has no metric, and the colour scale and the best cell are the other cells'
// alone.
TEST(HyperparameterSearch, ADivergedCellIsMarkedAndLeavesTheScaleAlone) {
  Config cfg = moons_two_blocks_config();
  for (size_t b = 0; b + 1 < cfg.model.blocks.size(); ++b) cfg.model.blocks[b].activation = "none";
  SearchPlan plan;
  plan.rows = {"lr", 0.05, 1e5, 3, true};  // 0.05, ~70, 10^5 (the config allows up to 10^9)
  plan.cols = default_search_axis("bn");
  plan.length = {30, 0};
  plan.evaluations = 3;
  HyperparameterSearch search(cfg, loaded_data(cfg), plan, 2);
  search.wait();
  const auto results = search.results();
  ASSERT_EQ(results.size(), 6u);
  const CellResult& diverged = results[4];  // lr 10^5, BN off
  ASSERT_TRUE(diverged.diverged);
  EXPECT_LT(diverged.steps_done, 30);
  for (SearchMetric m : {SearchMetric::final_accuracy, SearchMetric::best_accuracy, SearchMetric::final_loss,
                         SearchMetric::best_loss}) {
    EXPECT_TRUE(std::isnan(search_metric(diverged, m)));
    const SearchScale scale = search_scale(results, m);
    double lo = INFINITY, hi = -INFINITY;
    int best = -1;
    for (size_t i = 0; i < results.size(); ++i) {
      if (results[i].diverged) continue;
      const double v = m == SearchMetric::final_accuracy ? results[i].final_accuracy
                       : m == SearchMetric::best_accuracy ? results[i].best_accuracy
                       : m == SearchMetric::final_loss    ? results[i].final_loss
                                                          : results[i].best_loss;
      lo = std::min(lo, v);
      hi = std::max(hi, v);
      if (best < 0 || (higher_is_better(m) ? v > search_metric(results[best], m) : v < search_metric(results[best], m)))
        best = static_cast<int>(i);
    }
    EXPECT_EQ(scale.lo, lo);
    EXPECT_EQ(scale.hi, hi);
    EXPECT_TRUE(std::isfinite(scale.lo) && std::isfinite(scale.hi));
    EXPECT_EQ(scale.best, best);
    EXPECT_DOUBLE_EQ(search_shade(search_metric(results[best], m), scale, m), 1.0);
  }
}

// A batch larger than the training set cannot be built: the cell says why, has no number, and the
// others rank without it.
TEST(HyperparameterSearch, ACellThatCannotBeBuiltHasNoNumber) {
  const Config cfg = moons_two_blocks_config();
  SearchPlan plan;
  plan.rows = {"batch_size", 16, 100000, 2, true};
  plan.cols = default_search_axis("bn");
  plan.length = {10, 0};
  HyperparameterSearch search(cfg, loaded_data(cfg), plan, 2);
  search.wait();
  const auto results = search.results();
  ASSERT_EQ(results.size(), 4u);
  for (int i : {2, 3}) {
    EXPECT_FALSE(results[i].error.empty());
    EXPECT_TRUE(std::isnan(search_metric(results[i], SearchMetric::final_accuracy)));
  }
  const SearchScale scale = search_scale(results, SearchMetric::final_accuracy);
  EXPECT_TRUE(scale.best == 0 || scale.best == 1);
  EXPECT_EQ(scale.lo, std::min(results[0].final_accuracy, results[1].final_accuracy));
}

TEST(HyperparameterSearch, ScaleOverSyntheticCells) {
  std::vector<CellResult> cells(4);
  const double acc[4] = {0.5, 0.8, 0.0, 0.6};
  for (int i = 0; i < 4; ++i) {
    cells[i].evals.push_back({10, 1.0 - acc[i], acc[i]});
    cells[i].final_accuracy = acc[i];
    cells[i].final_loss = 1.0 - acc[i];
  }
  cells[2].diverged = true;
  cells[2].final_loss = 1e30;  // what a diverging step may leave
  const SearchScale a = search_scale(cells, SearchMetric::final_accuracy);
  EXPECT_EQ(a.lo, 0.5);
  EXPECT_EQ(a.hi, 0.8);
  EXPECT_EQ(a.best, 1);
  EXPECT_DOUBLE_EQ(search_shade(0.5, a, SearchMetric::final_accuracy), 0.0);
  const SearchScale l = search_scale(cells, SearchMetric::final_loss);
  EXPECT_DOUBLE_EQ(l.hi, 0.5);  // not 1e30
  EXPECT_EQ(l.best, 1);         // lowest loss
  EXPECT_DOUBLE_EQ(search_shade(l.lo, l, SearchMetric::final_loss), 1.0);
  EXPECT_DOUBLE_EQ(search_shade(l.hi, l, SearchMetric::final_loss), 0.0);
  // Log scale: 0.3 is halfway between 0.2 and 0.45 in ratio (0.3/0.2 = 0.45/0.3 = 1.5).
  EXPECT_NEAR(search_shade(0.3, SearchScale{0.2, 0.45, 0}, SearchMetric::final_loss), 0.5, 1e-12);
  cells[1].evals.clear();  // not evaluated yet: no number
  EXPECT_EQ(search_scale(cells, SearchMetric::final_accuracy).best, 3);
  EXPECT_EQ(search_scale({}, SearchMetric::final_accuracy).best, -1);
}

// Each cell plans 10^7 steps: that wait() returns with every cell cancelled far from its end shows
// cancel stops cells mid-run (how fast is a benchmark's question).
TEST(HyperparameterSearch, CancelStopsEveryCellMidRun) {
  Config cfg = moons_two_blocks_config();
  SearchPlan plan;
  plan.rows = {"lr", 0.01, 0.1, 2, true};
  plan.cols = {"beta2", 0.9, 0.999, 2, false};
  constexpr int64_t kPlanned = 10000000;
  plan.length = {kPlanned, 0};
  HyperparameterSearch search(cfg, loaded_data(cfg), plan, 2);
  ASSERT_TRUE(wait_for([&] {
    for (const CellResult& r : search.results())
      if (r.steps_done > 0) return true;
    return false;
  }));
  search.cancel();
  search.wait();
  EXPECT_TRUE(search.finished());
  for (const CellResult& r : search.results()) {
    EXPECT_TRUE(r.cancelled);
    EXPECT_LT(r.steps_done, kPlanned / 100);
  }
}

}  // namespace
}  // namespace bnlab
