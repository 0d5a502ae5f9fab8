// What this file is: a Trainer owns one run and the worker thread that trains it. The UI (or a
// test) posts commands, which the worker applies between steps, and reads immutable snapshots
// the worker publishes after every step: a reader never waits on a step and never sees half of
// one. Pause and stop are atomics; destroying a Trainer stops and joins its thread promptly,
// even mid-epoch or mid-evaluation.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/model/model_state.h"
#include "core/probes/decision_grid.h"
#include "core/probes/probe.h"
#include "core/train/command.h"
#include "core/train/history.h"
#include "core/train/loss_watch.h"
#include "core/train/run.h"

namespace bnlab {

class StepGate;

struct TrainerOptions {
  bool start_paused = true;
  int probe_every = 10;
  int eval_every = 0;            // 0: once per epoch
  std::string eval_stats = "running";
  double steps_per_second = 0.0; // 0: as fast as possible
  int ics_every = 0;             // 0: off (each costs a forward and backward per block)
  int smoothness_every = 0;      // 0: off (each costs 8 forwards and backwards)
  bool unit_percentiles = false;  // probe frames carry each unit's percentiles (ProbeSettings)
  int probe_set_size = 500;      // training examples (file order) the loss slice is taken on
  // The worker runs at a lower CPU priority (Linux nice +10), so a window drawn beside it gets
  // the cores first and training takes the rest.
  bool background_priority = false;
  // Decision grids, for 2-D datasets only (other inputs never get one). One is due when at
  // least `decision_grid_every` steps (0: never) and `decision_grid_seconds` have passed since
  // the last, and the gap is at least 19 times the last grid's cost, which keeps grids under 5%
  // of the worker's time. 0 seconds: every N steps exactly, as tests want. A single step, a
  // reset or a change to the network gets one at once.
  int decision_grid_every = 1;
  double decision_grid_seconds = 1.0 / 30.0;  // a screen shows no more
  int decision_grid_size = 64;                // nodes per side
};

// What a reader sees: one consistent step.
struct TrainerSnapshot {
  uint64_t version = 0;         // increases with every publish
  int64_t step = 0;
  int epoch = 0;
  double epoch_progress = 0.0;  // steps / batches per epoch
  StepRecord last;
  EvalResult test;              // the latest evaluation
  int64_t test_step = -1;       // its step; -1 before the first
  double steps_per_second = 0.0;
  bool paused = true;
  bool diverged = false;        // the loss became NaN or infinite; the run paused itself
  int64_t diverged_at = -1;
  std::string error;            // a command that could not be applied, in words
  std::shared_ptr<const Config> config;
  std::shared_ptr<const ProbeFrame> probe;  // the latest frame
  std::shared_ptr<const LossSlice> loss_slice;    // the latest slice, and its step
  int64_t loss_slice_step = -1;
  std::shared_ptr<const DataSplit> data;  // what the run trains on; the same object for its life
  // The network as it is after `model_state->step` steps, for labs that compute with it on their
  // own thread (model_state.h). Taken with every probe frame, and whenever the run stops with a
  // network newer than the last copy (a pause, a single step, a reset, a norm switched).
  std::shared_ptr<const ModelState> model_state;
  std::shared_ptr<const DecisionGrid> decision_grid;  // the latest grid (2-D data), and its step
  int64_t decision_grid_step = -1;
  std::vector<std::string> warnings;  // the last 8 distinct warnings of the run
  LossAlarm loss_alarm;               // the loss has stayed far above its start (loss_watch.h)
  // The blocks whose BN saw one value per channel in the last step (a dense block at batch size
  // 1): σ²_B = 0, so x̂ = 0, the output is β alone and no gradient reaches the weights before it.
  // A conv block's BN at batch size 1 still has H·W values per channel and is not listed.
  std::vector<int> one_value_norms;
};

class Trainer {
 public:
  Trainer(const Config& cfg, std::shared_ptr<const DataSplit> data, TrainerOptions options = {},
          std::shared_ptr<StepGate> gate = nullptr, int gate_slot = 0);
  ~Trainer();
  Trainer(const Trainer&) = delete;
  Trainer& operator=(const Trainer&) = delete;

  void post(Command c);
  void pause() { post(cmd::Pause{}); }
  void resume() { post(cmd::Resume{}); }
  void step_once() { post(cmd::Step{}); }

  std::shared_ptr<const TrainerSnapshot> snapshot() const;
  const History& history() const { return *history_; }
  // The history, owned by the caller as long as it holds the pointer: a window frame keeps it
  // while the Trainer itself may be replaced.
  std::shared_ptr<const History> shared_history() const { return history_; }

  void start();  // starts the worker thread (the constructor does not)

 private:
  void loop();
  void apply(const Command& c);
  // One per command (command.h); those that change the network return true.
  bool apply(const cmd::Pause&);
  bool apply(const cmd::Resume&);
  bool apply(const cmd::Step&);
  bool apply(const cmd::RunTo& c);
  bool apply(const cmd::Reset&);
  bool apply(const cmd::SetTrain& c);
  bool apply(const cmd::SetNorm& c);
  bool apply(const cmd::SetNormPosition& c);
  bool apply(const cmd::SetBnMomentum& c);
  bool apply(const cmd::SetSpeed& c);
  bool apply(const cmd::SetIcsEvery& c);
  bool apply(const cmd::SetSmoothnessEvery& c);
  bool apply(const cmd::SetUnitPercentiles& c);
  bool apply(const cmd::LossSlice& c);
  void set_model(const ModelConfig& model);  // a live change of the network
  void train_one_step();
  void publish();
  void wait_for_commands(std::chrono::steady_clock::time_point until);
  void compute_loss_slice(int size);
  bool decision_grid_due(int64_t step) const;
  void compute_decision_grid();
  void capture_model_state();

  std::unique_ptr<Run> run_;
  TrainerOptions options_;
  Prober prober_;
  LossWatch loss_watch_;
  std::shared_ptr<History> history_ = std::make_shared<History>();
  std::shared_ptr<StepGate> gate_;
  int gate_slot_;

  std::atomic<bool> stop_{false};
  std::atomic<bool> paused_{true};
  int steps_requested_ = 0;  // single steps asked for while paused (worker only)
  int64_t stop_at_ = 0;      // run_to: pause once this step is reached; 0: none (worker only)
  bool grid_stale_ = false;  // the network changed since the last decision grid (worker only)
  bool model_state_stale_ = true;  // the network changed since state_.model_state (worker only)
  PlaneBox grid_box_;        // the decision grid's area: the data's, fixed for the Trainer's life
  std::chrono::steady_clock::time_point grid_time_{};  // when the last grid was taken
  double grid_cost_ = 0.0;                             // and how long it took, in seconds

  std::mutex queue_mutex_;
  std::condition_variable queue_cv_;
  std::deque<Command> queue_;

  mutable std::mutex snapshot_mutex_;
  std::shared_ptr<const TrainerSnapshot> snapshot_;

  // Worker-only state behind the published snapshot.
  TrainerSnapshot state_;
  std::shared_ptr<const ProbeFrame> last_probe_;
  std::chrono::steady_clock::time_point rate_start_;
  int64_t rate_steps_ = 0;
  std::chrono::steady_clock::time_point next_step_time_;
  std::thread thread_;
};

}  // namespace bnlab
