// What this file is: the numbers of the scale-invariance lab (issue #12 §4; lecture note 000,
// benefit 4). A block's op weight W is multiplied by k on a copy of the live network, and on one
// fixed batch in training mode (batch statistics) we measure what BN does with it:
//   BN(kWx) = BN(Wx), since μ and σ both scale by k: (kz − kμ)/√(k²σ² + ε) ≈ (z − μ)/√(σ² + ε);
//   ∂L/∂(kW) = (1/k)·∂L/∂W, since L does not change with k while its argument grows by k.
// ε makes the first approximate: its share is computed exactly here (`eps_share`) so the panel
// can say how much of the measured difference is ε's when kσ is small. The same block without
// its norm is measured beside it (its z and activation grow with k), and `scale_training` trains
// both from the scaled weights for a few steps.
#pragma once

#include <atomic>
#include <memory>
#include <vector>

#include "core/data/dataset.h"
#include "core/io/config.h"
#include "core/model/model.h"
#include "core/model/model_state.h"

namespace bnlab {

// Multiplies block `block`'s op weight (not its bias) by k.
void scale_op_weight(Model& model, int block, float k);

// Why a block cannot show scale invariance; ok when it can.
enum class ScaleProblem { ok, no_block, no_batch_norm, norm_after_activation };
ScaleProblem scale_problem(const ModelConfig& cfg, int block);

// One model on the batch at one k: block `block`'s taps and the gradient of its weight.
struct ScaleSide {
  std::vector<float> z, normalized, activated;  // (features · batch): the block's taps, column by column
  float loss = 0.0f;
  double weight_grad_norm = 0.0;  // ‖∂L/∂W‖ (Frobenius), W the block's op weight at k·W
  double weight_norm = 0.0;       // ‖kW‖
};

struct ScaleInvariance {
  int block = 0;
  float k = 1.0f;
  int features = 0, batch = 0;  // of the taps: rows per sample (C·H·W) and samples
  ScaleSide bn_1, bn_k;         // with the block's BN, at W and kW
  ScaleSide plain_1, plain_k;   // the same network with this block's norm removed
  double max_diff = 0.0;        // max |BN(kWx) − BN(Wx)| over the block's BN output
  double eps_share = 0.0;       // the largest |difference| ε alone accounts for (exact, in double)
  double min_k_sigma = 0.0;     // the smallest channel's k·σ of z over the batch
  std::vector<float> grid_k, grid_grad;  // ‖∂L/∂W‖ measured at k·W for k on a log grid, 0.1 … 10
};

// `x`, `y`: the fixed batch, (features, batch) and its labels. Runs forward and backward in
// training mode on fresh copies of `state` (dropout draws the same masks in each). Returns
// nullptr when cancelled. Throws an Error when the block cannot show it (scale_problem).
std::shared_ptr<const ScaleInvariance> measure_scale_invariance(const ModelState& state, const Tensor& x,
                                                                const std::vector<int>& y, int block, float k,
                                                                const std::atomic<bool>* cancel = nullptr);

// Loss curves of short trainings from the scaled weights: with BN at k = 1 and at k, and with the
// block's norm removed at k = 1 and at k. The same batches in the same order for all four.
struct ScaleTraining {
  float k = 1.0f;
  int steps = 0;
  std::vector<float> bn_1, bn_k, plain_1, plain_k;  // (steps): loss per step; shorter if it diverged
  bool cancelled = false;
};
std::shared_ptr<const ScaleTraining> scale_training(const ModelState& state, const Config& run_config,
                                                    std::shared_ptr<const DataSplit> data, int block, float k,
                                                    int steps, const std::atomic<bool>* cancel = nullptr);

}  // namespace bnlab
