// What this file is: `bnlab_vs_libtorch [WORKLOAD...] [--rounds R] [--steps N] [--json FILE]
// [--check]`, issue 13's comparison: each workload's training step in bnlab and in LibTorch C++
// (the network built from bnlab's own workload config, torch_net.h), one thread each, in paired
// interleaved rounds of CPU time (side_by_side.h). Prints the medians, the median of the rounds'
// LibTorch/bnlab ratios, GFLOP/s as a share of the FMA peak measured in the same run, and the
// issue's targets. --check instead starts both from bnlab's weights and prints their losses.
// Data: Fashion-MNIST's training set (load_data), as `bnlab bench` uses.
#include <cblas.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/kernels/fma_peak.h"
#include "core/train/workloads.h"
#include "side_by_side.h"
#include "torch_net.h"

namespace bnlab {
namespace {

struct Options {
  std::vector<std::string> workloads;
  int rounds = 9;
  int steps = 0;  // 0: chunks of about 0.3 s
  std::string json;
  bool check = false;
};

const char* kUsage =
    "usage: bnlab_vs_libtorch [WORKLOAD...] [--rounds R] [--steps N] [--json FILE] [--check]\n"
    "  WORKLOAD: W1, W3, CNN, MLP-WIDTH-bBATCH ... (default: W1 W3 CNN and the MLP grid; --check: W1 CNN)\n";

int positive(const std::string& flag, const std::string& value) {
  try {
    size_t used = 0;
    const int n = std::stoi(value, &used);
    if (used == value.size() && n > 0) return n;
  } catch (const std::exception&) {
  }
  throw config_error(flag + ": expected a positive integer, got '" + value + "'");
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw config_error(a + ": needs a value");
      return argv[++i];
    };
    if (a == "--rounds") {
      o.rounds = positive(a, value());
    } else if (a == "--steps") {
      o.steps = positive(a, value());
    } else if (a == "--json") {
      o.json = value();
    } else if (a == "--check") {
      o.check = true;
    } else if (a.starts_with("-")) {
      throw config_error("unknown option " + a);
    } else {
      std::stringstream names(a);  // "W1,W3" as well as "W1 W3"
      for (std::string name; std::getline(names, name, ',');) o.workloads.push_back(name);
    }
  }
  if (o.workloads.empty()) {
    o.workloads = o.check ? std::vector<std::string>{"W1", "CNN"} : std::vector<std::string>{"W1", "W3", "CNN"};
    if (!o.check)
      for (const std::string& name : mlp_grid_names()) o.workloads.push_back(name);
  }
  return o;
}

