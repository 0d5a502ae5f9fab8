// What this file is: how a scene file says which norm each block of run A or B has
// (docs/SCENES.md): `bn_a`/`bn_b` ("all", "none" or the block numbers that have BN) and
// `norm_a`/`norm_b` (one kind for every block but the output, or a list of kinds, one a block).
// Both give a kind per block but the output, checked against the experiment's blocks.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/io/config.h"
#include "core/io/json_fields.h"

namespace bnlab {

// "all", "none", or a list of block numbers from 1: batch on those, none elsewhere.
std::vector<NormKind> read_bn_blocks(Fields& f, const std::string& key, const nlohmann::json& v, int blocks);

// A kind ("batch", "layer", "group", "instance", "none") for every block but the output, or a
// list of exactly one kind per block but the output. Instance norm on a dense block, an unknown
// kind or a list of the wrong length is refused naming `key` (or its entry).
std::vector<NormKind> read_norm_blocks(Fields& f, const std::string& key, const nlohmann::json& v, const Config& cfg);

// Run A's blocks (but the output) switched to `norms`, as a live switch does (switch_block_norm).
void switch_norms(Config& cfg, const std::vector<NormKind>& norms);

}  // namespace bnlab
