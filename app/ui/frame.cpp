// What this file is: one frame of the window. Every control posts an action (ui/actions.h); the
// lab applies them at the start of the next frame. Sections:
//   1. keyboard shortcuts
//   (the menu bar, help and the welcome screen are in menus.cpp)
//   3. the panel grid (layout, focus, ⓘ, highlights)
//   4. the scene's narration strip, the runs' notices and the status bar
//   5. the frame itself; fonts, theme and language; screenshots
#include <GLFW/glfw3.h>
#include <imgui.h>
#include <imgui_impl_opengl3.h>
#include <imgui_internal.h>  // ClosePopupToLevel: Esc closes a menu or combo

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <ctime>
#include <filesystem>

#include "ui/problem_view.h"
#include "ui/run_notices.h"
#include "ui/screenshot.h"
#include "ui/sidebar.h"
#include "ui/text.h"
#include "ui/text_wrap.h"
#include "scene/strip.h"
#include "ui/theme.h"
#include "ui/window.h"

namespace bnlab::ui {
namespace {

// The sidebar, the status bar and the narration strip. No window draws its background: the frame
// is cleared to that colour, and under software OpenGL (llvmpipe) every full-size layer costs
// milliseconds.
constexpr ImGuiWindowFlags kFixedWindow =
    ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBackground;

PixelRect window_rect() {
  const ImVec2 p = ImGui::GetWindowPos(), s = ImGui::GetWindowSize();
  return {p.x, p.y, p.x + s.x, p.y + s.y};
}

// --- 1. keyboard shortcuts ---------------------------------------------------------------------

// The panel under the mouse in the last frame's grid, if any (for F: focus it).
std::string panel_under_mouse(const Window& w) {
  const ImVec2 m = ImGui::GetMousePos();
  for (const auto& [key, r] : w.panel_cells)
    if (m.x >= r.x && m.x < r.x + r.w && m.y >= r.y && m.y < r.y + r.h) return key;
  return "";
}

// ImGui 1.86 with the GLFW backend indexes keys by GLFW key codes. Shortcuts act on the key
// presses the GLFW callback logged since the last frame, not on ImGui's key state: ImGui 1.86
// keeps only whether a key is down, so a quick tap between two frames would be lost.
void handle_shortcuts(Window& w, bool* export_plot) {
  Lab& lab = w.lab;
  ActionQueue& q = lab.actions;
  // Keys belong to a text field that has the keyboard (a folder box, or a slider being typed
  // into after Ctrl+click), and to an open menu, combo or plot menu, never to the shortcuts.
  const bool typing = ImGui::GetIO().WantTextInput;
  const bool popup = ImGui::IsPopupOpen("", ImGuiPopupFlags_AnyPopupId);
  const bool run_locked = lab.controls.locks("run");
  for (const KeyPress& k : w.input.presses) {
    const bool ctrl = (k.mods & GLFW_MOD_CONTROL) != 0;
    if (ctrl) {
      if (k.key == GLFW_KEY_Q) glfwSetWindowShouldClose(w.glfw, 1);
      if (k.key == GLFW_KEY_E) *export_plot = true;
      if (k.key == GLFW_KEY_EQUAL || k.key == GLFW_KEY_KP_ADD) q.post(act::SetFontSize{w.settings.font_size + 2.0f});
      if (k.key == GLFW_KEY_MINUS || k.key == GLFW_KEY_KP_SUBTRACT) q.post(act::SetFontSize{w.settings.font_size - 2.0f});
      continue;
    }
    if (k.key == GLFW_KEY_F12) w.want_screenshot = true;
    // A modal has the keyboard (help, welcome, what could not be opened): nothing acts behind it.
    if (w.show_help || w.show_welcome || !lab.problems.empty()) {  // Esc closes help and welcome
      if (k.key == GLFW_KEY_ESCAPE) w.show_help = w.show_welcome = false;
      continue;
    }
    if (typing) continue;  // letters, arrows, space and Esc belong to the text field
    if (popup) {           // Esc closes the menu or combo, and does nothing else
      if (k.key == GLFW_KEY_ESCAPE) ImGui::ClosePopupToLevel(0, true);
      continue;
    }
    if (k.key == GLFW_KEY_ESCAPE) {
      if (!w.settings.focused_panel.empty()) q.post(act::ToggleFocus{w.settings.focused_panel});
      else if (lab.player) q.post(act::LeaveScene{});
    }
    if (lab.player) {  // presentation clickers send Page Up / Page Down
      const int at = lab.player->index();
      if (k.key == GLFW_KEY_RIGHT || k.key == GLFW_KEY_PAGE_DOWN) q.post(act::SceneGo{at + 1});
      if (k.key == GLFW_KEY_LEFT || k.key == GLFW_KEY_PAGE_UP) q.post(act::SceneGo{at - 1});
      if (k.key == GLFW_KEY_HOME) q.post(act::SceneGo{0});
    }
    if (k.key == GLFW_KEY_TAB) q.post(act::ToggleSidebar{});
    if (k.key == GLFW_KEY_F) {
      const std::string key = panel_under_mouse(w);
      if (!key.empty() || !w.settings.focused_panel.empty()) q.post(act::ToggleFocus{key.empty() ? w.settings.focused_panel : key});
    }
    if (run_locked) continue;
    if (k.key == GLFW_KEY_SPACE) q.post(act::TogglePlay{});
    if (k.key == GLFW_KEY_S) q.post(act::Step{});
    if (k.key == GLFW_KEY_R) q.post(act::Reset{});
    if (k.key == GLFW_KEY_B && !lab.controls.locks("network")) q.post(act::ToggleBnA{});
  }
  w.input.presses.clear();
}

// --- 3. the panel grid ------------------------------------------------------------------------

// The ⓘ in a panel's title bar: hovering shows what the panel shows; a click keeps it shown.
void info_button(Window& w, const char* key, ImVec2 title_min, ImVec2 title_max) {
  const std::string info = std::string("info.") + key;
  const float size = title_max.y - title_min.y;
  ImGui::PushClipRect(title_min, title_max, false);
  const ImVec2 keep = ImGui::GetCursorScreenPos();
  ImGui::SetCursorScreenPos(ImVec2(title_max.x - size * 1.3f, title_min.y));
  ImGui::PushStyleColor(ImGuiCol_Button, ImVec4(0, 0, 0, 0));
  const std::string id = std::string("ⓘ##info") + key;
  const bool clicked = ImGui::Button(id.c_str(), ImVec2(size * 1.2f, size));
  const bool hovered = ImGui::IsItemHovered();
  ImGui::PopStyleColor();
  ImGui::PopClipRect();
  ImGui::SetCursorScreenPos(keep);
  bool& pinned = w.lab.info_pinned[key];
  if (clicked) pinned = !pinned;
  if (hovered && !pinned) {
    ImGui::BeginTooltip();
    ImGui::PushTextWrapPos(ImGui::GetFontSize() * 30);
    ImGui::TextUnformatted(tr(info));
    ImGui::PopTextWrapPos();
    ImGui::EndTooltip();
  }
  if (pinned) {
    ImGui::PushTextWrapPos(0.0f);
    ImGui::TextColored(w.lab.theme().accent, "%s", tr(info));
    ImGui::PopTextWrapPos();
  }
}

bool double_clicked_in(Window& w, ImVec2 lo, ImVec2 hi) {
  for (const auto& [x, y] : w.input.double_clicks)
    if (x >= lo.x && x < hi.x && y >= lo.y && y < hi.y) return true;
  return false;
}

void draw_panel_grid(Window& w, PanelContext& ctx, ImVec2 origin, ImVec2 size) {
  const std::vector<PanelEntry*> shown = w.lab.shown_panels();
  const std::vector<PanelRect> cells = grid_cells(static_cast<int>(shown.size()), origin.x, origin.y, size.x, size.y);
  w.panel_cells.clear();
  for (size_t i = 0; i < shown.size(); ++i) {
    const PanelRect& c = cells[i];
    w.panel_cells.emplace_back(shown[i]->panel->key(), c);
    ImGui::SetNextWindowPos(ImVec2(c.x, c.y));
    ImGui::SetNextWindowSize(ImVec2(c.w, c.h));
    const char* key = shown[i]->panel->key();
    const std::string title = std::string(tr(key)) + "###" + key;
    ImGui::Begin(title.c_str(), nullptr, ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoCollapse |
                                             ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBackground);
    const ImVec2 title_min(c.x, c.y), title_max(c.x + c.w, c.y + ImGui::GetFrameHeight());
    // A double-click on the title gives the panel the whole grid and brings the grid back.
    if (double_clicked_in(w, title_min, title_max)) w.lab.actions.post(act::ToggleFocus{key});
    else if (ImGui::IsMouseHoveringRect(title_min, title_max))
      ImGui::SetTooltip("%s", tr(w.settings.focused_panel.empty() ? "grid.focus_hint" : "grid.back_hint"));
    // A panel may keep last frame's picture while others catch up with the runs
    // (partial_redraw.h), unless the user is at it: the mouse moved or clicked over it, or one of
    // its controls is held. Ctrl+E exports the panel under the mouse, which is then built.
    const bool live =
        (w.input_this_frame && ImGui::IsWindowHovered(ImGuiHoveredFlags_ChildWindows | ImGuiHoveredFlags_AllowWhenBlockedByActiveItem)) ||
        (ImGui::IsWindowFocused(ImGuiFocusedFlags_ChildWindows) && ImGui::IsAnyItemActive());
    const bool build = w.redraw.should_build(key, window_rect(), live);
    if (build) {
      info_button(w, key, title_min, title_max);
      shown[i]->panel->draw(ctx);
      if (w.lab.controls.highlighted.count(key)) {
        const float t = std::max(3.0f, ImGui::GetFontSize() * 0.2f);
        ImGui::GetWindowDrawList()->AddRect(ImVec2(c.x + t * 0.5f, c.y + t * 0.5f), ImVec2(c.x + c.w - t * 0.5f, c.y + c.h - t * 0.5f),
                                            ImGui::GetColorU32(ctx.theme.accent), 0.0f, 0, t);
      }
    }
    add_tile(w, key, build);
    ImGui::End();
  }
}

// --- 4. the narration strip and the status bar -----------------------------------------------------

// The narration strip, as tall as its text needs (at most half the window).
struct NarrationLayout {
  StripLayout strip;
  float height = 0.0f;
};

ImFont* narration_font() {
  ImGuiIO& io = ImGui::GetIO();
  return io.Fonts->Fonts.Size > 1 ? io.Fonts->Fonts[1] : ImGui::GetFont();
}

NarrationLayout narration_layout(const Window& w) {
  NarrationLayout l;
  if (!w.lab.player) return l;
  const ScenePlayer& p = *w.lab.player;
  const ImGuiStyle& style = ImGui::GetStyle();
  ImFont* large = narration_font();
  l.strip = strip_layout(
      p.scene(), p.index(), w.settings.language, ImGui::GetMainViewport()->WorkSize.x, style.WindowPadding.x,
      ui::text_width,
      [&](std::string_view s) { return large->CalcTextSizeA(large->FontSize, FLT_MAX, 0.0f, s.data(), s.data() + s.size()).x; });
  float h = large->FontSize * static_cast<float>(l.strip.lines.size());
  if (w.show_notes && p.step().notes)
    h += ImGui::CalcTextSize(p.step().notes->in(w.settings.language).c_str(), nullptr, false, l.strip.wrap_w).y +
         style.ItemSpacing.y;
  // The right column: the counter, the title's lines, what the player is doing.
  h = std::max(h, ImGui::GetTextLineHeightWithSpacing() * static_cast<float>(2 + l.strip.title.size()));
  l.height = std::min(h + style.WindowPadding.y * 2 + 2, ImGui::GetMainViewport()->WorkSize.y * 0.5f);
  return l;
}

void draw_narration(Window& w, const NarrationLayout& l, float y) {
  const ScenePlayer& p = *w.lab.player;
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(ImVec2(vp->WorkPos.x, y));
  ImGui::SetNextWindowSize(ImVec2(vp->WorkSize.x, l.height));
  ImGui::Begin("##narration", nullptr, kFixedWindow);
  add_tile(w, "##narration", true);
  ImGui::GetWindowDrawList()->AddLine(ImVec2(vp->WorkPos.x, y + 1), ImVec2(vp->WorkPos.x + vp->WorkSize.x, y + 1),
                                      ImGui::GetColorU32(w.lab.theme().accent), 2.0f);
  const std::string& lang = w.settings.language;
  ImGui::PushFont(narration_font());
  ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(0, 0));
  for (const std::string& line : l.strip.lines) ImGui::TextUnformatted(line.c_str());
  ImGui::PopStyleVar();
  ImGui::PopFont();
  if (w.show_notes && p.step().notes) {
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + l.strip.wrap_w);
    ImGui::TextDisabled("%s", p.step().notes->in(lang).c_str());
    ImGui::PopTextWrapPos();
  }
  const float x = vp->WorkPos.x + vp->WorkSize.x - l.strip.right_w;
  ImGui::SetCursorScreenPos(ImVec2(x, y + ImGui::GetStyle().WindowPadding.y));
  ImGui::TextColored(w.lab.theme().accent, "%s", l.strip.counter.c_str());
  for (const std::string& line : l.strip.title) {
    ImGui::SetCursorScreenPos(ImVec2(x, ImGui::GetCursorScreenPos().y));
    ImGui::TextDisabled("%s", line.c_str());
  }
  ImGui::SetCursorScreenPos(ImVec2(x, ImGui::GetCursorScreenPos().y));
  ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + l.strip.right_w);
  if (!p.error().empty()) ImGui::TextColored(w.lab.theme().warning, "%s", p.error().c_str());
  else if (p.training()) ImGui::TextDisabled("%s", tr("scene.training"));
  ImGui::PopTextWrapPos();
  ImGui::End();
}

