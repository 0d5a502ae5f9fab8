// What this file is: a frozen copy of a model's state (config, parameters, BN's running
// statistics) at one step, which the trainer publishes in its snapshots. A lab that needs to
// compute with the live network (the BN transform on a chosen batch, inference three ways, the
// spread of μ_B over many batches, a weight scaled by k) rebuilds its own Model from it on its
// own thread: training never waits for it and never sees what the lab does to its copy.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "core/io/config.h"
#include "core/layers/norm.h"

namespace bnlab {

class Model;

struct ModelState {
  int64_t step = 0;
  ModelConfig config;
  Shape input_shape;
  int classes = 0;
  std::vector<std::vector<float>> params;                 // (named_params): each parameter's values
  std::vector<std::optional<RunningStatistics>> running;  // (norms): BN's, nullopt for the others
};

ModelState capture_model_state(Model& model, int64_t step);

// A model equal to the captured one, bit for bit: the same layers, parameters and running
// statistics. Throws what the Model constructor throws (a config that does not fit), which a
// captured state never does.
std::unique_ptr<Model> rebuild_model(const ModelState& state);

}  // namespace bnlab
