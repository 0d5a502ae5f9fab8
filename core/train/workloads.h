// What this file is: the benchmark workloads (issue 3's W1-W3, issue 11's W1-LN, W1-GN, W3-LN,
// W3-GN, issue 13's CNN and MLP-WIDTH-bBATCH), shared by `bnlab bench` and bench/, so both
// measure the same networks as bench/compare_pytorch.py and the LibTorch loop.
#pragma once

#include <string>
#include <vector>

#include "core/io/config.h"

namespace bnlab {

struct Workload {
  std::string name;
  std::string description;
  Config config;
  // The workload with BN on the same network (W1 for W1-LN), whose step this one's is compared
  // with; empty for the BN workloads themselves and W2.
  std::string baseline;
  double flops_per_step = 0.0;  // multiply-adds × 2 of the products and convolutions, fwd + bwd
};

// What a plain `bnlab bench` runs: W1, W2, W3, W1-LN, W3-GN, CNN and MLP-1024-b512.
// make_workload knows W1-GN, W3-LN and every MLP-WIDTH-bBATCH too.
std::vector<std::string> workload_names();
// The speed issue's MLPs: widths {64, 256, 1024} × batches {32, 128, 512}, "MLP-64-b32" …
std::vector<std::string> mlp_grid_names();
// Throws a config error naming the workload when it is unknown.
Workload make_workload(const std::string& name);

}  // namespace bnlab