// The runs' notices (ui/run_notices.h) in a band above the plots, where the class is looking:
// each a wrapped paragraph on the theme's warning colour, as tall as its text needs (at most
// 40% of the area), and gone once its cause is.
// Networks that could not be built (too large for the memory budget, say) leave no runs: the
// reason goes in the band too, whole, instead of only in the status bar, which cuts it off.
struct NoticeLayout {
  std::vector<std::string> texts;
  float height = 0.0f;
};

NoticeLayout notice_layout(const Window& w, const FrameData& d, float width, float max_height) {
  NoticeLayout l;
  for (RunNotice& n : run_notices(d.a.get(), d.b.get())) l.texts.push_back(std::move(n.text));
  const Session& session = w.lab.session;
  if (!session.twins() && !session.data_problem && !session.error.empty()) l.texts.push_back(session.error);
  if (l.texts.empty()) return l;
  const ImGuiStyle& style = ImGui::GetStyle();
  const float wrap_w = std::max(1.0f, width - style.WindowPadding.x * 2 - ImGui::GetFontSize() * 0.5f);
  // Broken by wrap_text, not ImGui: ImGui breaks after a '.', which split "2.48" over two lines
  // in a Chinese notice, and breaks Chinese only at its few spaces.
  float h = style.WindowPadding.y * 2;
  for (std::string& t : l.texts) {
    std::string lines;
    for (const std::string& line : ui::wrap_text(t, wrap_w, ui::text_width)) lines += (lines.empty() ? "" : "\n") + line;
    t = std::move(lines);
    h += ImGui::CalcTextSize(t.c_str()).y + style.ItemSpacing.y;
  }
  l.height = std::min(h, max_height);
  return l;
}

