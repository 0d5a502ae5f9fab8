// What this file is: the definitions of the benchmark workloads. A workload named "W1-LN" is
// W1's network with LayerNorm where W1 has BN (its ops keep their bias, as PyTorch's do before
// LN and GN); GroupNorm takes default_groups of each block's channels.
#include "core/train/workloads.h"

#include <cstdio>
#include <optional>
#include <utility>

#include "core/error.h"

namespace bnlab {
namespace {

BlockConfig dense(int units, bool bn, const std::string& act) {
  BlockConfig b;
  b.op = "dense";
  b.units = units;
  b.norm = bn ? NormKind::batch : NormKind::none;
  b.activation = act;
  return b;
}

BlockConfig conv(int channels, int kernel, const std::string& act = "sigmoid", const std::string& pool = "avg",
                 int padding = 0) {
  BlockConfig b;
  b.op = "conv";
  b.channels = channels;
  b.kernel = kernel;
  b.padding = padding;
  b.norm = NormKind::batch;
  b.activation = act;
  b.pool = {pool, 2};
  return b;
}

// "MLP-1024-b512" → {1024, 512}: any width and batch from 1 to 4096.
std::optional<std::pair<int, int>> parse_mlp(const std::string& name) {
  int width = 0, batch = 0, used = 0;
  if (std::sscanf(name.c_str(), "MLP-%d-b%d%n", &width, &batch, &used) != 2 || used != static_cast<int>(name.size()))
    return std::nullopt;
  if (width < 1 || width > 4096 || batch < 1 || batch > 4096) return std::nullopt;
  return std::pair{width, batch};
}

// One multiply-add is 2 FLOPs. A training step does each layer's forward product and two
// backward products (weight gradient and input gradient), except that the first layer needs
// no input gradient: 3 × forward, minus one product for the first layer.
double step_flops(double first_layer_macs, double other_macs, double batch) {
  return 2.0 * batch * (2.0 * first_layer_macs + 3.0 * other_macs);
}

Workload bn_workload(const std::string& name) {
  Workload w;
  w.name = name;
  Config& c = w.config;
  c.data.dataset = "fashion-mnist";
  c.train.optimizer = "sgd";
  c.train.lr = 0.1f;
  c.model.init.scheme = "torch_default";
  if (name == "W1" || name == "W2") {
    const bool bn = name == "W1";
    w.description = bn ? "dense 100/100/100 sigmoid + BN, dense 10, batch 60, SGD"
                       : "dense 100/100/100 sigmoid, dense 10, batch 60, SGD";
    for (int i = 0; i < 3; ++i) c.model.blocks.push_back(dense(100, bn, "sigmoid"));
    c.model.blocks.push_back(dense(10, false, "none"));
    c.train.batch_size = 60;
    w.flops_per_step = step_flops(784.0 * 100, 100.0 * 100 * 2 + 100.0 * 10, 60);
  } else if (name == "W3") {
    w.description = "LeNet + BN: conv 6k5, conv 16k5 (BN, sigmoid, avgpool 2), dense 120/84 + BN, dense 10, batch 128, SGD";
    c.model.blocks = {conv(6, 5), conv(16, 5), dense(120, true, "sigmoid"), dense(84, true, "sigmoid"),
                      dense(10, false, "none")};
    c.train.batch_size = 128;
    // conv1: 6 × 24² outputs × 25; conv2: 16 × 8² × 150; dense 256·120, 120·84, 84·10.
    w.flops_per_step = step_flops(6.0 * 24 * 24 * 25, 16.0 * 8 * 8 * 150 + 256.0 * 120 + 120.0 * 84 + 84.0 * 10, 128);
  } else if (name == "CNN") {
    w.description = "conv 32k3, conv 64k3 (padding 1, BN, ReLU, maxpool 2), dense 128 + BN ReLU, dense 10, batch 64, SGD";
    c.model.blocks = {conv(32, 3, "relu", "max", 1), conv(64, 3, "relu", "max", 1), dense(128, true, "relu"),
                      dense(10, false, "none")};
    c.train.batch_size = 64;
    // conv1: 32 × 28² outputs × 9; conv2: 64 × 14² × 288; dense 3136·128, 128·10.
    w.flops_per_step = step_flops(32.0 * 28 * 28 * 9, 64.0 * 14 * 14 * 288 + 3136.0 * 128 + 128.0 * 10, 64);
  } else if (const auto mlp = parse_mlp(name)) {
    const auto [width, batch] = *mlp;
    w.description = "dense " + std::to_string(width) + "/" + std::to_string(width) + "/" + std::to_string(width) +
                    " ReLU + BN, dense 10, batch " + std::to_string(batch) + ", SGD";
    for (int i = 0; i < 3; ++i) c.model.blocks.push_back(dense(width, true, "relu"));
    c.model.blocks.push_back(dense(10, false, "none"));
    c.train.batch_size = batch;
    w.flops_per_step = step_flops(784.0 * width, 2.0 * width * width + 10.0 * width, batch);
  } else {
    throw config_error("--workload: unknown workload '" + name +
                       "' (expected W1, W2, W3, W1-LN, W1-GN, W3-LN, W3-GN, CNN, or MLP-WIDTH-bBATCH such as MLP-1024-b512)");
  }
  return w;
}

// The BN workload `base` with every BN replaced by `kind`.
Workload with_norm(const std::string& base, NormKind kind) {
  Workload w = bn_workload(base);
  w.name = base + "-" + norm_abbreviation(kind);
  w.baseline = base;
  for (BlockConfig& b : w.config.model.blocks) {
    if (b.norm != NormKind::batch) continue;
    b.norm = kind;
    if (kind == NormKind::group) b.groups = default_groups(b.op == "conv" ? b.channels : b.units);
  }
  const std::string bn = "+ BN", other = std::string("+ ") + norm_abbreviation(kind);
  for (size_t at = w.description.find(bn); at != std::string::npos; at = w.description.find(bn, at))
    w.description.replace(at, bn.size(), other);
  for (size_t at = w.description.find("(BN,"); at != std::string::npos; at = w.description.find("(BN,", at))
    w.description.replace(at + 1, 2, norm_abbreviation(kind));
  if (kind != NormKind::group) return w;
  std::string groups;
  for (const BlockConfig& b : w.config.model.blocks)
    if (b.groups > 0) groups += (groups.empty() ? "" : "/") + std::to_string(b.groups);
  w.description += ", groups " + groups;
  return w;
}

}  // namespace

std::vector<std::string> workload_names() { return {"W1", "W2", "W3", "W1-LN", "W3-GN", "CNN", "MLP-1024-b512"}; }

std::vector<std::string> mlp_grid_names() {
  std::vector<std::string> names;
  for (int width : {64, 256, 1024})
    for (int batch : {32, 128, 512}) names.push_back("MLP-" + std::to_string(width) + "-b" + std::to_string(batch));
  return names;
}

Workload make_workload(const std::string& name) {
  for (const std::string base : {"W1", "W3"})
    for (NormKind kind : {NormKind::layer, NormKind::group})
      if (name == base + "-" + norm_abbreviation(kind)) return with_norm(base, kind);
  return bn_workload(name);
}

}  // namespace bnlab
