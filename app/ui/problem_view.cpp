// What this file is: the startup dialog and the missing-data view (problem_view.h).
#include "ui/problem_view.h"

#include <imgui.h>
#include <imgui_stdlib.h>

#include "ui/text.h"

namespace bnlab::ui {

void draw_startup_problems(Lab& lab) {
  if (lab.problems.empty()) return;
  const StartupProblem& p = lab.problems.front();
  ImGui::OpenPopup("###problem");
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(ImVec2(vp->WorkPos.x + vp->WorkSize.x * 0.5f, vp->WorkPos.y + vp->WorkSize.y * 0.5f),
                          ImGuiCond_Always, ImVec2(0.5f, 0.5f));
  ImGui::SetNextWindowSizeConstraints(ImVec2(0, 0), ImVec2(vp->WorkSize.x * 0.9f, vp->WorkSize.y * 0.9f));
  const std::string title = say_title(p) + "###problem";
  if (!ImGui::BeginPopupModal(title.c_str(), nullptr, ImGuiWindowFlags_AlwaysAutoResize)) return;
  ImGui::PushTextWrapPos(std::min(ImGui::GetFontSize() * 32.0f, vp->WorkSize.x * 0.8f));
  ImGui::TextUnformatted(say(p).c_str());
  ImGui::PopTextWrapPos();
  ImGui::Separator();
  bool done = false;
  if (p.kind == StartupProblem::Kind::config && p.last_experiment_open) {
    // The last experiment is open; the default view is the other choice.
    if (ImGui::Button(tr("problem.keep_last"))) done = true;
    ImGui::SameLine();
    if (ImGui::Button(tr("problem.open_default"))) {
      lab.actions.post(act::Open{default_config(), {}, std::nullopt});
      lab.last_experiment_open = false;
      done = true;
    }
  } else if (ImGui::Button(tr("problem.ok"))) {
    done = true;
  }
  // Esc keeps what is open, as it closes the help.
  if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape), false)) done = true;
  if (done) {
    lab.problems.erase(lab.problems.begin());
    ImGui::CloseCurrentPopup();
  }
  ImGui::EndPopup();
}

bool shows_missing_data(const Lab& lab) {
  const Session& s = lab.session;
  return !s.twins() && !s.loading() && s.data_problem;
}

void draw_missing_data(Lab& lab) {
  const Session& s = lab.session;
  if (!s.data_problem) return;
  const float margin = ImGui::GetFontSize() * 1.5f;
  ImGui::SetCursorPosY(margin);
  ImGui::Indent(margin);
  ImGui::PushTextWrapPos(ImGui::GetWindowWidth() - margin);
  ImGui::TextColored(lab.theme().warning, "%s", tr("data.not_loaded"));
  ImGui::Spacing();
  ImGui::TextUnformatted(say(*s.data_problem).c_str());
  ImGui::TextUnformatted(tr("data.pick_here"));
  // The same folder as the sidebar's Dataset ▸ folder: Enter loads it (there are no runs to keep).
  Config draft = s.draft();
  ImGui::SetNextItemWidth(std::min(ImGui::GetContentRegionAvail().x, ImGui::GetFontSize() * 30.0f));
  if (ImGui::InputText("###missing_data.folder", &draft.data.dir, ImGuiInputTextFlags_EnterReturnsTrue)) {
    lab.actions.post(act::SetDraft{draft});
    lab.actions.post(act::Reset{});
  }
  ImGui::Spacing();
  // What the user asked for is kept: the network it needs, and the data it names.
  const Config& c = s.config();
  const std::string kept =
      fill(tr("data.kept"), {{"dataset", tr("data." + c.data.dataset)},
                             {"outputs", std::to_string(c.model.blocks.empty() ? 0 : c.model.blocks.back().units)}});
  ImGui::TextDisabled("%s", kept.c_str());
  ImGui::PopTextWrapPos();
  ImGui::Unindent(margin);
}

}  // namespace bnlab::ui
