// What this file is: the numbers of the CNN feature-maps lab (issue #12 §7): one test image
// through a copy of the live network in inference (BN with its running statistics, as at test
// time), and a conv block's maps at each of its taps, one p×q image per channel, with the
// channel's γ and β: one pair per feature map (lecture note 004).
#pragma once

#include <cstdint>
#include <vector>

#include "core/data/dataset.h"
#include "core/model/model_state.h"

namespace bnlab {

enum class FeatureMapsProblem {
  none,
  no_block,     // the block does not exist
  not_conv,     // a dense block: its features are numbers, not maps
  no_example,   // the test set is empty
  not_finite,   // NaN or infinite values (a diverged run)
};

// One tap of the block: its values as C maps of h × w.
enum class MapStage { z, normalized, activated };

struct FeatureMaps {
  FeatureMapsProblem problem = FeatureMapsProblem::none;
  int64_t step = 0;
  int block = 0;
  int example = 0, label = 0;       // index into the test set, and its class
  Shape input_shape;                // (C_in, H, W)
  std::vector<float> input;         // (C_in·H·W): the image as the network sees it
  int channels = 0, h = 0, w = 0;   // the block's maps before pooling
  NormKind norm = NormKind::none;
  bool after_activation = false;
  bool has_activation = false;
  // In the order the network computes them: z, then the norm and the activation in the
  // config's order; a block without a norm or an activation has fewer stages.
  std::vector<MapStage> stages;
  std::vector<std::vector<float>> maps;  // (stages, C·h·w): channel c's map at [c·h·w, (c+1)·h·w)
  std::vector<float> gamma, beta;        // (C): one pair per channel; empty without them (LN: per value)
  std::vector<int> conv_blocks;          // 0-based: the blocks that have maps
  const std::vector<float>& stage(MapStage s) const;
};

// Block `block`'s maps for test example `example` (clamped into the test set).
FeatureMaps feature_maps(const ModelState& state, const Dataset& test, int block, int example);

}  // namespace bnlab
