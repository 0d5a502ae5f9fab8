// What this file is: the window's menu bar (File with the scenes, View, Run, Help), the help
// and the welcome screen (on first start: the scenes, or the free lab). Every item posts an
// action (ui/actions.h).
#include <GLFW/glfw3.h>
#include <imgui.h>

#include "ui/text.h"
#include "ui/window.h"

namespace bnlab::ui {
namespace {

void scenes_menu(Window& w) {
  for (const Scene& s : w.lab.scene_list())
    if (ImGui::MenuItem((s.title.in(w.settings.language) + "###scene." + s.id).c_str())) w.lab.actions.post(act::OpenScene{s.id});
  if (w.lab.scene_list().empty()) ImGui::TextDisabled("%s", tr("scene.none"));
  if (w.lab.player) {
    ImGui::Separator();
    if (ImGui::MenuItem(tr_id("scene.leave"), "Esc")) w.lab.actions.post(act::LeaveScene{});
  }
}

}  // namespace

void draw_menu_bar(Window& w) {
  if (!ImGui::BeginMainMenuBar()) return;
  add_tile(w, "##menu", true);
  ActionQueue& q = w.lab.actions;
  if (ImGui::BeginMenu(tr_id("menu.file"))) {
    if (ImGui::BeginMenu(tr_id("menu.scenes"))) {
      scenes_menu(w);
      ImGui::EndMenu();
    }
    if (ImGui::MenuItem(tr_id("menu.screenshot"), "F12")) w.want_screenshot = true;
    if (ImGui::MenuItem(tr_id("menu.quit"), "Ctrl+Q")) glfwSetWindowShouldClose(w.glfw, 1);
    ImGui::EndMenu();
  }
  if (ImGui::BeginMenu(tr_id("menu.view"))) {
    if (ImGui::MenuItem(tr_id("menu.sidebar"), "Tab", w.settings.sidebar)) q.post(act::ToggleSidebar{});
    if (ImGui::MenuItem(tr_id("menu.all_panels"), nullptr, w.lab.layout.empty() && w.settings.focused_panel.empty())) {
      q.post(act::SetLayout{});
      if (!w.settings.focused_panel.empty()) q.post(act::ToggleFocus{w.settings.focused_panel});
    }
    if (ImGui::MenuItem(tr_id("menu.notes"), nullptr, w.show_notes)) w.show_notes = !w.show_notes;
    ImGui::Separator();
    for (PanelEntry& p : w.lab.panels)
      if (!p.lab && ImGui::MenuItem(tr_id(p.panel->key()), nullptr, p.visible))
        q.post(act::ShowPanel{p.panel->key(), !p.visible});
    if (ImGui::BeginMenu(tr_id("menu.labs"))) {
      for (PanelEntry& p : w.lab.panels)
        if (p.lab && ImGui::MenuItem(tr_id(p.panel->key()), nullptr, p.visible))
          q.post(act::ShowPanel{p.panel->key(), !p.visible});
      ImGui::EndMenu();
    }
    ImGui::Separator();
    for (const char* t : {"dark", "light", "projector"})
      if (ImGui::MenuItem(tr_id(std::string("theme.") + t), nullptr, w.settings.theme == t)) q.post(act::SetTheme{t});
    ImGui::Separator();
    if (ImGui::MenuItem("English###lang.en", nullptr, w.settings.language == "en")) q.post(act::SetLanguage{"en"});
    if (ImGui::MenuItem("简体中文###lang.zh", nullptr, w.settings.language == "zh")) q.post(act::SetLanguage{"zh"});
    ImGui::Separator();
    if (ImGui::MenuItem(tr_id("menu.font_larger"), "Ctrl +")) q.post(act::SetFontSize{w.settings.font_size + 2});
    if (ImGui::MenuItem(tr_id("menu.font_smaller"), "Ctrl -")) q.post(act::SetFontSize{w.settings.font_size - 2});
    ImGui::EndMenu();
  }
  if (ImGui::BeginMenu(tr_id("menu.run"))) {
    ImGui::BeginDisabled(w.lab.controls.locks("run"));
    const std::string play = std::string(tr(w.lab.session.paused() ? "run.play" : "run.pause")) + "###run.play";
    if (ImGui::MenuItem(play.c_str(), "Space")) q.post(act::TogglePlay{});
    if (ImGui::MenuItem(tr_id("run.step"), "S")) q.post(act::Step{});
    if (ImGui::MenuItem(tr_id("run.reset"), "R")) q.post(act::Reset{});
    if (ImGui::MenuItem(tr_id("run.toggle_bn"), "B")) q.post(act::ToggleBnA{});
    ImGui::EndDisabled();
    ImGui::EndMenu();
  }
  if (ImGui::BeginMenu(tr_id("menu.help"))) {
    if (ImGui::MenuItem(tr_id("menu.shortcuts"))) w.show_help = true;
    if (ImGui::MenuItem(tr_id("menu.welcome"))) w.show_welcome = true;
    ImGui::EndMenu();
  }
  ImGui::EndMainMenuBar();
}

void draw_help(Window& w) {
  if (!w.show_help) return;
  ImGui::OpenPopup("###help");
  const std::string title = std::string(tr("menu.shortcuts")) + "###help";
  if (ImGui::BeginPopupModal(title.c_str(), &w.show_help, ImGuiWindowFlags_AlwaysAutoResize)) {
    for (const char* key : {"help.space", "help.s", "help.r", "help.b", "help.tab", "help.f", "help.scene", "help.f12",
                            "help.ctrl_e", "help.font", "help.focus", "help.quit"})
      ImGui::BulletText("%s", tr(key));
    ImGui::EndPopup();
  }
}

// On first start, and from Help: the scenes, or the free lab.
void draw_welcome(Window& w) {
  if (!w.show_welcome) return;
  ImGui::OpenPopup("###welcome");
  const std::string title = std::string(tr("welcome.title")) + "###welcome";
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(ImVec2(vp->WorkPos.x + vp->WorkSize.x * 0.5f, vp->WorkPos.y + vp->WorkSize.y * 0.5f),
                          ImGuiCond_Always, ImVec2(0.5f, 0.5f));
  if (ImGui::BeginPopupModal(title.c_str(), &w.show_welcome, ImGuiWindowFlags_AlwaysAutoResize)) {
    ImGui::TextUnformatted(tr("welcome.text"));
    ImGui::Separator();
    for (const Scene& s : w.lab.scene_list()) {
      const std::string label = s.title.in(w.settings.language) + "###scene." + s.id;
      if (ImGui::Selectable(label.c_str())) {
        w.lab.actions.post(act::OpenScene{s.id});
        w.show_welcome = false;
      }
    }
    ImGui::Separator();
    if (ImGui::Button(tr_id("welcome.free_lab"))) w.show_welcome = false;
    ImGui::EndPopup();
  }
  if (!w.show_welcome) w.settings.welcomed = true;
}

}  // namespace bnlab::ui
