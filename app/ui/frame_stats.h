// What this file is: what `bnlab gui --frame-stats`, `--versus-idle` and `--check-redraw`
// measure and print: frame times and their phases, the runs' steps per second while the window
// draws and while it does not, and the picture partial redraws leave against one drawn whole.
#pragma once

#include <time.h>

#include <chrono>
#include <cstdint>
#include <vector>

#include "core/cpu_time.h"

#include "ui/partial_redraw.h"
#include "ui/lab.h"

namespace bnlab::ui {

// What --frame-stats measures, from the 11th frame on (the first ones build fonts and load data).
struct FrameStats {
  std::vector<double> work_ms;  // from the start of a frame to its buffer swap, pacing excluded
  // The same frames in three phases: ImGui and the panels building draw lists, handing them to
  // OpenGL, and the buffer swap (where a software rasterizer such as llvmpipe does its work).
  std::vector<double> build_ms, submit_ms, swap_ms;
  std::vector<int> vertices, indices;  // built, whether drawn or not
  std::vector<int> tiles_drawn;         // windows redrawn (partial_redraw.h)
  int full_frames = 0;                  // frames that drew everything
  std::chrono::steady_clock::time_point start;
  double process_cpu0 = 0.0, thread_cpu0 = 0.0;
  int64_t steps_a0 = 0, steps_b0 = 0;
};

// --versus-idle: steps of each run during the phases that drew and the phases that did not.
struct VersusIdle {
  static constexpr double kPhaseSeconds = 2.0;
  bool running = false, idle = false;
  double phase_start = 0.0;
  int64_t phase_steps[2] = {0, 0};
  double seconds[2] = {0.0, 0.0};  // [drawing, idle]
  int64_t steps[2][2] = {{0, 0}, {0, 0}};  // [drawing, idle][run A, run B]
  int phases = 0;
};

int64_t steps_of(const Session& session, bool a);
// Closes the phase that started at `v.phase_start` if it is over, and starts the other kind.
void advance_versus_idle(VersusIdle& v, const Session& session, double now);
void print_versus_idle(const VersusIdle& v);
void begin_frame_stats(FrameStats& s, const Session& session);
// Where the lab ended (steps, paused, BN blocks of A, dataset, focused panel, sidebar, scene and
// its step), which the keyboard tests read; then the frame statistics.
void print_frame_stats(FrameStats& s, const Lab& lab);
void print_redraw_check(const PartialRedraw& redraw, int width, int height, const float clear[3]);

}  // namespace bnlab::ui
