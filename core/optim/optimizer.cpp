// What this file is: the update loops of Optimizer.
#include "core/optim/optimizer.h"

#include <cmath>

namespace bnlab {

Optimizer::Optimizer(const TrainConfig& cfg) { set_hyperparameters(cfg); }

void Optimizer::set_hyperparameters(const TrainConfig& cfg) {
  if (cfg.optimizer != kind_) reset();
  kind_ = cfg.optimizer;
  lr_ = cfg.lr;
  momentum_ = cfg.momentum;
  alpha_ = cfg.alpha;
  beta1_ = cfg.beta1;
  beta2_ = cfg.beta2;
  eps_ = cfg.eps;
  weight_decay_ = cfg.weight_decay;
}

void Optimizer::step(const std::vector<Param>& params) {
  if (state_.size() != params.size()) {
    state_.assign(params.size(), State{});
    step_count_ = 0;
  }
  ++step_count_;
  // Bias corrections in double, as PyTorch computes them in Python floats.
  const double t = static_cast<double>(step_count_);
  const float bias1 = static_cast<float>(1.0 - std::pow(static_cast<double>(beta1_), t));
  const float bias2_sqrt = static_cast<float>(std::sqrt(1.0 - std::pow(static_cast<double>(beta2_), t)));
  for (size_t i = 0; i < params.size(); ++i) {
    const Param& p = params[i];
    State& s = state_[i];
    const bool first_step = s.first.empty();
    if (first_step) {
      s.first.assign(p.size, 0.0f);
      if (kind_ != "sgd") s.second.assign(p.size, 0.0f);
    }
    float* w = p.value;
    const float* grad = p.grad;
    float* b = s.first.data();
    float* v = s.second.data();
    const float wd = weight_decay_;
    if (kind_ == "sgd" && momentum_ == 0.0f) {
      for (int64_t k = 0; k < p.size; ++k) w[k] -= lr_ * (grad[k] + wd * w[k]);
    } else if (kind_ == "sgd") {
      for (int64_t k = 0; k < p.size; ++k) {
        const float g = grad[k] + wd * w[k];
        b[k] = first_step ? g : momentum_ * b[k] + g;
        w[k] -= lr_ * b[k];
      }
    } else if (kind_ == "rmsprop") {
      for (int64_t k = 0; k < p.size; ++k) {
        const float g = grad[k] + wd * w[k];
        v[k] = alpha_ * v[k] + (1.0f - alpha_) * g * g;
        const float step = g / (std::sqrt(v[k]) + eps_);
        if (momentum_ > 0.0f) {
          b[k] = momentum_ * b[k] + step;
          w[k] -= lr_ * b[k];
        } else {
          w[k] -= lr_ * step;
        }
      }
    } else {  // adam
      const float step_size = lr_ / bias1;
      for (int64_t k = 0; k < p.size; ++k) {
        const float g = grad[k] + wd * w[k];
        b[k] = beta1_ * b[k] + (1.0f - beta1_) * g;
        v[k] = beta2_ * v[k] + (1.0f - beta2_) * g * g;
        w[k] -= step_size * b[k] / (std::sqrt(v[k]) / bias2_sqrt + eps_);
      }
    }
  }
}

}  // namespace bnlab
