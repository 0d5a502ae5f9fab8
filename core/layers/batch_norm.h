// What this file is: Batch Normalization (Ioffe & Szegedy 2015), matching PyTorch 1.13's
// BatchNorm1d (per feature, over the batch) and BatchNorm2d (per channel, over N·H·W).
//   training:   x̂ = (x - μ_B) / √(σ²_B + ε),  y = γ x̂ + β   (σ²_B biased, paper Algorithm 1)
//               running = (1 - momentum)·running + momentum·batch, the variance unbiased (m/(m-1))
//   inference:  the running statistics, the batch's own, or population statistics (Algorithm 2:
//               the mean of the batch means, the mean of the biased batch variances · m/(m-1)).
#pragma once

#include <cstdint>

#include "core/layers/norm.h"

namespace bnlab {

class Activation;
class Pool2d;
struct NormalizeCoefficients;

class BatchNorm : public Norm {
 public:
  // `shape` is the input's: (features) for BatchNorm1d, (C, H, W) for BatchNorm2d.
  BatchNorm(Shape shape, float momentum, float eps, bool affine);
  const Tensor& forward(const Tensor& x, Mode mode) override;
  const Tensor& backward(const Tensor& grad_out) override;
  // The same, fused with the activation that follows (the model's φ(BN(z))): forward writes
  // y and φ(y) into `act`'s output in one pass and returns that output; backward takes the
  // gradient of φ's output and applies φ' in its passes. `act`'s own forward and backward
  // are then not called; its output() and this layer's are both what they would have been.
  // With `pool` (the pooling after the activation), forward pools each run of φ(y) as it is
  // written (Pool2d::forward_run) and returns the pool's output; backward takes the pool's
  // output gradient and expands it run by run (Pool2d::input_grad_run). The pool's own forward
  // and backward are then not called either. With Taps::skipped, this layer's output() and (with
  // `pool`) `act`'s are left as they were; only the returned tensor is written.
  const Tensor& forward_activated(const Tensor& x, Mode mode, Activation* act, Pool2d* pool = nullptr,
                                  Taps taps = Taps::kept);
  const Tensor& backward_activated(const Tensor& grad, const Activation* act, const Pool2d* pool = nullptr);
  Shape output_shape(Shape in) const override { return in; }
  std::string kind() const override { return shape_.is_image() ? "BatchNorm2d" : "BatchNorm1d"; }
  std::vector<Param> params() override;
  std::vector<Buffer> buffers() override;
  void zero_grad() override;

  NormKind norm_kind() const override { return NormKind::batch; }
  bool affine() const override { return affine_; }
  std::span<const float> gamma() const override;
  std::span<const float> beta() const override;
  void set_affine(std::span<const float> gamma, std::span<const float> beta) override;
  NormStatistics statistics() const override;
  // True when the last training forward saw one value per channel: σ²_B = 0, the output is β,
  // and the running statistics were left alone. The model turns this into a warning.
  bool degenerate() const override { return degenerate_; }
  std::optional<RunningStatistics> running() const override;
  void set_running(const RunningStatistics& r) override;
  void set_momentum(float momentum) override { momentum_ = momentum; }

  // Population statistics (Mode::collect_population, then finish_population()).
  void begin_population() override;
  void finish_population() override;
  bool has_population() const { return pop_batches_ > 0; }
  const Vector& population_mean() const { return population_mean_; }  // (C)
  const Vector& population_var() const { return population_var_; }    // (C)

  int channels() const { return shape_.c; }
  const Vector& gamma_grad() const { return gamma_grad_; }  // (C)
  const Vector& beta_grad() const { return beta_grad_; }    // (C)

 private:
  Shape shape_;
  float momentum_ = 0.1f;
  float eps_ = 1e-5f;
  bool affine_;
  Vector gamma_, beta_;             // (C): scale and shift; γ = 1, β = 0 at start
  Vector gamma_grad_, beta_grad_;   // (C)
  Vector running_mean_, running_var_;  // (C): running_var starts at 1
  int64_t num_batches_tracked_ = 0;
  Vector batch_mean_, batch_var_;   // (C): the last forward's batch statistics (var biased)
  Vector population_mean_, population_var_;  // (C)
  int64_t last_count_ = 0;          // values per channel in the last forward's statistics
  bool used_batch_stats_ = false;  // backward differentiates through μ_B and σ²_B
  bool activation_stored_ = true;  // forward wrote φ(y) into the activation's output
  bool degenerate_ = false;
  // What backward recomputes x̂ from (it is not stored): forward's input, and the mean and
  // 1/√(σ² + ε) (C each) of the statistics it used.
  const Tensor* input_ = nullptr;
  Vector mean_, inv_std_;
  NormalizeCoefficients coefficients() const;  // mean_, inv_std_, and γ, β when affine
  // Backward's per-channel sums and factors, kept so a step does not allocate.
  Vector sum_g_, sum_g_xhat_;    // (C): Σ dy (dβ) and Σ dy·x̂ (dγ)
  Vector mean_g_, mean_g_xhat_;  // (C): the same over the m values
  Vector scale_;                 // (C): γ/√(σ² + ε)
  Vector pop_mean_sum_, pop_var_sum_;  // (C)
  int64_t pop_batches_ = 0, pop_m_ = 0;
};

}  // namespace bnlab
