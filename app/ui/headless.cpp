// What this file is: the headless ImGui context and lab frame (headless.h).
#include "ui/headless.h"

#include <imgui.h>

#include "ui/sidebar.h"
#include "ui/text.h"
#include "ui/theme.h"

namespace bnlab::ui {

HeadlessImGui::HeadlessImGui(float width, float height, float font_size, bool real_fonts) {
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;
  io.DisplaySize = ImVec2(width, height);
  io.DeltaTime = 1.0f / 60.0f;
  if (real_fonts) build_fonts(font_size, nullptr);
  else io.Fonts->AddFontDefault();
  unsigned char* pixels = nullptr;
  int w = 0, h = 0;
  io.Fonts->GetTexDataAsAlpha8(&pixels, &w, &h);  // a built atlas is all NewFrame() needs
}

HeadlessImGui::~HeadlessImGui() { ImGui::DestroyContext(); }

void lab_tick(Lab& lab) {
  lab.session.update();
  if (lab.player) lab.player->update(lab.session, lab.actions);
  lab.apply_actions();
}

namespace {

void draw_panels(Lab& lab, PanelContext& ctx, PanelRect area) {
  const std::vector<PanelEntry*> shown = lab.shown_panels();
  const std::vector<PanelRect> cells = grid_cells(static_cast<int>(shown.size()), area.x, area.y, area.w, area.h);
  for (size_t i = 0; i < shown.size(); ++i) {
    ImGui::SetNextWindowPos(ImVec2(cells[i].x, cells[i].y));
    ImGui::SetNextWindowSize(ImVec2(cells[i].w, cells[i].h));
    const std::string title = std::string(tr(shown[i]->panel->key())) + "###" + shown[i]->panel->key();
    ImGui::Begin(title.c_str(), nullptr, ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoCollapse |
                                             ImGuiWindowFlags_NoSavedSettings);
    shown[i]->panel->draw(ctx);
    ImGui::End();
  }
}

}  // namespace

void lab_frame(Lab& lab, PanelRect area, const std::string& theme_name, plot::Canvas* canvas,
               std::vector<DrawnPlot>* plots) {
  lab_tick(lab);
  const FrameData data = lab.frame_data();
  PanelContext ctx = lab.context(data, theme_by_name(theme_name), false);
  ctx.canvas = canvas;
  ctx.plots_drawn = plots;
  ImGui::NewFrame();
  draw_panels(lab, ctx, area);
  ImGui::Render();
}

void lab_frame_with_sidebar(Lab& lab, float sidebar_width, const std::string& theme_name) {
  lab_tick(lab);
  const FrameData data = lab.frame_data();
  PanelContext ctx = lab.context(data, theme_by_name(theme_name), false);
  ImGui::NewFrame();
  const ImVec2 display = ImGui::GetIO().DisplaySize;
  ImGui::SetNextWindowPos(ImVec2(0, 0));
  ImGui::SetNextWindowSize(ImVec2(sidebar_width, display.y));
  ImGui::Begin("##sidebar", nullptr, ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings);
  draw_sidebar(lab.session, ctx);
  ImGui::End();
  draw_panels(lab, ctx, {sidebar_width, 0, display.x - sidebar_width, display.y});
  ImGui::Render();
}

}  // namespace bnlab::ui
