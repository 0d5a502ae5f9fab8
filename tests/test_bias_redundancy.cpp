// What this file is: the bias before BN (#12 §4; notes 001 and 003) against direct computation:
// the config's block field "bias" (absent: the old rule; true keeps a bias before BN; false drops
// it everywhere) round-trips and is refused in both languages when it is not true or false; the
// bias gradient before BN is 0 to float rounding (relative to the weight gradient) in training
// mode, dense and conv; a run with the bias kept has the same losses as the run without, its b
// never moves under SGD, under SGD with weight decay it decays as b₀·(1 − lr·wd)^t, and under
// Adam its rounding-noise gradient makes it wander.
#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "test_paths.h"
#include "core/error.h"
#include "core/io/config.h"
#include "core/lesson/bias_redundancy.h"
#include "core/losses/loss.h"
#include "core/model/model.h"
#include "core/model/model_state.h"
#include "test_helpers.h"
#include "ui/problems.h"
#include "ui/text.h"

namespace bnlab {
namespace {

using nlohmann::json;

json blocks_with_bias(const json& bias) {
  json j = json::parse(R"({"model": {"blocks": [
      {"op": "dense", "units": 6, "norm": "batch", "activation": "tanh"},
      {"op": "dense", "units": 6, "norm": "layer", "activation": "tanh"},
      {"op": "dense", "units": 2}]}})");
  for (auto& b : j["model"]["blocks"]) b["bias"] = bias;
  return j;
}

TEST(BiasConfig, TheFieldDecidesAndRoundTrips) {
  const Config unset = parse_config(json::parse(R"({"model": {"blocks": [
      {"op": "dense", "units": 6, "norm": "batch"}, {"op": "dense", "units": 2}]}})"));
  EXPECT_FALSE(unset.model.blocks[0].bias.has_value());
  EXPECT_FALSE(op_keeps_bias(unset.model.blocks[0], unset.model.bn)) << "absent: the old rule";
  EXPECT_FALSE(to_json(unset)["model"]["blocks"][0].contains("bias")) << "absent stays absent";
  for (bool value : {true, false}) {
    const Config c = parse_config(blocks_with_bias(value));
    for (const BlockConfig& b : c.model.blocks) EXPECT_EQ(op_keeps_bias(b, c.model.bn), value);
    const Config again = parse_config(to_json(c));
    for (size_t i = 0; i < 3; ++i) EXPECT_EQ(again.model.blocks[i].bias, std::optional<bool>(value));
    Model m(c.model, {1, 8, 8}, 2, 1);
    EXPECT_EQ(m.layer(m.blocks()[0].op).params().size(), value ? 2u : 1u);
    EXPECT_EQ(m.layer(m.blocks()[2].op).params().size(), value ? 2u : 1u);
  }
}

TEST(BiasConfig, ANonBooleanIsRefusedInBothLanguages) {
  const json j = blocks_with_bias("yes");
  std::string en, zh;
  try {
    parse_config(j, "c.json");
    FAIL() << "accepted";
  } catch (const std::exception& e) {
    ui::text.load(BNLAB_ASSETS_DIR);
    ui::text.set_language("en");
    en = ui::say(ui::config_problem("c.json", e));
    ui::text.set_language("zh");
    zh = ui::say(ui::config_problem("c.json", e));
    ui::text.set_language("en");
  }
  EXPECT_NE(en.find("model.blocks[0].bias must be true or false, got \"yes\""), std::string::npos) << en;
  EXPECT_NE(zh.find("model.blocks[0].bias 应为true 或 false，实际为 \"yes\""), std::string::npos) << zh;
}

// One training-mode forward and backward of a block with the bias kept before BN: Σ ∂L/∂z over
// the batch (and H·W) is what ∂L/∂b is, and BN makes it 0; only rounding is left.
void expect_zero_bias_gradient(BlockConfig block) {
  block.norm = NormKind::batch;
  block.activation = "sigmoid";
  block.bias = true;
  Config cfg = tiny8_config(block, 20, 0.1f, 3);
  auto data = loaded_data(cfg);
  Model m(cfg.model, data->train.sample_shape, data->train.classes, cfg.seed);
  const std::vector<Param> op = m.layer(m.blocks()[0].op).params();
  ASSERT_EQ(op.size(), 2u);
  for (int64_t c = 0; c < op[1].size; ++c) op[1].value[c] = 0.3f * static_cast<float>(c + 1);
  BatchStream stream(data->train, 20, false, 0);
  Tensor x;
  std::vector<int> y;
  stream.next(x, y);
  Loss loss(LossKind::cross_entropy);
  m.zero_grad();
  loss.forward(m.forward(x, Mode::train), y);
  m.backward(loss.backward());
  double bias_grad = 0.0, weight_grad = 0.0;
  for (int64_t i = 0; i < op[1].size; ++i) bias_grad = std::max(bias_grad, double{std::abs(op[1].grad[i])});
  for (int64_t i = 0; i < op[0].size; ++i) weight_grad = std::max(weight_grad, double{std::abs(op[0].grad[i])});
  EXPECT_GT(weight_grad, 1e-4);
  EXPECT_LE(bias_grad, 1e-5 * weight_grad) << "|dL/db| " << bias_grad << ", |dL/dW| " << weight_grad;
  // Without BN the same bias has a gradient of the weight's order.
  cfg.model.blocks[0].norm = NormKind::none;
  Model plain(cfg.model, data->train.sample_shape, data->train.classes, cfg.seed);
  plain.zero_grad();
  loss.forward(plain.forward(x, Mode::train), y);
  plain.backward(loss.backward());
  const Param pb = plain.layer(plain.blocks()[0].op).params()[1];
  double plain_grad = 0.0;
  for (int64_t i = 0; i < pb.size; ++i) plain_grad = std::max(plain_grad, double{std::abs(pb.grad[i])});
  EXPECT_GT(plain_grad, 1e-3 * weight_grad);
}

