// What this file is: `bnlab bench [--workload NAME] [--steps N]`: steps/s of the training loop
// on Fashion-MNIST with shuffled batches, one thread, and the step's achieved GFLOP/s as a
// fraction of what Eigen's matrix product reaches on the workload's largest product shape.
#include <chrono>
#include <cstdio>
#include <memory>

#include "cli/args.h"
#include "cli/commands.h"
#include <thread>

#include "core/probes/probe.h"
#include "core/train/run.h"
#include "core/train/trainer.h"
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

// Steps/s of two runs of one workload measured side by side, in alternating chunks of 100 steps
// so that the machine's drift affects both alike: `plain` trains alone, `probed` takes a probe
// frame every `probe_every` steps as the Trainer does (weights copied before the step, the
// frame after).
std::pair<double, double> headless_rates(Run& plain, Run& probed, int steps, int probe_every) {
  Prober prober;
  int probed_steps = 0;
  auto probed_step = [&] {
    const bool probe = probe_every > 0 && ++probed_steps % probe_every == 0;
    std::vector<std::vector<float>> before;
    if (probe) before = copy_op_weights(probed.model());
    const StepRecord r = probed.step();
    if (probe) prober.take(probed.model(), r.step, before);
  };
  for (int i = 0; i < std::min(50, steps); ++i) {
    plain.step();
    probed_step();
  }
  double plain_secs = 0.0, probed_secs = 0.0;
  using Clock = std::chrono::steady_clock;
  for (int done = 0; done < steps;) {
    const int chunk = std::min(100, steps - done);
    auto t0 = Clock::now();
    for (int i = 0; i < chunk; ++i) plain.step();
    auto t1 = Clock::now();
    for (int i = 0; i < chunk; ++i) probed_step();
    auto t2 = Clock::now();
    plain_secs += std::chrono::duration<double>(t1 - t0).count();
    probed_secs += std::chrono::duration<double>(t2 - t1).count();
    done += chunk;
  }
  return {steps / plain_secs, steps / probed_secs};
}

// Steps/s of a Trainer on its worker thread (default probes) while this thread reads its
// snapshot 60 times a second, as the window will. Test evaluations are off, as in the headless
// loop it is compared with: this measures what the thread and the snapshots cost.
double threaded_rate(const Config& cfg, std::shared_ptr<const DataSplit> data, double seconds) {
  TrainerOptions options;
  options.start_paused = false;
  options.eval_every = 1 << 30;
  Trainer trainer(cfg, std::move(data), options);
  trainer.start();
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // warm-up
  const int64_t first = trainer.snapshot()->step;
  const auto start = std::chrono::steady_clock::now();
  int64_t last = first;
  while (std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() < seconds) {
    std::this_thread::sleep_for(std::chrono::microseconds(16667));
    last = trainer.snapshot()->step;
  }
  return (last - first) / std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
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
    const int n = w.name == "W3" ? std::max(1, steps / 10) : steps;  // W3's steps are 20x longer
    Run run(w.config, data), probed_run(w.config, data);
    const auto [rate, probed] = headless_rates(run, probed_run, n, TrainerOptions{}.probe_every);
    const double threaded = threaded_rate(w.config, data, n / std::max(rate, 1.0));
    const double gflops = rate * w.flops_per_step / 1e9;
    const double ceiling = eigen_gemm_gflops(w.gemm_m, w.gemm_k, w.gemm_n);
    std::printf("%s  %8.1f steps/s  %6.2f GFLOP/s = %3.0f%% of Eigen's %dx%dx%d product (%.1f GFLOP/s)  [%s]\n",
                w.name.c_str(), rate, gflops, 100.0 * gflops / ceiling, w.gemm_m, w.gemm_k, w.gemm_n, ceiling,
                w.description.c_str());
    std::printf("    with probes every %d steps: %.1f steps/s (%.1f%% of headless); Trainer thread read at 60 Hz: %.1f steps/s (%.1f%% of probed headless)\n",
                TrainerOptions{}.probe_every, probed, 100.0 * probed / rate, threaded, 100.0 * threaded / probed);
    std::fflush(stdout);
  }
  return 0;
}

}  // namespace bnlab
