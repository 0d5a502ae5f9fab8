// What this file is: reading a scene's norms per block (scene_norms.h).
#include "scene/scene_norms.h"

#include <algorithm>

#include "core/train/command.h"

namespace bnlab {

using nlohmann::json;

std::vector<NormKind> read_bn_blocks(Fields& f, const std::string& key, const json& v, int blocks) {
  const int switchable = blocks - 1;
  std::vector<NormKind> norms(static_cast<size_t>(std::max(0, switchable)), NormKind::none);
  // Compared as a std::string: GCC 12 warns falsely (array-bounds) inside json == "all" here.
  const std::string word = v.is_string() ? v.get<std::string>() : std::string();
  if (word == "all" || word == "none") {
    std::fill(norms.begin(), norms.end(), word == "all" ? NormKind::batch : NormKind::none);
    return norms;
  }
  if (!v.is_array()) f.fail(key, "expected \"all\", \"none\" or a list of block numbers, got " + describe(v));
  for (size_t i = 0; i < v.size(); ++i) {
    const json& b = v[i];
    if (!b.is_number_integer() || b.get<long long>() < 1 || b.get<long long>() > switchable)
      f.fail(key + "[" + std::to_string(i) + "]",
             "must be a block number from 1 to " + std::to_string(switchable) + " (the output block has no BN), got " + describe(b));
    norms[b.get<size_t>() - 1] = NormKind::batch;
  }
  return norms;
}

namespace {

std::vector<std::string> kind_names() {
  std::vector<std::string> names;
  for (NormKind k : kNormKinds) names.emplace_back(norm_name(k));
  return names;
}

// One entry: a known kind, and instance only on a conv block.
NormKind read_kind(Fields& f, const std::string& name, const json& v, const BlockConfig& block, size_t index) {
  const std::optional<NormKind> kind = v.is_string() ? parse_norm_kind(v.get<std::string>()) : std::nullopt;
  if (!kind) f.fail(name, "expected one of " + join(kind_names()) + ", got " + describe(v));
  if (*kind == NormKind::instance && block.op != "conv")
    f.fail(name, "instance norm is for conv blocks only, and block " + std::to_string(index + 1) + " is dense");
  return *kind;
}

}  // namespace

std::vector<NormKind> read_norm_blocks(Fields& f, const std::string& key, const json& v, const Config& cfg) {
  const std::vector<BlockConfig>& blocks = cfg.model.blocks;
  const size_t switchable = blocks.empty() ? 0 : blocks.size() - 1;
  std::vector<NormKind> norms(switchable, NormKind::none);
  if (v.is_string()) {  // every block but the output
    for (size_t i = 0; i < switchable; ++i) norms[i] = read_kind(f, key, v, blocks[i], i);
    if (switchable == 0) read_kind(f, key, v, BlockConfig{}, 0);  // still a known kind
    return norms;
  }
  if (!v.is_array())
    f.fail(key, "expected a norm (" + join(kind_names()) + ") or a list of one per block but the output, got " + describe(v));
  if (v.size() != switchable)
    f.fail(key, "must list " + std::to_string(switchable) + " norms, one per block but the output, got " +
                    std::to_string(v.size()));
  for (size_t i = 0; i < switchable; ++i) norms[i] = read_kind(f, key + "[" + std::to_string(i) + "]", v[i], blocks[i], i);
  return norms;
}

void switch_norms(Config& cfg, const std::vector<NormKind>& norms) {
  for (size_t i = 0; i < norms.size() && i + 1 < cfg.model.blocks.size(); ++i) switch_block_norm(cfg.model.blocks[i], norms[i]);
}

}  // namespace bnlab
