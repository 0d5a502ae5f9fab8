// What this file is: the window's entry point (`bnlab`, `bnlab gui`).
#pragma once

#include <string>

namespace bnlab::ui {

struct GuiOptions {
  std::string scene;
  std::string lang;           // "en" or "zh"; empty: the saved setting
  std::string theme;          // "dark", "light", "projector"; empty: the saved setting
  std::string screenshot;     // write a PNG of the last frame here
  int frames = 0;             // quit after this many frames (0: run until closed)
  bool frame_stats = false;   // print the median and 99th-percentile frame time at exit
  bool train = false;         // start training at once (for --frames runs)
  // On the last frame, build every window but draw only what changed (as every frame does), then
  // compare that picture with one drawn from scratch and print how many pixels differ.
  bool check_redraw = false;
  // With --frame-stats: after the warm-up, 2-second phases alternate in which the window draws
  // as usual and draws nothing, and each run's steps/s in both are printed: what drawing costs
  // the trainers, measured side by side in one run on a machine whose speed drifts.
  bool versus_idle = false;
  int width = 0, height = 0;  // window size; 0: the saved one
  // The experiment config to open (--config); empty: the last one, else the default view. One
  // that cannot be read opens the window all the same, which says why (ui/startup.h).
  std::string config_file;
};

int run_gui(const GuiOptions& options);

}  // namespace bnlab::ui
