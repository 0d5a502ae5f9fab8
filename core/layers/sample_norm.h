// What this file is: the normalizations whose statistics are per sample, matching PyTorch 1.13:
// LayerNorm(units) or LayerNorm([C, H, W]), GroupNorm(G, C), InstanceNorm2d(C, affine).
//   for each sample n and group g of K values (LN: C·H·W, GN: C/G·H·W, IN: H·W):
//   μ = mean, σ² = biased variance,  x̂ = (x − μ) / √(σ² + ε),  y = γ x̂ + β
// LayerNorm's γ and β are elementwise, one per value of a sample; GroupNorm's and
// InstanceNorm's are per channel. A dense block's units are GroupNorm's channels. Nothing
// depends on the other samples of the batch, so there are no running statistics and every
// inference mode computes what training computes (Ba et al. 2016; Wu & He 2018, Figure 2).
#pragma once

#include "core/layers/norm.h"

namespace bnlab {

class SampleNorm : public Norm {
 public:
  // `shape` is the input's. `groups` is used by NormKind::group alone (LN has 1, IN has C);
  // it must divide the channels. NormKind::instance needs an image.
  SampleNorm(NormKind kind, Shape shape, int groups, float eps, bool affine);
  const Tensor& forward(const Tensor& x, Mode mode) override;
  const Tensor& backward(const Tensor& grad_out) override;
  Shape output_shape(Shape in) const override { return in; }
  std::string kind() const override;
  std::vector<Param> params() override;
  void zero_grad() override;

  NormKind norm_kind() const override { return kind_; }
  bool affine() const override { return affine_; }
  std::span<const float> gamma() const override;
  std::span<const float> beta() const override;
  void set_affine(std::span<const float> gamma, std::span<const float> beta) override;
  NormStatistics statistics() const override;
  bool degenerate() const override { return group_size_ < 2; }
  int groups() const { return groups_; }

 private:
  // True when γ and β have one value per feature (LN, and GN on a dense block, where a channel
  // is one unit); otherwise one per channel, each shared by the channel's H·W values.
  bool per_feature_affine() const { return gamma_.size() == shape_.size(); }
  // forward and backward for groups of fewer than 32 values, in plain loops.
  void forward_short(const float* x, int64_t columns);
  void backward_short(const float* grad_out, int64_t columns);

  NormKind kind_;
  Shape shape_;
  int groups_;           // statistics per sample
  int64_t group_size_;   // K, values per statistic
  float eps_;
  bool affine_;
  Vector gamma_, beta_;            // (C) or, for LN, (C·H·W)
  Vector gamma_grad_, beta_grad_;  // the same
  Vector mean_, var_;              // (N·G), sample-major: the last forward's statistics
  Vector inv_std_;                 // (N·G)
  Matrix x_hat_;                   // (features, batch)
};

}  // namespace bnlab
