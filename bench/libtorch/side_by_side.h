// What this file is: the two training loops of the comparison, timed side by side: bnlab's Run
// and a LibTorch loop over the same samples, in interleaved chunks of steps, in this thread's
// CPU time, with a watch on CPU time spent by any other thread of the process.
#pragma once

#include <torch/torch.h>

#include <memory>
#include <vector>

#include "core/data/dataset.h"
#include "core/io/config.h"
#include "core/train/run.h"

namespace bnlab {

// LibTorch's usual training loop on cfg's network: a batch of random training examples, forward,
// cross-entropy, backward, SGD step. Like bnlab's Run it gathers each batch from the whole set.
class TorchLoop {
 public:
  TorchLoop(const Config& cfg, std::shared_ptr<const DataSplit> data);
  float step();  // the loss of the step
  // One step on a given batch: x (batch, c, h, w) or (batch, features), y (batch) int64.
  float step_on(const torch::Tensor& x, const torch::Tensor& y);
  torch::nn::Sequential& net() { return net_; }

 private:
  std::shared_ptr<const DataSplit> data_;
  torch::Tensor samples_;  // (examples, c, h, w) or (examples, features): the DataSplit's memory
  torch::Tensor labels_;   // (examples) int64
  int batch_;
  torch::nn::Sequential net_;
  std::unique_ptr<torch::optim::SGD> sgd_;
};

// bnlab's batch (features, batch), column-major, as the (batch, c, h, w) tensor LibTorch takes
// (or (batch, features) for flat samples), copied.
torch::Tensor torch_batch(const Tensor& x);
torch::Tensor torch_labels(const std::vector<int>& y);

struct SideBySide {
  std::vector<double> bnlab_ms, torch_ms;  // (rounds): CPU milliseconds per step, each round's chunk
  int bnlab_chunk = 0, torch_chunk = 0;    // steps per chunk
  // CPU time other threads of the process used while each side ran, as a fraction of its
  // thread's: hidden worker threads (OpenMP, OpenBLAS) would make the thread's time a lie.
  double bnlab_hidden = 0.0, torch_hidden = 0.0;
};

// Warms both up, then `rounds` rounds of a chunk of each, bnlab first in even rounds and LibTorch
// first in odd ones. steps > 0 fixes both chunks; 0 sizes each side's chunk to about 0.3 s of
// CPU time from its warm-up.
SideBySide side_by_side(Run& bnlab, TorchLoop& torch, int rounds, int steps);

}  // namespace bnlab
