// What this file is: the interface every normalization layer implements (BatchNorm, and
// SampleNorm for LayerNorm, GroupNorm and InstanceNorm). The model, probes, checkpoints, live
// switches and landscape probes use a norm only through it: no code outside the norm classes
// needs to know which one it holds.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "core/layers/layer.h"
#include "core/layers/norm_kind.h"

namespace bnlab {

// The statistics the last forward normalized with, biased variance. BN: one pair per channel,
// over the batch (and H·W). LN, GN, IN: one pair per sample and group, `groups` per sample,
// sample-major: index n·groups + g.
struct NormStatistics {
  std::span<const float> mean, var;
  int groups = 0;          // statistics per sample (LN: 1, GN: its groups, IN: C); 0 for BN
  int64_t count = 0;       // values each statistic is over (BN: N·H·W; LN: C·H·W; GN: C/G·H·W; IN: H·W)
};

// BN's running statistics, saved in checkpoints and carried across live switches.
struct RunningStatistics {
  Vector mean, var;  // (C)
  int64_t batches_tracked = 0;
};

class Norm : public Layer {
 public:
  virtual NormKind norm_kind() const = 0;
  virtual bool affine() const = 0;
  // γ and β: one per channel (BN, GN, IN) or one per element of a sample (LN); empty without
  // the affine step.
  virtual std::span<const float> gamma() const = 0;
  virtual std::span<const float> beta() const = 0;
  // Sets γ and β where their sizes fit (a live switch keeps a block's learned scale and shift).
  virtual void set_affine(std::span<const float> gamma, std::span<const float> beta) = 0;
  virtual NormStatistics statistics() const = 0;
  // True when the last training forward had one value per statistic: σ² = 0, x̂ = 0, the
  // output is β and no gradient passes. BN at batch size 1 in a dense block; LN over one unit.
  virtual bool degenerate() const = 0;

  // BN only; the others have no running statistics and ignore these.
  virtual std::optional<RunningStatistics> running() const { return std::nullopt; }
  virtual void set_running(const RunningStatistics&) {}
  virtual void set_momentum(float) {}
  virtual void begin_population() {}
  virtual void finish_population() {}
};

}  // namespace bnlab
