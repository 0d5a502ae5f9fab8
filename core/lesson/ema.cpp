// What this file is: the EMA of lecture note 002 and bias correction (ema.h).
#include "core/lesson/ema.h"

#include <cmath>

namespace bnlab {

double ema_window(double beta) { return 1.0 / (1.0 - beta); }

std::vector<double> ema_weights(double beta, int k) {
  std::vector<double> w(static_cast<size_t>(std::max(k, 0)));
  double power = 1.0;  // β^j
  for (double& v : w) {
    v = (1.0 - beta) * power;
    power *= beta;
  }
  return w;
}

double ema_weight_sum(double beta, int k) { return 1.0 - std::pow(beta, k); }

EmaSeries ema_series(std::span<const double> y, double beta) {
  EmaSeries s;
  double value = 0.0, power = 1.0;  // S_t, β^t
  for (double v : y) {
    value = beta * value + (1.0 - beta) * v;
    power *= beta;
    s.plain.push_back(value);
    s.corrected.push_back(value / (1.0 - power));
  }
  return s;
}

FeatureMeans feature_means(const std::vector<std::shared_ptr<const ProbeFrame>>& frames, int block, int feature) {
  FeatureMeans m;
  for (const auto& f : frames) {
    if (!f || block < 0 || block >= static_cast<int>(f->blocks.size())) continue;
    const BlockProbe& b = f->blocks[block];
    if (b.norm != NormKind::batch || feature < 0 || feature >= static_cast<int>(b.running_mean.size()) ||
        feature >= static_cast<int>(b.batch_mean.size()))
      continue;
    m.steps.push_back(static_cast<float>(f->step));
    m.batch_mean.push_back(b.batch_mean[feature]);
    m.running_mean.push_back(b.running_mean[feature]);
  }
  return m;
}

}  // namespace bnlab
