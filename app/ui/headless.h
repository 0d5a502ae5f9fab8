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

// One frame, as the window runs it: the session picks up loaded data, the scene player posts
// its actions, the queued actions are applied, and then the shown panels draw into a grid over
// the area (x, y, w, h), from data owned for the frame.
void lab_frame(Lab& lab, PanelRect area, const std::string& theme);

}  // namespace bnlab::ui