void draw_notices(Window& w, const NoticeLayout& l, ImVec2 origin, float width) {
  ImGui::SetNextWindowPos(origin);
  ImGui::SetNextWindowSize(ImVec2(width, l.height));
  ImGui::Begin("##notices", nullptr, kFixedWindow);
  add_tile(w, "##notices", true);
  ImVec4 band = w.lab.theme().warning;
  band.w = 0.18f;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRectFilled(origin, ImVec2(origin.x + width, origin.y + l.height), ImGui::GetColorU32(band));
  dl->AddRectFilled(origin, ImVec2(origin.x + ImGui::GetFontSize() * 0.25f, origin.y + l.height),
                    ImGui::GetColorU32(w.lab.theme().warning));
  for (const std::string& t : l.texts) {  // already broken into lines by notice_layout
    ImGui::SetCursorPosX(ImGui::GetStyle().WindowPadding.x + ImGui::GetFontSize() * 0.5f);
    ImGui::TextUnformatted(t.c_str());
  }
  ImGui::End();
}

void draw_status_bar(Window& w, const FrameData& d, float height) {
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(ImVec2(vp->WorkPos.x, vp->WorkPos.y + vp->WorkSize.y - height));
  ImGui::SetNextWindowSize(ImVec2(vp->WorkSize.x, height));
  ImGui::Begin("##status", nullptr, kFixedWindow);
  add_tile(w, "##status", true);
  const ImVec4 warning = w.lab.theme().warning;
  if (w.lab.player) {
    ImGui::TextColored(w.lab.theme().accent, "%s", tr("scene.keys"));
    ImGui::SameLine();
  }
  if (w.lab.session.loading()) {
    ImGui::Text("%s", tr("status.loading"));
  } else if (d.a && d.b) {
    ImGui::Text("%s %lld  %s %.2f  A %.0f %s  B %.0f %s  %.1f fps", tr("status.step"), static_cast<long long>(d.a->step),
                tr("status.epoch"), d.a->epoch_progress, d.a->steps_per_second, tr("status.steps_per_s"), d.b->steps_per_second,
                tr("status.steps_per_s"), ImGui::GetIO().Framerate);
  }
  // The runs' own warnings (a command refused), newest. A BN that saw one value per channel is
  // said by the band above the plots, in the UI's language and only while it lasts: the status
  // bar went on saying it after the batch size was back above 1.
  for (const auto& [name, snap] : {std::pair{"A", d.a.get()}, std::pair{"B", d.b.get()}}) {
    if (!snap) continue;
    std::string last = snap->error;
    for (auto it = snap->warnings.rbegin(); last.empty() && it != snap->warnings.rend(); ++it)
      if (it->find("saw one value per channel") == std::string::npos) last = *it;
    if (last.empty()) continue;
    ImGui::SameLine();
    ImGui::TextColored(warning, " | %s: %s", name, last.c_str());
  }
  for (const std::string* line : {&w.lab.status, &w.lab.session.notice, &w.lab.session.error, &w.font_warning, &w.settings_warning})
    if (!line->empty()) {
      ImGui::SameLine();
      ImGui::TextColored(warning, " | %s", line->c_str());
    }
  ImGui::End();
}

}  // namespace

