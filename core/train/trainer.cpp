// What this file is: the Trainer's worker loop, its commands, and snapshot publishing.
#include "core/train/trainer.h"

#include <algorithm>
#include <cmath>
#include <variant>

#include "core/error.h"
#include "core/train/step_gate.h"

#ifdef __linux__
#include <sys/resource.h>
#include <unistd.h>
#endif

namespace bnlab {

using Clock = std::chrono::steady_clock;

// Grid nodes per forward pass. One pass over all 4096 nodes grows every layer's buffers to the
// grid and the next step shrinks them back: measured on spiral, training between such grids
// ran several times slower than with chunks of 256, which keep the buffers small.
constexpr int kDecisionGridChunk = 256;

// The blocks whose BN saw a single value per channel in the model's last training forward.
static std::vector<int> norms_seeing_one_value(Model& model) {
  std::vector<int> blocks;
  for (size_t i = 0; i < model.blocks().size(); ++i) {
    const Norm* n = model.norm(model.blocks()[i]);
    if (n && n->norm_kind() == NormKind::batch && n->degenerate()) blocks.push_back(static_cast<int>(i));
  }
  return blocks;
}

Trainer::Trainer(const Config& cfg, std::shared_ptr<const DataSplit> data, TrainerOptions options,
                 std::shared_ptr<StepGate> gate, int gate_slot)
    : run_(std::make_unique<Run>(cfg, data)),
      options_(options),
      gate_(std::move(gate)),
      gate_slot_(gate_slot) {
  paused_ = options.start_paused;
  prober_.set_unit_percentiles(options.unit_percentiles);
  state_.paused = options.start_paused;
  state_.config = std::make_shared<const Config>(cfg);
  state_.data = std::move(data);
  grid_box_ = plane_box(*state_.data);
  compute_decision_grid();  // the untrained network's boundary, before the first step
  if (gate_ && options.start_paused) gate_->leave(gate_slot_);
  publish();
}

Trainer::~Trainer() {
  stop_ = true;
  queue_cv_.notify_all();
  if (gate_) gate_->wake();
  if (thread_.joinable()) thread_.join();
}

void Trainer::start() {
  if (thread_.joinable()) return;
  rate_start_ = Clock::now();
  next_step_time_ = rate_start_;
  thread_ = std::thread([this] { loop(); });
}

void Trainer::post(Command c) {
  {
    std::lock_guard lock(queue_mutex_);
    queue_.push_back(std::move(c));
  }
  queue_cv_.notify_all();
}

std::shared_ptr<const TrainerSnapshot> Trainer::snapshot() const {
  std::lock_guard lock(snapshot_mutex_);
  return snapshot_;
}

void Trainer::publish() {
  state_.paused = paused_;
  state_.probe = last_probe_;
  ++state_.version;
  auto snap = std::make_shared<const TrainerSnapshot>(state_);
  std::lock_guard lock(snapshot_mutex_);
  snapshot_ = std::move(snap);
}

void Trainer::wait_for_commands(Clock::time_point until) {
  std::unique_lock lock(queue_mutex_);
  queue_cv_.wait_until(lock, until, [this] { return stop_.load() || !queue_.empty(); });
}

void Trainer::loop() {
#ifdef __linux__
  // On Linux a nice value belongs to the thread; raising it needs no privileges.
  if (options_.background_priority) setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), 10);
#endif
  while (!stop_) {
    std::deque<Command> commands;
    {
      std::lock_guard lock(queue_mutex_);
      commands.swap(queue_);
    }
    for (const Command& c : commands) apply(c);
    if (grid_stale_) compute_decision_grid();  // no snapshot of a new network goes out without one
    if (!commands.empty()) publish();
    if (stop_) break;
    const bool stepping = !paused_ || steps_requested_ > 0;
    if (!stepping) {
      if (model_state_stale_) {
        capture_model_state();
        publish();
      }
      wait_for_commands(Clock::now() + std::chrono::milliseconds(200));
      continue;
    }
    if (options_.steps_per_second > 0.0 && Clock::now() < next_step_time_ && steps_requested_ == 0) {
      wait_for_commands(next_step_time_);
      continue;
    }
    if (gate_ && !gate_->wait_turn(gate_slot_, run_->steps_done() + 1, stop_)) break;
    train_one_step();
    if (steps_requested_ > 0) --steps_requested_;
    if (gate_) gate_->done(gate_slot_, run_->steps_done());
    if (stop_at_ > 0 && run_->steps_done() >= stop_at_) apply(Command{cmd::Pause{}});
    publish();
  }
  if (gate_) gate_->leave(gate_slot_);
}

