// What this file is: the scene player (player.h). Sections:
//   1. planning a step
//   2. what a segment posts: the runs' settings, the view
//   3. walking the runs to the step's target
#include "scene/player.h"

#include <algorithm>

#include "panels/panel_settings.h"

namespace bnlab {

using namespace ui;

ScenePlayer::ScenePlayer(Scene scene, bool stepwise_until, int64_t step_limit)
    : scene_(std::move(scene)), stepwise_until_(stepwise_until), step_limit_(step_limit) {}

// --- 1. planning a step ------------------------------------------------------------------------

void ScenePlayer::go_to(int k) {
  k = std::clamp(k, 0, static_cast<int>(scene_.steps.size()) - 1);
  error_.clear();
  if (index_ >= 0 && k == index_ + 1 && !plan_.empty()) {
    // The next step follows whatever this one is doing, as in a first play.
    plan_.back().last = false;
    plan_.push_back({k, scene_.steps[k].rebuilds, true});
  } else {
    // From the nearest step at or before k that builds the runs (step 1 always does).
    int first = k;
    while (first > 0 && !scene_.steps[first].rebuilds) --first;
    plan_.clear();
    next_ = 0;
    for (int j = first; j <= k; ++j) plan_.push_back({j, j == first, j == k});
  }
  index_ = k;
}

// --- 2. what a segment posts -----------------------------------------------------------------

void ScenePlayer::post_settings(const Segment& s, ActionQueue& actions) {
  const SceneStep& step = scene_.steps[s.step];
  actions.post(act::Pause{});  // runs the class set going are stopped first, as the step expects
  if (s.rebuild) {
    actions.post(act::Open{step.config, step.norms_b_state, step.train_b_state});
  } else {
    // Only what changed since the step before, as a person's clicks would.
    const SceneStep& before = scene_.steps[s.step - 1];
    const Config &now = step.config, &was = before.config;
    if (now.train != was.train) actions.post(act::SetTrain{now.train, false});
    if (step.train_b_state != before.train_b_state) {
      if (step.train_b_state) actions.post(act::SetTrain{*step.train_b_state, true});
      else actions.post(act::FollowA{});
    }
    if (now.model.bn.momentum != was.model.bn.momentum) actions.post(act::SetBnMomentum{now.model.bn.momentum});
    if (now.model.bn.position != was.model.bn.position) actions.post(act::SetBnPosition{now.model.bn.position});
    for (size_t i = 0; i + 1 < now.model.blocks.size(); ++i) {
      if (now.model.blocks[i].norm != was.model.blocks[i].norm)
        actions.post(act::SetNorm{0, static_cast<int>(i), now.model.blocks[i].norm});
      if (step.norms_b_state[i] != before.norms_b_state[i]) actions.post(act::SetNorm{1, static_cast<int>(i), step.norms_b_state[i]});
    }
  }
  // Steps on the way train as fast as they can; the step shown, at its own speed.
  actions.post(act::SetSpeed{s.last ? step.speed.value_or(0.0) : 0.0});
  if (s.last)
    for (int j = 0; j <= s.step; ++j) post_view(j, actions);  // panel settings build up step by step
}

void ScenePlayer::post_view(int j, ActionQueue& actions) const {
  const SceneStep& step = scene_.steps[j];
  std::vector<std::string> keys, highlighted;
  for (const ScenePanel& p : step.layout) {
    const PanelInfo* info = panel_by_id(p.id);
    keys.push_back(info->key);
    for (auto it = p.settings.begin(); it != p.settings.end(); ++it)
      if (it.key() != "block" && it.key() != "tap") actions.post(act::SetPanelSetting{info->key, it.key(), it.value()});
  }
  for (const std::string& id : step.highlight) highlighted.push_back(panel_by_id(id)->key);
  actions.post(act::SetLayout{keys});
  if (step.block >= 0) actions.post(act::SelectBlock{step.block});
  if (step.tap >= 0) actions.post(act::SelectTap{step.tap});
  actions.post(act::SetControls{step.hide, step.lock, highlighted});
}

// --- 3. walking the runs to the target ----------------------------------------------------------

int64_t ScenePlayer::target(const Segment& s) const {
  const SceneStep& step = scene_.steps[s.step];
  if (auto it = stopped_at_.find(s.step); it != stopped_at_.end()) return it->second;
  if (step.run.kind == RunSpec::Kind::paused) return 0;
  return step_limit_ > 0 ? std::min(step.run.to_step, step_limit_) : step.run.to_step;
}

bool ScenePlayer::metric_met(const SceneStep& step, const TrainerSnapshot& a) const {
  const RunSpec& r = step.run;
  double v = 0.0;
  if (r.metric == "train_loss") v = a.last.loss;
  else if (r.metric == "train_accuracy") v = a.last.accuracy;
  else if (a.test_step < 0) return false;  // no test measurement yet
  else v = r.metric == "test_loss" ? a.test.loss : a.test.accuracy;
  return r.at_least ? v >= r.value : v <= r.value;
}

bool ScenePlayer::training() const {
  return !settled() && (plan_[next_].phase == Segment::Phase::training || plan_[next_].phase == Segment::Phase::stopping);
}

void ScenePlayer::update(const Session& session, ActionQueue& actions) {
  if (settled()) return;
  Segment& s = plan_[next_];
  const SceneStep& step = scene_.steps[s.step];
  using P = Segment::Phase;
  if (s.phase == P::settings) {
    if (session.loading()) return;  // the window's first data, say: it comes first
    s.builds_before = session.builds();
    post_settings(s, actions);
    s.phase = s.rebuild ? P::building : P::starting;
    return;  // the lab applies them after this call
  }
  if (s.phase == P::building) {
    if (session.loading()) return;
    if (session.builds() == s.builds_before) {  // refused: say why and stop here
      error_ = session.error.empty() ? "the scene's runs could not be built" : session.error;
      plan_.clear();
      next_ = 0;
      return;
    }
    s.phase = P::starting;
  }
  const TwinRuns* twins = session.twins();
  if (!twins) return;
  // Asked before the snapshots are read: a snapshot read first could predate the pause that
  // paused() sees, and a check of its older step and loss would move where an "until" step stops
  // (a headless render under load stopped at step 140 where it stops at 70).
  const bool paused = session.paused();
  const auto a = twins->a().snapshot(), b = twins->b().snapshot();
  const int64_t goal = target(s);
  const bool until = step.run.kind == RunSpec::Kind::until && !stopped_at_.count(s.step);
  if (s.phase == P::starting) {
    if (goal == 0) {
      ++next_;
      return;
    }
    actions.post(act::RunTo{until && stepwise_until_ ? std::min(goal, a->step + kUntilChunk) : goal});
    s.phase = P::training;
    return;
  }
  if (s.phase == P::stopping) {
    // Paused twins stop a step or two apart and the session levels them to one step.
    if (!(a->paused && b->paused && (a->step == b->step || a->diverged || b->diverged))) return;
    stopped_at_[s.step] = std::max(a->step, b->step);
    ++next_;
    return;
  }
  if (!paused) {
    if (until && !stepwise_until_ && metric_met(step, *a)) {
      actions.post(act::Pause{});
      s.phase = P::stopping;
    }
    return;
  }
  // A has stopped: at the target, at a chunk's end, diverged, or paused by the user. B may be
  // finishing its last step.
  if (!b->paused || (b->step < a->step && !b->diverged)) return;
  if (until && stepwise_until_ && !metric_met(step, *a) && a->step < goal && !a->diverged) {
    actions.post(act::RunTo{std::min(goal, a->step + kUntilChunk)});
    return;
  }
  if (until) stopped_at_[s.step] = a->step;
  ++next_;
}

}  // namespace bnlab