void add_tile(Window& w, const std::string& key, bool built) {
  w.redraw.tile(key, ImGui::GetWindowDrawList(), window_rect(), built);
}

// --- 5. the frame ----------------------------------------------------------------------------------

void frame(Window& w) {
  Lab& lab = w.lab;
  lab.session.update();
  if (lab.player) lab.player->update(lab.session, lab.actions);
  lab.apply_actions();  // before anything below reads the lab
  bool export_plot = false;
  const FrameData data = lab.frame_data();  // held until the frame is drawn
  PanelContext ctx = lab.context(data, lab.theme(), false);
  draw_menu_bar(w);
  handle_shortcuts(w, &export_plot);  // what they post waits for the next frame
  ctx.export_shortcut = export_plot;
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  const float status_h = ImGui::GetFrameHeightWithSpacing() + 4.0f;
  const NarrationLayout narration = narration_layout(w);
  const float narration_h = narration.height;
  const bool sidebar = w.settings.sidebar && !lab.controls.hides("sidebar");
  const float sidebar_w = sidebar ? std::max(260.0f, ImGui::GetFontSize() * 17.0f) : 0.0f;
  if (sidebar) {
    ImGui::SetNextWindowPos(vp->WorkPos);
    ImGui::SetNextWindowSize(ImVec2(sidebar_w, vp->WorkSize.y - status_h - narration_h));
    ImGui::Begin("##sidebar", nullptr, kFixedWindow);
    add_tile(w, "##sidebar", true);
    draw_sidebar(lab.session, ctx);
    ImGui::End();
  }
  const ImVec2 grid_origin(vp->WorkPos.x + sidebar_w, vp->WorkPos.y);
  const ImVec2 grid_size(vp->WorkSize.x - sidebar_w, vp->WorkSize.y - status_h - narration_h);
  const NoticeLayout notices = notice_layout(w, data, grid_size.x, grid_size.y * 0.4f);
  if (!notices.texts.empty()) draw_notices(w, notices, grid_origin, grid_size.x);
  const ImVec2 panels_pos(grid_origin.x, grid_origin.y + notices.height), panels_size(grid_size.x, grid_size.y - notices.height);
  if (shows_missing_data(lab)) {  // no runs: what is missing, where the panels would be
    ImGui::SetNextWindowPos(panels_pos);
    ImGui::SetNextWindowSize(panels_size);
    ImGui::Begin("##missing_data", nullptr, kFixedWindow);
    add_tile(w, "##missing_data", true);
    draw_missing_data(lab);
    ImGui::End();
  } else {
    draw_panel_grid(w, ctx, panels_pos, panels_size);
  }
  if (lab.player) draw_narration(w, narration, vp->WorkPos.y + vp->WorkSize.y - status_h - narration_h);
  draw_status_bar(w, data, status_h);
  // Modals last: a window first created while a modal is open trips an ImGui assertion.
  draw_help(w);
  draw_startup_problems(lab);
  if (lab.problems.empty()) draw_welcome(w);  // after what could not be opened is said
  w.input.double_clicks.clear();
}

