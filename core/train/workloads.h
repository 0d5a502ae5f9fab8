// What this file is: the benchmark workloads (issue 3's W1-W3 and issue 11's W1-LN, W1-GN,
// W3-LN, W3-GN), shared by `bnlab bench` and bench/, so both measure the same networks as
// bench/compare_pytorch.py.
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
  int gemm_m = 0, gemm_k = 0, gemm_n = 0;  // the step's largest matrix product, (m×k)·(k×n)
};

// What a plain `bnlab bench` runs: W1, W2, W3, W1-LN, W3-GN. make_workload knows W1-GN and
// W3-LN too.
std::vector<std::string> workload_names();
// Throws a config error naming the workload when it is unknown.
Workload make_workload(const std::string& name);

}  // namespace bnlab
