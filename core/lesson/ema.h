// What this file is: the exponential moving average BN keeps its running statistics with, as
// lecture note 002 writes it: S_t = β·S_{t−1} + (1 − β)·Y_t, so that
//   S_100 = 0.1·Y_100 + 0.1·0.9·Y_99 + 0.1·0.9²·Y_98 + …   (β = 0.9)
// the batch k steps back weighs (1 − β)·β^k, the last k batches together 1 − β^k, and the
// average reaches back about 1/(1 − β) batches. PyTorch's BN momentum is 1 − β. Started at
// S_0 = 0, the first values are too small by the factor 1 − β^t; bias correction divides by it
// (Kingma & Ba 2015, Adam, section 3). Also the series the EMA lab plots from probe frames.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "core/probes/probe.h"

namespace bnlab {

// 1/(1 − β): how many recent batches the average mostly reaches back over.
double ema_window(double beta);
// PyTorch's BN momentum for the lesson's β, and back.
inline double momentum_for_beta(double beta) { return 1.0 - beta; }
inline double beta_for_momentum(double momentum) { return 1.0 - momentum; }

// The weights of the last `k` batches in S_t, newest first: (1 − β)·β^j, j = 0 … k−1.
std::vector<double> ema_weights(double beta, int k);
// Their sum in closed form, 1 − β^k (a geometric series).
double ema_weight_sum(double beta, int k);

// S_1 … S_T of `y` from S_0 = 0, and the same divided by 1 − β^t.
struct EmaSeries {
  std::vector<double> plain, corrected;  // (T)
};
EmaSeries ema_series(std::span<const double> y, double beta);

// One feature of one BN block over the probe frames: the batch's mean and BN's running mean at
// each frame's step (frames where the block has no BN, or fewer features, are left out).
struct FeatureMeans {
  std::vector<float> steps, batch_mean, running_mean;  // (frames)
};
FeatureMeans feature_means(const std::vector<std::shared_ptr<const ProbeFrame>>& frames, int block, int feature);

}  // namespace bnlab
