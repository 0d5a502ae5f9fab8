// What this file is: axis ticks a reader can read at a glance: steps of 1, 2 or 5 × 10^k on a
// linear axis, decades (with 2 and 5 between them when there is room) on a log axis, and labels
// in a compact form (0.001, 1e-4, 12k).
#pragma once

#include <string>
#include <vector>

namespace bnlab::plot {

struct AxisTicks {
  std::vector<double> major;        // labelled, with a grid line
  std::vector<std::string> labels;  // one per major tick
  std::vector<double> minor;        // unlabelled marks between the majors
};

// The smallest step of the form {1, 2, 5} × 10^k that is at least span / intervals.
double nice_step(double span, int intervals);

// At most `max_ticks` (≥ 2) major ticks inside [lo, hi], at multiples of a nice step.
AxisTicks linear_ticks(double lo, double hi, int max_ticks);

// Ticks for a log axis over [lo, hi] (both > 0): every decade, or every n-th one when there are
// too many; 2 and 5 × 10^k labelled too when there is room; within less than two decades the
// 1-2-5 sequence, and within a narrower range plain linear ticks.
AxisTicks log_ticks(double lo, double hi, int max_ticks);

// A tick label with as many digits as `step` (the distance to the next tick) needs: "0", "0.25",
// "1500", "12k", "2.5M", "1e-4", "2.5e-5". Trailing zeros are dropped.
std::string format_tick(double value, double step);

}  // namespace bnlab::plot
