// What this file is: what a model needs before it is built. From the config alone, block by
// block, it forms each block's output shape in 64-bit arithmetic and adds up the memory the run
// will take: parameters and their gradients, the optimizer's state, and every layer's buffers at
// the training batch size and at the batch the evaluation and the probes use. A block whose
// shapes do not fit, or at which the total passes kMemoryBudget, is refused with a config error
// naming it, so nothing is allocated for a model that could not train.
#pragma once

#include <cstdint>
#include <limits>

#include "core/io/config.h"
#include "core/tensor.h"

namespace bnlab {

// The memory one run may take (README "Limits", core/io/config.h).
// The window trains two runs, so both together stay within 2 GiB.
inline constexpr int64_t kMemoryBudget = int64_t{1} << 30;

// The largest batch an inference pass sends through a model: the evaluation (500 examples), the
// decision grid (chunks of 512) and the fixed probe set (500).
inline constexpr int kInferenceBatch = 512;

// Every shape that fits the budget has fewer than 2^28 values per example, so the layers' int
// indices (c·H·W, positions) cannot overflow.
static_assert(kMemoryBudget / 4 < std::numeric_limits<int>::max());

struct Footprint {
  int64_t parameters = 0;   // bytes: weights, biases, γ, β and their gradients, conv's patch buffers
  int64_t optimizer = 0;    // bytes: momentum or Adam's moments
  int64_t activations = 0;  // bytes: the layers' outputs, gradients and saved values
  int64_t total() const { return parameters + optimizer + activations; }
};

// Checks `model` on inputs of `input` shape with `classes` outputs and returns its footprint;
// throws a config error naming the first block whose shape does not fit or at which the run
// passes kMemoryBudget. With `train`, the run as configured; without, the model alone at a
// batch of one example (what Model's constructor checks).
Footprint model_footprint(const ModelConfig& model, Shape input, int classes, const TrainConfig* train);

// "1.5 GiB", "12.0 MiB", "640 KiB": for messages.
std::string bytes_str(int64_t bytes);

}  // namespace bnlab
