// What this file is: the numbers of the bias-redundancy lab (issue #12 §4; lecture notes 001 and
// 003). A bias b added before BN is removed again by BN's mean subtraction:
//   BN(Wx + b) = γ·(Wx + b − (μ + b))/√(σ² + ε) + β = BN(Wx),
// so ∂L/∂b = Σ over the batch (and H·W) of ∂L/∂z = 0 in training mode, b never moves under SGD,
// and β is the only shift the block has. Two short trainings from the live network's weights
// side by side, the same batches in the same order: one with the op's bias kept (the config's
// block field "bias": true, b₀ drawn at random so it is visibly not 0) and one without.
#pragma once

#include <atomic>
#include <memory>
#include <vector>

#include "core/data/dataset.h"
#include "core/io/config.h"
#include "core/model/model_state.h"

namespace bnlab {

// Whether a block's op loses its bias to the norm right after it (BN or IN before the
// activation): the blocks this lab can keep a bias in.
bool bias_is_redundant(const ModelConfig& cfg, int block);
// `cfg` with "bias": true on every block where bias_is_redundant.
ModelConfig with_redundant_biases_kept(ModelConfig cfg);

struct BiasRedundancy {
  int block = 0;
  int steps = 0;
  float b0_range = 0.5f;                           // b₀ drawn from U(−range, range)
  std::vector<float> loss_with, loss_without;      // (steps)
  std::vector<float> bias_move, beta_move;         // (steps + 1): ‖b − b₀‖, ‖β − β₀‖ after each step (0 at 0)
  double max_bias_grad = 0.0, max_weight_grad = 0.0;  // the block's largest |∂L/∂b|, |∂L/∂W| over the steps
  double max_loss_diff = 0.0;                      // max over steps |loss with − loss without|
  double max_logit_diff = 0.0;                     // after the steps, on the first test batch, batch statistics
  bool sgd = true;                                 // the run's optimizer is SGD (Adam and RMSProp divide by |g|)
  float weight_decay = 0.0f, lr = 0.0f;
  bool diverged = false;
};

// Trains both for `steps` steps with `run_config`'s optimizer, from `state`'s weights. nullptr
// when cancelled; throws an Error when bias_is_redundant(state.config, block) is false.
std::shared_ptr<const BiasRedundancy> bias_training(const ModelState& state, const Config& run_config,
                                                    std::shared_ptr<const DataSplit> data, int block, int steps,
                                                    const std::atomic<bool>* cancel = nullptr);

}  // namespace bnlab
