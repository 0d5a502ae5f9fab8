// What this file is: the bounded series behind History.
#include "core/train/history.h"

#include <algorithm>
#include <cmath>

namespace bnlab {
namespace {

// Folds points into `max_points` columns of equal step width over [from, to].
std::vector<SeriesPoint> to_columns(const std::vector<SeriesPoint>& points, int64_t from, int64_t to, int max_points) {
  if (points.size() <= static_cast<size_t>(std::max(max_points, 1))) return points;
  const double width = static_cast<double>(to - from + 1) / max_points;
  std::vector<SeriesPoint> out;
  std::vector<double> weights;
  int64_t column = -1;
  for (const SeriesPoint& p : points) {
    const int64_t c = std::min<int64_t>(max_points - 1, static_cast<int64_t>((p.step_lo - from) / width));
    const double w = static_cast<double>(p.step_hi - p.step_lo + 1);
    if (c != column) {
      out.push_back(p);
      weights.push_back(w);
      column = c;
      continue;
    }
    SeriesPoint& o = out.back();
    const double total = weights.back() + w;
    o.mean = static_cast<float>((o.mean * weights.back() + p.mean * w) / total);
    weights.back() = total;
    o.min = std::min(o.min, p.min);
    o.max = std::max(o.max, p.max);
    o.step_hi = p.step_hi;
  }
  return out;
}

}  // namespace

void ScalarSeries::add(int64_t step, float value) {
  if (!std::isfinite(value)) return;
  recent_.emplace_back(step, value);
  if (recent_.size() > recent_capacity_) recent_.pop_front();
  if (!buckets_.empty() && buckets_.back().first_step / bucket_width_ == step / bucket_width_) {
    Bucket& b = buckets_.back();
    b.last_step = step;
    b.min = std::min(b.min, value);
    b.max = std::max(b.max, value);
    b.sum += value;
    ++b.count;
  } else {
    buckets_.push_back({step, step, value, value, value, 1});
  }
  if (buckets_.size() > bucket_capacity_) {
    // Merge neighbours whose steps share a bucket of twice the width.
    bucket_width_ *= 2;
    std::vector<Bucket> merged;
    merged.reserve(buckets_.size() / 2 + 1);
    for (const Bucket& b : buckets_) {
      if (!merged.empty() && merged.back().first_step / bucket_width_ == b.first_step / bucket_width_) {
        Bucket& m = merged.back();
        m.last_step = b.last_step;
        m.min = std::min(m.min, b.min);
        m.max = std::max(m.max, b.max);
        m.sum += b.sum;
        m.count += b.count;
      } else {
        merged.push_back(b);
      }
    }
    buckets_ = std::move(merged);
  }
}

std::vector<SeriesPoint> ScalarSeries::query(int64_t from, int64_t to, int max_points) const {
  std::vector<SeriesPoint> points;
  if (!recent_.empty() && from >= recent_.front().first) {
    // Entirely within the full-resolution window.
    for (const auto& [step, v] : recent_)
      if (step >= from && step <= to) points.push_back({step, step, v, v, v});
  } else {
    for (const Bucket& b : buckets_)
      if (b.last_step >= from && b.first_step <= to)
        points.push_back({b.first_step, b.last_step, b.min, static_cast<float>(b.sum / b.count), b.max});
  }
  return to_columns(points, from, to, max_points);
}

size_t ScalarSeries::bytes() const {
  return sizeof(*this) + recent_.size() * sizeof(recent_.front()) + buckets_.capacity() * sizeof(Bucket);
}

void FrameSeries::add(std::shared_ptr<const ProbeFrame> frame) {
  bytes_ += frame->bytes();
  frames_.push_back(std::move(frame));
  ordinals_.push_back(added_++);
  if (frames_.size() <= capacity_) return;
  // The newest capacity/2 frames stay. Of the older ones, every stride-th frame of the run stays,
  // the stride doubling until they are at most capacity/4: evenly spread over the old steps (a
  // thinning that halves only the older half again and again leaves the run's start nearly empty).
  const int64_t recent_from = added_ - static_cast<int64_t>(capacity_ / 2);
  while (recent_from / stride_ > static_cast<int64_t>(capacity_ / 4)) stride_ *= 2;
  size_t kept = 0;
  for (size_t i = 0; i < frames_.size(); ++i) {
    if (ordinals_[i] < recent_from && ordinals_[i] % stride_ != 0) {
      bytes_ -= frames_[i]->bytes();
      continue;
    }
    frames_[kept] = std::move(frames_[i]);
    ordinals_[kept] = ordinals_[i];
    ++kept;
  }
  frames_.resize(kept);
  ordinals_.resize(kept);
}

std::vector<std::shared_ptr<const ProbeFrame>> FrameSeries::query(int64_t from, int64_t to, int max_frames) const {
  std::vector<std::shared_ptr<const ProbeFrame>> in_range;
  for (const auto& f : frames_)
    if (f->step >= from && f->step <= to) in_range.push_back(f);
  if (max_frames <= 0 || in_range.size() <= static_cast<size_t>(max_frames)) return in_range;
  // Evenly spread over the steps, not over the list: the recent frames are denser than the old
  // ones, and picking by position would crowd a plot's right end.
  std::vector<std::shared_ptr<const ProbeFrame>> out;
  const double first = static_cast<double>(in_range.front()->step), last = static_cast<double>(in_range.back()->step);
  size_t j = 0;
  for (int i = 0; i < max_frames; ++i) {
    const double target = first + (last - first) * i / std::max(1, max_frames - 1);
    auto distance = [&](size_t k) { return std::abs(static_cast<double>(in_range[k]->step) - target); };
    while (j + 1 < in_range.size() && distance(j + 1) <= distance(j)) ++j;
    if (out.empty() || out.back() != in_range[j]) out.push_back(in_range[j]);
  }
  return out;
}

void History::add_step(int64_t step, float loss, float accuracy, float lr) {
  std::lock_guard lock(mutex_);
  series_[train_loss].add(step, loss);
  series_[train_accuracy].add(step, accuracy);
  series_[learning_rate].add(step, lr);
}

void History::add_eval(int64_t step, float loss, float accuracy) {
  std::lock_guard lock(mutex_);
  series_[test_loss].add(step, loss);
  series_[test_accuracy].add(step, accuracy);
}

void History::add_frame(std::shared_ptr<const ProbeFrame> frame) {
  std::lock_guard lock(mutex_);
  frames_.add(std::move(frame));
}

std::vector<SeriesPoint> History::query(Series s, int64_t from, int64_t to, int max_points) const {
  std::lock_guard lock(mutex_);
  return series_[s].query(from, to, max_points);
}

std::vector<std::shared_ptr<const ProbeFrame>> History::frames(int64_t from, int64_t to, int max_frames) const {
  std::lock_guard lock(mutex_);
  return frames_.query(from, to, max_frames);
}

size_t History::bytes() const {
  std::lock_guard lock(mutex_);
  size_t b = frames_.bytes();
  for (const ScalarSeries& s : series_) b += s.bytes();
  return b;
}

void History::clear() {
  std::lock_guard lock(mutex_);
  for (ScalarSeries& s : series_) s = ScalarSeries();
  frames_ = FrameSeries();
}

}  // namespace bnlab
