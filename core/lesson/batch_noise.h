// What this file is: the numbers behind the batch-size lab (issue #12 §3): how noisy BN's
// mini-batch statistics μ_B and σ²_B of one feature or channel are at batch sizes 2 … 512, and
// what a batch of one leaves of them. The values come from the live network, rebuilt from a
// ModelState and run in inference up to the chosen block's BN, so nothing of the run changes.
// A batch's statistics are the ones BN's training forward takes (Ioffe & Szegedy 2015,
// Algorithm 1; lecture note 001): the mean and the biased variance of the channel over the m
// examples of the batch, and over their H·W positions in a conv block (note 003: m·p·q values).
// Why they are noisy: μ_B is the mean of m draws, so by the central limit theorem its standard
// deviation is σ/√m (σ the population's); it shrinks as 1/√m and vanishes at no batch size.
// In a conv block, the H·W values of one image are correlated, so μ_B's spread lies between
// σ/√(m·H·W) (as if every value were independent) and σ/√m (as if each image had one value).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/data/dataset.h"
#include "core/model/model_state.h"
#include "core/tensor.h"

namespace bnlab {

// One channel of a norm's input over a pool of examples, kept as each example's first two
// moments about a common centre (in double: σ² = E[v²] − E[v]² loses nothing when v is centred),
// from which any batch's mean and biased variance follow exactly, without another forward.
struct ChannelSample {
  int per_example = 1;  // values of the channel in one example: 1 (dense) or H·W (conv)
  double centre = 0.0;  // the pool's mean of the channel
  std::vector<double> mean, mean_sq;  // (examples): mean of (v − centre) and of (v − centre)² per example
  int examples() const { return static_cast<int>(mean.size()); }
};

// `input` (C·H·W, N) as a norm sees it, `shape` its (C, H, W); `channel` < C.
ChannelSample channel_sample(const Matrix& input, Shape shape, int channel);

struct MomentPair {
  double mean = 0.0, var = 0.0;  // var biased: divided by the number of values
};

// The statistics BN's training forward takes for a batch of these examples (indices into the
// sample, repeats allowed): over the m·per_example values.
MomentPair batch_statistics(const ChannelSample& s, std::span<const int> examples);
// Over every value of the pool: the population the batches are drawn from.
MomentPair population_statistics(const ChannelSample& s);
// The standard deviation of the examples' own means (dense: the population's σ). μ_B of m
// examples drawn independently has the spread example_std/√m, whatever H·W is.
double example_std(const ChannelSample& s);

struct BatchNoiseAtSize {
  int m = 0;
  std::vector<float> mean, var;  // (batches): each batch's μ_B and σ²_B
  double mean_std = 0.0;         // the spread of μ_B over the batches (its standard deviation, 1/(n−1))
};

struct BatchNoise {
  std::vector<BatchNoiseAtSize> sizes;  // ascending m
  MomentPair population;
  double example_std = 0.0;
  int per_example = 1;
  int pool = 0;  // examples the batches were drawn from
};

// `batches` batches at each size, each of m examples drawn independently and uniformly from the
// pool (so the pool stands for a data set much larger than a batch, as the training set is:
// sampling without repeats from the 60,000 images differs by √(1 − m/60000) at most). Sizes
// larger than the pool are left out. Returns an empty result when `cancel` was set.
BatchNoise batch_noise(const ChannelSample& s, const std::vector<int>& sizes, int batches, uint64_t seed,
                       const std::atomic<bool>* cancel = nullptr);

// 2, 4, …, 512.
std::vector<int> default_noise_sizes();

// What BN does with a batch of one example (lecture note 001): dense, one value per feature, so
// σ²_B = 0, x̂ = 0 and the output is β whatever the input; conv, H·W values per channel, so the
// statistics are still those of a whole feature map. Taken from BN itself, on the model's copy.
struct BatchOfOne {
  int64_t values = 0;            // values the statistics are over: 1 or H·W
  double input = 0.0;            // dense: the example's value (z, or what the norm receives)
  double mean = 0.0, var = 0.0;  // BN's μ_B and σ²_B
  double gamma = 1.0, beta = 0.0;
  double xhat_min = 0.0, xhat_max = 0.0, out_min = 0.0, out_max = 0.0;  // over the channel's values
};

// The lab's question, and everything it shows.
struct BatchNoiseRequest {
  int block = 0, feature = 0;
  std::vector<int> sizes = default_noise_sizes();
  int batches = 200;
  int pool = 4096;  // the first examples of the training set that batches are drawn from
  uint64_t seed = 1;
};

struct BatchNoiseResult {
  std::string problem;  // an i18n key when the lab cannot show anything (no BN in the block...)
  int64_t step = 0;     // the network's step
  int block = 0, feature = 0, features = 0;
  bool conv = false;
  int h = 1, w = 1;
  BatchNoise noise;
  BatchOfOne one;
};

// The whole computation on a copy of the network: never touches the run. Problems (the block
// has no BN, no data, a diverged network) come back as `problem`; nullptr when cancelled.
std::shared_ptr<const BatchNoiseResult> compute_batch_noise(const ModelState& state, const Dataset& train,
                                                            const BatchNoiseRequest& request,
                                                            const std::atomic<bool>* cancel = nullptr);

// The input of block `block`'s norm for the columns of `x` (features, N), the layers before it
// run in `mode` (an inference mode leaves every BN's running statistics as they were).
Tensor norm_input(Model& model, int block, const Tensor& x, Mode mode);

}  // namespace bnlab
