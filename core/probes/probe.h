// What this file is: probe frames, the measurements the plots show, taken on the current
// training batch every `probe_every` steps. Per block: the three taps (z, normalized,
// activated) as histograms and summaries, which of them the activation reads, the activation's
// saturation (sigmoid, tanh) or dead units (ReLU), the op's gradient and
// weight norms and update-to-weight ratio, the norm's γ, β and statistics, and each tap's shift
// (Wasserstein-1) since the previous frame.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "core/layers/activation.h"
#include "core/layers/norm_kind.h"
#include "core/probes/landscape.h"
#include "core/probes/stats.h"

namespace bnlab {

class Model;

enum Tap { tap_z = 0, tap_normalized = 1, tap_activated = 2 };
inline constexpr int kTapCount = 3;

struct TapProbe {
  Histogram histogram;
  Summary summary;
  float shift = 0.0f;  // W1 distance to the previous frame's histogram of this tap (0 at first)
  // Each feature's (conv: channel's, over the batch and every position) 15th, 50th and 85th
  // percentiles over the batch: one unit followed over training, as the BN paper's Figure 1(b, c).
  std::vector<std::array<float, 3>> units;  // (features)
};

struct BlockProbe {
  std::array<TapProbe, kTapCount> taps;
  std::optional<ActivationKind> activation;  // the block's activation, if it has one
  // The tap the activation reads: BN's output when BN comes before it, else z (no BN, or BN
  // after the activation, where the normalized tap is BN(φ(z)) and not φ's input).
  Tap activation_input = tap_z;
  // Sigmoid and tanh: the fraction of values in the saturated region, where φ'(z) < threshold ·
  // max φ' (σ: |z| > 3.64, tanh: |z| > 1.82). ReLU and leaky ReLU: the fraction of dead units,
  // the features (conv: channels) that are not positive for any value of the batch, which get no
  // gradient (leaky ReLU: 1%). -1 without an activation.
  float saturation = -1.0f;
  float grad_norm = 0.0f;    // ‖∂L/∂W‖ of the op's weight
  float weight_norm = 0.0f;  // ‖W‖
  float update_ratio = 0.0f; // ‖ΔW‖ / ‖W‖ of the last step
  // The block's norm (none: every vector below is empty).
  NormKind norm = NormKind::none;
  // γ and β: per feature or channel (LN: per value of a sample, C·H·W); empty without affine.
  std::vector<float> gamma, beta;
  std::vector<float> running_mean, running_var;  // BN alone, per feature or channel
  // The statistics the current batch was normalized with (variance biased). BN: per feature or
  // channel. LN, GN, IN: per sample and group, sample-major (index n·stat_groups + g).
  std::vector<float> batch_mean, batch_var;
  int stat_groups = 0;     // statistics per sample; 0 for BN
  int64_t stat_count = 0;  // values each statistic is over
};

struct ProbeFrame {
  int64_t step = 0;
  std::vector<BlockProbe> blocks;
  std::vector<IcsMeasure> ics;         // (blocks) when measured at this step, else empty
  std::vector<SmoothnessMeasure> smoothness;  // one when measured at this step, else empty
  size_t bytes() const;  // memory held, for the bounded history
};

struct ProbeSettings {
  int bins = 64;
  float saturation_threshold = 0.1f;  // a unit is saturated where φ'(z) < 0.1 · max φ'
  // Each unit's 15/50/85th percentiles (TapProbe::units). Off by default: a selection over every
  // unit of every tap cost W1 four times the rest of a frame (probes at 40% of the step, not 9%);
  // the distributions panel turns it on while it follows one unit.
  bool unit_percentiles = false;
};

// Keeps what one probe needs from the last: each tap's running min/max (the histogram range
// only grows, so successive frames stay comparable) and the previous histograms.
class Prober {
 public:
  explicit Prober(ProbeSettings settings = {}) : settings_(settings) {}
  void set_unit_percentiles(bool on) { settings_.unit_percentiles = on; }
  // After a training step: `weights_before` are the op weights' values before the update
  // (one vector per block, for the update ratio; empty to skip it).
  std::shared_ptr<ProbeFrame> take(Model& model, int64_t step,
                                         const std::vector<std::vector<float>>& weights_before);
  void reset() { ranges_.clear(); previous_.reset(); }
  ProbeSettings settings_;

 private:
  std::vector<std::array<std::pair<float, float>, kTapCount>> ranges_;  // (blocks): per tap lo, hi
  std::shared_ptr<const ProbeFrame> previous_;
  std::vector<float> scratch_;
};

// The op weights of every block, copied (for Prober::take's update ratio).
std::vector<std::vector<float>> copy_op_weights(Model& model);

}  // namespace bnlab
