// What this file is: a checkpoint with the op's bias kept before BatchNorm ("bias": true) and
// dropped before LayerNorm ("bias": false) is what PyTorch's Sequential with bias=True / False
// holds: tests/reference/bias_fixtures.py had bnlab train 3 steps and save, loaded the file into
// PyTorch 1.13 with load_state_dict(strict=True) and wrote its eval() logits on the test images;
// bnlab loads the same file and gives the same logits (within the reference tests' 1e-4).
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>

#include "test_paths.h"
#include "core/data/dataset.h"
#include "core/io/checkpoint.h"
#include "core/io/config.h"
#include "core/train/run.h"
#include "reference_helpers.h"

using namespace bnlab;
using namespace bnlab::reference;
using nlohmann::json;

namespace {

TEST(ReferenceBias, KeptBiasCheckpointLoadsStrictlyInTorchWithSameLogits) {
  const json f = read_fixture("bias_checkpoint_in_torch.json");
  ASSERT_TRUE(f.at("strict_load").get<bool>()) << "PyTorch's load_state_dict(strict=True) failed: "
                                               << f.at("error").get<std::string>();
  const std::vector<std::string> names = f.at("names").get<std::vector<std::string>>();
  auto has = [&](const std::string& n) { return std::find(names.begin(), names.end(), n) != names.end(); };
  EXPECT_TRUE(has("0.bias")) << "the conv keeps its bias before BatchNorm2d";
  EXPECT_TRUE(has("5.bias")) << "the Linear keeps its bias before BatchNorm1d";
  EXPECT_FALSE(has("8.bias")) << "the Linear drops its bias before LayerNorm";
  EXPECT_TRUE(has("9.bias")) << "LayerNorm's own β";

  Config cfg = load_config(kFixtures + "/bias_kept.json");
  cfg.data.dir = std::string(BNLAB_TEST_DATA_DIR) + "/tiny8";
  ASSERT_EQ(cfg.model.blocks[0].bias, std::optional<bool>(true));
  ASSERT_EQ(cfg.model.blocks[2].bias, std::optional<bool>(false));
  auto data = std::make_shared<const DataSplit>(load_data(cfg.data, cfg.seed));
  bnlab::Run run(cfg, data);
  load_checkpoint(kFixtures + "/bias_kept_written.safetensors", run.model());
  // What bnlab names its parameters is what PyTorch found in the file, no more and no less.
  size_t count = 0;
  for (const NamedParam& p : run.model().named_params()) {
    EXPECT_TRUE(has(p.name)) << p.name;
    ++count;
  }
  for (const NamedBuffer& b : run.model().named_buffers()) count += has(b.name);
  count += 2;  // each BatchNorm's num_batches_tracked
  EXPECT_EQ(count, names.size());
  Tensor x;
  x.resize(data->test.sample_shape, data->test.size());
  x.data = data->test.x;
  EXPECT_TRUE(close("eval() logits on the test images", run.model().forward(x, Mode::infer_running).data, f.at("logits")));
}

}  // namespace
