// What this file is: a run's history with memory bounded however long the run goes.
// Scalars (loss, accuracy, ...) keep the latest values at full resolution and the whole run as
// buckets of 2^k steps holding min / mean / max, merged in pairs when the list fills up. Probe
// frames keep the recent half of their capacity whole, and of the older ones every 2^k-th
// frame of the run, so those stay evenly spread over the steps however long the run. A reader asks for
// a step range at a given number of points (one per pixel column) and gets min/mean/max per
// point. Writes and reads take a short mutex each; no lock is held while a caller draws.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <vector>

#include "core/probes/probe.h"

namespace bnlab {

struct SeriesPoint {
  int64_t step_lo = 0, step_hi = 0;  // the steps this point covers
  float min = 0.0f, mean = 0.0f, max = 0.0f;
};

class ScalarSeries {
 public:
  explicit ScalarSeries(size_t recent_capacity = 4096, size_t bucket_capacity = 4096)
      : recent_capacity_(recent_capacity), bucket_capacity_(bucket_capacity) {}
  void add(int64_t step, float value);  // steps increase; non-finite values are skipped
  // At most `max_points` points covering [from, to], each the min/mean/max of its share.
  std::vector<SeriesPoint> query(int64_t from, int64_t to, int max_points) const;
  size_t bytes() const;
  int64_t bucket_width() const { return bucket_width_; }
  bool empty() const { return buckets_.empty(); }
  int64_t last_step() const { return buckets_.empty() ? -1 : buckets_.back().last_step; }

 private:
  struct Bucket {
    int64_t first_step, last_step;
    float min, max;
    double sum;
    int64_t count;
  };
  size_t recent_capacity_, bucket_capacity_;
  std::deque<std::pair<int64_t, float>> recent_;  // (step, value), full resolution
  std::vector<Bucket> buckets_;                   // the whole run, bucket_width_ steps each
  int64_t bucket_width_ = 1;
};

class FrameSeries {
 public:
  explicit FrameSeries(size_t capacity = 1024) : capacity_(capacity) {}
  void add(std::shared_ptr<const ProbeFrame> frame);
  // The frames with step in [from, to], at most `max_frames` of them (0: all), evenly spread
  // over the steps: the nearest frame to each of `max_frames` equally spaced steps.
  std::vector<std::shared_ptr<const ProbeFrame>> query(int64_t from, int64_t to, int max_frames) const;
  std::shared_ptr<const ProbeFrame> latest() const { return frames_.empty() ? nullptr : frames_.back(); }
  size_t size() const { return frames_.size(); }
  size_t bytes() const { return bytes_; }

 private:
  size_t capacity_;
  std::vector<std::shared_ptr<const ProbeFrame>> frames_;
  std::vector<int64_t> ordinals_;  // frames_[i] was the ordinals_[i]-th frame added (from 0)
  int64_t added_ = 0;
  int64_t stride_ = 1;  // older frames kept: those whose ordinal is a multiple of it
  size_t bytes_ = 0;
};

// Everything one run records, thread-safe.
class History {
 public:
  enum Series { train_loss, train_accuracy, learning_rate, test_loss, test_accuracy, series_count };
  void add_step(int64_t step, float loss, float accuracy, float lr);
  void add_eval(int64_t step, float loss, float accuracy);
  void add_frame(std::shared_ptr<const ProbeFrame> frame);
  std::vector<SeriesPoint> query(Series s, int64_t from, int64_t to, int max_points) const;
  std::vector<std::shared_ptr<const ProbeFrame>> frames(int64_t from, int64_t to, int max_frames) const;
  size_t bytes() const;
  void clear();

 private:
  mutable std::mutex mutex_;
  ScalarSeries series_[series_count];
  FrameSeries frames_;
};

}  // namespace bnlab