void Trainer::train_one_step() {
  const int64_t next = run_->steps_done() + 1;
  const bool probe_now = options_.probe_every > 0 && next % options_.probe_every == 0;
  std::vector<std::vector<float>> before;
  if (probe_now) before = copy_op_weights(run_->model());
  StepExtras extras;
  extras.ics = options_.ics_every > 0 && next % options_.ics_every == 0;
  extras.smoothness = options_.smoothness_every > 0 && next % options_.smoothness_every == 0;
  const StepRecord r =
      run_->step(extras.ics || extras.smoothness ? &extras : nullptr, probe_now ? Taps::kept : Taps::skipped);
  model_state_stale_ = true;
  state_.last = r;
  state_.step = r.step;
  state_.epoch = run_->epoch();
  state_.epoch_progress = static_cast<double>(r.step) / run_->batches_per_epoch();
  // Every step copies the snapshot, so the list stays short: new warnings only, the last 8.
  for (std::string& w : run_->model().take_warnings()) {
    if (std::find(state_.warnings.begin(), state_.warnings.end(), w) != state_.warnings.end()) continue;
    state_.warnings.push_back(std::move(w));
    if (state_.warnings.size() > 8) state_.warnings.erase(state_.warnings.begin());
  }
  history_->add_step(r.step, r.loss, r.accuracy, r.lr);
  state_.one_value_norms = norms_seeing_one_value(run_->model());
  loss_watch_.add(r.step, r.loss);
  state_.loss_alarm = loss_watch_.alarm();
  if (!std::isfinite(r.loss)) {
    state_.diverged = true;
    state_.diverged_at = r.step;
    paused_ = true;
    steps_requested_ = 0;
    if (gate_) gate_->leave(gate_slot_);
    return;
  }
  if (probe_now) {
    auto frame = prober_.take(run_->model(), r.step, before);
    if (extras.ics) frame->ics = extras.ics_result;
    if (extras.smoothness) frame->smoothness.push_back(extras.smoothness_result);
    last_probe_ = frame;
    history_->add_frame(last_probe_);
    capture_model_state();
  }
  const int64_t eval_every = options_.eval_every > 0 ? options_.eval_every : run_->batches_per_epoch();
  if (r.step % eval_every == 0) {
    const EvalResult e = run_->evaluate("test", inference_mode(options_.eval_stats), &stop_);
    if (!e.cancelled) {
      state_.test = e;
      state_.test_step = r.step;
      history_->add_eval(r.step, static_cast<float>(e.loss), static_cast<float>(e.accuracy));
    }
  }
  if (decision_grid_due(r.step)) compute_decision_grid();
  ++rate_steps_;
  const auto now = Clock::now();
  const double secs = std::chrono::duration<double>(now - rate_start_).count();
  if (secs >= 0.5) {  // steps/s over the last half second or more
    state_.steps_per_second = rate_steps_ / secs;
    rate_start_ = now;
    rate_steps_ = 0;
  }
  if (options_.steps_per_second > 0.0) {
    next_step_time_ += std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(1.0 / options_.steps_per_second));
    if (next_step_time_ < now - std::chrono::milliseconds(100)) next_step_time_ = now;  // no burst to catch up
  }
}

void Trainer::capture_model_state() {
  state_.model_state = std::make_shared<const ModelState>(bnlab::capture_model_state(run_->model(), run_->steps_done()));
  model_state_stale_ = false;
}

void Trainer::compute_loss_slice(int size) {
  const Dataset set = fixed_probe_set(run_->data().train, options_.probe_set_size);
  auto slice = std::make_shared<LossSlice>(
      loss_slice(run_->model(), set, run_->loss().kind(), size, 1.0f, run_->config().seed, &stop_));
  if (!slice->complete) return;
  state_.loss_slice = std::move(slice);
  state_.loss_slice_step = run_->steps_done();
}

// A 64 × 64 grid costs about 50 steps of a 32-32 network on spiral (4096 single-example
// forwards against 3 passes over a batch of 32), so at full speed time, not steps, sets the
// pace. Single steps are a person watching: each one gets its boundary.
bool Trainer::decision_grid_due(int64_t step) const {
  if (options_.decision_grid_every <= 0 || !state_.data || !is_planar(state_.data->train)) return false;
  if (steps_requested_ > 0 || grid_stale_ || state_.decision_grid_step < 0) return true;
  if (step - state_.decision_grid_step < options_.decision_grid_every) return false;
  if (options_.decision_grid_seconds <= 0.0) return true;
  const double gap = std::max(options_.decision_grid_seconds, grid_cost_ * 19.0);
  return std::chrono::duration<double>(Clock::now() - grid_time_).count() >= gap;
}

// Between steps, in inference mode: the pass changes nothing the next step reads (see
// decision_grid.h), so training goes exactly as it would without it.
void Trainer::compute_decision_grid() {
  grid_stale_ = false;
  if (options_.decision_grid_every <= 0 || !is_planar(state_.data->train)) return;
  const int size = std::clamp(options_.decision_grid_size, 2, 256);
  const auto start = Clock::now();
  auto grid = std::make_shared<DecisionGrid>(
      decision_grid(run_->model(), grid_box_, size, size, Mode::infer_running, kDecisionGridChunk, &stop_));
  grid_time_ = Clock::now();
  grid_cost_ = std::chrono::duration<double>(grid_time_ - start).count();
  if (!grid->complete) return;
  state_.decision_grid = std::move(grid);
  state_.decision_grid_step = run_->steps_done();
}

