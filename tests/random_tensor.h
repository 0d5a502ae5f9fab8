// What this file is: the seeded random batches the tests feed to layers and models.
#pragma once

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

}  // namespace bnlab
