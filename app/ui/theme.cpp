// What this file is: the theme definitions.
#include "ui/theme.h"

#include "plot/theme.h"

namespace bnlab::ui {

const Theme& theme_by_name(const std::string& name) {
  // A is the BN run (blue), B the run without BN (orange): a pair that stays distinct for the
  // common colour-vision deficiencies and on a washed-out projector.
  static const Theme dark{"dark", 1.5f, 1.0f, {0.35f, 0.65f, 1.0f, 1}, {1.0f, 0.6f, 0.2f, 1}, {0.4f, 0.8f, 0.5f, 1},
                          {1.0f, 0.35f, 0.3f, 1}};
  static const Theme light{"light", 1.5f, 1.0f, {0.1f, 0.35f, 0.8f, 1}, {0.85f, 0.4f, 0.0f, 1}, {0.1f, 0.55f, 0.25f, 1},
                           {0.8f, 0.1f, 0.1f, 1}};
  static const Theme projector{"projector", 3.0f, 1.35f, {0.0f, 0.2f, 0.75f, 1}, {0.85f, 0.3f, 0.0f, 1},
                               {0.0f, 0.45f, 0.15f, 1}, {0.75f, 0.0f, 0.0f, 1}};
  if (name == "light") return light;
  if (name == "projector") return projector;
  return dark;
}

void apply_theme(const Theme& t) {
  ImGuiStyle& style = ImGui::GetStyle();
  style = ImGuiStyle();
  if (t.name == "dark") {
    ImGui::StyleColorsDark();
  } else {
    ImGui::StyleColorsLight();
  }
  style.WindowRounding = 3.0f;
  style.FrameRounding = 3.0f;
  style.GrabRounding = 3.0f;
  if (t.name == "projector") {
    // High contrast: black text on white, strong borders.
    ImVec4* c = style.Colors;
    c[ImGuiCol_Text] = ImVec4(0, 0, 0, 1);
    c[ImGuiCol_WindowBg] = ImVec4(1, 1, 1, 1);
    c[ImGuiCol_ChildBg] = ImVec4(1, 1, 1, 1);
    c[ImGuiCol_Border] = ImVec4(0, 0, 0, 0.6f);
    c[ImGuiCol_FrameBg] = ImVec4(0.9f, 0.9f, 0.9f, 1);
    style.FrameBorderSize = 1.0f;
    style.WindowBorderSize = 1.5f;
  }
  // Windows take the plots' background colour, so the plots need not paint their own on screen
  // (plot.cpp) and the frame is cleared to it once.
  const plot::Color bg = plot::theme_by_name(t.name).background;
  style.Colors[ImGuiCol_WindowBg] = ImVec4(bg.r, bg.g, bg.b, 1.0f);
}

}  // namespace bnlab::ui
