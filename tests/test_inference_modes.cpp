// The train-vs-inference lab's numbers (core/probes/inference_modes.h) against direct
// computations: Run::evaluate in each mode on the same weights, Algorithm 2's population mean
// from the batches themselves, and a dense BN in training mode on one example, whose output is
// β whatever the input.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "core/layers/batch_norm.h"
#include "core/model/model.h"
#include "core/probes/inference_modes.h"
#include "core/train/run.h"
#include "test_helpers.h"

namespace bnlab {
namespace {

InferenceSettings settings_for(const Config& cfg) {
  InferenceSettings s;
  s.batch_size = cfg.train.batch_size;
  return s;
}

TEST(InferenceModes, TheThreeWaysEqualRunEvaluateOnTheSameWeights) {
  const Config cfg = moons_two_blocks_config();
  bnlab::Run run(cfg, loaded_data(cfg));
  for (int i = 0; i < 60; ++i) run.step();
  const ModelState state = capture_model_state(run.model(), run.steps_done());
  const std::optional<InferenceComparison> c = compare_inference(state, run.data(), settings_for(cfg));
  ASSERT_TRUE(c.has_value());
  EXPECT_TRUE(c->has_bn);
  EXPECT_EQ(c->test_examples, run.data().test.size());
  EXPECT_EQ(c->population_examples, run.data().train.size());
  const EvalResult running = run.evaluate("test", Mode::infer_running);
  const EvalResult batch = run.evaluate("test", Mode::infer_batch);
  const EvalResult population = run.evaluate("test", Mode::infer_population);
  EXPECT_EQ(c->running.loss, running.loss);
  EXPECT_EQ(c->running.accuracy, running.accuracy);
  EXPECT_EQ(c->batch.loss, batch.loss);
  EXPECT_EQ(c->batch.accuracy, batch.accuracy);
  EXPECT_EQ(c->population.loss, population.loss);
  EXPECT_EQ(c->population.accuracy, population.accuracy);
  // The three are different computations: after 60 steps the running averages still lag.
  EXPECT_NE(c->running.loss, c->population.loss);
}

TEST(InferenceModes, TheFirstNTestExamplesAreTheRunsEvaluationOfThoseExamples) {
  const Config cfg = moons_two_blocks_config();
  bnlab::Run run(cfg, loaded_data(cfg));
  for (int i = 0; i < 20; ++i) run.step();
  const ModelState state = capture_model_state(run.model(), run.steps_done());
  InferenceSettings s = settings_for(cfg);
  s.test_examples = 37;
  const auto c = compare_inference(state, run.data(), s);
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->running.examples, 37);
  // By hand: the same model, the first 37 examples in one batch, in eval mode.
  std::unique_ptr<Model> m = rebuild_model(state);
  Tensor x;
  x.resize(run.data().test.sample_shape, 37);
  x.data = run.data().test.x.leftCols(37);
  const Matrix& out = m->forward(x, Mode::infer_running).data;  // (classes, 37)
  int correct = 0;
  for (int i = 0; i < 37; ++i) {
    Eigen::Index k = 0;
    out.col(i).maxCoeff(&k);
    correct += static_cast<int>(k) == run.data().test.y[i];
  }
  EXPECT_DOUBLE_EQ(c->running.accuracy, correct / 37.0);
}

TEST(InferenceModes, ThePopulationMeanIsTheMeanOfTheTrainingBatchMeans) {
  const Config cfg = moons_two_blocks_config();
  bnlab::Run run(cfg, loaded_data(cfg));
  for (int i = 0; i < 40; ++i) run.step();
  const ModelState state = capture_model_state(run.model(), run.steps_done());
  const auto c = compare_inference(state, run.data(), settings_for(cfg));
  ASSERT_TRUE(c.has_value());
  ASSERT_EQ(c->gaps.size(), 2u);
  // Block 2 (index 1): its z is the input of its BN. Algorithm 2 by hand: each training batch
  // in file order, the earlier BN with the batch's statistics, the mean of z over the batch.
  std::unique_ptr<Model> m = rebuild_model(state);
  const Dataset& train = run.data().train;
  const int bs = cfg.train.batch_size, batches = train.size() / bs;
  Eigen::VectorXd sum = Eigen::VectorXd::Zero(12);
  for (int b = 0; b < batches; ++b) {
    Tensor x;
    x.resize(train.sample_shape, bs);
    x.data = train.x.middleCols(b * bs, bs);
    m->forward(x, Mode::infer_batch);
    sum += m->taps(1).z->data.rowwise().mean().cast<double>();
  }
  const StatisticsGap& g = c->gaps[1];
  EXPECT_EQ(g.block, 1);
  for (int f = 0; f < 12; ++f) EXPECT_NEAR(g.population_mean[f], sum[f] / batches, 1e-5) << f;
  // And the running side is BN's own running mean.
  const auto running = run.model().norms()[1]->running();
  for (int f = 0; f < 12; ++f) EXPECT_EQ(g.running_mean[f], running->mean[f]);
  const LargestGap lg = largest_gap(g.running_mean, g.population_mean);
  ASSERT_GE(lg.feature, 0);
  for (int f = 0; f < 12; ++f) EXPECT_LE(std::abs(g.running_mean[f] - g.population_mean[f]), lg.value + 1e-12);
}

TEST(InferenceModes, LargestGapSkipsNonFiniteValues) {
  EXPECT_EQ(largest_gap({1, NAN, 3}, {1, 0, 0.5f}).feature, 2);
  EXPECT_DOUBLE_EQ(largest_gap({1, NAN, 3}, {1, 0, 0.5f}).value, 2.5);
  EXPECT_EQ(largest_gap({}, {}).feature, -1);
}

TEST(InferenceModes, WithoutBnTheThreeWaysAreOne) {
  Config cfg = moons_two_blocks_config();
  for (BlockConfig& b : cfg.model.blocks) b.norm = NormKind::none;
  bnlab::Run run(cfg, loaded_data(cfg));
  for (int i = 0; i < 10; ++i) run.step();
  const auto c = compare_inference(capture_model_state(run.model(), 10), run.data(), settings_for(cfg));
  ASSERT_TRUE(c.has_value());
  EXPECT_FALSE(c->has_bn);
  EXPECT_TRUE(c->gaps.empty());
  EXPECT_EQ(c->running.loss, c->population.loss);
  EXPECT_NEAR(c->running.loss, c->batch.loss, 1e-6);
}

// Training mode on one example: the dense BN's σ² = 0, x̂ = 0, its output is β. With the last
// hidden block dense → BN → ReLU and a dense output, the logits are W·ReLU(β) + b for every image.
TEST(InferenceModes, OneExampleInTrainingModeGivesTheLogitsOfBetaForEveryImage) {
  Config cfg = moons_two_blocks_config();
  cfg.model.blocks[1].activation = "relu";
  bnlab::Run run(cfg, loaded_data(cfg));
  for (int i = 0; i < 50; ++i) run.step();
  std::unique_ptr<Model> m = rebuild_model(capture_model_state(run.model(), 50));
  const Dataset& test = run.data().test;
  const SingleExampleResult r = single_examples_in_training_mode(*m, test, 60);
  EXPECT_TRUE(r.one_value_norm);
  EXPECT_EQ(r.examples, 60);
  EXPECT_EQ(r.distinct, 1);
  // By hand from the parameters.
  const std::span<const float> beta = run.model().norms()[1]->beta();
  std::vector<Param> out = run.model().layer(run.model().blocks()[2].op).params();  // weight (2, 12), bias (2)
  for (int k = 0; k < 2; ++k) {
    double logit = out[1].value[k];
    for (int j = 0; j < 12; ++j) logit += out[0].value[k * 12 + j] * std::max(0.0f, beta[j]);
    EXPECT_NEAR(r.first_logits[k], logit, 1e-5) << k;
  }
  const int predicted = r.first_logits[0] >= r.first_logits[1] ? 0 : 1;
  EXPECT_EQ(r.most_common, predicted);
  EXPECT_EQ(r.most_common_count, 60);
  // The accuracy is that one class's share of the 60 labels.
  int share = 0;
  for (int i = 0; i < 60; ++i) share += test.y[i] == predicted;
  EXPECT_EQ(r.correct, share);
}

TEST(InferenceModes, CancelledBeforeStartingGivesNothing) {
  const Config cfg = moons_two_blocks_config();
  bnlab::Run run(cfg, loaded_data(cfg));
  run.step();
  std::atomic<bool> cancel{true};
  EXPECT_FALSE(compare_inference(capture_model_state(run.model(), 1), run.data(), settings_for(cfg), &cancel));
}

}  // namespace
}  // namespace bnlab
