// What this file is: the optimizers' update rules against hand computations of PyTorch's
// formulas (SGD and Adam are also checked against PyTorch itself in test_reference.cpp).
#include <gtest/gtest.h>

#include <cmath>

#include "core/optim/optimizer.h"

namespace bnlab {
namespace {

// Two steps on one parameter with gradients g1, g2 (the gradient does not depend on w here).
float two_steps(TrainConfig cfg, float w, float g1, float g2) {
  Optimizer opt(cfg);
  float grad = g1;
  Param p{"weight", &w, &grad, 1, {1}, true};
  opt.step({p});
  grad = g2;
  opt.step({p});
  return w;
}

TEST(Optimizer, SgdWithMomentumAndWeightDecay) {
  TrainConfig cfg;
  cfg.optimizer = "sgd";
  cfg.lr = 0.1f;
  cfg.momentum = 0.9f;
  cfg.weight_decay = 0.01f;
  float w = 1.0f;
  const float d1 = 0.5f + 0.01f * w;  // b1 = d1
  w -= 0.1f * d1;
  const float d2 = -0.2f + 0.01f * w;
  const float b2 = 0.9f * d1 + d2;
  w -= 0.1f * b2;
  EXPECT_NEAR(two_steps(cfg, 1.0f, 0.5f, -0.2f), w, 1e-6f);
}

TEST(Optimizer, RmspropWithAndWithoutMomentum) {
  for (float momentum : {0.0f, 0.5f}) {
    TrainConfig cfg;
    cfg.optimizer = "rmsprop";
    cfg.lr = 0.01f;
    cfg.alpha = 0.99f;
    cfg.eps = 1e-8f;
    cfg.momentum = momentum;
    float w = 2.0f, v = 0.0f, b = 0.0f;
    for (float g : {0.5f, -0.2f}) {
      v = 0.99f * v + 0.01f * g * g;
      const float step = g / (std::sqrt(v) + 1e-8f);
      b = momentum * b + step;
      w -= 0.01f * (momentum > 0 ? b : step);
    }
    EXPECT_NEAR(two_steps(cfg, 2.0f, 0.5f, -0.2f), w, 1e-6f) << "momentum " << momentum;
  }
}

TEST(Optimizer, AdamBiasCorrection) {
  TrainConfig cfg;
  cfg.optimizer = "adam";
  cfg.lr = 0.001f;
  // The first Adam step moves every parameter by lr·sign(g) (m̂ = g, v̂ = g²), whatever |g|.
  EXPECT_NEAR(two_steps(cfg, 1.0f, 100.0f, 100.0f), 1.0f - 2 * 0.001f, 1e-6f);
  EXPECT_NEAR(two_steps(cfg, 1.0f, -1e-3f, -1e-3f), 1.0f + 2 * 0.001f, 1e-5f);
}

TEST(Optimizer, LiveLearningRateChange) {
  TrainConfig cfg;
  cfg.lr = 0.1f;
  Optimizer opt(cfg);
  float w = 1.0f, g = 1.0f;
  Param p{"weight", &w, &g, 1, {1}, true};
  opt.step({p});
  cfg.lr = 0.5f;
  opt.set_hyperparameters(cfg);
  opt.step({p});
  EXPECT_NEAR(w, 1.0f - 0.1f - 0.5f, 1e-6f);
}

}  // namespace
}  // namespace bnlab
