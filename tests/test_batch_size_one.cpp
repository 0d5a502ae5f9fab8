// What this file is: batch size 1 with BN, as the lecture notes tell it (d2l, note 003): a dense
// BN sees one value per feature, so σ²_B = 0, x̂ = 0, its output is β alone and no gradient
// reaches the weights before it; a conv BN takes its statistics over the H·W positions of each
// channel, so at batch size 1 it still normalizes, passes gradients, and the network learns.
#include <gtest/gtest.h>

#include "core/layers/batch_norm.h"
#include "core/train/run.h"
#include "test_helpers.h"

namespace bnlab {
namespace {

Config tiny_images(const BlockConfig& first) { return tiny8_config(first, 1, 0.05f, 2); }

float weight_grad_norm(Run& run) {
  const Param w = run.model().layer(run.model().blocks()[0].op).params()[0];
  return Eigen::Map<const Vector>(w.grad, w.size).norm();
}

TEST(BatchSizeOne, DenseBnPassesNoGradientToItsWeightsAndConvBnStillLearns) {
  BlockConfig dense;
  dense.units = 16;
  dense.norm = NormKind::batch;
  dense.activation = "relu";
  bnlab::Run d(tiny_images(dense), loaded_data(tiny_images(dense)));
  for (int s = 0; s < 5; ++s) {
    d.step();
    auto& bn = static_cast<BatchNorm&>(d.model().layer(d.model().blocks()[0].norm));
    EXPECT_TRUE(bn.degenerate());
    // x̂ = 0: the block's output is β for every feature, and the weights before it get nothing.
    ASSERT_EQ(bn.output().batch(), 1);
    EXPECT_EQ((bn.output().data.col(0) - Eigen::Map<const Vector>(bn.beta().data(), 16)).norm(), 0.0f);
    EXPECT_EQ(weight_grad_norm(d), 0.0f) << "step " << s;
  }

  BlockConfig conv;
  conv.op = "conv";
  conv.channels = 4;
  conv.kernel = 3;
  conv.norm = NormKind::batch;
  conv.activation = "relu";
  const Config cc = tiny_images(conv);
  bnlab::Run c(cc, loaded_data(cc));
  const double before = c.evaluate("train", Mode::infer_batch).loss;
  for (int s = 0; s < 300; ++s) {
    c.step();
    auto& bn = static_cast<BatchNorm&>(c.model().layer(c.model().blocks()[0].norm));
    ASSERT_FALSE(bn.degenerate());  // 6·6 positions per channel
    ASSERT_GT(weight_grad_norm(c), 0.0f) << "step " << s;
  }
  const double after = c.evaluate("train", Mode::infer_batch).loss;
  EXPECT_LT(after, 0.8 * before) << "loss " << before << " -> " << after;
}

}  // namespace
}  // namespace bnlab
