// What this file is: the model runs a BatchNorm, the activation after it and the pool after that
// in fused passes (BatchNorm::forward_activated / backward_activated); these tests check that
// every layer's output and every parameter gradient is what the layers compute one by one, in
// every BN mode, for conv blocks with max and average pools and dense blocks, so the probes,
// which read each layer's output, see the same values.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/model/model.h"
#include "test_helpers.h"

namespace bnlab {
namespace {

ModelConfig fused_blocks_config() {
  auto conv = [](int channels, const char* activation, const char* pool) {
    BlockConfig b;
    b.op = "conv";
    b.channels = channels;
    b.kernel = 3;
    b.padding = 1;
    b.norm = NormKind::batch;
    b.activation = activation;
    b.pool = {pool, 2};
    return b;
  };
  BlockConfig dense;
  dense.units = 7;
  dense.norm = NormKind::batch;
  dense.activation = "tanh";
  BlockConfig out;
  out.units = 3;
  ModelConfig cfg;
  cfg.blocks = {conv(3, "relu", "max"), conv(4, "sigmoid", "avg"), dense, out};
  cfg.init.scheme = "xavier_normal";
  return cfg;
}

// Every layer's output after a forward, and every parameter's gradient after a backward.
struct Pass {
  std::vector<Matrix> outputs;
  std::vector<std::vector<float>> grads;
};

Pass model_pass(Model& model, const Tensor& x, const Tensor& dy, Mode mode) {
  Pass p;
  model.zero_grad();
  model.forward(x, mode);
  model.backward(dy);
  for (const auto& layer : model.layers()) p.outputs.push_back(layer->output().data);
  for (const Param& q : model.params()) p.grads.emplace_back(q.grad, q.grad + q.size);
  return p;
}

// The same through each layer's own forward and backward, as the model chained them before
// the fusion.
Pass layer_by_layer(Model& model, const Tensor& x, const Tensor& dy, Mode mode) {
  Pass p;
  model.zero_grad();
  const Tensor* h = &x;
  for (const auto& layer : model.layers()) h = &layer->forward(*h, mode);
  const Tensor* g = &dy;
  for (size_t i = model.layers().size(); i-- > 0;) g = &model.layers()[i]->backward(*g);
  for (const auto& layer : model.layers()) p.outputs.push_back(layer->output().data);
  for (const Param& q : model.params()) p.grads.emplace_back(q.grad, q.grad + q.size);
  return p;
}

TEST(FusedLayers, OutputsAndGradientsAreTheLayersOwnInEveryMode) {
  Model model(fused_blocks_config(), {2, 8, 8}, 3, 5);
  const Tensor x = random_tensor({2, 8, 8}, 6, 6);
  const Tensor dy = random_tensor({3, 1, 1}, 6, 7);
  model.forward(x, Mode::train);  // running statistics that are not the initial ones
  for (Mode mode : {Mode::train, Mode::infer_running, Mode::infer_batch}) {
    SCOPED_TRACE("mode " + std::to_string(static_cast<int>(mode)));
    const Pass fused = model_pass(model, x, dy, mode);
    const Pass plain = layer_by_layer(model, x, dy, mode);
    ASSERT_EQ(fused.outputs.size(), plain.outputs.size());
    for (size_t i = 0; i < plain.outputs.size(); ++i) {
      // Sigmoid and tanh may differ in the last bit: Eigen evaluates a tail shorter than a SIMD
      // vector with the scalar exp, and the fused pass's runs end elsewhere than the matrix.
      EXPECT_TRUE(fused.outputs[i].isApprox(plain.outputs[i], 1e-6f))
          << "layer " << i << " " << model.layers()[i]->kind();
    }
    for (size_t i = 0; i < plain.grads.size(); ++i) {
      const Eigen::Map<const Vector> a(fused.grads[i].data(), static_cast<Eigen::Index>(fused.grads[i].size()));
      const Eigen::Map<const Vector> b(plain.grads[i].data(), static_cast<Eigen::Index>(plain.grads[i].size()));
      EXPECT_TRUE(a.isApprox(b, 1e-5f)) << "parameter " << i << "\n" << a.transpose() << "\n" << b.transpose();
    }
  }
}

// A forward with Taps::skipped stores neither y nor (before a pool) φ(y); backward makes φ(y)
// again from the norm's input. The logits and every gradient must be the same floats as with
// the taps kept, in every mode. Runs of 10 × 10 and 5 × 5 values start at every alignment. The
// layers' outputs are first filled from another batch, so a backward that read them instead of
// making φ(y) again would differ.
TEST(FusedLayers, SkippingTheTapsChangesNoFloatOfTheLogitsOrTheGradients) {
  Model model(fused_blocks_config(), {2, 10, 10}, 3, 5);
  const Tensor x = random_tensor({2, 10, 10}, 6, 6), other = random_tensor({2, 10, 10}, 6, 8);
  const Tensor dy = random_tensor({3, 1, 1}, 6, 7);
  model.forward(x, Mode::train);  // running statistics that are not the initial ones
  for (Mode mode : {Mode::train, Mode::infer_running, Mode::infer_batch}) {
    SCOPED_TRACE("mode " + std::to_string(static_cast<int>(mode)));
    auto pass = [&](Taps taps, std::vector<std::vector<float>>& grads) {
      model.zero_grad();
      model.forward(other, Mode::infer_batch);  // every layer's output from another batch
      const Matrix logits = model.forward(x, mode, taps).data;
      model.backward(dy);
      for (const Param& q : model.params()) grads.emplace_back(q.grad, q.grad + q.size);
      return logits;
    };
    std::vector<std::vector<float>> kept_grads, skipped_grads;
    const Matrix kept = pass(Taps::kept, kept_grads);
    const Matrix skipped = pass(Taps::skipped, skipped_grads);
    EXPECT_EQ(skipped, kept);
    ASSERT_EQ(skipped_grads.size(), kept_grads.size());
    for (size_t i = 0; i < kept_grads.size(); ++i) EXPECT_EQ(skipped_grads[i], kept_grads[i]) << "parameter " << i;
  }
}

}  // namespace
}  // namespace bnlab
