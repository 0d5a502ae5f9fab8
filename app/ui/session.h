// What this file is: what the window trains: twin runs A (by default BN on every block) and B
// (the same network without a norm). The sidebar edits two things:
//   - live settings (learning rate, optimizer, BN momentum and position, the norm per block of
//     A, speed) reach the trainers within one step;
//   - the draft (dataset, blocks, init, BN ε and affine, dropout), which needs new networks and
//     applies on reset. A new dataset loads in the background while the old runs go on; if it
//     cannot be loaded, what is missing is said, the draft keeps what the user typed (to correct
//     it), and nothing the user had is lost.
// B follows A's settings except the norms, which are off on every block of B unless chosen for B
// (in the network view), and except the learning settings (learning rate, batch size,
// optimizer, weight decay) once the user gives B its own.
#pragma once

#include <future>
#include <optional>
#include <memory>
#include <string>
#include <vector>

#include "core/train/twin_runs.h"
#include "ui/problems.h"

namespace bnlab::ui {

Config default_config();  // Fashion-MNIST, dense 100/100/100 sigmoid + BN, dense 10, SGD 0.1

class Session {
 public:
  // Starts loading `cfg`'s dataset in the background; the runs start paused when it is there.
  // If it cannot be loaded, `cfg` stays what the session holds (no runs) and data_problem says
  // why, unless `spiral_may_stand_in` (the default view's Fashion-MNIST): then the generated
  // spiral set stands in.
  void start(const Config& cfg, bool spiral_may_stand_in = false);
  void update();  // once per frame: picks up loaded data and builds the runs

  bool loading() const { return loading_; }
  TwinRuns* twins() { return twins_.get(); }
  const TwinRuns* twins() const { return twins_.get(); }
  const Config& config() const { return applied_; }  // what the runs train now (A's settings)
  Config& draft() { return draft_; }                 // edited by the sidebar; applies on reset
  const Config& draft() const { return draft_; }
  // What to reopen next time: the draft, or what was asked for if it fell back to the spiral set.
  const Config& chosen_config() const { return fallback_for_ ? *fallback_for_ : draft_; }
  bool needs_rebuild() const;   // the draft differs from what runs, in a way only reset applies
  void discard_draft();         // back to what runs
  std::string notice;  // e.g. "Fashion-MNIST is missing: using the spiral set"
  std::string error;   // the last thing that could not be applied, in words
  // The last dataset that could not be loaded (at start: no runs until another folder is chosen);
  // cleared when a dataset loads or the draft's data is discarded.
  std::optional<DataProblem> data_problem;

  // Live edits; each reaches the trainers within one step.
  void set_train(const TrainConfig& train);  // A's; B's too unless B has its own
  // B's own learning settings: from now on B keeps them (through resets) and A's edits leave B
  // alone, until follow_a() hands B A's settings again.
  void set_train_b(const TrainConfig& train);
  void follow_a();
  bool b_has_own_train() const { return train_b_ != nullptr; }
  const TrainConfig& train_b() const { return train_b_ ? *train_b_ : applied_.train; }
  bool editing_b = false;  // the sidebar shows B's learning settings (read only while B has its own)
  // Block `block` (not the output) of run `run` (0: A, 1: B) gets norm `kind`, live. A's norms
  // are its config's (and the draft's); B's are its own, off everywhere unless chosen here, and
  // kept on reset. GroupNorm takes the block's groups if they divide it, else default_groups.
  void set_norm(int run, int block, NormKind kind);
  NormKind norm(int run, int block) const;  // none for the output block or no such block
  const std::vector<NormKind>& norms_b() const { return norms_b_; }
  void set_bn_position(const std::string& position);
  void set_bn_momentum(float momentum);
  void set_speed(double steps_per_second);
  double speed() const { return speed_; }
  // Santurkar et al.'s measures inside the steps of both runs (the ICS and smoothness labs):
  // every `steps` steps, 0 for none. Kept for the runs a reset or a new experiment builds.
  void set_ics_every(int steps);
  void set_smoothness_every(int steps);
  int ics_every() const { return ics_every_; }
  // Whether probe frames carry each unit's percentiles (the distributions panel following a unit).
  void set_unit_percentiles(bool on);
  bool unit_percentiles() const { return unit_percentiles_; }
  int smoothness_every() const { return smoothness_every_; }
  void play_pause();
  void step();
  void reset();  // back to step 0; builds new networks (and loads data) if the draft asks for it
  // New runs from step 0 on `a` (loading its data if it is not the data loaded): B is `a` with
  // the norms `norms_b` gives per block, and B's own learning settings if `train_b` is given.
  void open(const Config& a, const std::vector<NormKind>& norms_b, const std::optional<TrainConfig>& train_b);
  void run_to(int64_t step);  // both runs train until `step`, then pause
  bool paused() const;
  // Runs whose every published picture depends on their steps alone, not on the clock (decision
  // grids every 10 steps instead of 30 times a second): what a headless render needs.
  bool deterministic = false;
  uint64_t builds() const { return builds_; }  // runs built so far (a refused build does not count)

 private:
  void post_both(const Command& c);
  void level_paused_runs();
  Config config_b(const Config& a) const;  // A's settings, the norms as set apart for B
  void load(const Config& cfg);                 // in the background
  void apply_draft(bool playing);               // new runs on the draft, now or once its data loads
  bool build(const Config& cfg, bool playing);  // new twins on data_; false (and error) if refused

  Config applied_, draft_, loading_config_;
  bool fallback_allowed_ = false, loading_ = false, resume_after_load_ = false, level_after_pause_ = false;
  double speed_ = 0.0;
  int ics_every_ = 0, smoothness_every_ = 0;
  bool unit_percentiles_ = false;
  std::vector<NormKind> norms_b_;  // per block: run B's norm
  std::unique_ptr<TrainConfig> train_b_;  // B's own learning settings; null: A's
  uint64_t paused_at_versions_[2] = {0, 0};  // A's and B's snapshot versions when pause was sent
  bool running_requested_ = false;             // the last play/pause the user asked for
  uint64_t resumed_at_version_ = 0;            // A's snapshot version when resume was sent
  std::unique_ptr<Config> fallback_for_;  // set while the spiral set stands in for missing images
  std::shared_ptr<const DataSplit> data_;
  std::future<std::shared_ptr<const DataSplit>> pending_;
  std::unique_ptr<TwinRuns> twins_;
  struct Opening {
    Config a;
    std::vector<NormKind> norms_b;
    std::optional<TrainConfig> train_b;
  };
  std::optional<Opening> pending_open_;  // asked for while data was loading
  uint64_t builds_ = 0;
};

}  // namespace bnlab::ui
