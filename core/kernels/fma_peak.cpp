// What this file is: the FMA loop behind measure_fma_peak.
#include "core/kernels/fma_peak.h"

#include <immintrin.h>

#include <algorithm>

#include "core/cpu_time.h"

namespace bnlab {
namespace {

// kChains independent accumulators: an FMA's result is ready after ~4 cycles and two issue per
// cycle, so at least 8 must be in flight; 12 leave room, and fit the 16 registers of AVX2.
constexpr int kChains = 12;

#if defined(__AVX512F__)
using Vec = __m512;
constexpr int kLanes = 16;
inline Vec splat(float v) { return _mm512_set1_ps(v); }
inline Vec step(Vec acc, Vec m, Vec a) { return _mm512_fmadd_ps(acc, m, a); }
inline float first(Vec v) { return _mm512_cvtss_f32(v); }
constexpr const char* kHow = "AVX-512 FMA";
constexpr int kFlopsPerStep = 2;
#elif defined(__AVX2__) && defined(__FMA__)
using Vec = __m256;
constexpr int kLanes = 8;
inline Vec splat(float v) { return _mm256_set1_ps(v); }
inline Vec step(Vec acc, Vec m, Vec a) { return _mm256_fmadd_ps(acc, m, a); }
inline float first(Vec v) { return _mm256_cvtss_f32(v); }
constexpr const char* kHow = "AVX2 FMA";
constexpr int kFlopsPerStep = 2;
#else
using Vec = __m128;
constexpr int kLanes = 4;
inline Vec splat(float v) { return _mm_set1_ps(v); }
inline Vec step(Vec acc, Vec m, Vec a) { return _mm_add_ps(_mm_mul_ps(acc, m), a); }
inline float first(Vec v) { return _mm_cvtss_f32(v); }
constexpr const char* kHow = "SSE multiply + add";
constexpr int kFlopsPerStep = 2;
#endif

// `iterations` rounds of kChains multiply-adds; the result is returned so none is optimized away.
// acc·0.999 + 0.001 stays near 1: no overflow, no denormals.
float run(long iterations) {
  Vec acc[kChains];
  for (int c = 0; c < kChains; ++c) acc[c] = splat(1.0f + 0.01f * static_cast<float>(c));
  const Vec m = splat(0.999f), a = splat(0.001f);
  for (long i = 0; i < iterations; ++i)
    for (int c = 0; c < kChains; ++c) acc[c] = step(acc[c], m, a);
  float sum = 0.0f;
  for (int c = 0; c < kChains; ++c) sum += first(acc[c]);
  return sum;
}

}  // namespace

Peak measure_fma_peak(double seconds, int tries) {
  Peak best{0.0, kHow};
  volatile float sink = 0.0f;
  long iterations = 1 << 16;
  for (int t = 0; t < tries; ++t) {
    double used = 0.0;
    while (true) {  // grow the loop until one run takes `seconds`
      const double start = thread_cpu_seconds();
      sink = sink + run(iterations);
      used = thread_cpu_seconds() - start;
      if (used >= seconds) break;
      iterations *= 2;
    }
    const double flops = static_cast<double>(iterations) * kChains * kLanes * kFlopsPerStep;
    best.gflops = std::max(best.gflops, flops / used / 1e9);
  }
  return best;
}

}  // namespace bnlab
