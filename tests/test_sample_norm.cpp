// What this file is: LayerNorm, GroupNorm and InstanceNorm behaviour beyond the gradient checks
// and the PyTorch fixtures: every inference mode computes what training computes (no running
// statistics), the statistics are per sample and group as NormStatistics promises, γ/β have
// PyTorch's shapes, a norm over groups of one value is said usefully once, and the trainer's
// batch-size-1 notice (BN only) is not raised by it.
#include <gtest/gtest.h>

#include "core/layers/sample_norm.h"
#include "core/model/model.h"
#include "core/rng.h"
#include "test_helpers.h"

namespace bnlab {
namespace {

struct Case {
  NormKind kind;
  Shape shape;
  int groups;
  int expected_groups;  // statistics per sample
};

const Case kCases[] = {
    {NormKind::layer, {5, 1, 1}, 0, 1},    {NormKind::layer, {3, 2, 2}, 0, 1},
    {NormKind::group, {6, 1, 1}, 3, 3},    {NormKind::group, {4, 2, 3}, 2, 2},
    {NormKind::group, {4, 2, 3}, 4, 4},    {NormKind::instance, {3, 2, 2}, 0, 3},
};

std::string name(const SampleNorm& n, const Case& c) { return n.kind() + " " + c.shape.str(); }

TEST(SampleNorm, EveryModeComputesWhatTrainingComputes) {
  for (const Case& c : kCases) {
    SampleNorm norm(c.kind, c.shape, c.groups, 1e-5f, true);
    Rng rng(3);
    std::vector<float> gamma(norm.gamma().size()), beta(norm.beta().size());
    for (float& g : gamma) g = rng.uniform(0.5f, 1.5f);
    for (float& b : beta) b = rng.normal();
    norm.set_affine(gamma, beta);
    const Tensor x = random_tensor(c.shape, 4, 4, 2.0f, 1.0f);
    const Matrix trained = norm.forward(x, Mode::train).data;
    const Tensor dy = random_tensor(c.shape, 4, 5);
    const Matrix dx = norm.backward(dy).data;
    for (Mode mode : {Mode::infer_running, Mode::infer_batch, Mode::infer_population, Mode::collect_population}) {
      EXPECT_EQ(norm.forward(x, mode).data, trained) << name(norm, c) << " mode " << static_cast<int>(mode);
      EXPECT_EQ(norm.backward(dy).data, dx) << name(norm, c) << " mode " << static_cast<int>(mode);
    }
    // One sample's output does not depend on the others: alone, it is normalized the same.
    Tensor one;
    one.resize(c.shape, 1);
    one.data = x.data.col(2);
    EXPECT_TRUE(norm.forward(one, Mode::train).data.col(0).isApprox(trained.col(2), 1e-6f)) << name(norm, c);
    EXPECT_FALSE(norm.running().has_value());
    EXPECT_TRUE(norm.buffers().empty());
  }
}

TEST(SampleNorm, StatisticsArePerSampleAndGroup) {
  for (const Case& c : kCases) {
    SampleNorm norm(c.kind, c.shape, c.groups, 1e-5f, false);
    const Tensor x = random_tensor(c.shape, 3, 6, 2.0f, 1.0f);
    const Matrix y = norm.forward(x, Mode::train).data;
    const NormStatistics s = norm.statistics();
    ASSERT_EQ(s.groups, c.expected_groups) << name(norm, c);
    const int64_t k = c.shape.size() / c.expected_groups;
    EXPECT_EQ(s.count, k) << name(norm, c);
    ASSERT_EQ(s.mean.size(), static_cast<size_t>(3 * c.expected_groups));
    for (int n = 0; n < 3; ++n) {
      for (int g = 0; g < c.expected_groups; ++g) {
        // Group g of sample n: K consecutive values of the sample's C-major features.
        const Vector v = x.data.col(n).segment(g * k, k).cast<float>();
        const double mean = v.cast<double>().mean();
        const double var = (v.cast<double>().array() - mean).square().mean();
        const size_t i = static_cast<size_t>(n * c.expected_groups + g);
        EXPECT_NEAR(s.mean[i], mean, 1e-5) << name(norm, c) << " sample " << n << " group " << g;
        EXPECT_NEAR(s.var[i], var, 1e-4 * std::max(1.0, var)) << name(norm, c) << " sample " << n << " group " << g;
        // Each group of the output has mean 0 and (biased) variance σ²/(σ² + ε).
        const Vector out = y.col(n).segment(g * k, k);
        EXPECT_NEAR(out.mean(), 0.0, 1e-5) << name(norm, c);
        EXPECT_NEAR((out.array() - out.mean()).square().mean(), var / (var + 1e-5), 1e-4) << name(norm, c);
      }
    }
  }
}

TEST(SampleNorm, GammaAndBetaHavePyTorchsShapes) {
  const struct {
    NormKind kind;
    Shape shape;
    int groups;
    std::vector<int64_t> param_shape;
    std::string module;
  } cases[] = {
      {NormKind::layer, {5, 1, 1}, 0, {5}, "LayerNorm"},
      {NormKind::layer, {3, 2, 4}, 0, {3, 2, 4}, "LayerNorm"},
      {NormKind::group, {6, 1, 1}, 2, {6}, "GroupNorm"},
      {NormKind::group, {4, 2, 3}, 2, {4}, "GroupNorm"},
      {NormKind::instance, {3, 2, 2}, 0, {3}, "InstanceNorm2d"},
  };
  for (const auto& c : cases) {
    SampleNorm with(c.kind, c.shape, c.groups, 1e-5f, true);
    EXPECT_EQ(with.kind(), c.module);
    const std::vector<Param> params = with.params();
    ASSERT_EQ(params.size(), 2u) << c.module;
    EXPECT_EQ(params[0].name, "weight");
    EXPECT_EQ(params[1].name, "bias");
    for (const Param& p : params) {
      EXPECT_EQ(p.shape, c.param_shape) << c.module << " " << c.shape.str();
      EXPECT_FALSE(p.is_weight) << c.module;  // γ and β, not an op's weight matrix
    }
    EXPECT_EQ(with.gamma().size(), static_cast<size_t>(params[0].size));
    SampleNorm without(c.kind, c.shape, c.groups, 1e-5f, false);
    EXPECT_TRUE(without.params().empty());
    EXPECT_TRUE(without.gamma().empty());
  }
}

// A norm over groups of one value outputs β whatever its input. The model says so once, naming
// the block and what to change; the trainer's batch-size-1 notice, which is about BN's batch,
// stays empty.
TEST(SampleNorm, GroupsOfOneValueAreSaidOnceWithWhatToChange) {
  const struct {
    NormKind kind;
    int units;
    int groups;
    const char* advice;
  } cases[] = {
      {NormKind::layer, 1, 0, "more than 1 unit"},
      {NormKind::group, 4, 4, "fewer groups"},
  };
  for (const auto& c : cases) {
    ModelConfig cfg = one_hidden_block(c.units, norm_name(c.kind), "tanh", 2);
    cfg.blocks[0].groups = c.groups;
    Model model(cfg, {3, 1, 1}, 2, 1);
    ASSERT_TRUE(model.norms()[0]->degenerate());
    const Tensor x = random_tensor({3, 1, 1}, 5, 7);
    const Matrix y = model.forward(x, Mode::train).data;
    // The norm's output is β (0) in every sample: the tanh after it is 0, the logits are the bias.
    EXPECT_TRUE(model.taps(0).normalized->data.isZero()) << norm_name(c.kind);
    std::vector<std::string> warnings = model.take_warnings();
    ASSERT_EQ(warnings.size(), 1u) << norm_name(c.kind);
    for (const char* part : {"block 1", "one value", "output is beta", c.advice})
      EXPECT_NE(warnings[0].find(part), std::string::npos) << warnings[0];
    model.forward(x, Mode::train);
    EXPECT_TRUE(model.take_warnings().empty()) << "said once";
  }
  // IN on 1×1 maps: a conv whose output is 1×1.
  ModelConfig cfg;
  BlockConfig conv, out;
  conv.op = "conv";
  conv.channels = 2;
  conv.kernel = 3;
  conv.norm = NormKind::instance;
  out.units = 2;
  cfg.blocks = {conv, out};
  Model model(cfg, {1, 3, 3}, 2, 1);
  model.forward(random_tensor({1, 3, 3}, 4, 8), Mode::train);
  std::vector<std::string> warnings = model.take_warnings();
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("1×1"), std::string::npos) << warnings[0];
  // A LayerNorm over many values at batch size 1 is fine: nothing said.
  Model fine(one_hidden_block(4, "layer", "tanh", 2), {3, 1, 1}, 2, 1);
  fine.forward(random_tensor({3, 1, 1}, 1, 9), Mode::train);
  EXPECT_FALSE(fine.norms()[0]->degenerate());
  EXPECT_TRUE(fine.take_warnings().empty());
}

}  // namespace
}  // namespace bnlab
