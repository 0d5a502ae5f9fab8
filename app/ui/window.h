// What this file is: the window's state around the lab: the GLFW window, the input the GLFW
// callbacks log between frames, what is on screen (fonts, theme, language), and the partial
// redraw. frame.cpp draws one frame of it; gui_app.cpp opens it and runs the frame loop.
#pragma once

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "ui/lab.h"
#include "ui/partial_redraw.h"
#include "ui/settings.h"

struct GLFWwindow;

namespace bnlab::ui {

struct KeyPress {
  int key, mods;  // GLFW codes
};

// Filled by the GLFW callbacks; the frame reads and clears what it uses.
struct InputLog {
  uint64_t events = 0;            // every input event, for the frame pacer
  std::vector<KeyPress> presses;  // since the last frame, for the shortcuts
  bool pointer_moved = false;     // a pointer that never moved hovers nothing (gui_app.cpp)
  double first_x = NAN, first_y = NAN;
  // Double-clicks found from the presses' own times, not from frames: while the runs train a
  // frame may come only every 200-500 ms, longer than ImGui's double-click window.
  std::vector<std::pair<double, double>> double_clicks;  // where, in window coordinates
  double last_press_time = -1.0, last_press_x = 0.0, last_press_y = 0.0;
};

struct Window {
  Window() : lab(settings) {}
  GLFWwindow* glfw = nullptr;
  Settings settings;
  Lab lab;
  std::string font_warning, settings_warning;
  float applied_font_size = 0.0f;
  std::string applied_theme, applied_language;
  bool want_screenshot = false, show_help = false, show_notes = false, show_welcome = false;
  InputLog input;
  bool input_this_frame = false;  // some input event arrived since the last frame
  PartialRedraw redraw;
  std::vector<std::pair<std::string, PanelRect>> panel_cells;  // last frame's grid, by panel key
};

void frame(Window& w);            // one frame's windows, after ImGui::NewFrame()
// The window being built (between Begin and End) is a tile of the partial redraw.
void add_tile(Window& w, const std::string& key, bool built);
void draw_menu_bar(Window& w);  // menus.cpp
void draw_help(Window& w);      // a modal: draw after every other window
void draw_welcome(Window& w);   // a modal too
bool apply_settings(Window& w);   // fonts, theme, language; true if the look changed
void take_screenshot(Window& w, const std::string& path);  // empty path: the export folder

}  // namespace bnlab::ui
