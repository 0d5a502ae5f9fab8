// What this file is: `bnlab bench [--workload NAME] [--steps N]`: steps/s of the training loop
// on Fashion-MNIST with shuffled batches, one thread, and the step's achieved GFLOP/s.
#include <chrono>
#include <cstdio>
#include <memory>

#include "cli/args.h"
#include "cli/commands.h"
#include "core/train/run.h"
#include "core/train/workloads.h"

namespace bnlab {

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
    std::printf("%s  %-80s  %8.1f steps/s  %6.2f GFLOP/s\n", w.name.c_str(), w.description.c_str(), rate,
                rate * w.flops_per_step / 1e9);
    std::fflush(stdout);
  }
  return 0;
}

}  // namespace bnlab
