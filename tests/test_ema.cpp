// The EMA lab's numbers (core/lesson/ema.h) against direct computation: note 002's weights and
// their sum, the window 1/(1 − β), bias correction by hand, and the running mean the lab plots
// against BN's own (and against the EMA of the batch means with β = 1 − momentum).
#include <gtest/gtest.h>

#include <cmath>

#include "core/lesson/ema.h"
#include "core/model/model.h"
#include "core/probes/probe.h"
#include "core/train/run.h"
#include "test_helpers.h"

namespace bnlab {
namespace {

TEST(Ema, TheWeightsOfTheLastKBatchesSumToOneMinusBetaToTheK) {
  for (double beta : {0.5, 0.9, 0.9005, 0.99, 0.999, 0.9999})
    for (int k : {1, 5, 10, 100, 1000}) {
      const std::vector<double> w = ema_weights(beta, k);
      ASSERT_EQ(static_cast<int>(w.size()), k);
      double sum = 0.0;
      for (double v : w) sum += v;
      EXPECT_NEAR(sum, ema_weight_sum(beta, k), 1e-12) << beta << " " << k;
      EXPECT_NEAR(ema_weight_sum(beta, k), 1.0 - std::pow(beta, k), 1e-15);
    }
  // Note 002: S_100 = 0.1·Y_100 + 0.1·0.9·Y_99 + 0.1·0.9²·Y_98 + …
  const std::vector<double> w = ema_weights(0.9, 3);
  EXPECT_NEAR(w[0], 0.1, 1e-15);
  EXPECT_NEAR(w[1], 0.09, 1e-15);
  EXPECT_NEAR(w[2], 0.081, 1e-15);
}

TEST(Ema, TheWindowIsOneOverOneMinusBeta) {
  EXPECT_NEAR(ema_window(0.9), 10.0, 1e-9);
  EXPECT_NEAR(ema_window(0.9005), 10.050251, 1e-6);  // note 002: barely changes
  EXPECT_NEAR(ema_window(0.999), 1000.0, 1e-6);
  EXPECT_NEAR(ema_window(0.9995), 2000.0, 1e-5);     // doubles
  EXPECT_NEAR(momentum_for_beta(0.9), 0.1, 1e-15);
  EXPECT_NEAR(beta_for_momentum(0.1), 0.9, 1e-15);
}

TEST(Ema, TheSeriesIsTheWeightedSumAndItsCorrectionDividesByOneMinusBetaToTheT) {
  const std::vector<double> y = {2.0, -1.0, 0.5, 3.0, 1.25, -0.75};
  const double beta = 0.8;
  const EmaSeries s = ema_series(y, beta);
  ASSERT_EQ(s.plain.size(), y.size());
  for (size_t t = 1; t <= y.size(); ++t) {
    // S_t = Σ_j (1 − β)·β^j·Y_{t−j}: note 002's expansion, from S_0 = 0.
    const std::vector<double> w = ema_weights(beta, static_cast<int>(t));
    double by_hand = 0.0;
    for (size_t j = 0; j < t; ++j) by_hand += w[j] * y[t - 1 - j];
    EXPECT_NEAR(s.plain[t - 1], by_hand, 1e-12) << t;
    EXPECT_NEAR(s.corrected[t - 1], by_hand / (1.0 - std::pow(beta, static_cast<double>(t))), 1e-12) << t;
  }
  // The first corrected value is the first value itself.
  EXPECT_NEAR(s.corrected[0], 2.0, 1e-12);
  // A constant series: corrected at once, the plain one approaches it from 0.
  const std::vector<double> c(20, 5.0);
  const EmaSeries k = ema_series(c, 0.9);
  for (size_t t = 0; t < c.size(); ++t) EXPECT_NEAR(k.corrected[t], 5.0, 1e-12);
  EXPECT_NEAR(k.plain[0], 0.5, 1e-12);
}

TEST(Ema, TheRunningMeanPlottedIsBnsOwnAndTheEmaOfTheBatchMeans) {
  const Config cfg = moons_two_blocks_config();  // BN momentum 0.1: β = 0.9
  bnlab::Run run(cfg, loaded_data(cfg));
  Prober prober;
  std::vector<std::shared_ptr<const ProbeFrame>> frames;
  for (int i = 0; i < 25; ++i) {
    run.step();
    frames.push_back(prober.take(run.model(), run.steps_done(), {}));
  }
  const int block = 1, feature = 3;
  const FeatureMeans m = feature_means(frames, block, feature);
  ASSERT_EQ(m.steps.size(), 25u);
  EXPECT_EQ(m.steps.back(), 25.0f);
  const auto running = run.model().norms()[block]->running();
  EXPECT_EQ(m.running_mean.back(), running->mean[feature]);
  // The running mean starts at 0 and is the EMA of the batch means, β = 1 − momentum.
  const std::vector<double> y(m.batch_mean.begin(), m.batch_mean.end());
  const EmaSeries s = ema_series(y, beta_for_momentum(cfg.model.bn.momentum));
  for (size_t t = 0; t < y.size(); ++t) EXPECT_NEAR(m.running_mean[t], s.plain[t], 1e-5) << t;
  // A block without BN has nothing to plot.
  EXPECT_TRUE(feature_means(frames, 2, 0).steps.empty());
}

}  // namespace
}  // namespace bnlab
