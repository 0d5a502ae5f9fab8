// What this file is: the numbers behind the norm-axes picture (norm_axes_panel.cpp): for one
// block, the N × C × H·W block of values its norm sees at the run's batch size, and for each of
// BN, LN, GN and IN how many statistics (μ, σ² pairs) it computes and over how many values each
// (Wu and He 2018, Group Normalization, Figure 2 and eq. 2–3). Plain data with no ImGui, so the
// tests check the counts the panel draws without a window.
#pragma once

#include <array>
#include <cstdint>
#include <optional>

#include "core/io/config.h"
#include "core/layers/norm_kind.h"
#include "core/tensor.h"

namespace bnlab {

// One norm over the block: the set S_i of values each statistic averages.
struct NormAxesRow {
  NormKind kind = NormKind::none;
  bool applies = true;       // false: IN on a dense block (one value per sample and unit)
  int groups = 0;            // GN: groups of channels (C/groups channels each); LN: 1; IN: C
  int64_t statistics = 0;    // how many (μ, σ²) pairs one batch gives: BN C, LN N, GN N·G, IN N·C
  int64_t values_each = 0;   // values per statistic:                   BN N·H·W, LN C·H·W, GN C/G·H·W, IN H·W
};

struct NormAxes {
  int block = 0;              // 0-based
  bool conv = false;          // the block's op; dense: H·W = 1
  int n = 0;                  // the batch size of the run's training steps
  int c = 0, h = 1, w = 1;    // the norm's input: channels (dense: units) and the feature map
  int64_t hw() const { return int64_t{h} * w; }
  NormKind own = NormKind::none;  // the block's own norm (none: the picture shows what each would do)
  std::array<NormAxesRow, 4> rows;  // in kAxesNorms' order
};

// The order of the picture's four cubes, as in the Group Normalization paper's Figure 2.
inline constexpr std::array<NormKind, 4> kAxesNorms = {NormKind::batch, NormKind::layer, NormKind::instance,
                                                       NormKind::group};

// The shape a block's norm sees (the op's output: conv2d_output_shape, or (units)) for a model
// on inputs of `input` shape; nullopt when `block` is out of range or the blocks do not fit.
std::optional<Shape> norm_input_shape(const ModelConfig& model, Shape input, int block);

// The axes of block `block` of `config` on inputs of `input` shape, at the config's batch size;
// nullopt when the block is not there. GN's groups are the block's own when they divide its
// channels, else default_groups (what a switch to GN would use).
std::optional<NormAxes> norm_axes(const Config& config, Shape input, int block);

// The row of `kind` in `axes.rows`.
const NormAxesRow& axes_row(const NormAxes& axes, NormKind kind);

}  // namespace bnlab
