// What this file is: PyTorch reference tests. tests/reference/make_fixtures.py (run with
// Debian's PyTorch 1.13) wrote the fixtures under tests/reference/fixtures; these tests replay
// the same inputs through bnlab and compare every output, gradient, running statistic, loss and
// parameter at 1e-4 relative tolerance: BatchNorm1d/2d (train, eval, affine=False), Conv2d,
// five SGD and five Adam steps of a whole model started from a PyTorch-written checkpoint, and
// a bnlab-written checkpoint that PyTorch loaded with strict=True.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "test_paths.h"
#include "core/data/dataset.h"
#include "core/io/checkpoint.h"
#include "core/io/config.h"
#include "core/layers/batch_norm.h"
#include "core/layers/conv2d.h"
#include "core/train/run.h"
#include "reference_helpers.h"

using namespace bnlab;
using namespace bnlab::reference;
using nlohmann::json;

namespace {

// ----- BatchNorm ---------------------------------------------------------------------------

Shape bn_shape(const json& f) {
  const auto in = f.at("input_shape").get<std::vector<int>>();  // (N, C) or (N, C, H, W)
  return in.size() == 2 ? Shape{in[1], 1, 1} : Shape{in[1], in[2], in[3]};
}

void check_batch_norm(const std::string& file) {
  const json f = read_fixture(file);
  const Shape shape = bn_shape(f);
  const float momentum = f.at("momentum").get<float>(), eps = f.at("eps").get<float>();
  BatchNorm bn(shape, momentum, eps, /*affine=*/true);
  ASSERT_EQ(bn.channels(), f.at("channels").get<int>());
  const std::vector<float> gamma = values(f.at("gamma")), beta = values(f.at("beta"));
  bn.set_affine(gamma, beta);

  for (size_t i = 0; i < f.at("steps").size(); ++i) {
    const json& s = f.at("steps")[i];
    SCOPED_TRACE(file + " training step " + std::to_string(i + 1));
    const Tensor x = batch(s.at("x"), shape), dy = batch(s.at("dy"), shape);
    bn.zero_grad();
    EXPECT_TRUE(close("y", bn.forward(x, Mode::train).data, s.at("y")));
    EXPECT_TRUE(close("dx", bn.backward(dy).data, s.at("dx")));
    EXPECT_TRUE(close("dgamma", bn.gamma_grad(), s.at("dgamma")));
    EXPECT_TRUE(close("dbeta", bn.beta_grad(), s.at("dbeta")));
    EXPECT_TRUE(close("running_mean", bn.running()->mean, s.at("running_mean")));
    EXPECT_TRUE(close("running_var", bn.running()->var, s.at("running_var")));
    EXPECT_EQ(bn.running()->batches_tracked, s.at("num_batches_tracked").get<int64_t>());
  }
  {
    SCOPED_TRACE(file + " eval()");
    const json& e = f.at("eval");
    const Tensor x = batch(e.at("x"), shape), dy = batch(e.at("dy"), shape);
    const RunningStatistics before = *bn.running();
    EXPECT_TRUE(close("y", bn.forward(x, Mode::infer_running).data, e.at("y")));
    EXPECT_TRUE(close("dx", bn.backward(dy).data, e.at("dx")));
    EXPECT_EQ(bn.running()->batches_tracked, before.batches_tracked) << "inference must not count batches";
    EXPECT_EQ(bn.running()->mean, before.mean) << "inference must not move the running mean";
    EXPECT_EQ(bn.running()->var, before.var) << "inference must not move the running variance";
  }
  {
    SCOPED_TRACE(file + " affine=False");
    const json& p = f.at("no_affine");
    BatchNorm plain(shape, momentum, eps, /*affine=*/false);
    EXPECT_TRUE(plain.params().empty());
    const Tensor x = batch(p.at("x"), shape), dy = batch(p.at("dy"), shape);
    EXPECT_TRUE(close("y", plain.forward(x, Mode::train).data, p.at("y")));
    EXPECT_TRUE(close("dx", plain.backward(dy).data, p.at("dx")));
    EXPECT_TRUE(close("running_mean", plain.running()->mean, p.at("running_mean")));
    EXPECT_TRUE(close("running_var", plain.running()->var, p.at("running_var")));
  }
}

TEST(ReferenceBatchNorm, BatchNorm1dMatchesTorch) { check_batch_norm("bn1d.json"); }
TEST(ReferenceBatchNorm, BatchNorm2dMatchesTorch) { check_batch_norm("bn2d.json"); }

// ----- Conv2d -------------------------------------------------------------------------------

TEST(ReferenceConv2d, ForwardAndBackwardMatchTorch) {
  const json f = read_fixture("conv2d.json");
  ASSERT_FALSE(f.at("cases").empty());
  for (const json& c : f.at("cases")) {
    const std::string name = c.at("name").get<std::string>();
    SCOPED_TRACE("conv2d case " + name);
    const auto in = c.at("in_shape").get<std::vector<int>>();
    const auto out = c.at("out_shape").get<std::vector<int>>();
    const Shape in_shape{in[0], in[1], in[2]}, out_shape{out[0], out[1], out[2]};
    const bool has_bias = c.at("bias").get<bool>();
    Conv2d conv(in_shape, c.at("out_channels").get<int>(), c.at("kernel").get<int>(), c.at("stride").get<int>(),
                c.at("padding").get<int>(), has_bias);
    ASSERT_EQ(conv.output_shape(in_shape), out_shape);
    const std::vector<float> w = values(c.at("weight"));  // (out, in, k, k) = (out, in·k·k) row-major
    ASSERT_EQ(static_cast<Eigen::Index>(w.size()), conv.weight_.size());
    conv.weight_ = Eigen::Map<const RowMatrix>(w.data(), conv.weight_.rows(), conv.weight_.cols());
    if (has_bias) {
      const std::vector<float> b = values(c.at("bias_value"));
      conv.bias_ = Eigen::Map<const Vector>(b.data(), static_cast<Eigen::Index>(b.size()));
    }
    const Tensor x = batch(c.at("x"), in_shape), dy = batch(c.at("dy"), out_shape);
    conv.zero_grad();
    EXPECT_TRUE(close("y", conv.forward(x, Mode::train).data, c.at("y")));
    EXPECT_TRUE(close("dx", conv.backward(dy).data, c.at("dx")));
    EXPECT_TRUE(close("dweight", conv.weight_grad_, c.at("dweight")));
    if (has_bias) {
      EXPECT_TRUE(close("dbias", conv.bias_grad_, c.at("dbias")));
    }
  }
}

// ----- The whole model ----------------------------------------------------------------------

// tiny_model.json with its data read from the test data directory.
Config tiny_config() {
  Config cfg = load_config(kFixtures + "/tiny_model.json");
  cfg.data.dir = std::string(BNLAB_TEST_DATA_DIR) + "/tiny8";
  return cfg;
}

void check_training(const std::string& optimizer) {
  const json f = read_fixture("model_steps.json");
  const json& run_fixture = f.at(optimizer);
  const json& hp = run_fixture.at("hyper");
  Config cfg = tiny_config();
  cfg.train.batch_size = f.at("batch_size").get<int>();
  set_fixture_optimizer(cfg.train, hp);
  ASSERT_FALSE(cfg.data.shuffle) << "the fixture's batches are the training set in file order";
  bnlab::Run run(cfg, std::make_shared<const DataSplit>(load_data(cfg.data, cfg.seed)));
  // The initial weights come from a checkpoint PyTorch-side code wrote.
  load_checkpoint(kFixtures + "/torch_init.safetensors", run.model());

  const auto losses = run_fixture.at("losses").get<std::vector<double>>();
  ASSERT_EQ(static_cast<int>(losses.size()), f.at("steps").get<int>());
  for (size_t i = 0; i < losses.size(); ++i) {
    const StepRecord r = run.step();
    const double tol = kRelTol * std::max(1.0, std::abs(losses[i]));
    EXPECT_NEAR(r.loss, losses[i], tol) << optimizer << ": loss of step " << i + 1;
  }
  SCOPED_TRACE(optimizer + ": state after " + std::to_string(losses.size()) + " steps");
  expect_state(run.model(), run_fixture.at("state"));
}

TEST(ReferenceModel, FiveSgdStepsMatchTorch) { check_training("sgd"); }
TEST(ReferenceModel, FiveAdamStepsMatchTorch) { check_training("adam"); }

TEST(ReferenceModel, TorchWrittenCheckpointLoads) {
  const SafeTensors st = read_safetensors(kFixtures + "/torch_init.safetensors");
  ASSERT_TRUE(st.tensors.count("1.num_batches_tracked"));
  EXPECT_EQ(st.tensors.at("1.num_batches_tracked").dtype, "I64");
  EXPECT_TRUE(st.tensors.at("1.num_batches_tracked").shape.empty());
  EXPECT_EQ(st.tensors.at("0.weight").shape, (std::vector<int64_t>{3, 1, 3, 3}));
  EXPECT_EQ(st.tensors.at("5.weight").shape, (std::vector<int64_t>{6, 48}));
  EXPECT_TRUE(st.metadata.count("bnlab_config"));

  Config cfg = tiny_config();
  bnlab::Run run(cfg, std::make_shared<const DataSplit>(load_data(cfg.data, cfg.seed)));
  load_checkpoint(kFixtures + "/torch_init.safetensors", run.model());
  for (const NamedParam& p : run.model().named_params()) {
    const StoredTensor& t = st.tensors.at(p.name);
    EXPECT_TRUE(std::equal(t.f32.begin(), t.f32.end(), p.param.value)) << p.name << " is not loaded bit-exact";
  }
}

// ----- bnlab checkpoints in PyTorch ------------------------------------------------------------

TEST(ReferenceInterop, BnlabCheckpointLoadsStrictlyInTorchWithSameLogits) {
  const json f = read_fixture("bnlab_checkpoint_in_torch.json");
  ASSERT_TRUE(f.at("strict_load").get<bool>()) << "PyTorch's load_state_dict(strict=True) failed: "
                                               << f.at("error").get<std::string>();
  Config cfg = tiny_config();
  auto data = std::make_shared<const DataSplit>(load_data(cfg.data, cfg.seed));
  bnlab::Run run(cfg, data);
  load_checkpoint(kFixtures + "/bnlab_written.safetensors", run.model());
  Tensor x;
  x.resize(data->test.sample_shape, data->test.size());
  x.data = data->test.x;
  const json& logits = f.at("logits");
  ASSERT_EQ(logits.at("shape"), json({data->test.size(), data->test.classes}));
  EXPECT_TRUE(close("eval() logits on the test images", run.model().forward(x, Mode::infer_running).data, logits));
}

}  // namespace
