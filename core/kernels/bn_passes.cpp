// What this file is: the loops of BatchNorm's passes (core/kernels/bn_passes.h). Each pass is
// written once as a function of one run (Eigen array expressions), called with per-channel
// arrays over a column when S = 1 and with per-channel scalars over a run of S otherwise.
#include "core/kernels/bn_passes.h"

#include <Eigen/Core>
#include <algorithm>
#include <cstdint>
#include <vector>

namespace bnlab {
namespace {

using Array = Eigen::ArrayXf;
using Run = Eigen::Map<Array>;
using ConstRun = Eigen::Map<const Array>;

// Channel c of sample n: S floats at row c·S of column n.
int64_t run_offset(ChannelLayout l, int n, int c) {
  return static_cast<int64_t>(n) * l.channels * l.spatial + static_cast<int64_t>(c) * l.spatial;
}

// Per-channel double accumulators: sums, then sums of squares. The S > 1 passes go through
// memory in order (sample by sample, its channels in turn) so the prefetcher streams them:
// channel by channel, each run of S floats would start a new stream. Reused, so a step does not
// allocate.
std::vector<double>& channel_accumulators(int channels) {
  thread_local std::vector<double> acc;
  acc.assign(2 * static_cast<size_t>(channels), 0.0);
  return acc;
}

// x̂ = (x − μ)·inv_std of one run: normalize's expression, which backward's passes evaluate again
// instead of storing x̂, with μ and inv_std per-channel arrays (S = 1) or one channel's scalars.
template <class Mu, class Inv>
auto x_hat(const float* x, int64_t size, const Mu& mu, const Inv& inv) {
  return (ConstRun(x, size) - mu) * inv;
}

// A run of `size` floats in L1, 64-byte aligned, reused so a step does not allocate. One per
// `which`: 0 for y, 1 for φ(y).
float* scratch_run(int which, int64_t size) {
  thread_local std::vector<float> runs[2];
  std::vector<float>& run = runs[which];
  if (static_cast<int64_t>(run.size()) < size + 16) run.resize(size + 16);
  const auto at = reinterpret_cast<uintptr_t>(run.data());
  return reinterpret_cast<float*>((at + 63) & ~uintptr_t{63});
}

// One run of normalize with one channel's coefficients (S > 1): y = γ x̂ + β, and with `act`
// a = φ(y), made in scratch runs and copied out to `y` and `a` where they are not null. Returns
// the run of a (of y without `act`). Made always at the same alignment, by code that is not
// inlined, so that backward, which makes a again when forward did not store it, runs the very
// same instructions on the same floats, and gets the same results (Eigen's vector loops start
// at the destination's alignment, and their scalar ends use the scalar exp). Without `act`, y is
// the layer's output, always stored, and is written in place.
__attribute__((noinline)) const float* normalize_run(const float* x, int64_t size, const NormalizeCoefficients& k,
                                                     int c, std::optional<ActivationKind> act, float* y, float* a) {
  float* made_y = act ? scratch_run(0, size) : y;
  Run out(made_y, size);
  out = x_hat(x, size, k.mean[c], k.inv_std[c]);
  if (k.gamma) out = out * k.gamma[c] + k.beta[c];
  if (!act) return y;
  if (y) std::copy_n(made_y, size, y);
  float* made_a = scratch_run(1, size);
  activate(*act, ConstRun(made_y, size), Run(made_a, size));
  if (a) std::copy_n(made_a, size, a);
  return made_a;
}

// g, the gradient of y, for channel c of sample n (`size` floats at offset `at`; S = 1 passes a
// whole column): dy itself when it takes no work, else computed into g at the same offset,
// the pool's run first written there.
const float* run_g(const IncomingGrad& in, const float* x, const NormalizeCoefficients& k, int n, int c, int64_t at,
                   int64_t size, float* g) {
  if (!in.takes_work()) return in.dy + at;
  const float* dy = in.dy + at;
  if (in.run) {
    in.run(n, c, g + at);
    dy = g + at;
  }
  if (!in.act) return g + at;
  const float* a = in.a ? in.a + at : normalize_run(x + at, size, k, c, in.act, nullptr, nullptr);
  activation_grad(*in.act, ConstRun(dy, size), ConstRun(a, size), Run(g + at, size));
  return g + at;
}

}  // namespace

void channel_mean_var(const float* x, ChannelLayout l, float* mean, float* var) {
  const int C = l.channels, S = l.spatial, N = l.batch;
  if (S == 1) {  // sums over the batch, column by column, vectorized over the features, in double as a channel's
    std::vector<double>& acc = channel_accumulators(C);
    Eigen::Map<Eigen::ArrayXd> sum(acc.data(), C), squares(acc.data() + C, C);
    for (int n = 0; n < N; ++n) sum += ConstRun(x + static_cast<int64_t>(n) * C, C).cast<double>();
    Run mu(mean, C), v(var, C);
    mu = (sum / static_cast<double>(N)).cast<float>();
    const Eigen::ArrayXd mu_d = mu.cast<double>();
    for (int n = 0; n < N; ++n) squares += (ConstRun(x + static_cast<int64_t>(n) * C, C).cast<double>() - mu_d).square();
    v = (squares / static_cast<double>(N)).cast<float>();
    return;
  }
  // One read of x: each run's sum, and its squared deviations from its own mean while the run is
  // in L1. A channel's variance is then the runs' own plus the spread of their means,
  // Σ_r [M2_r + S·(m_r − μ)²] / (N·S) (Chan, Golub & LeVeque 1979), with no E[x²] − E[x]².
  const double count = static_cast<double>(l.count());
  std::vector<double>& acc = channel_accumulators(C);  // sums, then the runs' own squared deviations
  thread_local std::vector<double> run_means;          // (N, C)
  run_means.resize(static_cast<size_t>(N) * C);
  for (int n = 0; n < N; ++n)
    for (int c = 0; c < C; ++c) {
      const ConstRun run(x + run_offset(l, n, c), S);
      const float sum = run.sum(), run_mean = sum / static_cast<float>(S);
      acc[c] += sum;
      acc[C + c] += (run - run_mean).square().sum();
      run_means[static_cast<size_t>(n) * C + c] = static_cast<double>(sum) / S;
    }
  for (int c = 0; c < C; ++c) {
    const double mu = acc[c] / count;
    double spread = 0.0;
    for (int n = 0; n < N; ++n) {
      const double d = run_means[static_cast<size_t>(n) * C + c] - mu;
      spread += d * d;
    }
    mean[c] = static_cast<float>(mu);
    var[c] = static_cast<float>((acc[C + c] + S * spread) / count);
  }
}

void normalize(const float* x, ChannelLayout l, const NormalizeCoefficients& k, float* y,
               std::optional<ActivationKind> act, float* a, const RunSink& sink) {
  const int C = l.channels, S = l.spatial, N = l.batch;
  if (S == 1) {
    const ConstRun mu(k.mean, C), inv(k.inv_std, C);
    const ConstRun gamma(k.gamma ? k.gamma : k.mean, C), beta(k.beta ? k.beta : k.mean, C);  // unread without γ
    // φ over a few columns at once (contiguous, still in L1): per column, the part of C that
    // does not fill a SIMD vector would go through the scalar exp, which costs more than the rest.
    const int columns = std::max(1, 1024 / C);
    // With `act`, y is made in a scratch block at one alignment, kept or not, so φ(y) is the same
    // floats either way; without, y is the layer's output and is written in place.
    float* block = act ? scratch_run(0, static_cast<int64_t>(columns) * C) : nullptr;
    for (int n0 = 0; n0 < N; n0 += columns) {
      const int n1 = std::min(N, n0 + columns);
      const int64_t at = static_cast<int64_t>(n0) * C, size = static_cast<int64_t>(n1 - n0) * C;
      float* made = act ? block : y + at;
      for (int n = n0; n < n1; ++n) {
        Run out(made + static_cast<int64_t>(n - n0) * C, C);
        out = x_hat(x + static_cast<int64_t>(n) * C, C, mu, inv);
        if (k.gamma) out = out * gamma + beta;
      }
      if (!act) continue;
      if (y) std::copy_n(block, size, y + at);
      activate(*act, ConstRun(block, size), Run(a + at, size));
    }
    return;
  }
  for (int n = 0; n < N; ++n)
    for (int c = 0; c < C; ++c) {
      const int64_t at = run_offset(l, n, c);
      const float* run = normalize_run(x + at, S, k, c, act, y ? y + at : nullptr, a ? a + at : nullptr);
      if (sink) sink(n, c, run);
    }
}

void grad_sums(const IncomingGrad& in, const float* x, ChannelLayout l, const NormalizeCoefficients& k, float* sum_g,
               float* sum_g_xhat, float* g) {
  const int C = l.channels, S = l.spatial, N = l.batch;
  if (S == 1) {
    const ConstRun mu(k.mean, C), inv(k.inv_std, C);
    Run sg(sum_g, C), sgx(sum_g_xhat, C);
    sg.setZero();
    sgx.setZero();
    for (int n = 0; n < N; ++n) {
      const int64_t at = static_cast<int64_t>(n) * C;
      const ConstRun gn(run_g(in, x, k, n, 0, at, C, g), C);
      sg += gn;
      sgx += gn * x_hat(x + at, C, mu, inv);
    }
    return;
  }
  std::vector<double>& acc = channel_accumulators(C);  // Σg, then Σg·x̂
  for (int n = 0; n < N; ++n)
    for (int c = 0; c < C; ++c) {
      const int64_t at = run_offset(l, n, c);
      const ConstRun gn(run_g(in, x, k, n, c, at, S, g), S);
      acc[c] += gn.sum();
      acc[C + c] += (gn * x_hat(x + at, S, k.mean[c], k.inv_std[c])).sum();
    }
  for (int c = 0; c < C; ++c) {
    sum_g[c] = static_cast<float>(acc[c]);
    sum_g_xhat[c] = static_cast<float>(acc[C + c]);
  }
}

void input_grad(const float* g, const float* x, ChannelLayout l, const NormalizeCoefficients& k, const float* scale,
                const float* mean_g, const float* mean_g_xhat, float* dx) {
  const int C = l.channels, S = l.spatial, N = l.batch;
  auto run = [&](int64_t at, int64_t size, const auto& mu, const auto& inv, const auto& scale_c, const auto& mg,
                 const auto& mgx) {
    Run out(dx + at, size);
    const ConstRun gn(g + at, size);
    if (mean_g)
      out = ((gn - mg) - x_hat(x + at, size, mu, inv) * mgx) * scale_c;
    else
      out = gn * scale_c;
  };
  if (S == 1) {
    const ConstRun mu(k.mean, C), inv(k.inv_std, C), sc(scale, C);
    const ConstRun mg(mean_g ? mean_g : scale, C), mgx(mean_g_xhat ? mean_g_xhat : scale, C);
    for (int n = 0; n < N; ++n) run(static_cast<int64_t>(n) * C, C, mu, inv, sc, mg, mgx);
    return;
  }
  for (int n = 0; n < N; ++n)
    for (int c = 0; c < C; ++c)
      run(run_offset(l, n, c), S, k.mean[c], k.inv_std[c], scale[c], mean_g ? mean_g[c] : 0.0f,
          mean_g_xhat ? mean_g_xhat[c] : 0.0f);
}

}  // namespace bnlab
