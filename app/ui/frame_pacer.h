// What this file is: when the window draws a frame. A frame is drawn
//   - at up to 60 per second while the user is doing something (and for a moment after, so
//     hover highlights and menus settle), or while something animates (the loading bar);
//   - while the runs train and nothing else happens, often enough to follow them, but so that
//     drawing takes at most `duty` of the time: after a frame that cost t, the next one waits
//     t·(1/duty − 1), where t counts the processor time of every thread that drew. With a GPU a
//     frame costs ~1 ms and that is 60 per second; under software OpenGL (llvmpipe) a 1600×900
//     frame costs 10–20 ms of processor time, and drawing at 60 per second would take the
//     trainers' cores away from them. The default duty, 7%, is measured: the twin runs train in
//     lock-step, so a core taken from one trainer stalls both, and at 10% they kept 90–93% of
//     their speed (`bnlab gui --frame-stats --versus-idle`), at 7% about 95%;
//   - otherwise not at all: the last frame stays on screen, and an idle window costs nothing.
// Times are in seconds on any monotonic clock. Pure logic, so it is unit-tested.
#pragma once

namespace bnlab::ui {

class FramePacer {
 public:
  explicit FramePacer(double duty = 0.07, double min_period = 1.0 / 60.0, double input_linger = 0.5)
      : duty_(duty), min_period_(min_period), input_linger_(input_linger) {}

  void input(double now) { last_input_ = now; }  // any key, click, wheel, cursor move, resize, expose
  // `animating`: something moves without new data (a progress bar); `new_data`: the runs
  // published something not yet drawn.
  bool should_draw(double now, bool animating, bool new_data) const;
  // A frame's work, from its start to its buffer swap. `cpu`: the processor time it took, if
  // more than that (software OpenGL rasterizes on several threads at once); the duty counts
  // the larger, since that is what the trainers lose.
  void drew(double start, double end, double cpu = 0.0);
  // How long the loop may sleep waiting for events before it asks should_draw() again.
  double wait(double now, bool animating, bool new_data) const;
  double frame_cost() const { return cost_; }  // smoothed seconds per frame drawn

 private:
  double next_allowed(bool interactive) const;
  double duty_, min_period_, input_linger_;
  double last_input_ = -1e9, last_start_ = -1e9, last_end_ = -1e9;
  double cost_ = 0.0;
};

}  // namespace bnlab::ui