// A network change (a norm or its position) is applied between steps like any other command; a
// refused one leaves the run as it was and says why in the snapshot.
void Trainer::apply(const Command& c) {
  bool network_changed = false;
  try {
    network_changed = std::visit([this](const auto& command) { return apply(command); }, c);
  } catch (const Error& e) {
    state_.error = e.what();
  }
  state_.config = std::make_shared<const Config>(run_->config());
  model_state_stale_ = true;  // cheap to take again, and a setting may be in the copy's config
  if (network_changed) state_.one_value_norms = norms_seeing_one_value(run_->model());
}

bool Trainer::apply(const cmd::Pause&) {
  paused_ = true;
  steps_requested_ = 0;
  stop_at_ = 0;
  if (gate_) gate_->leave(gate_slot_);
  return false;
}

bool Trainer::apply(const cmd::Resume&) {
  if (state_.diverged) return false;  // a diverged run stays paused until it is reset
  paused_ = false;
  stop_at_ = 0;  // play means play: a run_to still pending no longer stops it
  rate_start_ = Clock::now();
  rate_steps_ = 0;
  next_step_time_ = Clock::now();
  if (gate_) gate_->join(gate_slot_);
  return false;
}

bool Trainer::apply(const cmd::Step&) {
  if (!state_.diverged) ++steps_requested_;
  return false;
}

bool Trainer::apply(const cmd::RunTo& c) {
  if (state_.diverged || run_->steps_done() >= c.step) return false;
  if (paused_) apply(cmd::Resume{});
  stop_at_ = c.step;
  return false;
}

bool Trainer::apply(const cmd::Reset&) {
  stop_at_ = 0;
  run_->set_seed_and_reset();
  if (gate_) gate_->done(gate_slot_, 0);
  history_->clear();
  loss_watch_.reset();
  prober_.reset();
  last_probe_.reset();
  TrainerSnapshot fresh;
  fresh.version = state_.version;
  fresh.data = state_.data;
  state_ = std::move(fresh);
  grid_stale_ = true;
  model_state_stale_ = true;
  return false;
}

bool Trainer::apply(const cmd::SetTrain& c) {
  run_->set_train_config(c.train);
  if (c.train.batch_size > 1) state_.one_value_norms.clear();  // said again by the next step if still so
  return false;
}

void Trainer::set_model(const ModelConfig& model) {
  run_->set_model_config(model);  // carries the op weights over (copy_shared_weights)
  prober_.reset();
  grid_stale_ = true;
}

bool Trainer::apply(const cmd::SetNorm& c) {
  Config cfg = run_->config();
  const int last = static_cast<int>(cfg.model.blocks.size()) - 1;
  if (c.block > last) throw config_error("set_norm: there is no block " + std::to_string(c.block));
  for (int b = 0; b <= last; ++b) {
    if (!(b == c.block || (c.block < 0 && b < last))) continue;
    if (!switch_block_norm(cfg.model.blocks[b], c.kind))
      throw config_error("model.blocks[" + std::to_string(b) + "].norm: instance norm is for conv blocks only (block " +
                         std::to_string(b + 1) + " is dense)");
  }
  set_model(cfg.model);
  return true;
}

bool Trainer::apply(const cmd::SetNormPosition& c) {
  ModelConfig model = run_->config().model;
  model.bn.position = norm_position_name(c.position);
  set_model(model);
  return true;
}

bool Trainer::apply(const cmd::SetBnMomentum& c) {
  if (!(c.momentum >= 0.0 && c.momentum <= 1.0)) throw config_error("model.bn.momentum: must be between 0 and 1");
  ModelConfig model = run_->config().model;
  model.bn.momentum = static_cast<float>(c.momentum);
  for (Norm* n : run_->model().norms()) n->set_momentum(model.bn.momentum);
  run_->set_model_config_only(model);
  return false;
}

bool Trainer::apply(const cmd::SetSpeed& c) {
  options_.steps_per_second = std::max(0.0, c.steps_per_second);
  next_step_time_ = Clock::now();
  return false;
}

bool Trainer::apply(const cmd::SetIcsEvery& c) {
  options_.ics_every = std::max(0, c.steps);
  return false;
}

bool Trainer::apply(const cmd::SetUnitPercentiles& c) {
  options_.unit_percentiles = c.on;
  prober_.set_unit_percentiles(c.on);
  return false;
}

bool Trainer::apply(const cmd::SetSmoothnessEvery& c) {
  options_.smoothness_every = std::max(0, c.steps);
  return false;
}

bool Trainer::apply(const cmd::LossSlice& c) {
  compute_loss_slice(c.size >= 3 ? std::min(201, c.size) : 31);
  return false;
}

}  // namespace bnlab
