// What this file is: loading data in the background, building the twin runs, and relaying the
// sidebar's edits to them.
#include "ui/session.h"

#include <algorithm>
#include <utility>

#include "core/data/dataset.h"
#include "core/error.h"
#include "core/io/config.h"
#include "ui/text.h"

namespace bnlab::ui {

Config default_config() {
  Config c;
  c.seed = 1;
  c.data.dataset = "fashion-mnist";
  for (int i = 0; i < 3; ++i) {
    BlockConfig b;
    b.units = 100;
    b.norm = NormKind::batch;
    b.activation = "sigmoid";
    c.model.blocks.push_back(b);
  }
  BlockConfig out;
  out.units = 10;
  c.model.blocks.push_back(out);
  c.model.init.scheme = "torch_default";
  c.train.batch_size = 60;
  c.train.lr = 0.1f;
  return c;
}

namespace {

// The data depends on the data section and, for the generated sets, on the seed.
bool same_data(const Config& x, const Config& y) { return x.seed == y.seed && to_json(x)["data"] == to_json(y)["data"]; }

// One output per class of the data.
Config with_outputs(Config cfg, const DataSplit& data) {
  if (!cfg.model.blocks.empty()) cfg.model.blocks.back().units = data.train.classes;
  return cfg;
}

Command train_command(const TrainConfig& train) { return cmd::SetTrain{train}; }

}  // namespace

void Session::start(const Config& cfg, bool spiral_may_stand_in) {
  applied_ = draft_ = cfg;
  fallback_for_.reset();
  fallback_allowed_ = spiral_may_stand_in;
  twins_.reset();
  data_.reset();
  load(cfg);
}

void Session::load(const Config& cfg) {
  loading_config_ = cfg;
  loading_ = true;
  error.clear();
  data_problem.reset();  // said again if this load fails too
  pending_ = std::async(std::launch::async, [cfg]() -> std::shared_ptr<const DataSplit> {
    return std::make_shared<const DataSplit>(load_data(cfg.data, cfg.seed));
  });
}

void Session::update() {
  level_paused_runs();
  if (!loading_ || pending_.wait_for(std::chrono::seconds(0)) != std::future_status::ready) return;
  loading_ = false;
  std::shared_ptr<const DataSplit> data;
  try {
    data = pending_.get();
  } catch (const std::exception& e) {  // a data error, or out of memory: either way, never a crash
    if (fallback_allowed_ && loading_config_.data.dataset == "fashion-mnist") {
      // The default view without Debian's package: the lesson still works on a generated set.
      Config spiral = loading_config_;
      spiral.data = DataConfig{};
      spiral.data.dataset = "spiral";
      spiral.data.normalize = "none";
      notice = std::string(tr("msg.fallback_fashion")) + " (" + e.what() + ")";
      const Config requested = loading_config_;
      start(spiral, false);
      fallback_for_ = std::make_unique<Config>(requested);  // what to reopen next time
      return;
    }
    // What the user asked for stays (the draft keeps the folder they typed, to correct it); the
    // runs they had, if any, go on.
    data_problem = ui::data_problem(loading_config_.data, e);
    resume_after_load_ = false;
    if (pending_open_) {  // asked for while this failed load ran
      const Opening o = *std::exchange(pending_open_, std::nullopt);
      open(o.a, o.norms_b, o.train_b);
    }
    return;
  }
  data_problem.reset();
  fallback_allowed_ = false;
  data_ = data;
  if (pending_open_) {
    const Opening o = *std::exchange(pending_open_, std::nullopt);
    open(o.a, o.norms_b, o.train_b);
    if (loading_) return;
  }
  if (build(with_outputs(loading_config_, *data), resume_after_load_)) draft_ = applied_;
  resume_after_load_ = false;
}

bool Session::build(const Config& cfg, bool playing) {
  TrainerOptions options;
  options.start_paused = !playing;
  options.steps_per_second = speed_;
  options.background_priority = true;  // the window's frames come first
  options.eval_every = cfg.train.eval_every;  // the config's test interval (0: once per epoch)
  options.ics_every = ics_every_;
  options.smoothness_every = smoothness_every_;
  options.unit_percentiles = unit_percentiles_;
  if (deterministic) {
    options.decision_grid_every = 10;
    options.decision_grid_seconds = 0.0;
  }
  try {
    auto twins = std::make_unique<TwinRuns>(cfg, config_b(cfg), data_, options, true);
    twins_ = std::move(twins);  // the old runs stop and join here
    ++builds_;
    running_requested_ = playing;
    resumed_at_version_ = twins_->a().snapshot()->version;
    level_after_pause_ = false;
    applied_ = cfg;
    error.clear();
    return true;
  } catch (const std::exception& e) {
    error = std::string(tr("msg.build_failed")) + ": " + e.what();
    return false;
  }
}

Config Session::config_b(const Config& a) const {
  Config b = without_norms(a);
  if (train_b_) b.train = *train_b_;
  for (size_t i = 0; i + 1 < b.model.blocks.size(); ++i)
    if (i < norms_b_.size()) switch_block_norm(b.model.blocks[i], norms_b_[i]);
  return b;
}

NormKind Session::norm(int run, int block) const {
  if (block < 0 || block + 1 >= static_cast<int>(applied_.model.blocks.size())) return NormKind::none;
  if (run == 0) return applied_.model.blocks[block].norm;
  return block < static_cast<int>(norms_b_.size()) ? norms_b_[block] : NormKind::none;
}

// The window offers instance norm on conv blocks only. Asked for on a dense block anyway, the
// trainer refuses it and its snapshot says why; what the session records stays as it was.
void Session::set_norm(int run, int block, NormKind kind) {
  if (block < 0 || block + 1 >= static_cast<int>(applied_.model.blocks.size())) return;  // not the output block
  BlockConfig switched = applied_.model.blocks[block];
  const bool refused = !switch_block_norm(switched, kind);
  if (!refused && run == 0) {
    applied_.model.blocks[block] = switched;
    if (block < static_cast<int>(draft_.model.blocks.size())) switch_block_norm(draft_.model.blocks[block], kind);
  } else if (!refused) {
    if (norms_b_.size() < applied_.model.blocks.size()) norms_b_.resize(applied_.model.blocks.size(), NormKind::none);
    norms_b_[block] = kind;
  }
  if (twins_) (run == 0 ? twins_->a() : twins_->b()).post(cmd::SetNorm{block, kind});
}

bool Session::needs_rebuild() const { return to_json(draft_) != to_json(applied_); }

void Session::discard_draft() {
  draft_ = applied_;
  if (twins_) data_problem.reset();  // the data that runs is what the draft holds again
}

void Session::reset() {
  if (loading_) return;
  if (needs_rebuild()) fallback_for_.reset();  // the user chose what runs now
  if (!needs_rebuild()) {
    post_both(cmd::Reset{});
    return;
  }
  apply_draft(!paused());
}

void Session::apply_draft(bool playing) {
  if (!data_ || !same_data(draft_, applied_)) {
    resume_after_load_ = playing;
    load(draft_);  // built when the data is there (update)
    return;
  }
  build(with_outputs(draft_, *data_), playing);
  draft_ = applied_;  // a refused draft is dropped, with the error saying why
}

void Session::open(const Config& a, const std::vector<NormKind>& norms_b, const std::optional<TrainConfig>& train_b) {
  if (loading_) {  // after this load: a second one now would wait for the first
    pending_open_ = Opening{a, norms_b, train_b};
    return;
  }
  norms_b_ = norms_b;
  train_b_ = train_b ? std::make_unique<TrainConfig>(*train_b) : nullptr;
  editing_b = false;
  fallback_for_.reset();
  draft_ = a;
  apply_draft(false);
}

void Session::run_to(int64_t step) {
  if (!twins_) return;
  resumed_at_version_ = twins_->a().snapshot()->version;
  running_requested_ = true;
  level_after_pause_ = false;
  post_both(cmd::RunTo{step});
}

void Session::post_both(const Command& c) {
  if (twins_) twins_->post_both(c);
}

void Session::set_train(const TrainConfig& train) {
  applied_.train = draft_.train = train;
  if (!twins_) return;
  twins_->a().post(train_command(train));
  if (!train_b_) twins_->b().post(train_command(train));
}

void Session::set_train_b(const TrainConfig& train) {
  train_b_ = std::make_unique<TrainConfig>(train);
  if (twins_) twins_->b().post(train_command(train));
}

void Session::follow_a() {
  if (!train_b_) return;
  train_b_.reset();
  if (twins_) twins_->b().post(train_command(applied_.train));
}

void Session::set_bn_position(const std::string& position) {
  if (position != "before_activation" && position != "after_activation") return;  // the sidebar offers these two
  applied_.model.bn.position = draft_.model.bn.position = position;
  post_both(cmd::SetNormPosition{position == "after_activation" ? NormPosition::after_activation
                                                                 : NormPosition::before_activation});
}

void Session::set_bn_momentum(float momentum) {
  applied_.model.bn.momentum = draft_.model.bn.momentum = momentum;
  post_both(cmd::SetBnMomentum{momentum});
}

void Session::set_speed(double steps_per_second) {
  speed_ = steps_per_second;
  post_both(cmd::SetSpeed{steps_per_second});
}

void Session::set_ics_every(int steps) {
  ics_every_ = std::max(0, steps);
  post_both(cmd::SetIcsEvery{ics_every_});
}

void Session::set_unit_percentiles(bool on) {
  unit_percentiles_ = on;
  post_both(cmd::SetUnitPercentiles{on});
}

void Session::set_smoothness_every(int steps) {
  smoothness_every_ = std::max(0, steps);
  post_both(cmd::SetSmoothnessEvery{smoothness_every_});
}

// What the user asked for, not only what the last snapshot says: a trainer that has not yet seen
// a resume (it runs at a lower priority) must not turn a second Space into a second resume. A run
// that stopped itself (its loss diverged) counts as paused once a snapshot after the resume says so.
bool Session::paused() const {
  if (!twins_ || !running_requested_) return true;
  const auto a = twins_->a().snapshot();
  return a->paused && a->version > resumed_at_version_;
}

void Session::play_pause() {
  if (!twins_) return;
  if (paused()) {
    resumed_at_version_ = twins_->a().snapshot()->version;
    running_requested_ = true;
    level_after_pause_ = false;
    post_both(cmd::Resume{});
    return;
  }
  running_requested_ = false;
  paused_at_versions_[0] = twins_->a().snapshot()->version;
  paused_at_versions_[1] = twins_->b().snapshot()->version;
  post_both(cmd::Pause{});
  level_after_pause_ = true;
}

// Twin runs pause a step or two apart (each finishes the step it is in); once both have stopped,
// the one behind takes single steps to catch up, so both show the same step.
void Session::level_paused_runs() {
  if (!level_after_pause_ || !twins_) return;
  const auto a = twins_->a().snapshot(), b = twins_->b().snapshot();
  // Snapshots from before the pause was applied may still say "paused" (a resume just sent and
  // not yet seen by a busy trainer): only a newer one counts.
  if (!a->paused || !b->paused || a->version <= paused_at_versions_[0] || b->version <= paused_at_versions_[1]) return;
  level_after_pause_ = false;
  Trainer& behind = a->step < b->step ? twins_->a() : twins_->b();
  for (int64_t i = std::min(a->step, b->step); i < std::max(a->step, b->step); ++i) behind.step_once();
}

void Session::step() { post_both(cmd::Step{}); }

}  // namespace bnlab::ui
