// What this file is: FramePacer's rules (see the header).
#include "ui/frame_pacer.h"

#include <algorithm>

namespace bnlab::ui {

double FramePacer::next_allowed(bool interactive) const {
  const double at_frame_rate = last_start_ + min_period_;
  if (interactive) return at_frame_rate;
  return std::max(at_frame_rate, last_end_ + cost_ * (1.0 / duty_ - 1.0));
}

bool FramePacer::should_draw(double now, bool animating, bool new_data) const {
  const bool interactive = animating || now - last_input_ < input_linger_;
  if (!interactive && !new_data) return false;
  return now >= next_allowed(interactive);
}

void FramePacer::drew(double start, double end, double cpu) {
  const double cost = std::max({0.0, end - start, cpu});
  // A short memory: a resize or a new theme changes the cost at once.
  cost_ = cost_ == 0.0 ? cost : 0.7 * cost_ + 0.3 * cost;
  last_start_ = start;
  last_end_ = end;
}

double FramePacer::wait(double now, bool animating, bool new_data) const {
  const bool interactive = animating || now - last_input_ < input_linger_;
  // Idle: sleep until an event arrives, but look at the runs now and then (they may start).
  if (!interactive && !new_data) return 0.1;
  return std::clamp(next_allowed(interactive) - now, 0.0, 0.1);
}

}  // namespace bnlab::ui
