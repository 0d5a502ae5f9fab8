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

// Per-channel mean and biased variance of x (C each), from squared deviations from a mean, never
// as E[x²] − E[x]² (which cancels digits when |μ| ≫ σ). With S = 1, two passes over the batch:
// the mean, then the deviations from it. With S > 1, one pass: each run's deviations from its own
// mean, in float, and the runs combined in double.
void channel_mean_var(const float* x, ChannelLayout l, float* mean, float* var);

// The per-channel coefficients of the normalization (C each); gamma and beta null without the
// affine step.
struct NormalizeCoefficients {
  const float* mean = nullptr;
  const float* inv_std = nullptr;  // 1/√(σ² + ε)
  const float* gamma = nullptr;
  const float* beta = nullptr;
};

// The per-run callback normalize calls with each run of φ(y) it has written (S > 1 only),
// while the run is still in L1: the pooling after the activation, fused (Pool2d::forward_run).
using RunSink = std::function<void(int n, int c, const float* run)>;

// One pass: x̂ = (x − μ)·inv_std, y = γ x̂ + β (y = x̂ without γ), and with `act` also a = φ(y),
// each run then handed to `sink` if there is one. x̂ is not stored: backward's passes recompute
// it from x with the same expression, so the same floats, and a tensor is neither written here
// nor read back there (issue 13). With `act`, `y` may be null when only the probes would read
// it, and `a` too when a sink takes every run (S > 1): each run is then made in a scratch run in L1.
void normalize(const float* x, ChannelLayout l, const NormalizeCoefficients& k, float* y,
               std::optional<ActivationKind> act = std::nullopt, float* a = nullptr, const RunSink& sink = {});

// Backward's incoming gradient and how it becomes g, the gradient of y, run by run: dy laid
// out as x, or, when a pooling layer follows the activation, written run by run by `run` from the
// pool's smaller output gradient (S > 1 only), so the full-size tensor is never stored; then,
// with `act`, g = dy·φ'(a), a the activation's output. A null `a` (forward did not store it, S > 1)
// is made again run by run from x, by the same code as forward's, so the same floats.
struct IncomingGrad {
  const float* dy = nullptr;
  std::function<void(int n, int c, float* run)> run;
  std::optional<ActivationKind> act;
  const float* a = nullptr;
  bool takes_work() const { return run || act; }  // else g is dy
};

// One pass of backward, per channel (C each): Σg (dβ) and Σg·x̂ (dγ), g also written to `g`
// (laid out as x) when it takes work. x̂ is recomputed from the norm's input x and the
// statistics normalize used (k.mean, k.inv_std).
void grad_sums(const IncomingGrad& dy, const float* x, ChannelLayout l, const NormalizeCoefficients& k, float* sum_g,
               float* sum_g_xhat, float* g);

// The input gradient from g, per channel: dx = scale·(g − mean_g − x̂·mean_g_xhat) through μ_B
// and σ²_B (paper §3), or dx = scale·g when mean_g is null (the statistics were constants).
// `dx` may be `g` itself.
void input_grad(const float* g, const float* x, ChannelLayout l, const NormalizeCoefficients& k, const float* scale,
                const float* mean_g, const float* mean_g_xhat, float* dx);

}  // namespace bnlab
