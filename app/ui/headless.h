// What this file is: the lab without a window: an ImGui context with no platform or renderer
// (its draw lists are built, never rasterized by OpenGL), and one lab frame drawn into it. The
// headless scene renderer and the tests use it.
#pragma once

#include <string>

#include "ui/lab.h"

namespace bnlab::ui {

class HeadlessImGui {
 public:
  // A context `width` × `height` pixels, with the window's fonts at `font_size` (the default
  // font if `real_fonts` is false: quicker, for tests that only need layout).
  HeadlessImGui(float width, float height, float font_size, bool real_fonts);
  ~HeadlessImGui();
  HeadlessImGui(const HeadlessImGui&) = delete;
  HeadlessImGui& operator=(const HeadlessImGui&) = delete;
};

// The start of a frame, as the window runs it: the session picks up loaded data, the scene
// player posts its actions, and the queued actions are applied.
void lab_tick(Lab& lab);
// A whole frame: lab_tick(), then the shown panels draw into a grid over `area` from data owned
// for the frame. With a canvas, their plots are drawn into it (and listed in `plots`).
void lab_frame(Lab& lab, PanelRect area, const std::string& theme, plot::Canvas* canvas = nullptr,
               std::vector<DrawnPlot>* plots = nullptr);
// The window's layout, as frame.cpp draws it, with no window: the sidebar down the left of the
// display, `sidebar_width` wide, and the panel grid beside it. For tests of the sidebar's widgets.
void lab_frame_with_sidebar(Lab& lab, float sidebar_width, const std::string& theme);

}  // namespace bnlab::ui
