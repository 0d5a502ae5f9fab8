// What this file is: the machine's fp32 peak on one core, measured: a loop of independent fused
// multiply-adds on the widest vectors this build targets (AVX-512, AVX2 + FMA, or SSE's separate
// multiply and add in a portable build). `bnlab bench` and the LibTorch comparison print a
// step's GFLOP/s as a fraction of it, measured in the same run.
#pragma once

#include <string>

namespace bnlab {

struct Peak {
  double gflops = 0.0;  // per second of this thread's CPU time
  std::string how;      // "AVX-512 FMA", "AVX2 FMA", "SSE multiply + add"
};

// The best of `tries` runs of about `seconds` each (CPU time of this thread).
Peak measure_fma_peak(double seconds = 0.2, int tries = 3);

}  // namespace bnlab
