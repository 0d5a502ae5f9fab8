// What this file is: BatchNorm's passes over a batch, per channel and with no per-feature
// temporaries, optionally fused with the activation that follows the norm (h = φ(BN(z))), so
// that a training step reads and writes each tensor as few times as it can.
// Every tensor is (C·S, N), column-major, S = H·W: channel c of sample n is the run of S
// contiguous floats at row c·S of column n. With S = 1 (a dense layer's features) a channel is
// one row, and the passes go column by column with per-channel arrays instead, vectorized
// over the features.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>

#include "core/kernels/activation_math.h"

namespace bnlab {

struct ChannelLayout {
  int channels = 1;
  int spatial = 1;  // S = H·W
  int batch = 0;
  int64_t count() const { return int64_t{spatial} * batch; }  // values per channel
};

// Per-channel mean and biased variance of x (C each), in two passes: the mean, then the squared
// deviations from it (E[x²] − E[x]² in one pass would cancel digits when |μ| ≫ σ). Runs are
// summed in float and channels over the batch in double when S > 1 (N·H·W values).
void channel_mean_var(const float* x, ChannelLayout l, float* mean, float* var);

// The per-channel coefficients of the normalization (C each); gamma and beta null without the
// affine step.
struct NormalizeCoefficients {
  const float* mean = nullptr;
  const float* inv_std = nullptr;  // 1/√(σ² + ε)
  const float* gamma = nullptr;
  const float* beta = nullptr;
};

// One pass: x̂ = (x − μ)·inv_std, y = γ x̂ + β (y = x̂ without γ), and with `act` also a = φ(y).
void normalize(const float* x, ChannelLayout l, const NormalizeCoefficients& k, float* x_hat, float* y,
               std::optional<ActivationKind> act = std::nullopt, float* a = nullptr);

// Backward's incoming gradient: a tensor laid out as x, or, when a pooling layer follows the
// activation, a function that writes the gradient of channel c of sample n (a run of S floats)
// from the pool's smaller output gradient, so the full-size tensor is never stored (S > 1 only).
struct IncomingGrad {
  const float* dy = nullptr;
  std::function<void(int n, int c, float* run)> run;
  float* scratch = nullptr;  // (S): where `run` writes
};

// One pass of backward: with `act`, g = dy·φ'(a) written to `g` (dy is then the activation's
// output gradient); without, g = dy and `g` is written only when dy comes from `run`. Per
// channel (C each): Σg (dβ) and Σg·x̂ (dγ).
void grad_sums(const IncomingGrad& dy, const float* x_hat, ChannelLayout l, float* sum_g, float* sum_g_xhat,
               std::optional<ActivationKind> act = std::nullopt, const float* a = nullptr, float* g = nullptr);

// The input gradient, per channel: dx = scale·(g − mean_g − x̂·mean_g_xhat) through μ_B and σ²_B
// (paper §3), or dx = scale·g when mean_g is null (the statistics were constants). `dx` may be
// `g` itself.
void input_grad(const float* g, const float* x_hat, ChannelLayout l, const float* scale, const float* mean_g,
                const float* mean_g_xhat, float* dx);

}  // namespace bnlab