bool apply_settings(Window& w) {
  bool changed = false;
  text.set_language(w.settings.language);
  const Theme& theme = theme_by_name(w.settings.theme);
  const float size = std::round(w.settings.font_size * theme.font_scale);
  if (size != w.applied_font_size || text.glyphs_added()) {
    w.font_warning.clear();
    build_fonts(size, &w.font_warning);
    ImGui_ImplOpenGL3_DestroyFontsTexture();
    ImGui_ImplOpenGL3_CreateFontsTexture();
    w.applied_font_size = size;
    changed = true;
  }
  if (theme.name != w.applied_theme) {
    apply_theme(theme);
    w.applied_theme = theme.name;
    changed = true;
  }
  if (w.settings.language != w.applied_language) {
    w.applied_language = w.settings.language;
    changed = true;
  }
  return changed;
}

void take_screenshot(Window& w, const std::string& path) {
  int width = 0, height = 0;
  glfwGetFramebufferSize(w.glfw, &width, &height);
  std::string file = path, error;
  if (file.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(w.settings.export_dir, ec);
    char stamp[32];
    const std::time_t t = std::time(nullptr);
    std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", std::localtime(&t));
    file = w.settings.export_dir + "/bnlab-window-" + stamp + ".png";
  }
  const bool saved = save_framebuffer_png(file, width, height, &error);
  w.lab.status = std::string(tr(saved ? "status.saved" : "status.not_saved")) + " " + (saved ? file : error);
}

}  // namespace bnlab::ui
