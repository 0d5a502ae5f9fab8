// What this file is: the benchmarks' random inputs: normal tensors, and data of Fashion-MNIST's
// shape, so the benchmarks need no dataset.
#pragma once

#include <memory>

#include "core/data/dataset.h"
#include "core/rng.h"
#include "core/tensor.h"

namespace bnlab {

// Normal values (seed 7), of shape s, `batch` samples.
inline Tensor random_tensor(Shape s, int batch) {
  Rng rng(7);
  Tensor t;
  t.resize(s, batch);
  for (Eigen::Index i = 0; i < t.data.size(); ++i) t.data.data()[i] = rng.normal();
  return t;
}

inline std::shared_ptr<DataSplit> random_fashion_shaped() {
  auto data = std::make_shared<DataSplit>();
  for (Dataset* d : {&data->train, &data->test}) {
    d->sample_shape = {1, 28, 28};
    d->classes = 10;
    d->x = random_tensor({1, 28, 28}, 2048).data.array().abs().min(1.0f);
    d->y.resize(2048);
    for (int i = 0; i < 2048; ++i) d->y[i] = i % 10;
  }
  return data;
}

}  // namespace bnlab
