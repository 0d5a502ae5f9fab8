// The BN transform lab's numbers (core/lesson/bn_transform.h) and the feature-maps lab's
// (core/lesson/feature_maps.h), each against a direct computation: the real BatchNorm layer's
// training output on the same batch, the statistics summed here by hand, γ = √(σ²+ε), β = μ giving
// back z, and a conv block's maps against the live network's output for the same image.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "core/lesson/bn_transform.h"
#include "core/lesson/feature_maps.h"
#include "core/model/model.h"
#include "core/train/run.h"
#include "test_helpers.h"

namespace bnlab {
namespace {

BlockConfig hidden(const std::string& op, NormKind norm) {
  BlockConfig b;
  b.op = op;
  b.units = 12;
  b.channels = 3;
  b.kernel = 3;
  b.padding = 1;
  b.norm = norm;
  b.activation = "sigmoid";
  return b;
}

// A tiny8 network trained a few steps, so γ and β are no longer 1 and 0.
ModelState trained_state(const Config& cfg, std::shared_ptr<const DataSplit>* data = nullptr, int steps = 5) {
  bnlab::Run run(cfg, loaded_data(cfg));
  for (int i = 0; i < steps; ++i) run.step();
  if (data) *data = loaded_data(cfg);
  return capture_model_state(run.model(), run.steps_done());
}

// μ and the biased σ² of `z`, summed here in long double.
std::pair<double, double> direct_statistics(const std::vector<float>& z) {
  long double s = 0, ss = 0;
  for (float v : z) s += v;
  const long double mu = s / z.size();
  for (float v : z) ss += (v - mu) * (v - mu);
  return {static_cast<double>(mu), static_cast<double>(ss / z.size())};
}

void expect_stages_match_the_layer(const Config& cfg) {
  std::shared_ptr<const DataSplit> data;
  const ModelState state = trained_state(cfg, &data);
  const BnBatch b = bn_batch(state, data->train, 0, 1, 8, 3);
  ASSERT_EQ(b.problem, BnTransformProblem::none);
  ASSERT_EQ(b.m, 8);
  EXPECT_NE(b.layer_gamma, 1.0f) << "training did not move γ: the test would not see a wrong γ";
  const BnStages st = bn_stages(b, b.layer_gamma, b.layer_beta);
  const auto [mu, var] = direct_statistics(b.z);
  EXPECT_NEAR(st.mean, mu, 1e-6 * std::max(1.0, std::abs(mu)));
  EXPECT_NEAR(st.var, var, 1e-6 * std::max(1.0, var));
  // Biased, as the paper's Algorithm 1 and PyTorch's training forward: not the m − 1 estimate.
  EXPECT_GT(std::abs(var * b.count() / (b.count() - 1) - st.var), 1e-4 * var);
  ASSERT_EQ(st.y.size(), b.layer_y.size());
  float worst = 0.0f;
  for (size_t i = 0; i < st.y.size(); ++i) worst = std::max(worst, std::abs(st.y[i] - b.layer_y[i]));
  EXPECT_LE(worst, 1e-6f) << "the stages differ from the real BatchNorm layer's output";
  // x̂: mean 0, variance σ²/(σ² + ε) (just under 1), summed here directly.
  const auto [xm, xv] = direct_statistics(st.x_hat);
  EXPECT_NEAR(st.x_hat_mean, xm, 1e-9);
  EXPECT_NEAR(st.x_hat_mean, 0.0, 1e-6);
  EXPECT_NEAR(st.x_hat_var, xv, 1e-6);
  EXPECT_NEAR(st.x_hat_var, var / (var + b.eps), 1e-5);
  for (size_t i = 0; i < st.y.size(); ++i) {
    EXPECT_NEAR(st.centred[i], b.z[i] - mu, 1e-6);
    EXPECT_NEAR(st.x_hat[i], (b.z[i] - mu) / std::sqrt(var + b.eps), 2e-6);
  }
}

TEST(BnTransform, DenseStagesAreWhatTheBatchNormLayerComputesInTraining) {
  expect_stages_match_the_layer(tiny8_config(hidden("dense", NormKind::batch), 10, 0.5f, 2));
}

TEST(BnTransform, ConvStatisticsAreOverTheMTimesPTimesQValuesOfTheChannel) {
  const Config cfg = tiny8_config(hidden("conv", NormKind::batch), 10, 0.5f, 2);
  expect_stages_match_the_layer(cfg);
  std::shared_ptr<const DataSplit> data;
  const ModelState state = trained_state(cfg, &data);
  const BnBatch b = bn_batch(state, data->train, 0, 2, 5, 1);
  EXPECT_TRUE(b.conv);
  EXPECT_EQ(b.positions, 64);  // 8×8 maps (padding 1)
  EXPECT_EQ(b.count(), 5 * 64);
  EXPECT_EQ(b.z.size(), 5u * 64u);
  EXPECT_EQ(centre_position(b), 4 * 8 + 4);
}

TEST(BnTransform, GammaSigmaAndBetaMuGiveBackZ) {
  for (const char* op : {"dense", "conv"}) {
    const Config cfg = tiny8_config(hidden(op, NormKind::batch), 10, 0.5f, 2);
    std::shared_ptr<const DataSplit> data;
    const ModelState state = trained_state(cfg, &data);
    const BnBatch b = bn_batch(state, data->train, 0, 0, 16, 9);
    const BnStages undo = bn_undo(b);
    const BnStages plain = bn_stages(b, 1.0f, 0.0f);
    EXPECT_FLOAT_EQ(undo.gamma, std::sqrt(plain.var + b.eps));
    EXPECT_FLOAT_EQ(undo.beta, plain.mean);
    float scale = 0.0f, worst = 0.0f;
    for (size_t i = 0; i < b.z.size(); ++i) {
      scale = std::max(scale, std::abs(b.z[i]));
      worst = std::max(worst, std::abs(undo.y[i] - b.z[i]));
    }
    EXPECT_EQ(undo.max_abs_y_minus_z, worst) << "the largest |y − z| shown is not the one computed here";
    // To float precision: a few units in the last place of the largest |z|.
    EXPECT_LE(worst, 4.0f * std::numeric_limits<float>::epsilon() * std::max(1.0f, scale)) << op;
    EXPECT_GT(b.z.size(), 1u);
  }
}

TEST(BnTransform, AfterTheActivationZIsTheActivationsOutput) {
  Config cfg = tiny8_config(hidden("dense", NormKind::batch), 10, 0.5f, 2);
  cfg.model.bn.position = "after_activation";
  std::shared_ptr<const DataSplit> data;
  const ModelState state = trained_state(cfg, &data);
  const BnBatch b = bn_batch(state, data->train, 0, 4, 6, 5);
  ASSERT_EQ(b.problem, BnTransformProblem::none);
  EXPECT_TRUE(b.after_activation);
  // The op's output through σ, computed here from the same examples.
  std::unique_ptr<Model> model = rebuild_model(state);
  Tensor x;
  x.resize(data->train.sample_shape, b.m);
  for (int n = 0; n < b.m; ++n) x.data.col(n) = data->train.x.col(b.examples[n]);
  model->forward(x, Mode::train);
  const Tensor& op = *model->taps(0).z;
  for (int n = 0; n < b.m; ++n) EXPECT_NEAR(b.z[n], 1.0f / (1.0f + std::exp(-op.data(4, n))), 1e-6f);
  const BnStages st = bn_stages(b, b.layer_gamma, b.layer_beta);
  for (size_t i = 0; i < st.y.size(); ++i) EXPECT_NEAR(st.y[i], b.layer_y[i], 1e-6f);
}

TEST(BnTransform, TheSameSeedGivesTheSameBatchAndAnotherSeedAnother) {
  const std::vector<int> a = pick_examples(60, 16, 4), again = pick_examples(60, 16, 4), other = pick_examples(60, 16, 5);
  EXPECT_EQ(a, again);
  EXPECT_NE(a, other);
  std::vector<int> sorted = a;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(std::unique(sorted.begin(), sorted.end()), sorted.end()) << "an example drawn twice";
  for (int i : a) EXPECT_TRUE(i >= 0 && i < 60);
  EXPECT_EQ(pick_examples(3, 16, 1).size(), 3u);
}

TEST(BnTransform, OtherNormsNoNormAndADivergedRunAreSaidNotComputed) {
  std::shared_ptr<const DataSplit> data;
  const ModelState ln = trained_state(tiny8_config(hidden("dense", NormKind::layer), 10, 0.5f, 2), &data);
  EXPECT_EQ(bn_batch(ln, data->train, 0, 0, 8, 1).problem, BnTransformProblem::not_batch);
  EXPECT_EQ(bn_batch(ln, data->train, 1, 0, 8, 1).problem, BnTransformProblem::no_norm);  // the output block
  EXPECT_EQ(bn_batch(ln, data->train, 7, 0, 8, 1).problem, BnTransformProblem::no_block);
  ModelState bn = trained_state(tiny8_config(hidden("dense", NormKind::batch), 10, 0.5f, 2), &data);
  EXPECT_EQ(bn_batch(bn, data->train, 0, 0, 1, 1).problem, BnTransformProblem::too_few);
  for (auto& p : bn.params) std::fill(p.begin(), p.end(), std::numeric_limits<float>::quiet_NaN());
  EXPECT_EQ(bn_batch(bn, data->train, 0, 0, 8, 1).problem, BnTransformProblem::not_finite);
  // A feature past the block's last is the last.
  bn = trained_state(tiny8_config(hidden("dense", NormKind::batch), 10, 0.5f, 2), &data);
  EXPECT_EQ(bn_batch(bn, data->train, 0, 99, 8, 1).feature, 11);
}

TEST(FeatureMaps, EachChannelsMapsAreTheNetworksValuesForThatImage) {
  const Config cfg = tiny8_config(hidden("conv", NormKind::batch), 10, 0.5f, 2);
  bnlab::Run run(cfg, loaded_data(cfg));
  for (int i = 0; i < 5; ++i) run.step();
  const ModelState state = capture_model_state(run.model(), run.steps_done());
  const Dataset& test = run.data().test;
  const int example = 3;
  const FeatureMaps f = feature_maps(state, test, 0, example);
  ASSERT_EQ(f.problem, FeatureMapsProblem::none);
  EXPECT_EQ(f.channels, 3);
  EXPECT_EQ(f.h * f.w, 64);
  ASSERT_EQ(f.stages.size(), 3u);  // z, BN, σ
  EXPECT_EQ(f.stages[1], MapStage::normalized);
  ASSERT_EQ(f.gamma.size(), 3u);
  // The live model, in inference, on a batch holding the image: column `example` is f's.
  Tensor x;
  x.data = test.x.leftCols(6);
  x.shape = test.sample_shape;
  run.model().forward(x, Mode::infer_running);
  const BlockTaps taps = run.model().taps(0);
  const Norm* norm = run.model().norm(run.model().blocks()[0]);
  const RunningStatistics r = *norm->running();
  for (int c = 0; c < f.channels; ++c) {
    EXPECT_EQ(f.gamma[c], norm->gamma()[c]);
    EXPECT_EQ(f.beta[c], norm->beta()[c]);
    for (int s = 0; s < 64; ++s) {
      const int row = c * 64 + s;
      const float z = f.stage(MapStage::z)[row];
      EXPECT_EQ(z, taps.z->data(row, example));
      EXPECT_NEAR(f.stage(MapStage::normalized)[row], taps.normalized->data(row, example), 1e-6f);
      EXPECT_NEAR(f.stage(MapStage::activated)[row], taps.activated->data(row, example), 1e-6f);
      // One γ_c and β_c for every value of channel c's map: BN with its running statistics.
      const float direct = f.gamma[c] * (z - r.mean[c]) / std::sqrt(r.var[c] + cfg.model.bn.eps) + f.beta[c];
      EXPECT_NEAR(f.stage(MapStage::normalized)[row], direct, 1e-5f);
    }
  }
  for (size_t i = 0; i < f.input.size(); ++i) EXPECT_EQ(f.input[i], test.x(static_cast<Eigen::Index>(i), example));
  EXPECT_EQ(f.label, test.y[example]);
}

TEST(FeatureMaps, ADenseBlockHasNoMapsAndTheConvBlocksAreNamed) {
  const Config cfg = tiny8_config(hidden("conv", NormKind::batch), 10, 0.5f, 2);
  std::shared_ptr<const DataSplit> data;
  const ModelState state = trained_state(cfg, &data, 1);
  const FeatureMaps f = feature_maps(state, data->test, 1, 0);
  EXPECT_EQ(f.problem, FeatureMapsProblem::not_conv);
  EXPECT_EQ(f.conv_blocks, std::vector<int>{0});
  EXPECT_EQ(feature_maps(state, data->test, 5, 0).problem, FeatureMapsProblem::no_block);
  EXPECT_EQ(feature_maps(state, data->test, 0, 100000).example, data->test.size() - 1);
}

}  // namespace
}  // namespace bnlab
