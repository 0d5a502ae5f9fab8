// What this file is: BatchStream, the endless supply of equal-sized mini-batches that the
// trainer pulls from. Each epoch is one permutation of the examples (or file order); the
// remainder that does not fill a batch is dropped, so batch statistics always see m examples.
#include <numeric>
#include <string>

#include "core/data/dataset.h"
#include "core/error.h"

namespace bnlab {

BatchStream::BatchStream(const Dataset& data, int batch_size, bool shuffle, uint64_t seed)
    : data_(data), batch_size_(batch_size), shuffle_(shuffle), rng_(seed) {
  if (batch_size < 1) throw config_error("config: train.batch_size: must be at least 1");
  if (batch_size > data.size())
    throw config_error("config: train.batch_size: " + std::to_string(batch_size) +
                       " is larger than the training set (" + std::to_string(data.size()) +
                       " examples)");
  per_epoch_ = data.size() / batch_size;
  start_epoch();
}

void BatchStream::start_epoch() {
  // A fresh permutation of 0..n-1 each epoch (as PyTorch's randperm), not a reshuffle of the
  // last one, so epoch k's order depends only on the seed and k.
  order_.resize(data_.size());
  std::iota(order_.begin(), order_.end(), 0);
  if (shuffle_) rng_.shuffle(order_);
  cursor_ = 0;
}

void BatchStream::next(Tensor& x, std::vector<int>& y) {
  if (cursor_ == per_epoch_) {
    ++epoch_;
    start_epoch();
  }
  x.resize(data_.sample_shape, batch_size_);  // (features, batch_size)
  y.resize(batch_size_);
  const int* picks = order_.data() + static_cast<size_t>(cursor_) * batch_size_;
  for (int j = 0; j < batch_size_; ++j) {
    x.data.col(j) = data_.x.col(picks[j]);  // one contiguous copy per example
    y[j] = data_.y[picks[j]];
  }
  ++cursor_;
}

}  // namespace bnlab
