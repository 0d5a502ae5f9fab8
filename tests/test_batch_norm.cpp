// What this file is: BN behaviour beyond the PyTorch fixtures: batch size 1 (σ² = 0, output β,
// a warning), population statistics (the paper's Algorithm 2) against a hand computation, and
// the scale invariance BN(kWx) = BN(Wx) that the lesson shows.
#include <gtest/gtest.h>

#include "core/data/dataset.h"
#include "core/layers/batch_norm.h"
#include "core/model/model.h"
#include "core/rng.h"
#include "test_helpers.h"

namespace bnlab {
namespace {

TEST(BatchNorm, OneValuePerChannelReturnsBetaAndWarns) {
  BatchNorm bn({4, 1, 1}, 0.1f, 1e-5f, true);
  const std::vector<float> beta = {0.5f, -1.0f, 2.0f, 0.0f};
  bn.set_affine(std::vector<float>(4, 1.0f), beta);
  const Tensor x = random_tensor({4, 1, 1}, 1, 1, 2.0f, 1.0f);
  const Tensor& y = bn.forward(x, Mode::train);
  EXPECT_TRUE(y.data.col(0).isApprox(Eigen::Map<const Vector>(beta.data(), 4))) << y.data.transpose();
  EXPECT_TRUE(bn.degenerate());
  EXPECT_EQ(bn.running()->batches_tracked, 0);
  EXPECT_TRUE(bn.running()->var.allFinite());

  Model model(one_hidden_block(3, "batch", "sigmoid", 2), {5, 1, 1}, 2, 1);
  model.forward(random_tensor({5, 1, 1}, 1, 2, 2.0f, 1.0f), Mode::train);
  const auto warnings = model.take_warnings();
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("one value per channel"), std::string::npos);
  EXPECT_TRUE(model.take_warnings().empty());  // taken once
}

TEST(BatchNorm, PopulationStatisticsFollowAlgorithm2) {
  // A model whose BN sees the input directly: dense with an identity weight, BN after it.
  Model model(one_hidden_block(3, "batch", "none", 2), {3, 1, 1}, 2, 1);
  Param w = model.params()[0];
  Eigen::Map<RowMatrix>(w.value, 3, 3).setIdentity();
  Dataset train;
  train.sample_shape = {3, 1, 1};
  train.classes = 2;
  train.x = random_tensor({3, 1, 1}, 10, 3, 2.0f, 1.0f).data;
  train.y.assign(10, 0);
  model.collect_population(train, 4);  // batches {0..3}, {4..7}; the last 2 examples dropped
  auto* bn = dynamic_cast<BatchNorm*>(model.norms()[0]);
  ASSERT_NE(bn, nullptr);
  Vector mean_sum = Vector::Zero(3), var_sum = Vector::Zero(3);
  for (int b = 0; b < 2; ++b) {
    const Matrix batch = train.x.middleCols(b * 4, 4);
    const Vector mu = batch.rowwise().mean();
    mean_sum += mu;
    var_sum += (batch.colwise() - mu).array().square().matrix().rowwise().mean();
  }
  EXPECT_TRUE(bn->population_mean().isApprox(mean_sum / 2, 1e-5f));
  EXPECT_TRUE(bn->population_var().isApprox(var_sum / 2 * (4.0f / 3.0f), 1e-5f));
  EXPECT_EQ(bn->running()->batches_tracked, 0);  // collecting is not training
}

TEST(BatchNorm, ScaleInvarianceOfTheWeightsBeforeIt) {
  ModelConfig cfg = one_hidden_block(6, "batch", "sigmoid", 3);
  cfg.init.scale = 1.0f;
  Model a(cfg, {4, 1, 1}, 3, 9);
  cfg.init.scale = 10.0f;
  Model b(cfg, {4, 1, 1}, 3, 9);  // the same draws, weights × 10
  const Tensor x = random_tensor({4, 1, 1}, 8, 4, 2.0f, 1.0f);
  const Matrix ya = a.forward(x, Mode::train).data;
  Param wb = b.params().back();  // the output layer is not behind a BN: undo its scale
  Param wa = a.params().back();
  std::copy(wa.value, wa.value + wa.size, wb.value);
  Param wb0 = b.named_params()[b.named_params().size() - 2].param;  // output weight
  Param wa0 = a.named_params()[a.named_params().size() - 2].param;
  std::copy(wa0.value, wa0.value + wa0.size, wb0.value);
  const Matrix yb = b.forward(x, Mode::train).data;
  EXPECT_TRUE(ya.isApprox(yb, 1e-4f)) << (ya - yb).cwiseAbs().maxCoeff();
}

}  // namespace
}  // namespace bnlab
