// What this file is: the batch-size lab's computation (batch_noise.h).
#include "core/lesson/batch_noise.h"

#include <algorithm>
#include <cmath>

#include "core/model/model.h"
#include "core/rng.h"

namespace bnlab {

ChannelSample channel_sample(const Matrix& input, Shape shape, int channel) {
  ChannelSample s;
  const int64_t hw = shape.spatial();
  const int n = static_cast<int>(input.cols());
  s.per_example = static_cast<int>(hw);
  // Channel c of sample n is rows [c·H·W, (c+1)·H·W) of column n (C-major, as PyTorch flattens).
  const auto rows = input.middleRows(int64_t{channel} * hw, hw).cast<double>();  // (H·W, N)
  s.centre = n > 0 ? rows.mean() : 0.0;
  s.mean.resize(n);
  s.mean_sq.resize(n);
  for (int i = 0; i < n; ++i) {
    const Eigen::ArrayXd d = rows.col(i).array() - s.centre;  // (H·W)
    s.mean[i] = d.mean();
    s.mean_sq[i] = d.square().mean();
  }
  return s;
}

MomentPair batch_statistics(const ChannelSample& s, std::span<const int> examples) {
  // Every example holds per_example values, so the batch's mean over its m·H·W values is the
  // mean of the examples' means, and likewise for the squares: σ²_B = E[(v−c)²] − (E[v−c])².
  double a = 0.0, b = 0.0;
  for (int i : examples) {
    a += s.mean[i];
    b += s.mean_sq[i];
  }
  const double m = static_cast<double>(std::max<size_t>(1, examples.size()));
  a /= m;
  b /= m;
  return {s.centre + a, std::max(0.0, b - a * a)};
}

MomentPair population_statistics(const ChannelSample& s) {
  std::vector<int> all(s.examples());
  for (int i = 0; i < s.examples(); ++i) all[i] = i;
  return batch_statistics(s, all);
}

double example_std(const ChannelSample& s) {
  const int n = s.examples();
  if (n == 0) return 0.0;
  double a = 0.0, b = 0.0;
  for (double v : s.mean) a += v;
  a /= n;
  for (double v : s.mean) b += (v - a) * (v - a);
  return std::sqrt(b / n);
}

std::vector<int> default_noise_sizes() {
  std::vector<int> sizes;
  for (int m = 2; m <= 512; m *= 2) sizes.push_back(m);
  return sizes;
}

BatchNoise batch_noise(const ChannelSample& s, const std::vector<int>& sizes, int batches, uint64_t seed,
                       const std::atomic<bool>* cancel) {
  BatchNoise out;
  out.population = population_statistics(s);
  out.example_std = example_std(s);
  out.per_example = s.per_example;
  out.pool = s.examples();
  Rng rng(seed);
  std::vector<int> batch;
  for (int m : sizes) {
    if (m < 1 || m > s.examples()) continue;
    if (cancel && *cancel) return {};
    BatchNoiseAtSize at;
    at.m = m;
    batch.resize(m);
    double sum = 0.0, sum_sq = 0.0;
    for (int k = 0; k < batches; ++k) {
      for (int& i : batch) i = static_cast<int>(rng.below(static_cast<uint64_t>(s.examples())));
      const MomentPair st = batch_statistics(s, batch);
      at.mean.push_back(static_cast<float>(st.mean));
      at.var.push_back(static_cast<float>(st.var));
      sum += st.mean - out.population.mean;
      sum_sq += (st.mean - out.population.mean) * (st.mean - out.population.mean);
    }
    if (batches > 1) {
      const double avg = sum / batches;
      at.mean_std = std::sqrt(std::max(0.0, (sum_sq - batches * avg * avg) / (batches - 1)));
    }
    out.sizes.push_back(std::move(at));
  }
  return out;
}

Tensor norm_input(Model& model, int block, const Tensor& x, Mode mode) {
  const int norm_at = model.blocks()[block].norm;
  const Tensor* h = &x;
  for (int i = 0; i < norm_at; ++i) h = &model.layer(i).forward(*h, mode);
  return *h;
}

namespace {

// BN's own forward on one example (a training forward on the lab's copy: its running
// statistics move, so this comes last).
BatchOfOne batch_of_one(Model& model, int block, int feature, const Tensor& one, float eps) {
  Norm& bn = *model.norm(model.blocks()[block]);
  const Tensor& y = bn.forward(one, Mode::train);  // (C·H·W, 1)
  const NormStatistics st = bn.statistics();
  BatchOfOne r;
  r.values = st.count;
  r.mean = st.mean[feature];
  r.var = st.var[feature];
  if (!bn.gamma().empty()) {
    r.gamma = bn.gamma()[feature];
    r.beta = bn.beta()[feature];
  }
  const int64_t hw = one.shape.spatial();
  const auto in = one.data.col(0).segment(int64_t{feature} * hw, hw).cast<double>();  // (H·W)
  const auto out = y.data.col(0).segment(int64_t{feature} * hw, hw).cast<double>();   // (H·W)
  r.input = in(0);
  const double inv = 1.0 / std::sqrt(r.var + static_cast<double>(eps));
  r.xhat_min = (in.minCoeff() - r.mean) * inv;
  r.xhat_max = (in.maxCoeff() - r.mean) * inv;
  r.out_min = out.minCoeff();
  r.out_max = out.maxCoeff();
  return r;
}

}  // namespace

std::shared_ptr<const BatchNoiseResult> compute_batch_noise(const ModelState& state, const Dataset& train,
                                                            const BatchNoiseRequest& request,
                                                            const std::atomic<bool>* cancel) {
  auto r = std::make_shared<BatchNoiseResult>();
  r->step = state.step;
  r->block = request.block;
  const auto& blocks = state.config.blocks;
  if (request.block < 0 || request.block >= static_cast<int>(blocks.size()) ||
      blocks[request.block].norm != NormKind::batch) {
    r->problem = "batch_noise.no_bn";
    return r;
  }
  if (train.size() < 2) {
    r->problem = "batch_noise.no_data";
    return r;
  }
  std::unique_ptr<Model> model = rebuild_model(state);
  const int pool = std::clamp(request.pool, 2, train.size());
  // The pool's inputs in pieces, so a cancel is seen within one piece; of each piece only the
  // chosen channel is kept (a LeNet's first block has 6·28·28 values an image).
  constexpr int kPiece = 256;
  Matrix channel;  // (H·W, pool): the chosen channel of the norm's input
  Tensor first;    // (C·H·W, 1): the first example's whole input, for the batch of one
  Shape in_shape;
  for (int start = 0; start < pool; start += kPiece) {
    if (cancel && *cancel) return nullptr;
    const int n = std::min(kPiece, pool - start);
    Tensor x;
    x.resize(train.sample_shape, n);
    x.data = train.x.middleCols(start, n);
    const Tensor z = norm_input(*model, request.block, x, Mode::infer_running);
    if (start == 0) {
      in_shape = z.shape;
      r->feature = std::clamp(request.feature, 0, in_shape.c - 1);
      channel.resize(in_shape.spatial(), pool);
      first.resize(in_shape, 1);
      first.data = z.data.col(0);
    }
    channel.middleCols(start, n) = z.data.middleRows(int64_t{r->feature} * in_shape.spatial(), in_shape.spatial());
  }
  if (!channel.allFinite() || !first.data.allFinite()) {
    r->problem = "batch_noise.not_finite";
    return r;
  }
  r->conv = in_shape.is_image();
  r->h = in_shape.h;
  r->w = in_shape.w;
  r->features = in_shape.c;
  const ChannelSample s = channel_sample(channel, Shape{1, in_shape.h, in_shape.w}, 0);
  r->noise = batch_noise(s, request.sizes, request.batches, request.seed, cancel);
  if (cancel && *cancel) return nullptr;
  r->one = batch_of_one(*model, request.block, r->feature, first, state.config.bn.eps);
  return r;
}

}  // namespace bnlab
