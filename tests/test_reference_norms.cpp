// What this file is: PyTorch reference tests of LayerNorm, GroupNorm and InstanceNorm2d (#11).
// tests/reference/norm_fixtures.py (run by make_fixtures.py with Debian's PyTorch 1.13) wrote
// the fixtures; at the same 1e-4 relative tolerance as tests/test_reference.cpp they compare:
// - each norm on dense units and conv channels (GN with 1, a middle number and C groups), affine
//   on and off: 3 training steps of output, dx, dγ, dβ and γ, β after an SGD step, then eval();
// - two whole models mixing GN, IN, LN and BN (before and after the activation), from a
//   PyTorch-written checkpoint, 5 steps of SGD with momentum and of Adam: the loss and every
//   tensor of the state_dict after each step;
// - bnlab-written checkpoints of both models, which PyTorch loaded with strict=True, giving the
//   same eval() logits.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "test_paths.h"
#include "core/data/dataset.h"
#include "core/io/checkpoint.h"
#include "core/io/config.h"
#include "core/layers/sample_norm.h"
#include "core/train/run.h"
#include "reference_helpers.h"

using namespace bnlab;
using namespace bnlab::reference;
using nlohmann::json;

namespace {

NormKind kind_of(const std::string& module) {
  if (module == "LayerNorm") return NormKind::layer;
  if (module == "GroupNorm") return NormKind::group;
  EXPECT_EQ(module, "InstanceNorm2d");
  return NormKind::instance;
}

TEST(ReferenceSampleNorm, EveryNormShapeAndGroupsMatchesTorch) {
  const json f = read_fixture("norms.json");
  ASSERT_EQ(f.at("cases").size(), 18u);
  for (const json& c : f.at("cases")) {
    const bool affine = c.at("affine").get<bool>();
    const std::string name = c.at("name").get<std::string>() + (affine ? " affine" : " plain");
    SCOPED_TRACE(name);
    const auto in = c.at("input_shape").get<std::vector<int>>();  // (N, C) or (N, C, H, W)
    const Shape shape = in.size() == 2 ? Shape{in[1], 1, 1} : Shape{in[1], in[2], in[3]};
    const int groups = c.at("groups").is_null() ? 0 : c.at("groups").get<int>();
    SampleNorm norm(kind_of(c.at("kind").get<std::string>()), shape, groups, c.at("eps").get<float>(), affine);
    EXPECT_EQ(norm.kind(), c.at("kind").get<std::string>());
    if (affine) {
      const std::vector<float> gamma = values(c.at("gamma")), beta = values(c.at("beta"));
      ASSERT_EQ(gamma.size(), norm.gamma().size());
      norm.set_affine(gamma, beta);
      EXPECT_EQ(norm.params()[0].shape, c.at("gamma").at("shape").get<std::vector<int64_t>>());
    } else {
      EXPECT_TRUE(norm.params().empty());
    }
    const float lr = c.at("lr").get<float>();
    for (size_t i = 0; i < c.at("steps").size(); ++i) {
      const json& s = c.at("steps")[i];
      SCOPED_TRACE("training step " + std::to_string(i + 1));
      const Tensor x = batch(s.at("x"), shape), dy = batch(s.at("dy"), shape);
      norm.zero_grad();
      EXPECT_TRUE(close("y", norm.forward(x, Mode::train).data, s.at("y")));
      EXPECT_TRUE(close("dx", norm.backward(dy).data, s.at("dx")));
      if (!affine) continue;
      const std::vector<Param> params = norm.params();
      EXPECT_TRUE(close("dgamma", params[0].grad, params[0].size, s.at("dgamma")));
      EXPECT_TRUE(close("dbeta", params[1].grad, params[1].size, s.at("dbeta")));
      for (const Param& p : params)  // torch.optim.SGD without momentum: p -= lr · grad
        for (int64_t k = 0; k < p.size; ++k) p.value[k] -= lr * p.grad[k];
      EXPECT_TRUE(close("gamma after the step", norm.gamma().data(), static_cast<int64_t>(norm.gamma().size()),
                        s.at("gamma_after")));
      EXPECT_TRUE(close("beta after the step", norm.beta().data(), static_cast<int64_t>(norm.beta().size()),
                        s.at("beta_after")));
    }
    // eval(): no running statistics, so every inference mode gives what PyTorch's eval() gives.
    const Tensor x = batch(c.at("eval").at("x"), shape);
    for (Mode mode : {Mode::infer_running, Mode::infer_batch, Mode::infer_population})
      EXPECT_TRUE(close("eval() y, mode " + std::to_string(static_cast<int>(mode)), norm.forward(x, mode).data,
                        c.at("eval").at("y")));
  }
}

// ----- Two whole models mixing the norms ------------------------------------------------------

Config mixed_config(const std::string& name) {
  Config cfg = load_config(kFixtures + "/" + name + ".json");
  cfg.data.dir = std::string(BNLAB_TEST_DATA_DIR) + "/tiny8";
  return cfg;
}

void check_mixed_training(const std::string& model_name, const std::string& optimizer) {
  const json f = read_fixture("mixed_steps.json");
  const json& run_fixture = f.at("models").at(model_name).at(optimizer);
  const json& hp = run_fixture.at("hyper");
  Config cfg = mixed_config(model_name);
  cfg.train.batch_size = f.at("batch_size").get<int>();
  set_fixture_optimizer(cfg.train, hp);
  if (optimizer == "sgd") {
    ASSERT_GT(cfg.train.momentum, 0.0f);
  }
  ASSERT_FALSE(cfg.data.shuffle) << "the fixture's batches are the training set in file order";
  bnlab::Run run(cfg, std::make_shared<const DataSplit>(load_data(cfg.data, cfg.seed)));
  load_checkpoint(kFixtures + "/" + model_name + "_init.safetensors", run.model());
  const json& steps = run_fixture.at("steps");
  ASSERT_EQ(static_cast<int>(steps.size()), f.at("steps").get<int>());
  for (size_t i = 0; i < steps.size(); ++i) {
    SCOPED_TRACE(model_name + " " + optimizer + ": step " + std::to_string(i + 1));
    const StepRecord r = run.step();
    const double loss = steps[i].at("loss").get<double>();
    EXPECT_NEAR(r.loss, loss, kRelTol * std::max(1.0, std::abs(loss)));
    expect_state(run.model(), steps[i].at("state"));
  }
}

TEST(ReferenceMixedModel, NormsBeforeTheActivationSgdStepsMatchTorch) { check_mixed_training("mixed_a", "sgd"); }
TEST(ReferenceMixedModel, NormsBeforeTheActivationAdamStepsMatchTorch) { check_mixed_training("mixed_a", "adam"); }
TEST(ReferenceMixedModel, NormsAfterTheActivationSgdStepsMatchTorch) { check_mixed_training("mixed_b", "sgd"); }
TEST(ReferenceMixedModel, NormsAfterTheActivationAdamStepsMatchTorch) { check_mixed_training("mixed_b", "adam"); }

// PyTorch's state_dict loads into bnlab, every tensor bit-exact, with DESIGN.md's names: the conv
// before IN has no bias; the ops before LN and GN, and every op when the norm comes after the
// activation, keep theirs; LN after a conv has γ of shape (C, H, W); none but BN has buffers.
TEST(ReferenceMixedModel, TorchWrittenCheckpointsLoadBitExact) {
  for (const char* name : {"mixed_a", "mixed_b"}) {
    SCOPED_TRACE(name);
    const SafeTensors st = read_safetensors(kFixtures + "/" + name + "_init.safetensors");
    Config cfg = mixed_config(name);
    bnlab::Run run(cfg, std::make_shared<const DataSplit>(load_data(cfg.data, cfg.seed)));
    load_checkpoint(kFixtures + "/" + name + "_init.safetensors", run.model());
    size_t tensors = 0;
    for (const NamedParam& p : run.model().named_params()) {
      ASSERT_TRUE(st.tensors.count(p.name)) << p.name;
      const StoredTensor& t = st.tensors.at(p.name);
      EXPECT_EQ(t.shape, p.param.shape) << p.name;
      EXPECT_TRUE(std::equal(t.f32.begin(), t.f32.end(), p.param.value)) << p.name << " is not loaded bit-exact";
      ++tensors;
    }
    for (const NamedBuffer& b : run.model().named_buffers()) tensors += st.tensors.count(b.name);
    tensors += 1;  // the BN block's num_batches_tracked
    EXPECT_EQ(tensors, st.tensors.size());
  }
  const SafeTensors a = read_safetensors(kFixtures + "/mixed_a_init.safetensors");
  EXPECT_FALSE(a.tensors.count("4.bias")) << "the conv before InstanceNorm2d has no bias";
  EXPECT_FALSE(a.tensors.count("11.bias")) << "the Linear before BatchNorm1d has no bias";
  EXPECT_TRUE(a.tensors.count("0.bias")) << "the conv before GroupNorm keeps its bias";
  EXPECT_TRUE(a.tensors.count("8.bias")) << "the Linear before LayerNorm keeps its bias";
  const SafeTensors b = read_safetensors(kFixtures + "/mixed_b_init.safetensors");
  EXPECT_TRUE(b.tensors.count("0.bias")) << "a norm after the activation leaves the conv its bias";
  EXPECT_EQ(b.tensors.at("6.weight").shape, (std::vector<int64_t>{4, 4, 4})) << "LayerNorm([C, H, W])";
}

TEST(ReferenceInterop, MixedCheckpointsLoadStrictlyInTorchWithSameLogits) {
  const json f = read_fixture("mixed_checkpoints_in_torch.json");
  for (const char* name : {"mixed_a", "mixed_b"}) {
    SCOPED_TRACE(name);
    const json& m = f.at("models").at(name);
    ASSERT_TRUE(m.at("strict_load").get<bool>()) << "PyTorch's load_state_dict(strict=True) failed: "
                                                 << m.at("error").get<std::string>();
    Config cfg = mixed_config(name);
    auto data = std::make_shared<const DataSplit>(load_data(cfg.data, cfg.seed));
    bnlab::Run run(cfg, data);
    load_checkpoint(kFixtures + "/" + name + "_written.safetensors", run.model());
    Tensor x;
    x.resize(data->test.sample_shape, data->test.size());
    x.data = data->test.x;
    ASSERT_EQ(m.at("logits").at("shape"), json({data->test.size(), data->test.classes}));
    EXPECT_TRUE(close("eval() logits on the test images", run.model().forward(x, Mode::infer_running).data,
                      m.at("logits")));
  }
}

}  // namespace
