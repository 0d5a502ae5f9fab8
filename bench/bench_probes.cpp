// What this file is: Google Benchmark micro-benchmarks of the probes: `summarize` on one tap of
// W3's first convolution (half a million values), and a whole probe frame of W3 and W1, the cost
// `bnlab bench` reports as "with probes every 10 steps".
#include <benchmark/benchmark.h>

#include <memory>
#include <vector>

#include "core/probes/probe.h"
#include "core/probes/stats.h"
#include "core/rng.h"
#include "core/tensor.h"
#include "core/train/run.h"
#include "core/train/workloads.h"
#include "random_data.h"

namespace {

using namespace bnlab;

// Arg 0: W3's conv1 output (6 × 24² × 128 values), normal; arg 1: the same through a sigmoid,
// which piles values near 0.5 as a saturating layer does.
void BM_Summarize(benchmark::State& state) {
  const int64_t n = 6 * 24 * 24 * 128;
  Rng rng(3);
  std::vector<float> values(static_cast<size_t>(n)), scratch;
  for (float& v : values) v = state.range(0) ? 1.0f / (1.0f + std::exp(-2.0f * rng.normal())) : rng.normal();
  Histogram hist;
  hist.lo = -1.0f;
  hist.hi = 1.0f;
  for (auto _ : state) {
    hist.bins.assign(64, 0u);
    benchmark::DoNotOptimize(summarize(values.data(), n, scratch, &hist).percentiles[5]);
  }
  state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(BM_Summarize)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

// One probe frame, taken again and again from the taps of one kept step (the Trainer takes one
// every 10 steps).
void BM_ProbeFrame(benchmark::State& state, const char* name) {
  Run run(make_workload(name).config, random_fashion_shaped());
  Prober prober;
  for (int i = 0; i < 3; ++i) run.step(nullptr, Taps::kept);
  const auto before = copy_op_weights(run.model());
  const StepRecord r = run.step(nullptr, Taps::kept);
  for (auto _ : state) benchmark::DoNotOptimize(prober.take(run.model(), r.step, before).get());
}
BENCHMARK_CAPTURE(BM_ProbeFrame, W1, "W1")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_ProbeFrame, W3, "W3")->Unit(benchmark::kMicrosecond);

}  // namespace
