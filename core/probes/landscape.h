// What this file is: the probes of the loss landscape that Santurkar et al. (2018, "How Does
// Batch Normalization Help Optimization?") and Li et al. (2018, "Visualizing the Loss Landscape
// of Neural Nets") use to explain BN beyond covariate shift. All three leave the model as they
// found it (weights, gradients, running statistics).
//   ICS:        per block i, G = ∂L/∂W_i, and G′ = the same gradient after the blocks before i
//               took their step (same batch): ‖G − G′‖ and cos(G, G′) (Santurkar §2.2).
//   smoothness: along the gradient g, for step sizes η: L(w − ηg), ‖∇L(w) − ∇L(w − ηg)‖ and
//               its ratio to ‖ηg‖, whose maximum is the effective β-smoothness (§3.1).
//   loss slice: L(w + αδ + βη) on a grid, δ and η random directions scaled per neuron or filter
//               to the norm of the weights they perturb ("filter normalization", Li §4).
#pragma once

#include <atomic>
#include <cstdint>
#include <vector>

#include "core/losses/loss.h"
#include "core/model/model.h"
#include "core/optim/optimizer.h"

namespace bnlab {

struct Dataset;

struct IcsMeasure {
  float grad_diff_norm = 0.0f;  // ‖G − G′‖
  float cosine = 1.0f;          // cos(G, G′)
};

struct SmoothnessMeasure {
  std::vector<float> etas, losses, grad_diffs, ratios;  // (steps): one per step size η
  float loss_range = 0.0f;       // max − min of L(w − ηg)
  float grad_diff_range = 0.0f;  // max − min of ‖∇L(w) − ∇L(w − ηg)‖
  float beta_smoothness = 0.0f;  // max of ‖∇L(w) − ∇L(w − ηg)‖ / ‖ηg‖
};

struct LossSlice {
  int size = 0;               // the grid is size × size
  float extent = 1.0f;        // α and β run over [−extent, extent]
  std::vector<float> loss;    // (size * size): row a is α index, column b is β index
  bool complete = false;      // false when cancelled
};

// Both measures expect the batch's gradients in the model (after backward, before the update).
SmoothnessMeasure measure_smoothness(Model& model, const Tensor& x, const std::vector<int>& y, LossKind loss,
                                     const std::vector<float>& etas);
// Takes the optimizer step itself (the model ends updated, as after a normal step).
std::vector<IcsMeasure> step_measuring_ics(Model& model, Optimizer& optimizer, const Tensor& x,
                                           const std::vector<int>& y, LossKind loss);
// BN uses its running statistics (inference mode) on the fixed `probe_set`. `rows_done`, if
// given, counts the grid's finished rows (a panel's progress bar).
LossSlice loss_slice(Model& model, const Dataset& probe_set, LossKind loss, int size, float extent, uint64_t seed,
                     const std::atomic<bool>* cancel = nullptr, std::atomic<int>* rows_done = nullptr);

// The slice's two directions δ and η for `model` and `seed` (one vector per parameter, as
// Model::params()): the same random draws for any two models with the same weight shapes (runs
// A and B), each row scaled to the norm of the same row of that model's weights.
struct SliceDirections {
  std::vector<std::vector<float>> delta, eta;
};
SliceDirections slice_directions(Model& model, uint64_t seed);

// The loss slice's probe set: the first `size` examples of `train`, in file order, so that
// slices taken at different times, and of runs A and B, see the same inputs.
Dataset fixed_probe_set(const Dataset& train, int size);

}  // namespace bnlab
