// What this file is: the optimizers, with PyTorch 1.13's update rules (torch.optim):
//   sgd:     g += wd·p;  b = μ·b + g (b = g on the first step);  p −= lr·b    (μ = 0: plain SGD)
//   rmsprop: g += wd·p;  v = α·v + (1−α)·g²;  p −= lr·g/(√v + ε)   (momentum: b = μ·b + g/(√v+ε))
//   adam:    g += wd·p;  m = β1·m + (1−β1)·g;  v = β2·v + (1−β2)·g²;
//            p −= (lr/(1−β1^t)) · m / (√v/√(1−β2^t) + ε)
// Hyperparameters are plain members so they can change between steps.
#pragma once

#include <string>
#include <vector>

#include "core/io/config.h"
#include "core/layers/layer.h"

namespace bnlab {

class Optimizer {
 public:
  explicit Optimizer(const TrainConfig& cfg);
  // Applies one update to every parameter; `params` must be the same list on every call
  // (the state is matched by position), or reset() first.
  void step(const std::vector<Param>& params);
  void reset() { state_.clear(); step_count_ = 0; }
  void set_hyperparameters(const TrainConfig& cfg);
  int64_t steps() const { return step_count_; }

  std::string kind_;
  float lr_, momentum_, alpha_, beta1_, beta2_, eps_, weight_decay_;

 private:
  struct State {
    std::vector<float> first;   // momentum buffer / Adam's m
    std::vector<float> second;  // RMSProp's square average / Adam's v
  };
  std::vector<State> state_;
  int64_t step_count_ = 0;
};

}  // namespace bnlab
