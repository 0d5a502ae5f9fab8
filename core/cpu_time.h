// What this file is: the CPU seconds a clock has counted (CLOCK_THREAD_CPUTIME_ID: this thread's,
// CLOCK_PROCESS_CPUTIME_ID: every thread's). Benchmarks and the window's frame statistics time
// in CPU time: on a shared machine wall time mostly measures the wait for a core.
#pragma once

#include <time.h>

namespace bnlab {

inline double cpu_seconds(clockid_t clock) {
  timespec t{};
  clock_gettime(clock, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

inline double thread_cpu_seconds() { return cpu_seconds(CLOCK_THREAD_CPUTIME_ID); }

}  // namespace bnlab