TEST(BiasRedundancy, BiasGradientBeforeBatchNormIsZeroDense) {
  BlockConfig b;
  b.units = 12;
  expect_zero_bias_gradient(b);
}

TEST(BiasRedundancy, BiasGradientBeforeBatchNormIsZeroConv) {
  BlockConfig b;
  b.op = "conv";
  b.channels = 3;
  b.kernel = 3;
  expect_zero_bias_gradient(b);
}

struct Runs {
  Config cfg;
  std::shared_ptr<const DataSplit> data;
  ModelState state;
  explicit Runs(float weight_decay, const std::string& op = "dense") {
    BlockConfig b;
    b.op = op;
    b.units = 12;
    b.channels = 3;
    b.kernel = 3;
    b.norm = NormKind::batch;
    b.activation = "tanh";
    cfg = tiny8_config(b, 10, 0.2f, 4);
    cfg.train.weight_decay = weight_decay;
    data = loaded_data(cfg);
    Model m(cfg.model, data->train.sample_shape, data->train.classes, cfg.seed);
    state = capture_model_state(m, 0);
  }
};

TEST(BiasRedundancy, AKeptBiasChangesNothingAndNeverMovesUnderSgd) {
  for (const char* op : {"dense", "conv"}) {
    SCOPED_TRACE(op);
    Runs runs(0.0f, op);
    const auto r = bias_training(runs.state, runs.cfg, runs.data, 0, 30);
    ASSERT_TRUE(r);
    ASSERT_EQ(r->loss_with.size(), 30u);
    for (size_t s = 0; s < r->loss_with.size(); ++s)
      EXPECT_NEAR(r->loss_with[s], r->loss_without[s], 1e-4 * r->loss_without[s]) << "step " << s + 1;
    EXPECT_LE(r->max_bias_grad, 1e-5 * r->max_weight_grad);
    for (float move : r->bias_move) EXPECT_LE(move, 1e-6f);
    EXPECT_GT(r->beta_move.back(), 1e-3f) << "β moves: it is the block's shift";
    EXPECT_LT(r->max_logit_diff, 1e-3) << "the same outputs at inference, running statistics";
  }
}

// Weight decay is the one force on b: with ∂L/∂b = 0, SGD's b ← b − lr·(0 + wd·b) gives
// b_t = b₀·(1 − lr·wd)^t, so ‖b_t − b₀‖ = ‖b₀‖·(1 − (1 − lr·wd)^t).
TEST(BiasRedundancy, UnderWeightDecayTheBiasDecaysGeometrically) {
  Runs runs(0.05f);
  const auto r = bias_training(runs.state, runs.cfg, runs.data, 0, 20);
  ASSERT_TRUE(r);
  // ‖b₀‖ from the first step: ‖b₁ − b₀‖ = ‖b₀‖·lr·wd.
  const double shrink = 1.0 - 0.2 * 0.05;
  const double b0 = r->bias_move[1] / (1.0 - shrink);
  EXPECT_GT(b0, 0.1);
  for (size_t t = 1; t < r->bias_move.size(); ++t)
    EXPECT_NEAR(r->bias_move[t], b0 * (1.0 - std::pow(shrink, static_cast<double>(t))), 1e-4 * b0) << "step " << t;
}

// Adam divides each gradient by its own running size, so b's rounding-noise gradient (around
// 1e-8, as large as Adam's ε) makes steps of a sizeable fraction of the learning rate: b wanders,
// as the lab says, while the losses still agree.
TEST(BiasRedundancy, UnderAdamTheBiasWandersByRoundingNoise) {
  Runs runs(0.0f);
  runs.cfg.train.optimizer = "adam";
  runs.cfg.train.lr = 0.01f;
  const auto r = bias_training(runs.state, runs.cfg, runs.data, 0, 20);
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->sgd);
  EXPECT_LE(r->max_bias_grad, 1e-5 * r->max_weight_grad);
  EXPECT_GT(r->bias_move.back(), 1e-3f) << "b moved " << r->bias_move.back();  // SGD: below 1e-6
  for (size_t s = 0; s < r->loss_with.size(); ++s)
    EXPECT_NEAR(r->loss_with[s], r->loss_without[s], 1e-4 * r->loss_without[s]) << "step " << s + 1;
}

TEST(BiasRedundancy, OnlyBlocksWhoseNormRemovesTheMeanQualify) {
  Runs runs(0.0f);
  EXPECT_TRUE(bias_is_redundant(runs.state.config, 0));
  EXPECT_FALSE(bias_is_redundant(runs.state.config, 1)) << "the output block has no norm";
  ModelConfig ln = runs.state.config;
  ln.blocks[0].norm = NormKind::layer;
  EXPECT_FALSE(bias_is_redundant(ln, 0)) << "LN keeps the op's bias";
  ModelConfig after = runs.state.config;
  after.bn.position = "after_activation";
  EXPECT_FALSE(bias_is_redundant(after, 0));
  EXPECT_THROW(bias_training(runs.state, runs.cfg, runs.data, 1, 3), Error);
  std::atomic<bool> cancel{true};
  EXPECT_FALSE(bias_training(runs.state, runs.cfg, runs.data, 0, 3, &cancel));
}

}  // namespace
}  // namespace bnlab
