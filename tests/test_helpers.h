// What this file is: what many tests build: seeded random batches, and small dense networks.
#pragma once

#include <string>

#include "core/io/config.h"
#include "core/rng.h"
#include "core/tensor.h"

namespace bnlab {

// (s.size(), batch) values drawn from N(mean, std²) with the given seed.
inline Tensor random_tensor(Shape s, int batch, uint64_t seed, float std = 1.0f, float mean = 0.0f) {
  Rng rng(seed);
  Tensor t;
  t.resize(s, batch);
  for (Eigen::Index i = 0; i < t.data.size(); ++i) t.data.data()[i] = mean + std * rng.normal();
  return t;
}

// One dense hidden block (`hidden` units, its norm and activation) and a dense output block.
inline ModelConfig one_hidden_block(int hidden, const std::string& norm, const std::string& activation, int outputs) {
  ModelConfig cfg;
  BlockConfig h, out;
  h.units = hidden;
  h.norm = norm;
  h.activation = activation;
  out.units = outputs;
  cfg.blocks = {h, out};
  return cfg;
}

}  // namespace bnlab
