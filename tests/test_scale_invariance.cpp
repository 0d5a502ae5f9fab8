// What this file is: the scale-invariance lab's numbers against direct computation (#12 §4):
// BN(kWx) = BN(Wx) for several k, within what ε accounts for (computed exactly, in double) plus
// float rounding; ‖∂L/∂W‖ at kW = ‖∂L/∂W‖/k; without the norm z grows by k; ε's share is the
// measured difference when kσ is small; and the short trainings from kW start where BN says.
#include <gtest/gtest.h>

#include <cmath>

#include "core/error.h"
#include "core/lesson/scale_invariance.h"
#include "core/model/model_state.h"
#include "core/train/run.h"
#include "test_helpers.h"

namespace bnlab {
namespace {

// tiny8 (8×8 images) through `first` (BN before its sigmoid) and a dense output of 10.
struct Fixture {
  Config cfg;
  std::shared_ptr<const DataSplit> data;
  ModelState state;
  Tensor x;
  std::vector<int> y;
  Fixture(BlockConfig first, float init_scale = 1.0f) {
    first.norm = NormKind::batch;
    first.activation = "sigmoid";
    cfg = tiny8_config(first, 20, 0.1f, 5);
    cfg.model.init.scale = init_scale;
    data = loaded_data(cfg);
    Model model(cfg.model, data->train.sample_shape, data->train.classes, cfg.seed);
    state = capture_model_state(model, 0);
    BatchStream stream(data->train, 20, false, 0);
    stream.next(x, y);
  }
};

BlockConfig dense(int units) {
  BlockConfig b;
  b.units = units;
  return b;
}

BlockConfig conv(int channels) {
  BlockConfig b;
  b.op = "conv";
  b.channels = channels;
  b.kernel = 3;
  return b;
}

// Rounding in float32: BN's output is O(1) (x̂ within ±√N), so a few ulps of a few units.
constexpr double kFloatTolerance = 2e-5;

TEST(ScaleInvariance, BatchNormOutputIsTheSameForEveryK) {
  for (const BlockConfig& block : {dense(12), conv(3)}) {
    Fixture f(block);
    for (float k : {0.1f, 0.5f, 2.0f, 10.0f}) {
      SCOPED_TRACE(block.op + " k = " + std::to_string(k));
      const auto r = measure_scale_invariance(f.state, f.x, f.y, 0, k);
      ASSERT_TRUE(r);
      ASSERT_EQ(r->bn_1.normalized.size(), r->bn_k.normalized.size());
      // Directly: every value of the BN output at kW against the one at W.
      double largest = 0.0;
      for (size_t i = 0; i < r->bn_1.normalized.size(); ++i)
        largest = std::max(largest, std::abs(double{r->bn_k.normalized[i]} - r->bn_1.normalized[i]));
      EXPECT_EQ(largest, r->max_diff);
      EXPECT_LE(r->max_diff, r->eps_share + kFloatTolerance);
      // z itself is k times larger.
      for (size_t i = 0; i < r->bn_1.z.size(); i += 7)
        EXPECT_NEAR(r->bn_k.z[i], k * r->bn_1.z[i], 1e-5 * std::max(1.0f, std::abs(k * r->bn_1.z[i])));
    }
  }
}

TEST(ScaleInvariance, WeightGradientShrinksByK) {
  for (const BlockConfig& block : {dense(12), conv(3)}) {
    Fixture f(block);
    for (float k : {0.1f, 0.5f, 2.0f, 10.0f}) {
      SCOPED_TRACE(block.op + " k = " + std::to_string(k));
      const auto r = measure_scale_invariance(f.state, f.x, f.y, 0, k);
      ASSERT_TRUE(r);
      EXPECT_GT(r->bn_1.weight_grad_norm, 0.0);
      // ε does not scale with k: BN_ε(kWx) = BN_{ε/k²}(Wx), which moves x̂ by a relative
      // ½·ε·|1/(kσ)² − 1/σ²| at most (σ the smallest channel's); the gradient moves as much.
      const double sigma = r->min_k_sigma / k;
      auto eps_rel = [&](double kk) { return 0.5 * 1e-5 * std::abs(1.0 / (kk * kk * sigma * sigma) - 1.0 / (sigma * sigma)); };
      const double tol = 1e-3 + 4.0 * eps_rel(k);
      EXPECT_NEAR(r->bn_k.weight_grad_norm, r->bn_1.weight_grad_norm / k, tol * r->bn_1.weight_grad_norm / k);
      EXPECT_NEAR(r->bn_k.weight_norm, k * r->bn_1.weight_norm, 1e-5 * k * r->bn_1.weight_norm);
      EXPECT_NEAR(r->bn_k.loss, r->bn_1.loss, tol * r->bn_1.loss);
      // The plotted grid: k·‖grad‖ is the same number at every k.
      ASSERT_EQ(r->grid_k.size(), 13u);
      EXPECT_FLOAT_EQ(r->grid_k[6], 1.0f);
      for (size_t i = 0; i < r->grid_k.size(); ++i)
        EXPECT_NEAR(r->grid_k[i] * r->grid_grad[i], r->bn_1.weight_grad_norm,
                    (1e-3 + 4.0 * eps_rel(r->grid_k[i])) * r->bn_1.weight_grad_norm);
    }
  }
}

TEST(ScaleInvariance, WithoutTheNormZAndTheActivationChange) {
  Fixture f(dense(12));
  const auto r = measure_scale_invariance(f.state, f.x, f.y, 0, 10.0f);
  ASSERT_TRUE(r);
  double z_change = 0.0, act_change = 0.0;
  for (size_t i = 0; i < r->plain_1.z.size(); ++i) {
    EXPECT_NEAR(r->plain_k.z[i], 10.0f * r->plain_1.z[i], 1e-5 * std::max(1.0f, std::abs(10.0f * r->plain_1.z[i])));
    z_change = std::max(z_change, std::abs(double{r->plain_k.z[i]} - r->plain_1.z[i]));
    act_change = std::max(act_change, std::abs(double{r->plain_k.activated[i]} - r->plain_1.activated[i]));
    // Without a norm, the activation reads z itself.
    EXPECT_FLOAT_EQ(r->plain_k.activated[i], 1.0f / (1.0f + std::exp(-r->plain_k.z[i])));
  }
  EXPECT_GT(z_change, 1.0);
  EXPECT_GT(act_change, 0.1);
  EXPECT_GT(std::abs(r->plain_k.loss - r->plain_1.loss), 1e-3);
}

// With tiny weights (z's σ ~ 1e-3) and k = 0.1, kσ ~ 1e-4 is below √ε ≈ 3e-3: BN(kWx) is visibly
// not BN(Wx), and the difference is ε's, as computed in double.
TEST(ScaleInvariance, EpsilonAccountsForTheDifferenceWhenKSigmaIsSmall) {
  Fixture f(dense(12), 1e-3f);
  const auto r = measure_scale_invariance(f.state, f.x, f.y, 0, 0.1f);
  ASSERT_TRUE(r);
  EXPECT_LT(r->min_k_sigma, 1e-3);
  EXPECT_GT(r->max_diff, 0.1);
  EXPECT_NEAR(r->max_diff, r->eps_share, 0.02 * r->eps_share + kFloatTolerance);
}

TEST(ScaleInvariance, BlocksWithoutBatchNormAreSaidNotMeasured) {
  Fixture f(dense(12));
  EXPECT_EQ(scale_problem(f.state.config, 1), ScaleProblem::no_batch_norm);
  EXPECT_EQ(scale_problem(f.state.config, 5), ScaleProblem::no_block);
  ModelConfig after = f.state.config;
  after.bn.position = "after_activation";
  EXPECT_EQ(scale_problem(after, 0), ScaleProblem::norm_after_activation);
  EXPECT_THROW(measure_scale_invariance(f.state, f.x, f.y, 1, 2.0f), Error);
}

TEST(ScaleInvariance, ShortTrainingsStartWhereTheForwardSays) {
  Fixture f(dense(12));
  const auto t = scale_training(f.state, f.cfg, f.data, 0, 10.0f, 5);
  ASSERT_TRUE(t);
  ASSERT_EQ(t->bn_1.size(), 5u);
  ASSERT_EQ(t->plain_k.size(), 5u);
  // Step 1's loss is the forward before any update: BN's does not see k, the plain block's does.
  EXPECT_NEAR(t->bn_k[0], t->bn_1[0], 1e-5);
  EXPECT_GT(std::abs(t->plain_k[0] - t->plain_1[0]), 1e-3);
  // And it is the loss of the live network on the run's first batch, as a Run computes it.
  bnlab::Run run(f.cfg, f.data);
  EXPECT_FLOAT_EQ(t->bn_1[0], run.step().loss);
  std::atomic<bool> cancel{true};
  EXPECT_FALSE(scale_training(f.state, f.cfg, f.data, 0, 10.0f, 5, &cancel));
}

}  // namespace
}  // namespace bnlab
