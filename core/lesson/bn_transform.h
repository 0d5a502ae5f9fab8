// What this file is: the numbers of the BN transform lab (issue #12 §1): one feature (dense) or
// channel (conv) of one block's BatchNorm, on a mini-batch of m training examples pushed through
// a copy of the live network in training mode, stage by stage as the paper's Algorithm 1 writes
// it. The forward (bn_batch) is the costly part and runs on a lab's thread; the stages for a
// chosen γ and β (bn_stages) are cheap, so a what-if on γ and β never runs the network again.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/data/dataset.h"
#include "core/model/model_state.h"

namespace bnlab {

// Why a batch could not be computed; `none` when it was.
enum class BnTransformProblem {
  none,
  no_block,      // the block does not exist
  no_norm,       // the block has no norm
  not_batch,     // LN, GN or IN: statistics per sample, not BN's per-feature transform
  not_finite,    // the network's values are NaN or infinite (a diverged run)
  too_few,       // fewer than two training examples
};

struct BnBatch {
  BnTransformProblem problem = BnTransformProblem::none;
  int64_t step = 0;           // the ModelState's step
  int block = 0, feature = 0; // 0-based; `feature` is a channel in a conv block
  int features = 0;           // the block's features (dense) or channels (conv)
  int m = 0;                  // examples in the batch
  int positions = 1;          // p·q of a conv block's maps (1 for a dense block)
  int map_h = 1, map_w = 1;
  bool conv = false;
  bool after_activation = false;  // the norm comes after the activation: z is its output
  std::string activation;
  std::vector<int> examples;  // (m): the training examples, indices into the training set
  std::vector<float> z;       // (m·p·q): sample-major, z[n·p·q + s]: what the norm normalizes
  std::vector<float> layer_y; // (m·p·q): the real BatchNorm layer's training-mode output
  float eps = 1e-5f;
  float layer_gamma = 1.0f, layer_beta = 0.0f;  // the layer's own (1 and 0 without the affine step)
  bool affine = true;
  int64_t count() const { return static_cast<int64_t>(m) * positions; }  // m·p·q
};

// The stages for one γ and β (Ioffe & Szegedy 2015, Algorithm 1; lecture note 000):
//   μ_B = (1/m) Σ z_i,  σ²_B = (1/m) Σ (z_i − μ_B)²  (biased, as the training forward),
//   x̂_i = (z_i − μ_B) / √(σ²_B + ε),  y_i = γ x̂_i + β.
// In a conv block i runs over the m·p·q values of the channel (lecture note 003).
struct BnStages {
  float mean = 0.0f, var = 0.0f;  // μ_B, σ²_B
  float std_eps = 1.0f;           // √(σ²_B + ε)
  float gamma = 1.0f, beta = 0.0f;
  std::vector<float> centred;     // (m·p·q): z − μ_B
  std::vector<float> x_hat;       // (m·p·q)
  std::vector<float> y;           // (m·p·q)
  double x_hat_mean = 0.0, x_hat_var = 0.0;  // of x̂ over the batch (biased): 0 and σ²/(σ²+ε)
  float max_abs_y_minus_z = 0.0f;
};

// Picks `m` distinct training examples with `seed` (the same seed gives the same batch), pushes
// them through a model rebuilt from `state` in training mode and reads block `block`'s norm input
// and output for `feature`. Throws only what rebuild_model throws.
BnBatch bn_batch(const ModelState& state, const Dataset& train, int block, int feature, int m, uint64_t seed);

// The m distinct examples bn_batch draws: a seeded sample without replacement.
std::vector<int> pick_examples(int dataset_size, int m, uint64_t seed);

// The stages with this γ and β. Computed as BatchNorm computes them, in float from float
// statistics; the statistics themselves are summed in double.
BnStages bn_stages(const BnBatch& batch, float gamma, float beta);

// γ = √(σ²_B + ε), β = μ_B: the choice with which BN gives back its input, y = z (note 000/001).
BnStages bn_undo(const BnBatch& batch);

// Where the conv table reads each example's map: its centre position, s = (p/2)·q + q/2.
int centre_position(const BnBatch& batch);

}  // namespace bnlab
