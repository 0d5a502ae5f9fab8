// What this file is: the three themes: dark, light, and "projector" (light, high contrast,
// thick lines, large fonts), and the series colours every panel uses for runs A and B.
#pragma once

#include <string>

#include <imgui.h>

namespace bnlab::ui {

struct Theme {
  std::string name;           // "dark", "light", "projector"
  float line_width = 1.5f;    // plot lines, × font scale
  float font_scale = 1.0f;    // multiplies the user's font size
  ImVec4 run_a, run_b;        // BN run (A) and the plain run (B)
  ImVec4 accent, warning;
};

const Theme& theme_by_name(const std::string& name);
void apply_theme(const Theme& t);  // ImGui's style colours

}  // namespace bnlab::ui
