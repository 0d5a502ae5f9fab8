// What this file is: Google Benchmark micro-benchmarks of the parts of a training step (dense,
// conv, BN, LN, GN forward + backward) and of whole steps of the workloads on random data of
// the same shapes, to see where the time of `bnlab bench` goes.
#include <benchmark/benchmark.h>

#include <memory>
#include <string>
#include <vector>

#include "core/io/config.h"
#include "core/layers/batch_norm.h"
#include "core/layers/conv2d.h"
#include "core/layers/dense.h"
#include "core/layers/pool2d.h"
#include "core/layers/sample_norm.h"
#include "core/rng.h"
#include "core/train/run.h"
#include "core/train/workloads.h"
#include "random_data.h"

namespace {

using namespace bnlab;

void BM_DenseForwardBackward(benchmark::State& state) {
  const int in = static_cast<int>(state.range(0)), out = static_cast<int>(state.range(1));
  Dense layer(in, out, true);
  Tensor x = random_tensor({in, 1, 1}, 60), dy = random_tensor({out, 1, 1}, 60);
  for (auto _ : state) {
    benchmark::DoNotOptimize(layer.forward(x, Mode::train).data.data());
    benchmark::DoNotOptimize(layer.backward(dy).data.data());
  }
}
BENCHMARK(BM_DenseForwardBackward)->Args({784, 100})->Args({100, 100});

void BM_BatchNorm1dForwardBackward(benchmark::State& state) {
  BatchNorm bn({100, 1, 1}, 0.1f, 1e-5f, true);
  Tensor x = random_tensor({100, 1, 1}, 60), dy = random_tensor({100, 1, 1}, 60);
  for (auto _ : state) {
    benchmark::DoNotOptimize(bn.forward(x, Mode::train).data.data());
    benchmark::DoNotOptimize(bn.backward(dy).data.data());
  }
}
BENCHMARK(BM_BatchNorm1dForwardBackward);

// The norms of W1 and W1-LN/GN (100 units, batch 60) and of W3's first block and W3-LN/GN's
// (6 × 24 × 24, batch 128). Arguments: kind (1 batch, 2 layer, 3 group), channels, size, batch.
void BM_NormForwardBackward(benchmark::State& state) {
  const auto kind = static_cast<NormKind>(state.range(0));
  const Shape shape{static_cast<int>(state.range(1)), static_cast<int>(state.range(2)), static_cast<int>(state.range(2))};
  const int batch = static_cast<int>(state.range(3));
  std::unique_ptr<Norm> norm;
  if (kind == NormKind::batch)
    norm = std::make_unique<BatchNorm>(shape, 0.1f, 1e-5f, true);
  else
    norm = std::make_unique<SampleNorm>(kind, shape, default_groups(shape.c), 1e-5f, true);
  state.SetLabel(std::string(norm_abbreviation(kind)));
  Tensor x = random_tensor(shape, batch), dy = random_tensor(shape, batch);
  for (auto _ : state) {
    benchmark::DoNotOptimize(norm->forward(x, Mode::train).data.data());
    benchmark::DoNotOptimize(norm->backward(dy).data.data());
  }
  state.SetBytesProcessed(state.iterations() * 2 * x.data.size() * int64_t{sizeof(float)});
}
BENCHMARK(BM_NormForwardBackward)
    ->ArgNames({"kind", "c", "hw", "n"})
    ->Args({1, 100, 1, 60})
    ->Args({2, 100, 1, 60})
    ->Args({3, 100, 1, 60})
    ->Args({1, 6, 24, 128})
    ->Args({2, 6, 24, 128})
    ->Args({3, 6, 24, 128});

// Arguments: input channels, size, output channels, kernel, padding, batch, and whether the input
// gradient is needed (0 for a network's first layer).
void BM_Conv2dForwardBackward(benchmark::State& state) {
  const int cin = static_cast<int>(state.range(0)), size = static_cast<int>(state.range(1));
  const int cout = static_cast<int>(state.range(2)), kernel = static_cast<int>(state.range(3));
  const int padding = static_cast<int>(state.range(4)), batch = static_cast<int>(state.range(5));
  Conv2d conv({cin, size, size}, cout, kernel, 1, padding, false);
  conv.set_input_grad(state.range(6) != 0);
  Tensor x = random_tensor({cin, size, size}, batch);
  Tensor dy = random_tensor(conv.output_shape({}), batch);
  for (auto _ : state) {
    benchmark::DoNotOptimize(conv.forward(x, Mode::train).data.data());
    benchmark::DoNotOptimize(conv.backward(dy).data.data());
  }
}
// W3's two convolutions (LeNet, batch 128), then CNN's (3 × 3, padding 1, batch 64).
BENCHMARK(BM_Conv2dForwardBackward)
    ->ArgNames({"cin", "hw", "cout", "k", "pad", "n", "dx"})
    ->Args({1, 28, 6, 5, 0, 128, 0})
    ->Args({6, 12, 16, 5, 0, 128, 1})
    ->Args({1, 28, 32, 3, 1, 64, 0})
    ->Args({32, 14, 64, 3, 1, 64, 1});

// The pools of W3 (avg 2 × 2 after each conv, batch 128) and CNN (max 2 × 2, batch 64).
// Arguments: type (0 avg, 1 max), channels, size, batch.
void BM_Pool2dForwardBackward(benchmark::State& state) {
  const Shape shape{static_cast<int>(state.range(1)), static_cast<int>(state.range(2)), static_cast<int>(state.range(2))};
  Pool2d pool(shape, state.range(0) == 0 ? PoolType::avg : PoolType::max, 2);
  Tensor x = random_tensor(shape, static_cast<int>(state.range(3)));
  Tensor dy = random_tensor(pool.output_shape({}), static_cast<int>(state.range(3)));
  for (auto _ : state) {
    benchmark::DoNotOptimize(pool.forward(x, Mode::train).data.data());
    benchmark::DoNotOptimize(pool.backward(dy).data.data());
  }
}
BENCHMARK(BM_Pool2dForwardBackward)
    ->ArgNames({"max", "c", "hw", "n"})
    ->Args({0, 6, 24, 128})
    ->Args({0, 16, 8, 128})
    ->Args({1, 32, 28, 64})
    ->Args({1, 64, 14, 64});

void BM_WorkloadStep(benchmark::State& state, const char* name) {
  Workload w = make_workload(name);
  auto data = random_fashion_shaped();
  Run run(w.config, data);
  for (auto _ : state) benchmark::DoNotOptimize(run.step(nullptr, Taps::skipped).loss);
  state.counters["FLOP/s"] = benchmark::Counter(w.flops_per_step, benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK_CAPTURE(BM_WorkloadStep, W1, "W1");
BENCHMARK_CAPTURE(BM_WorkloadStep, W2, "W2");
BENCHMARK_CAPTURE(BM_WorkloadStep, W3, "W3");
BENCHMARK_CAPTURE(BM_WorkloadStep, W1-LN, "W1-LN");
BENCHMARK_CAPTURE(BM_WorkloadStep, W3-GN, "W3-GN");
BENCHMARK_CAPTURE(BM_WorkloadStep, CNN, "CNN");
// The MLP grid of issue 13, BM_WorkloadStep/MLP-64-b32 … BM_WorkloadStep/MLP-1024-b512.
const bool mlp_grid_registered = [] {
  static const std::vector<std::string> names = mlp_grid_names();
  for (const std::string& name : names)
    benchmark::RegisterBenchmark(("BM_WorkloadStep/" + name).c_str(), BM_WorkloadStep, name.c_str());
  return true;
}();

// W1's steps with what the ICS and smoothness labs ask of the trainer while they are shown, at
// their default of every 10 steps: Santurkar et al.'s ICS (arg 1: a forward and backward per
// block), the smoothness along the gradient (arg 2: 8 of them), or both (3). Arg 0 is the plain
// step, for the ratio.
void BM_W1StepMeasuring(benchmark::State& state) {
  Workload w = make_workload("W1");
  Run run(w.config, random_fashion_shaped());
  const bool ics = state.range(0) & 1, smoothness = state.range(0) & 2;
  int64_t n = 0;
  for (auto _ : state) {
    const bool measure = ++n % 10 == 0;
    StepExtras extras;
    extras.ics = ics && measure;
    extras.smoothness = smoothness && measure;
    benchmark::DoNotOptimize(run.step(extras.ics || extras.smoothness ? &extras : nullptr).loss);
  }
}
BENCHMARK(BM_W1StepMeasuring)->Arg(0)->Arg(1)->Arg(2)->Arg(3);

}  // namespace
