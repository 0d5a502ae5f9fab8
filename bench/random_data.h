// What this file is: random data of Fashion-MNIST's shape, so the benchmarks need no dataset.
#pragma once

#include <algorithm>
#include <cmath>
#include <memory>

#include "core/data/dataset.h"
#include "core/rng.h"

namespace bnlab {

inline std::shared_ptr<DataSplit> random_fashion_shaped() {
  auto data = std::make_shared<DataSplit>();
  Rng rng(7);
  for (Dataset* d : {&data->train, &data->test}) {
    d->sample_shape = {1, 28, 28};
    d->classes = 10;
    d->x.resize(28 * 28, 2048);
    for (Eigen::Index i = 0; i < d->x.size(); ++i) d->x.data()[i] = std::min(1.0f, std::abs(rng.normal()));
    d->y.resize(2048);
    for (int i = 0; i < 2048; ++i) d->y[i] = i % 10;
  }
  return data;
}

}  // namespace bnlab
