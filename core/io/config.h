// What this file is: the experiment config (DESIGN.md "Experiment config") as typed structs,
// parsed from JSON with every unknown field or bad value reported by its path, e.g.
// "config: model.blocks[1].units: must be a positive integer, got -3".
// Limits, all refused as config errors (exit 2) naming the field:
// - the file is at most 16 MiB, nested at most 32 deep, with strings of at most 8 MiB, and every
//   number fits a double (core/io/json_text.h); at most 1000 blocks;
// - a float field's range is checked on the 32-bit float it becomes (β2 = 0.999999999 is 1 as a
//   float), so every accepted value trains, and the window can reopen what it saved;
// - memory: a run may take at most 1 GiB (kMemoryBudget, core/model/footprint.h): parameters,
//   their gradients, the optimizer's state, and every layer's buffers at the batch size and at
//   the evaluation batch (512). A model past it is refused naming the block where it passes it.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/layers/norm_kind.h"

namespace bnlab {

struct DataConfig {
  std::string dataset = "fashion-mnist";  // fashion-mnist, mnist, csv, spiral, circles, xor, gaussians, moons
  std::string dir = "/usr/share/datasets/fashion-mnist";  // IDX files
  std::string path;       // csv: the training (or only) file
  std::string test_path;  // csv: optional test file; without it the last 20% of rows are the test set
  int train_limit = 0;    // 0: all examples
  int test_limit = 0;
  std::string normalize = "scale";  // scale (x/255), standardize (z-score from train), none
  bool shuffle = true;
  int n = 1000;         // generated sets: training points (the test set has n/2)
  float noise = 0.1f;   // generated sets
};

struct PoolConfig {
  std::string type = "none";  // none, avg, max
  int size = 2;
};

struct BlockConfig {
  std::string op = "dense";  // dense, conv
  int units = 0;             // dense
  int channels = 0;          // conv
  int kernel = 3, stride = 1, padding = 0;
  // As PyTorch 1.13 computes them (README "Norms"), with eps and affine from `BnConfig`:
  //   batch     nn.BatchNorm1d(units) / nn.BatchNorm2d(C): per channel over the batch (× H·W),
  //             running statistics for inference (BnConfig::momentum)
  //   layer     nn.LayerNorm(units) / nn.LayerNorm([C, H, W]): per sample; γ, β of that shape
  //   group     nn.GroupNorm(groups, C): per sample and group of C/groups channels (× H·W); on a
  //             dense block the units are the channels
  //   instance  nn.InstanceNorm2d(C, affine): per sample and channel over H·W; conv blocks only
  //   none
  // LN, GN and IN have no running statistics: every inference mode computes what training does.
  NormKind norm = NormKind::none;
  // group: must divide the units or channels (required). The other norms keep it unchecked and
  // unused, so a block switched back to group finds it; 0 is unset.
  int groups = 0;
  std::string activation = "none";  // sigmoid, tanh, relu, leaky_relu, none
  // Whether the op has a bias: unset follows op_keeps_bias's rule (none right before a batch or
  // instance norm); true keeps one there too (PyTorch's bias=True before BatchNorm, whose
  // gradient is zero: the bias-redundancy lab); false drops it before any norm or none.
  std::optional<bool> bias;
  PoolConfig pool;
  float dropout = 0.0f;
};

// Named "bn" for history: eps, affine and position apply to every norm, momentum to BN alone
// (the others have no running statistics).
struct BnConfig {
  float momentum = 0.1f;
  float eps = 1e-5f;
  bool affine = true;
  std::string position = "before_activation";  // before_activation, after_activation
};

struct InitConfig {
  std::string scheme = "xavier_uniform";  // xavier_uniform, xavier_normal, he_normal, normal, torch_default
  float scale = 1.0f;
  float std = 0.01f;  // normal
};

struct ModelConfig {
  std::vector<BlockConfig> blocks;
  BnConfig bn;
  InitConfig init;
};

struct TrainConfig {
  int batch_size = 60;
  std::string optimizer = "sgd";  // sgd, rmsprop, adam
  float lr = 0.1f;
  float momentum = 0.0f;
  float alpha = 0.99f;  // rmsprop smoothing
  float beta1 = 0.9f, beta2 = 0.999f, eps = 1e-8f;
  float weight_decay = 0.0f;
  std::string loss = "cross_entropy";  // cross_entropy, mse (against one-hot targets)
  int log_every = 100;                 // steps between metric rows
  int eval_every = 0;                  // steps between test evaluations; 0: once per epoch
  bool operator==(const TrainConfig&) const = default;
};

struct Config {
  uint64_t seed = 1;
  DataConfig data;
  ModelConfig model;
  TrainConfig train;
};

// Whether a block's op has a bias: the block's `bias` when set; otherwise none when a norm that
// removes each channel's mean (batch, instance) follows it directly, as in the equivalent
// nn.Sequential, and a bias before layer and group norms and before any norm placed after the
// activation.
bool op_keeps_bias(const BlockConfig& b, const BnConfig& bn);

// A block's groups for GroupNorm when none is set (a norm switched to group live): the largest
// divisor of the channels (units) that is at most 32, the Group Normalization paper's default,
// and leaves at least two channels per group; 1 for a single channel.
int default_groups(int channels);

// Throws Error(usage) naming the field; `source` (a file name) prefixes messages.
Config parse_config(const nlohmann::json& j, const std::string& source = "config");
Config load_config(const std::string& path);  // file errors are ErrorKind::data
// Throws the config error parse_config would give for the same values: a config made in code
// (the window's sidebar) is held to the rules of a file.
void check_config(const Config& c);
nlohmann::json to_json(const Config& c);

}  // namespace bnlab
