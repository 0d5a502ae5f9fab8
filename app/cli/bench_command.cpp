// What this file is: `bnlab bench [--workload NAME] [--steps N]`: steps per CPU second of the training loop
// on Fashion-MNIST with shuffled batches, one thread, and the step's achieved GFLOP/s as a
// fraction of one core's fp32 peak, measured in the same run by an FMA loop (fma_peak.h).
// `bnlab bench --compare W1,W1-LN,...`: workloads' steps side by side in interleaved rounds,
// each against the BN workload on its network. `bnlab bench --twins SECONDS`: the window's
// default twin runs, headless, in steps/s.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <memory>
#include <sstream>
#include <string>
#include <thread>

#include "cli/args.h"
#include "cli/commands.h"

#include "core/cpu_time.h"
#include "core/kernels/fma_peak.h"
#include "core/probes/probe.h"
#include "core/train/run.h"
#include "core/train/trainer.h"
#include "core/train/twin_runs.h"
#include "core/train/workloads.h"
#include "ui/session.h"

namespace bnlab {
namespace {

// A workload's share of `steps`: W1 and smaller ones run all of them, a larger one as many as
// take W1's FLOPs (W3 about a seventh, MLP-1024-b512 a three-hundredth), at least 5.
int scaled_steps(const Workload& w, int steps) {
  const double w1 = make_workload("W1").flops_per_step;
  return std::max(std::min(steps, 5), static_cast<int>(steps * std::min(1.0, w1 / w.flops_per_step)));
}

// "12.3 GFLOP/s = 45% of peak": a step's rate against one core's FMA peak, measured in this run.
std::string gflops_text(const Workload& w, double steps_per_s, const Peak& peak) {
  const double gflops = steps_per_s * w.flops_per_step / 1e9;
  char buf[96];
  std::snprintf(buf, sizeof buf, "%6.2f GFLOP/s = %3.0f%% of peak", gflops, 100.0 * gflops / peak.gflops);
  return buf;
}

void print_peak(const Peak& peak) {
  std::printf("peak: %.1f GFLOP/s on one core (%s loop, measured now, this thread's CPU time)\n", peak.gflops,
              peak.how.c_str());
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
    const StepRecord r = run.step(nullptr, probe ? Taps::kept : Taps::skipped);
    if (probe) prober.take(run.model(), r.step, before);
  }
};

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// Steps per CPU second of a plain run and a probed run of one workload, measured side by side in
// alternating chunks of 100 steps so that the machine's drift affects both alike.
std::pair<double, double> headless_rates(Run& plain, ProbedRun& probed, int steps) {
  for (int i = 0; i < std::min(50, steps); ++i) {
    plain.step(nullptr, Taps::skipped);
    probed.step();
  }
  double plain_secs = 0.0, probed_secs = 0.0;
  for (int done = 0; done < steps;) {
    const int chunk = std::min(100, steps - done);
    double t = thread_cpu_seconds();
    for (int i = 0; i < chunk; ++i) plain.step(nullptr, Taps::skipped);
    plain_secs += thread_cpu_seconds() - t;
    t = thread_cpu_seconds();
    for (int i = 0; i < chunk; ++i) probed.step();
    probed_secs += thread_cpu_seconds() - t;
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

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

// The workloads' plain training steps side by side: every round runs `steps` steps of each
// workload (a tenth for W3's network, whose steps are 20x longer) in an order that rotates
// from round to round, so the machine's drift and a workload's place in the round fall on all
// alike. Steps are timed in this thread's CPU time (wall-clock steps/s are printed beside). A
// workload with a BN baseline is reported as the median over rounds of its step's time divided
// by the baseline's in the same round; the baseline is added when not named.
int bench_compare(const std::string& list, int rounds, int steps) {
  std::vector<Workload> ws;
  auto add = [&ws](const std::string& name) {
    for (const Workload& w : ws)
      if (w.name == name) return;
    ws.push_back(make_workload(name));
  };
  std::stringstream names(list);
  for (std::string name; std::getline(names, name, ',');) add(name);
  for (size_t i = 0, n = ws.size(); i < n; ++i)
    if (!ws[i].baseline.empty()) add(ws[i].baseline);
  auto data = std::make_shared<const DataSplit>(load_data(ws.front().config.data, 1));
  std::vector<std::unique_ptr<Run>> runs;
  std::vector<int> chunk;
  for (const Workload& w : ws) {
    runs.push_back(std::make_unique<Run>(w.config, data));
    chunk.push_back(scaled_steps(w, steps));
    for (int i = 0; i < std::max(5, chunk.back() / 10); ++i) runs.back()->step();  // warm-up
  }
  const size_t n = ws.size();
  std::vector<std::vector<double>> rates(n), wall_rates(n);
  for (int round = 0; round < rounds; ++round) {
    for (size_t i = 0; i < n; ++i) {
      const size_t at = (i + static_cast<size_t>(round)) % n;
      const auto t = Clock::now();
      const double cpu = thread_cpu_seconds();
      for (int s = 0; s < chunk[at]; ++s) runs[at]->step();
      rates[at].push_back(chunk[at] / (thread_cpu_seconds() - cpu));
      wall_rates[at].push_back(chunk[at] / seconds_since(t));
    }
  }
  const Peak peak = measure_fma_peak();
  std::printf("%d interleaved rounds, median steps per CPU second (and per wall second); cost = this step's CPU time / "
              "the baseline's in the same round, median of the rounds\n",
              rounds);
  print_peak(peak);
  for (size_t i = 0; i < n; ++i) {
    std::printf("%-13s %8.1f steps/s (wall %8.1f)  %s", ws[i].name.c_str(), median(rates[i]), median(wall_rates[i]),
                gflops_text(ws[i], median(rates[i]), peak).c_str());
    size_t base = 0;
    while (base < n && ws[base].name != ws[i].baseline) ++base;
    if (base < n) {
      std::vector<double> cost;
      for (int r = 0; r < rounds; ++r) cost.push_back(rates[base][r] / rates[i][r]);
      std::printf("  cost %.2fx %s's (rounds %.2f-%.2f)", median(cost), ws[base].name.c_str(),
                  *std::min_element(cost.begin(), cost.end()), *std::max_element(cost.begin(), cost.end()));
    }
    std::printf("  [%s]\n", ws[i].description.c_str());
  }
  return 0;
}

}  // namespace

int bench_command(const std::vector<std::string>& argv) {
  Args args(argv, {"--workload", "--steps", "--twins", "--compare", "--rounds"});
  if (args.has("--twins")) return bench_twins(static_cast<double>(args.get_int("--twins", 5, 1, 3600)));
  const int steps = static_cast<int>(args.get_int("--steps", 2000, 1, 100000000));
  if (args.has("--compare"))
    return bench_compare(args.get("--compare"), static_cast<int>(args.get_int("--rounds", 9, 1, 1000)), steps);
  std::vector<std::string> names = workload_names();
  if (args.has("--workload")) names = {make_workload(args.get("--workload")).name};
  std::shared_ptr<const DataSplit> data;
  const Peak peak = measure_fma_peak();
  print_peak(peak);
  for (const std::string& name : names) {
    Workload w = make_workload(name);
    if (!data) data = std::make_shared<const DataSplit>(load_data(w.config.data, 1));
    const int n = scaled_steps(w, steps);
    Run run(w.config, data), probed_run(w.config, data);
    ProbedRun probed_loop{probed_run, TrainerOptions{}.probe_every, Prober()};
    const auto [rate, probed] = headless_rates(run, probed_loop, n);
    const auto [threaded, probed_again] = threaded_rates(w.config, data, probed_loop, std::max(2.0, n / std::max(rate, 1.0)));
    std::printf("%-13s %8.1f steps/CPU s  %s  [%s]\n", w.name.c_str(), rate, gflops_text(w, rate, peak).c_str(),
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
