// What this file is: the batch-size lab's numbers (core/lesson/batch_noise.h) against direct
// computations: a batch's μ_B and σ²_B equal BatchNorm's own statistics after a training forward
// on a copy; the spread of μ_B over many batches is σ/√m within its standard error where σ is
// known; a conv channel's spread lies between σ/√(m·H·W) and σ/√m as its values are correlated;
// a batch of one gives σ² = 0 and the output β on a dense BN, H·W values on a conv BN.
#include <gtest/gtest.h>

#include <cmath>

#include "core/lesson/batch_noise.h"
#include "core/model/model.h"
#include "core/train/run.h"
#include "test_helpers.h"

namespace bnlab {
namespace {

// tiny8: a conv block with BN, a dense block with BN after its activation (so its input is the
// sigmoid's output), a dense output; trained a few steps so the running statistics moved.
Config conv_dense_config() {
  BlockConfig conv, dense;
  conv.op = "conv";
  conv.channels = 3;
  conv.kernel = 3;
  conv.norm = NormKind::batch;
  conv.activation = "relu";
  dense.units = 6;
  dense.norm = NormKind::batch;
  dense.activation = "sigmoid";
  Config c = tiny8_config(conv, 8, 0.1f, 3);
  c.model.blocks.insert(c.model.blocks.begin() + 1, dense);
  c.model.bn.position = "after_activation";
  return c;
}

struct Trained {
  std::shared_ptr<const DataSplit> data;
  ModelState state;
};

Trained trained(const Config& cfg, int steps) {
  Trained t{loaded_data(cfg), {}};
  bnlab::Run run(cfg, t.data);
  for (int i = 0; i < steps; ++i) run.step();
  t.state = capture_model_state(run.model(), run.steps_done());
  return t;
}

Tensor first_examples(const Dataset& d, int n) {
  Tensor x;
  x.resize(d.sample_shape, n);
  x.data = d.x.leftCols(n);
  return x;
}

std::vector<int> first_n(int n) {
  std::vector<int> v(n);
  for (int i = 0; i < n; ++i) v[i] = i;
  return v;
}

TEST(BatchNoise, ABatchsStatisticsAreBatchNormsOwn) {
  const Trained t = trained(conv_dense_config(), 5);
  const int m = 12;
  const Tensor x = first_examples(t.data->train, m);
  // Block 0: the first norm sees the same input in every mode, so a whole training forward of a
  // copy gives BN's statistics of this batch.
  {
    std::unique_ptr<Model> lab = rebuild_model(t.state), copy = rebuild_model(t.state);
    const Tensor z = norm_input(*lab, 0, x, Mode::infer_running);
    copy->forward(x, Mode::train);
    const NormStatistics bn = copy->norm(copy->blocks()[0])->statistics();
    ASSERT_EQ(bn.count, int64_t{m} * z.shape.spatial());
    for (int c = 0; c < z.shape.c; ++c) {
      const MomentPair s = batch_statistics(channel_sample(z.data, z.shape, c), first_n(m));
      EXPECT_NEAR(s.mean, bn.mean[c], 1e-5 * (1 + std::abs(s.mean))) << "channel " << c;
      EXPECT_NEAR(s.var, bn.var[c], 1e-5 * (1 + s.var)) << "channel " << c;
    }
  }
  // Block 1 (dense, after its sigmoid): BN's training forward on the input the lab computes.
  {
    std::unique_ptr<Model> lab = rebuild_model(t.state), copy = rebuild_model(t.state);
    const Tensor z = norm_input(*lab, 1, x, Mode::infer_running);
    ASSERT_EQ(z.shape.spatial(), 1);
    Norm& bn = *copy->norm(copy->blocks()[1]);
    bn.forward(z, Mode::train);
    const NormStatistics st = bn.statistics();
    // A batch drawn with a repeat, as the lab's random batches may be: BN sees the repeat twice.
    const std::vector<int> picks = {3, 0, 3, 7, 11, 5};
    Tensor zb;
    zb.resize(z.shape, static_cast<int>(picks.size()));
    for (size_t k = 0; k < picks.size(); ++k) zb.data.col(static_cast<Eigen::Index>(k)) = z.data.col(picks[k]);
    std::unique_ptr<Model> copy2 = rebuild_model(t.state);
    Norm& bn2 = *copy2->norm(copy2->blocks()[1]);
    bn2.forward(zb, Mode::train);
    for (int f = 0; f < z.shape.c; ++f) {
      const ChannelSample s = channel_sample(z.data, z.shape, f);
      const MomentPair all = batch_statistics(s, first_n(m));
      EXPECT_NEAR(all.mean, st.mean[f], 1e-6) << "feature " << f;
      EXPECT_NEAR(all.var, st.var[f], 1e-6) << "feature " << f;
      const MomentPair some = batch_statistics(s, picks);
      EXPECT_NEAR(some.mean, bn2.statistics().mean[f], 1e-6) << "feature " << f;
      EXPECT_NEAR(some.var, bn2.statistics().var[f], 1e-6) << "feature " << f;
    }
  }
}

// N values of one channel with `hw` positions: example n's values are a_n + (independent part).
ChannelSample synthetic(int n, int hw, double sigma_example, double sigma_within, uint64_t seed) {
  Rng rng(seed);
  Matrix x(hw, n);  // (H·W, N): one channel
  for (int i = 0; i < n; ++i) {
    const float a = rng.normal(1.5f, static_cast<float>(sigma_example));
    for (int k = 0; k < hw; ++k) x(k, i) = a + rng.normal(0.0f, static_cast<float>(sigma_within));
  }
  return channel_sample(x, Shape{1, 1, hw}, 0);
}

TEST(BatchNoise, TheSpreadOfTheBatchMeanIsSigmaOverRootM) {
  const ChannelSample s = synthetic(50000, 1, 2.0, 0.0, 7);
  const MomentPair pop = population_statistics(s);
  EXPECT_NEAR(pop.mean, 1.5, 0.05);
  EXPECT_NEAR(std::sqrt(pop.var), 2.0, 0.05);
  EXPECT_NEAR(example_std(s), std::sqrt(pop.var), 1e-9);  // dense: one value per example
  const int batches = 400;
  const BatchNoise noise = batch_noise(s, default_noise_sizes(), batches, 11);
  ASSERT_EQ(noise.sizes.size(), 9u);
  for (const BatchNoiseAtSize& at : noise.sizes) {
    ASSERT_EQ(at.mean.size(), static_cast<size_t>(batches));
    const double expected = std::sqrt(pop.var / at.m);
    // The sample standard deviation of 400 draws has a relative standard error of 1/√(2·399).
    const double se = expected / std::sqrt(2.0 * (batches - 1));
    EXPECT_NEAR(at.mean_std, expected, 4 * se) << "m = " << at.m;
    // σ²_B is biased: its average over batches is (m − 1)/m · σ², within a few standard errors.
    double avg = 0.0;
    for (float v : at.var) avg += v;
    avg /= batches;
    const double var_se = pop.var * std::sqrt(2.0 / (at.m * batches)) + 1e-12;
    EXPECT_NEAR(avg, pop.var * (at.m - 1) / at.m, 5 * var_se) << "m = " << at.m;
  }
  // The spread the lab reports is the plain standard deviation of the batch means it keeps.
  const BatchNoiseAtSize& at = noise.sizes[2];
  double mean = 0.0, sq = 0.0;
  for (float v : at.mean) mean += v;
  mean /= batches;
  for (float v : at.mean) sq += (v - mean) * (v - mean);
  EXPECT_NEAR(at.mean_std, std::sqrt(sq / (batches - 1)), 1e-5);
}

TEST(BatchNoise, AConvChannelsSpreadLiesBetweenIndependentAndPerImageValues) {
  const int hw = 16, batches = 400;
  // Every value of an image alike: m images are m values, the spread is σ/√m.
  const ChannelSample same = synthetic(20000, hw, 1.0, 0.0, 3);
  // Every value independent: m·H·W values, the spread is σ/√(m·H·W).
  const ChannelSample indep = synthetic(20000, hw, 0.0, 1.0, 4);
  // Half and half: in between, and σ_example/√m exactly (in expectation).
  const ChannelSample mixed = synthetic(20000, hw, 1.0, 1.0, 5);
  const std::vector<int> sizes = {4, 64};
  const BatchNoise a = batch_noise(same, sizes, batches, 1), b = batch_noise(indep, sizes, batches, 2),
                   c = batch_noise(mixed, sizes, batches, 3);
  for (size_t k = 0; k < sizes.size(); ++k) {
    const double m = sizes[k], tol = 4 / std::sqrt(2.0 * (batches - 1));
    EXPECT_NEAR(a.sizes[k].mean_std / (std::sqrt(population_statistics(same).var) / std::sqrt(m)), 1.0, tol);
    EXPECT_NEAR(b.sizes[k].mean_std / (std::sqrt(population_statistics(indep).var) / std::sqrt(m * hw)), 1.0, tol);
    const double sigma = std::sqrt(population_statistics(mixed).var);
    EXPECT_LT(c.sizes[k].mean_std, sigma / std::sqrt(m));
    EXPECT_GT(c.sizes[k].mean_std, sigma / std::sqrt(m * hw));
    EXPECT_NEAR(c.sizes[k].mean_std / (example_std(mixed) / std::sqrt(m)), 1.0, tol);
  }
}

TEST(BatchNoise, BatchSizesLargerThanThePoolAreLeftOutAndCancelStops) {
  const ChannelSample s = synthetic(100, 1, 1.0, 0.0, 9);
  const BatchNoise noise = batch_noise(s, default_noise_sizes(), 10, 1);
  ASSERT_EQ(noise.sizes.size(), 6u);  // 2 … 64
  EXPECT_EQ(noise.sizes.back().m, 64);
  std::atomic<bool> cancel{true};
  EXPECT_TRUE(batch_noise(s, default_noise_sizes(), 10, 1, &cancel).sizes.empty());
}

TEST(BatchNoise, ADenseBatchOfOneHasNoVarianceAndOutputsBeta) {
  Config cfg = conv_dense_config();
  Trained t = trained(cfg, 3);
  // Give the dense BN's γ and β values of their own, so β cannot be met by chance.
  std::unique_ptr<Model> m = rebuild_model(t.state);
  Norm& bn = *m->norm(m->blocks()[1]);
  std::vector<float> gamma(6), beta(6);
  for (int f = 0; f < 6; ++f) {
    gamma[f] = 0.5f + 0.25f * f;
    beta[f] = -0.7f + 0.3f * f;
  }
  bn.set_affine(gamma, beta);
  const ModelState state = capture_model_state(*m, t.state.step);
  BatchNoiseRequest req;
  req.block = 1;
  req.feature = 4;
  req.batches = 20;
  const auto r = compute_batch_noise(state, t.data->train, req);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->problem, "");
  EXPECT_FALSE(r->conv);
  EXPECT_EQ(r->features, 6);
  EXPECT_EQ(r->one.values, 1);
  EXPECT_EQ(r->one.var, 0.0);
  EXPECT_EQ(r->one.mean, r->one.input);
  EXPECT_EQ(r->one.xhat_min, 0.0);
  EXPECT_FLOAT_EQ(static_cast<float>(r->one.beta), beta[4]);
  EXPECT_FLOAT_EQ(static_cast<float>(r->one.out_min), beta[4]);
  EXPECT_FLOAT_EQ(static_cast<float>(r->one.out_max), beta[4]);
  // The example the lab shows is the first one: its value, as the network computes it.
  std::unique_ptr<Model> direct = rebuild_model(state);
  const Tensor z = norm_input(*direct, 1, first_examples(t.data->train, 1), Mode::infer_running);
  EXPECT_FLOAT_EQ(static_cast<float>(r->one.input), z.data(4, 0));
  // The pool is tiny8's 60 images: batch sizes up to 32, population statistics over all 60.
  EXPECT_EQ(r->noise.pool, 60);
  EXPECT_EQ(r->noise.sizes.back().m, 32);
  std::unique_ptr<Model> all = rebuild_model(state);
  const Tensor z60 = norm_input(*all, 1, first_examples(t.data->train, 60), Mode::infer_running);
  const Eigen::ArrayXd row = z60.data.row(4).transpose().cast<double>().array();
  EXPECT_NEAR(r->noise.population.mean, row.mean(), 1e-6);
  EXPECT_NEAR(r->noise.population.var, (row - row.mean()).square().mean(), 1e-6);
}

TEST(BatchNoise, AConvBatchOfOneStillHasHWValues) {
  Config cfg = conv_dense_config();
  cfg.model.bn.position = "before_activation";  // the conv BN's input is then the conv's output z
  const Trained t = trained(cfg, 3);
  BatchNoiseRequest req;
  req.block = 0;
  req.feature = 2;
  req.batches = 20;
  const auto r = compute_batch_noise(t.state, t.data->train, req);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->problem, "");
  EXPECT_TRUE(r->conv);
  EXPECT_EQ(r->h, 6);
  EXPECT_EQ(r->w, 6);
  EXPECT_EQ(r->one.values, 36);
  EXPECT_EQ(r->noise.per_example, 36);
  // μ and σ² over the 6×6 values of channel 2 of the first image, computed here.
  std::unique_ptr<Model> direct = rebuild_model(t.state);
  const Tensor x = first_examples(t.data->train, 1);
  const Matrix conv = direct->layer(direct->blocks()[0].op).forward(x, Mode::infer_running).data;  // (3·36, 1)
  const Eigen::ArrayXd v = conv.col(0).segment(2 * 36, 36).cast<double>().array();
  EXPECT_NEAR(r->one.mean, v.mean(), 1e-5);
  EXPECT_NEAR(r->one.var, (v - v.mean()).square().mean(), 1e-5);
  EXPECT_GT(r->one.var, 0.0);
  EXPECT_LT(r->one.out_min, r->one.out_max);  // a feature map, not one value β
}

TEST(BatchNoise, ABlockWithoutBatchNormOrADivergedNetworkIsSaidNotComputed) {
  Config cfg = conv_dense_config();
  cfg.model.blocks[1].norm = NormKind::layer;
  const Trained t = trained(cfg, 1);
  BatchNoiseRequest req;
  for (int block : {1, 2, 7, -1}) {  // LN, the output block (no norm), out of range
    req.block = block;
    const auto r = compute_batch_noise(t.state, t.data->train, req);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->problem, "batch_noise.no_bn") << block;
  }
  req.block = 0;
  Dataset empty;
  EXPECT_EQ(compute_batch_noise(t.state, empty, req)->problem, "batch_noise.no_data");
  ModelState diverged = t.state;
  for (float& w : diverged.params[0]) w = NAN;
  EXPECT_EQ(compute_batch_noise(diverged, t.data->train, req)->problem, "batch_noise.not_finite");
  std::atomic<bool> cancel{true};
  EXPECT_EQ(compute_batch_noise(t.state, t.data->train, req, &cancel), nullptr);
}

}  // namespace
}  // namespace bnlab
