// What this file is: the scene player. It turns a scene's steps into the window's actions
// (ui/actions.h) and walks the runs to each step's step count. Going to step k plans segments:
// from the last step at or before k that builds the runs (step 1 at the latest), each step's
// settings, then its training; a segment waits until the runs have done what it asked before
// the next one posts anything. Going back replays the steps before k to where they stopped the
// first time, so a step looks as it did then (the runs are deterministic from their seed).
// The window calls update() once a frame; the headless renderer calls it in a loop.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "scene/scene.h"
#include "ui/actions.h"
#include "ui/session.h"

namespace bnlab {

class ScenePlayer {
 public:
  // `stepwise_until`: a step that trains "until" a metric checks it every `kUntilChunk` steps
  // exactly (the runs pause there), so a headless render stops at the same step every time.
  // The window checks it every frame instead, and replays stop where the first play stopped.
  static constexpr int64_t kUntilChunk = 10;
  // `step_limit` (> 0): no step trains past that step, whatever it asks (a quick look at a long
  // scene: the tests render the paper reproductions this way); 0: each step's own target.
  explicit ScenePlayer(Scene scene, bool stepwise_until = false, int64_t step_limit = 0);

  // Plans step k (from 0). The next step after a settled one only adds its own segment.
  void go_to(int k);
  // Once per frame, before the lab applies its actions: posts what the plan needs next.
  void update(const ui::Session& session, ui::ActionQueue& actions);

  bool settled() const { return next_ >= plan_.size(); }  // step k shows what it should
  bool training() const;                                  // its runs are training toward a target
  int index() const { return index_; }
  const Scene& scene() const { return scene_; }
  const SceneStep& step() const { return scene_.steps[static_cast<size_t>(index_)]; }
  const std::string& error() const { return error_; }  // a build the session refused

 private:
  struct Segment {
    int step = 0;
    bool rebuild = false;   // Open the runs on this step's state, rather than posting changes
    bool last = false;      // the step shown: its view, speed and run spec
    enum class Phase { settings, building, starting, training, stopping } phase = Phase::settings;
    uint64_t builds_before = 0;
  };
  void post_settings(const Segment& s, ui::ActionQueue& actions);
  void post_view(int step, ui::ActionQueue& actions) const;
  int64_t target(const Segment& s) const;  // the step to train to; 0: none
  bool metric_met(const SceneStep& step, const TrainerSnapshot& a) const;

  Scene scene_;
  bool stepwise_until_;
  int64_t step_limit_;
  int index_ = -1;
  std::vector<Segment> plan_;
  size_t next_ = 0;
  std::map<int, int64_t> stopped_at_;  // step index -> where its "until" stopped the first time
  std::string error_;
};

}  // namespace bnlab
