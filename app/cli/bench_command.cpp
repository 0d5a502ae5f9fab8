// What this file is: `bnlab bench [--workload NAME] [--steps N]`: steps/s of the training loop
// on Fashion-MNIST with shuffled batches, one thread, and the step's achieved GFLOP/s as a
// fraction of what Eigen's matrix product reaches on the workload's largest product shape.
#include <chrono>
#include <cstdio>
#include <memory>

#include "cli/args.h"
#include "cli/commands.h"
#include "core/train/run.h"
#include "core/train/workloads.h"

namespace bnlab {
namespace {

// GFLOP/s of Eigen's (m×k)·(k×n) float product, the ceiling a training step can approach.
double eigen_gemm_gflops(int m, int k, int n) {
  const RowMatrix a = RowMatrix::Random(m, k);
  const Matrix b = Matrix::Random(k, n);
  Matrix c(m, n);
  int reps = 0;
  const auto start = std::chrono::steady_clock::now();
  double secs = 0.0;
  while (secs < 0.3) {
    c.noalias() = a * b;
    ++reps;
    secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }
  return 2.0 * m * k * n * reps / secs / 1e9 + 0.0 * c(0, 0);
}

}  // namespace

int bench_command(const std::vector<std::string>& argv) {
  Args args(argv, {"--workload", "--steps"});
  const int steps = static_cast<int>(args.get_int("--steps", 2000, 1, 100000000));
  std::vector<std::string> names = workload_names();
  if (args.has("--workload")) names = {make_workload(args.get("--workload")).name};
  std::shared_ptr<const DataSplit> data;
  for (const std::string& name : names) {
    Workload w = make_workload(name);
    if (!data) data = std::make_shared<const DataSplit>(load_data(w.config.data, 1));
    Run run(w.config, data);
    const int warmup = std::min(50, steps);
    for (int i = 0; i < warmup; ++i) run.step();
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < steps; ++i) run.step();
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const double rate = steps / secs;
    const double gflops = rate * w.flops_per_step / 1e9;
    const double ceiling = eigen_gemm_gflops(w.gemm_m, w.gemm_k, w.gemm_n);
    std::printf("%s  %8.1f steps/s  %6.2f GFLOP/s = %3.0f%% of Eigen's %dx%dx%d product (%.1f GFLOP/s)  [%s]\n",
                w.name.c_str(), rate, gflops, 100.0 * gflops / ceiling, w.gemm_m, w.gemm_k, w.gemm_n, ceiling,
                w.description.c_str());
    std::fflush(stdout);
  }
  return 0;
}

}  // namespace bnlab
