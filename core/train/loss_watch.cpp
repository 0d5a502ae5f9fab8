// What this file is: the loss-far-above-its-start rule (loss_watch.h).
#include "core/train/loss_watch.h"

#include <cmath>

namespace bnlab {

void LossWatch::add(int64_t step, float loss) {
  if (!std::isfinite(loss)) return;
  if (!started_) {
    started_ = true;
    alarm_.start = loss;
    alarm_.factor = settings_.factor;
    alarm_.window = settings_.window;
  }
  recent_.push_back(loss);
  recent_sum_ += loss;
  if (static_cast<int>(recent_.size()) > settings_.window) {
    recent_sum_ -= recent_.front();
    recent_.pop_front();
  }
  alarm_.recent = static_cast<float>(recent_sum_ / static_cast<double>(recent_.size()));
  // A start of 0 (a network that already fits its first batch exactly) has no multiple to be
  // above; a window not yet full is not a mean of `window` steps.
  const bool above = alarm_.start > 0.0f && static_cast<int>(recent_.size()) == settings_.window &&
                     alarm_.recent > settings_.factor * alarm_.start;
  if (!above) {
    above_from_ = -1;
    alarm_.since = -1;
    return;
  }
  if (above_from_ < 0) above_from_ = step;
  if (step - above_from_ + 1 >= settings_.patience) alarm_.since = above_from_;
}

}  // namespace bnlab
