// What this file is: `bnlab bench [--workload NAME] [--steps N]`: steps/s of the training loop
// on Fashion-MNIST with shuffled batches, one thread, and the step's achieved GFLOP/s as a
// fraction of what Eigen's matrix product reaches on the workload's largest product shape.
// `bnlab bench --twins SECONDS`: the window's default twin runs, headless, in steps/s.
#include <chrono>
#include <cstdio>
#include <memory>

#include "cli/args.h"
#include "cli/commands.h"
#include <thread>

#include "core/probes/probe.h"
#include "core/train/run.h"
#include "core/train/trainer.h"
#include "core/train/twin_runs.h"
#include "core/train/workloads.h"
#include "ui/session.h"

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

// A run that takes a probe frame every `probe_every` steps as the Trainer does (weights copied
// before the step, the frame after).
struct ProbedRun {
  Run& run;
  int probe_every;
  Prober prober;
  int steps = 0;
  void step() {
    const bool probe = probe_every > 0 && ++steps % probe_every == 0;
    std::vector<std::vector<float>> before;
    if (probe) before = copy_op_weights(run.model());
    const StepRecord r = run.step();
    if (probe) prober.take(run.model(), r.step, before);
  }
};

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// Steps/s of a plain run and a probed run of one workload, measured side by side in alternating
// chunks of 100 steps so that the machine's drift affects both alike.
std::pair<double, double> headless_rates(Run& plain, ProbedRun& probed, int steps) {
  for (int i = 0; i < std::min(50, steps); ++i) {
    plain.step();
    probed.step();
  }
  double plain_secs = 0.0, probed_secs = 0.0;
  for (int done = 0; done < steps;) {
    const int chunk = std::min(100, steps - done);
    auto t = Clock::now();
    for (int i = 0; i < chunk; ++i) plain.step();
    plain_secs += seconds_since(t);
    t = Clock::now();
    for (int i = 0; i < chunk; ++i) probed.step();
    probed_secs += seconds_since(t);
    done += chunk;
  }
  return {steps / plain_secs, steps / probed_secs};
}

// Steps/s of a Trainer on its worker thread (default probes) while this thread reads its
// snapshot 60 times a second, as the window will, against the probed headless run: the two
// alternate in half-second slices. Test evaluations are off, as in the headless loop, so
// this measures what the thread and the snapshots cost.
std::pair<double, double> threaded_rates(const Config& cfg, std::shared_ptr<const DataSplit> data, ProbedRun& probed,
                                         double seconds) {
  TrainerOptions options;
  options.eval_every = 1 << 30;
  Trainer trainer(cfg, std::move(data), options);
  trainer.start();
  int64_t trainer_steps = 0, headless_steps = 0;
  double trainer_secs = 0.0, headless_secs = 0.0;
  for (int slice = 0; trainer_secs + headless_secs < seconds || slice < 2; ++slice) {
    trainer.resume();
    while (trainer.snapshot()->paused) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    const int64_t first = trainer.snapshot()->step;
    const auto t = Clock::now();
    for (int poll = 0; poll < 30; ++poll) {  // half a second: W3 takes ~50 steps in it
      std::this_thread::sleep_for(std::chrono::microseconds(16667));
      trainer.snapshot();
    }
    const int64_t done = trainer.snapshot()->step - first;
    const double secs = seconds_since(t);
    trainer.pause();
    while (!trainer.snapshot()->paused) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    if (slice == 0) continue;  // warm-up
    trainer_steps += done;
    trainer_secs += secs;
    const auto h = Clock::now();
    for (int64_t i = 0; i < std::max<int64_t>(1, done); ++i) probed.step();
    headless_secs += seconds_since(h);
    headless_steps += std::max<int64_t>(1, done);
  }
  return {trainer_steps / trainer_secs, headless_steps / headless_secs};
}

// The window's default view without the window: the same twin runs, trainer options and data,
// trained for `seconds`. Its steps/s are what the window's trainers are measured against.
int bench_twins(double seconds) {
  const Config a = ui::default_config();
  auto data = std::make_shared<const DataSplit>(load_data(a.data, a.seed));
  TrainerOptions options;
  options.start_paused = false;
  TwinRuns twins(a, without_norms(a), data, options, true);
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds * 0.1));  // warm-up
  const int64_t a0 = twins.a().snapshot()->step, b0 = twins.b().snapshot()->step;
  const auto t = Clock::now();
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds * 0.9));
  const double secs = seconds_since(t);
  std::printf("{\"steps_per_s_a\": %.0f, \"steps_per_s_b\": %.0f}\n", (twins.a().snapshot()->step - a0) / secs,
              (twins.b().snapshot()->step - b0) / secs);
  return 0;
}

}  // namespace

int bench_command(const std::vector<std::string>& argv) {
  Args args(argv, {"--workload", "--steps", "--twins"});
  if (args.has("--twins")) return bench_twins(static_cast<double>(args.get_int("--twins", 5, 1, 3600)));
  const int steps = static_cast<int>(args.get_int("--steps", 2000, 1, 100000000));
  std::vector<std::string> names = workload_names();
  if (args.has("--workload")) names = {make_workload(args.get("--workload")).name};
  std::shared_ptr<const DataSplit> data;
  for (const std::string& name : names) {
    Workload w = make_workload(name);
    if (!data) data = std::make_shared<const DataSplit>(load_data(w.config.data, 1));
    const int n = w.name == "W3" ? std::max(1, steps / 10) : steps;  // W3's steps are 20x longer
    Run run(w.config, data), probed_run(w.config, data);
    ProbedRun probed_loop{probed_run, TrainerOptions{}.probe_every, Prober()};
    const auto [rate, probed] = headless_rates(run, probed_loop, n);
    const auto [threaded, probed_again] = threaded_rates(w.config, data, probed_loop, std::max(2.0, n / std::max(rate, 1.0)));
    const double gflops = rate * w.flops_per_step / 1e9;
    const double ceiling = eigen_gemm_gflops(w.gemm_m, w.gemm_k, w.gemm_n);
    std::printf("%s  %8.1f steps/s  %6.2f GFLOP/s = %3.0f%% of Eigen's %dx%dx%d product (%.1f GFLOP/s)  [%s]\n",
                w.name.c_str(), rate, gflops, 100.0 * gflops / ceiling, w.gemm_m, w.gemm_k, w.gemm_n, ceiling,
                w.description.c_str());
    std::printf("    with probes every %d steps: %.1f steps/s (%.1f%% of headless); Trainer thread read at 60 Hz: %.1f steps/s "
                "(%.1f%% of probed headless, %.1f steps/s in the same slices)\n",
                TrainerOptions{}.probe_every, probed, 100.0 * probed / rate, threaded, 100.0 * threaded / probed_again,
                probed_again);
    std::fflush(stdout);
  }
  return 0;
}

}  // namespace bnlab
