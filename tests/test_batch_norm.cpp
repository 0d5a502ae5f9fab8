// What this file is: BN behaviour beyond the PyTorch fixtures: batch size 1 (σ² = 0, output β,
// a warning), population statistics (the paper's Algorithm 2) against a hand computation, the
// scale invariance BN(kWx) = BN(Wx) that the lesson shows, and the batch statistics of inputs
// whose mean dwarfs their spread.
#include <gtest/gtest.h>

#include <cmath>

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

TEST(BatchNorm, BatchStatisticsStayExactWhenTheMeanDwarfsTheSpread) {
  // Channel c's values: 10⁴·(c + 1), plus a per-sample offset of up to ±2 (so the runs' means
  // differ), plus unit noise. E[x²] − E[x]² in float would lose every digit of a variance near 2.
  const Shape shape{3, 6, 5};
  const int batch = 16;
  Tensor x;
  x.resize(shape, batch);
  Rng rng(21);
  for (int n = 0; n < batch; ++n)
    for (int c = 0; c < shape.c; ++c)
      for (int i = 0; i < 30; ++i)
        x.data(c * 30 + i, n) = 1e4f * static_cast<float>(c + 1) + 0.25f * static_cast<float>(n - 8) + rng.normal();
  BatchNorm bn(shape, 0.1f, 1e-5f, true);
  bn.forward(x, Mode::train);
  const NormStatistics stats = bn.statistics();
  for (int c = 0; c < shape.c; ++c) {
    double mean = 0.0, var = 0.0;
    for (int n = 0; n < batch; ++n)
      for (int i = 0; i < 30; ++i) mean += x.data(c * 30 + i, n);
    mean /= batch * 30.0;
    for (int n = 0; n < batch; ++n)
      for (int i = 0; i < 30; ++i) var += (x.data(c * 30 + i, n) - mean) * (x.data(c * 30 + i, n) - mean);
    var /= batch * 30.0;
    EXPECT_NEAR(stats.mean[c], mean, 1e-3 * (c + 1)) << "channel " << c;
    // The float inputs themselves are rounded to 1e-3 at 3·10⁴; the variance (about 2.3) within 0.1%.
    EXPECT_NEAR(stats.var[c], var, 1e-3 * var) << "channel " << c;
  }
}

}  // namespace
}  // namespace bnlab