// Issue 13's targets: bnlab's speed as a multiple of LibTorch's, and the share of the FMA peak
// bnlab's step reaches; 0 where the issue sets none.
double speed_target(const std::string& name) {
  if (name == "W1" || name == "CNN") return 1.5;
  if (name == "W3") return 2.0;
  return name.starts_with("MLP-") ? 1.0 : 0.0;
}
double peak_target(const std::string& name) {
  if (name == "W3" || name == "CNN") return 0.30;
  return name == "MLP-1024-b512" ? 0.60 : 0.0;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

// Both start from bnlab's initial weights and take bnlab's first two batches; their losses and
// their parameters after the two SGD steps should agree to float rounding (~1e-5).
bool check(const Workload& w, std::shared_ptr<const DataSplit> data) {
  Run run(w.config, data);
  TorchLoop torch(w.config, data);
  copy_parameters(run.model(), torch.net());
  float worst = 0.0f;
  std::printf("%-14s", w.name.c_str());
  for (int step = 1; step <= 2; ++step) {
    const float ours = run.step(nullptr, Taps::skipped).loss;  // the path side_by_side measures
    const float theirs = torch.step_on(torch_batch(run.current_batch()), torch_labels(run.current_labels()));
    worst = std::max(worst, std::abs(ours - theirs));
    std::printf("  step %d loss: bnlab %.7f, LibTorch %.7f", step, ours, theirs);
  }
  const double params = max_parameter_difference(run.model(), torch.net());
  const bool agree = worst <= 1e-5f && params <= 1e-5;
  std::printf("  |loss diff| ≤ %.1e, |parameter diff| ≤ %.1e after 2 steps: %s\n", worst, params,
              agree ? "agree" : "DIFFER");
  return agree;
}

nlohmann::json compare(const Workload& w, std::shared_ptr<const DataSplit> data, const Options& o, double peak) {
  Run run(w.config, data);
  TorchLoop torch(w.config, data);
  const SideBySide s = side_by_side(run, torch, o.rounds, o.steps);
  std::vector<double> ratios;
  for (size_t r = 0; r < s.bnlab_ms.size(); ++r) ratios.push_back(s.torch_ms[r] / s.bnlab_ms[r]);
  const double ours = median(s.bnlab_ms), theirs = median(s.torch_ms), ratio = median(ratios);
  const double ours_gflops = w.flops_per_step / (ours * 1e6), theirs_gflops = w.flops_per_step / (theirs * 1e6);
  const auto [low, high] = std::minmax_element(ratios.begin(), ratios.end());
  const double speed = speed_target(w.name), share = peak_target(w.name);
  std::string targets;
  if (speed > 0) targets += " ≥" + std::to_string(speed).substr(0, 3) + "x " + (ratio >= speed ? "PASS" : "MISS");
  if (share > 0)
    targets += "; ≥" + std::to_string(static_cast<int>(share * 100)) + "% peak " +
               (ours_gflops >= share * peak ? "PASS" : "MISS");
  std::printf("%-14s %9.3f %9.3f %6.2fx (%.2f-%.2f) %7.2f %4.0f%% %7.2f %4.0f%% %s\n", w.name.c_str(), ours, theirs,
              ratio, *low, *high, ours_gflops, 100 * ours_gflops / peak, theirs_gflops, 100 * theirs_gflops / peak,
              targets.c_str());
  for (const auto& [side, hidden] : {std::pair{"bnlab", s.bnlab_hidden}, std::pair{"LibTorch", s.torch_hidden}})
    if (hidden > 0.05)
      std::printf("  WARNING: while %s ran, other threads of the process used %.0f%% more CPU than the timed one\n",
                  side, 100 * hidden);
  std::fflush(stdout);  // a row per workload as it ends, also into a pipe
  return {{"workload", w.name},
          {"description", w.description},
          {"bnlab_ms_per_step", ours},
          {"libtorch_ms_per_step", theirs},
          {"ratio_median", ratio},
          {"ratio_min", *low},
          {"ratio_max", *high},
          {"bnlab_gflops", ours_gflops},
          {"libtorch_gflops", theirs_gflops},
          {"bnlab_peak_share", ours_gflops / peak},
          {"libtorch_peak_share", theirs_gflops / peak},
          {"speed_target", speed},
          {"peak_target", share},
          {"bnlab_steps_per_chunk", s.bnlab_chunk},
          {"libtorch_steps_per_chunk", s.torch_chunk},
          {"bnlab_ms_rounds", s.bnlab_ms},
          {"libtorch_ms_rounds", s.torch_ms},
          {"bnlab_hidden_cpu", s.bnlab_hidden},
          {"libtorch_hidden_cpu", s.torch_hidden}};
}

int run_main(int argc, char** argv) {
  const Options o = parse(argc, argv);
  std::string command = argv[0];
  for (int i = 1; i < argc; ++i) command += std::string(" ") + argv[i];
  std::printf("$ %s\n", command.c_str());
  // One thread each: LibTorch's intra-op (OpenMP) and inter-op pools, and the OpenBLAS both link.
  at::set_num_threads(1);
  at::set_num_interop_threads(1);
  openblas_set_num_threads(1);
  std::vector<Workload> ws;
  for (const std::string& name : o.workloads) {
    ws.push_back(make_workload(name));
    try {
      check_translatable(ws.back().config);
    } catch (const Error& e) {
      throw config_error(name + ": " + e.what());
    }
  }
  auto data = std::make_shared<const DataSplit>(load_data(ws.front().config.data, 1));
  std::printf(
      "one thread each; Fashion-MNIST's %d training images, shuffled batches (bnlab) and random "
      "index_select (LibTorch); LibTorch %s\n",
      data->train.size(), TORCH_VERSION);
  if (o.check) {
    bool all = true;
    for (const Workload& w : ws) all = check(w, data) && all;
    return all ? 0 : 1;
  }
  const Peak peak = measure_fma_peak();
  std::printf("FMA peak of this core, measured now: %.1f GFLOP/s (%s)\n", peak.gflops, peak.how.c_str());
  std::printf(
      "%d interleaved rounds per workload (bnlab first in even rounds), ~0.3 s chunks%s; medians of CPU time "
      "of this thread; ratio = LibTorch ms / bnlab ms per round, median (min-max)\n",
      o.rounds, o.steps > 0 ? (" (here " + std::to_string(o.steps) + " steps)").c_str() : "");
  std::printf("%-14s %9s %9s %19s %13s %13s %s\n", "workload", "bnlab ms", "torch ms", "bnlab speedup", "bnlab GF/s",
              "torch GF/s", "targets");
  nlohmann::json out = {{"command", command},
                        {"libtorch", TORCH_VERSION},
                        {"fma_peak_gflops", peak.gflops},
                        {"fma_peak_how", peak.how},
                        {"rounds", o.rounds},
                        {"data", "fashion-mnist train"},
                        {"workloads", nlohmann::json::array()}};
  for (const Workload& w : ws) out["workloads"].push_back(compare(w, data, o, peak.gflops));
  if (!o.json.empty()) {
    std::ofstream f(o.json);
    f << out.dump(2) << "\n";
    if (!f) throw data_error("--json: cannot write " + o.json);
  }
  return 0;
}

}  // namespace
}  // namespace bnlab

int main(int argc, char** argv) {
  try {
    return bnlab::run_main(argc, argv);
  } catch (const bnlab::Error& e) {
    std::fprintf(stderr, "bnlab_vs_libtorch: %s\n%s", e.what(),
                 e.kind() == bnlab::ErrorKind::usage ? bnlab::kUsage : "");
    return e.exit_code();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 1;
  }
}
