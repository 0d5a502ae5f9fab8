// What this file is: what the window trains: twin runs A (BN on every block) and B (the same
// network without BN), built once the dataset has loaded on a background thread. The sidebar
// edits A's settings; B follows them except where the user set it apart (default: BN off).
#pragma once

#include <future>
#include <memory>
#include <string>

#include "core/train/twin_runs.h"

namespace bnlab::ui {

Config default_config();  // Fashion-MNIST, dense 100/100/100 sigmoid + BN, dense 10, SGD 0.1

class Session {
 public:
  // Starts loading `cfg`'s dataset in the background; the runs start paused when it is there.
  void start(const Config& cfg);
  void update();  // once per frame: picks up the loaded data and builds the runs

  bool loading() const { return loading_; }
  TwinRuns* twins() { return twins_.get(); }
  const Config& config() const { return config_a_; }  // A's settings as last applied
  std::string notice;   // e.g. "Fashion-MNIST is missing: using the spiral set"
  std::string error;    // why nothing could be loaded

  // Edits from the sidebar; each reaches the trainers within one step.
  void set_train(const TrainConfig& train);
  void set_norm_a(int block, bool on);  // only run A: B keeps BN off
  void set_bn_position(const std::string& position);
  void set_bn_momentum(float momentum);
  void play_pause();
  void step();
  void reset();
  bool paused() const;
  void set_speed(double steps_per_second);

 private:
  void post_both(Command::Kind kind, double value = 0.0);
  Config config_a_;
  bool loading_ = false;
  std::future<std::shared_ptr<const DataSplit>> pending_;
  std::unique_ptr<TwinRuns> twins_;
};

}  // namespace bnlab::ui
