// What this file is: the window and its frame loop. Sections:
//   1. set-up: GLFW, OpenGL 3.3 core, ImGui, fonts, theme, settings
//   2. one frame: shortcuts, menu bar, sidebar, panel grid, status bar
//   3. screenshots and frame statistics
#include "ui/gui_app.h"

#include <GLFW/glfw3.h>
#include <imgui.h>
#include <imgui_impl_glfw.h>
#include <imgui_impl_opengl3.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <thread>
#include <time.h>
#include <nlohmann/json.hpp>

#include "gl/gpu_heatmap.h"
#include "panels/panel.h"
#include "ui/frame_pacer.h"
#include "ui/partial_redraw.h"
#include "ui/screenshot.h"
#include "ui/session.h"
#include "ui/settings.h"
#include "ui/sidebar.h"
#include "ui/text.h"
#include "ui/theme.h"

namespace bnlab::ui {
namespace {

struct KeyPress {
  int key, mods;  // GLFW codes
};

struct InputLog {
  uint64_t events = 0;            // every input event, for the frame pacer
  std::vector<KeyPress> presses;  // since the last frame, for the shortcuts
  bool pointer_moved = false;     // a pointer that never moved (a scripted run) shows no hints
  double first_x = NAN, first_y = NAN;
};

struct App {
  GLFWwindow* window = nullptr;
  Settings settings;
  Session session;
  std::vector<PanelEntry> panels;
  std::string status, font_warning, settings_warning;
  float applied_font_size = 0.0f;
  std::string applied_theme, applied_language;
  bool want_screenshot = false;
  int selected_block = 0, selected_tap = 0;
  InputLog input;  // filled by the GLFW callbacks below
  bool input_this_frame = false;  // some input event arrived since the last frame
  PartialRedraw redraw;
};

// The window being built is a tile of the partial redraw (call between Begin and End).
PixelRect window_rect() {
  const ImVec2 p = ImGui::GetWindowPos(), s = ImGui::GetWindowSize();
  return {p.x, p.y, p.x + s.x, p.y + s.y};
}
void add_tile(App& app, const std::string& key, bool built) {
  app.redraw.tile(key, ImGui::GetWindowDrawList(), window_rect(), built);
}

void toggle_bn_a(Session& session) {
  const auto& blocks = session.config().model.blocks;
  const bool any_on = std::any_of(blocks.begin(), blocks.end() - 1, [](const BlockConfig& b) { return b.norm == "batch"; });
  for (size_t i = 0; i + 1 < blocks.size(); ++i) session.set_norm_a(static_cast<int>(i), !any_on);
}

// Every input event wakes the frame pacer: the callbacks count them in the InputLog that is the
// window's user pointer, and log key presses for the shortcuts. They are installed before ImGui's
// GLFW back end, which calls them from its own callbacks for keys, buttons, wheel, characters,
// focus and cursor enter.
InputLog& log_of(GLFWwindow* w) { return *static_cast<InputLog*>(glfwGetWindowUserPointer(w)); }
void bump(GLFWwindow* w) { ++log_of(w).events; }

void log_input_events(GLFWwindow* window, InputLog* log) {
  glfwSetWindowUserPointer(window, log);
  glfwSetCursorPosCallback(window, [](GLFWwindow* w, double x, double y) {
    bump(w);
    InputLog& log = log_of(w);
    // The window reports where the pointer is when it appears; only a later move is a user's.
    if (std::isnan(log.first_x)) log.first_x = x, log.first_y = y;
    if (std::abs(x - log.first_x) + std::abs(y - log.first_y) > 2.0) log.pointer_moved = true;
  });
  glfwSetMouseButtonCallback(window, [](GLFWwindow* w, int, int, int) { bump(w); });
  glfwSetScrollCallback(window, [](GLFWwindow* w, double, double) { bump(w); });
  glfwSetKeyCallback(window, [](GLFWwindow* w, int key, int, int action, int mods) {
    bump(w);
    if (action == GLFW_PRESS) log_of(w).presses.push_back({key, mods});
  });
  glfwSetCharCallback(window, [](GLFWwindow* w, unsigned) { bump(w); });
  glfwSetWindowFocusCallback(window, [](GLFWwindow* w, int) { bump(w); });
  glfwSetCursorEnterCallback(window, [](GLFWwindow* w, int) { bump(w); });
  glfwSetFramebufferSizeCallback(window, [](GLFWwindow* w, int, int) { bump(w); });
  glfwSetWindowRefreshCallback(window, [](GLFWwindow* w) { bump(w); });  // exposed: draw again
}

std::string timestamp() {
  char buf[32];
  const std::time_t t = std::time(nullptr);
  std::strftime(buf, sizeof buf, "%Y%m%d-%H%M%S", std::localtime(&t));
  return buf;
}

// --- 2. one frame ---------------------------------------------------------------------------

// The sidebar and the status bar. No window draws its background: the frame is cleared to that
// colour, and under software OpenGL (llvmpipe) every full-size layer costs milliseconds.
constexpr ImGuiWindowFlags kFixedWindow =
    ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBackground;

// ImGui 1.86 with the GLFW backend indexes keys by GLFW key codes.
// Shortcuts act on the key presses the GLFW callback logged since the last frame, not on ImGui's
// key state: ImGui 1.86 keeps only whether a key is down, so a press and its release that arrive
// between two frames (a quick tap, or a frame drawn late while training) would be lost.
void handle_shortcuts(App& app, bool* export_plot) {
  const bool typing = ImGui::GetIO().WantTextInput;
  for (const KeyPress& k : app.input.presses) {
    const bool ctrl = (k.mods & GLFW_MOD_CONTROL) != 0;
    if (ctrl) {
      if (k.key == GLFW_KEY_Q) glfwSetWindowShouldClose(app.window, 1);
      if (k.key == GLFW_KEY_E) *export_plot = true;
      if (k.key == GLFW_KEY_EQUAL || k.key == GLFW_KEY_KP_ADD) app.settings.font_size = std::min(48.0f, app.settings.font_size + 2.0f);
      if (k.key == GLFW_KEY_MINUS || k.key == GLFW_KEY_KP_SUBTRACT)
        app.settings.font_size = std::max(10.0f, app.settings.font_size - 2.0f);
      continue;
    }
    if (k.key == GLFW_KEY_F12) app.want_screenshot = true;
    if (k.key == GLFW_KEY_ESCAPE) app.settings.focused_panel.clear();
    if (typing) continue;  // letters and space belong to the text field
    if (k.key == GLFW_KEY_SPACE) app.session.play_pause();
    if (k.key == GLFW_KEY_S) app.session.step();
    if (k.key == GLFW_KEY_R) app.session.reset();
    if (k.key == GLFW_KEY_B) toggle_bn_a(app.session);
  }
  app.input.presses.clear();
}

void draw_menu_bar(App& app, bool& show_help) {
  if (!ImGui::BeginMainMenuBar()) return;
  add_tile(app, "##menu", true);
  if (ImGui::BeginMenu(tr("menu.file"))) {
    if (ImGui::MenuItem(tr("menu.screenshot"), "F12")) app.want_screenshot = true;
    if (ImGui::MenuItem(tr("menu.quit"), "Ctrl+Q")) glfwSetWindowShouldClose(app.window, 1);
    ImGui::EndMenu();
  }
  if (ImGui::BeginMenu(tr("menu.view"))) {
    for (PanelEntry& p : app.panels) ImGui::MenuItem(tr(p.panel->key()), nullptr, &p.visible);
    ImGui::Separator();
    for (const char* t : {"dark", "light", "projector"})
      if (ImGui::MenuItem(tr(std::string("theme.") + t), nullptr, app.settings.theme == t)) app.settings.theme = t;
    ImGui::Separator();
    if (ImGui::MenuItem("English", nullptr, app.settings.language == "en")) app.settings.language = "en";
    if (ImGui::MenuItem("简体中文", nullptr, app.settings.language == "zh")) app.settings.language = "zh";
    ImGui::Separator();
    if (ImGui::MenuItem(tr("menu.font_larger"), "Ctrl +")) app.settings.font_size = std::min(48.0f, app.settings.font_size + 2);
    if (ImGui::MenuItem(tr("menu.font_smaller"), "Ctrl -")) app.settings.font_size = std::max(10.0f, app.settings.font_size - 2);
    ImGui::EndMenu();
  }
  if (ImGui::BeginMenu(tr("menu.run"))) {
    if (ImGui::MenuItem(app.session.paused() ? tr("run.play") : tr("run.pause"), "Space")) app.session.play_pause();
    if (ImGui::MenuItem(tr("run.step"), "S")) app.session.step();
    if (ImGui::MenuItem(tr("run.reset"), "R")) app.session.reset();
    if (ImGui::MenuItem(tr("run.toggle_bn"), "B")) toggle_bn_a(app.session);
    ImGui::EndMenu();
  }
  if (ImGui::BeginMenu(tr("menu.help"))) {
    if (ImGui::MenuItem(tr("menu.shortcuts"))) show_help = true;
    ImGui::EndMenu();
  }
  ImGui::EndMainMenuBar();
}

void draw_help(bool& open) {
  if (!open) return;
  ImGui::OpenPopup(tr("menu.shortcuts"));
  if (ImGui::BeginPopupModal(tr("menu.shortcuts"), &open, ImGuiWindowFlags_AlwaysAutoResize)) {
    for (const char* key : {"help.space", "help.s", "help.r", "help.b", "help.f12", "help.ctrl_e", "help.font", "help.focus", "help.quit"})
      ImGui::BulletText("%s", tr(key));
    ImGui::EndPopup();
  }
}

void draw_status_bar(App& app, const std::shared_ptr<const TrainerSnapshot>& a,
                     const std::shared_ptr<const TrainerSnapshot>& b, float height) {
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(ImVec2(vp->WorkPos.x, vp->WorkPos.y + vp->WorkSize.y - height));
  ImGui::SetNextWindowSize(ImVec2(vp->WorkSize.x, height));
  ImGui::Begin("##status", nullptr, kFixedWindow);
  add_tile(app, "##status", true);
  if (app.session.loading()) {
    ImGui::Text("%s", tr("status.loading"));
  } else if (a && b) {
    ImGui::Text("%s %lld  %s %.2f  A %.0f %s  B %.0f %s  %.1f fps", tr("status.step"), static_cast<long long>(a->step),
                tr("status.epoch"), a->epoch_progress, a->steps_per_second, tr("status.steps_per_s"), b->steps_per_second,
                tr("status.steps_per_s"), ImGui::GetIO().Framerate);
  }
  // The runs' own warnings (a BN layer with one value per channel, a command refused), newest.
  for (const auto& [name, snap] : {std::pair{"A", a.get()}, std::pair{"B", b.get()}}) {
    if (!snap) continue;
    const std::string& last = !snap->error.empty() ? snap->error : snap->warnings.empty() ? std::string() : snap->warnings.back();
    if (last.empty()) continue;
    ImGui::SameLine();
    ImGui::TextColored(ImVec4(0.9f, 0.5f, 0.1f, 1), " | %s: %s", name, last.c_str());
  }
  for (const std::string* line : {&app.status, &app.session.notice, &app.session.error, &app.font_warning, &app.settings_warning})
    if (!line->empty()) {
      ImGui::SameLine();
      ImGui::TextColored(ImVec4(0.9f, 0.5f, 0.1f, 1), " | %s", line->c_str());
    }
  ImGui::End();
}

// The visible panels in a grid that fills the space right of the sidebar.
void draw_panel_grid(App& app, PanelContext& ctx, ImVec2 origin, ImVec2 size) {
  std::vector<PanelEntry*> visible;
  for (PanelEntry& p : app.panels)
    if (p.visible && (app.settings.focused_panel.empty() || app.settings.focused_panel == p.panel->key())) visible.push_back(&p);
  if (visible.empty() && !app.settings.focused_panel.empty()) {
    app.settings.focused_panel.clear();  // the focused panel was hidden from the View menu
    return;
  }
  if (visible.empty()) return;
  const int n = static_cast<int>(visible.size());
  const int cols = std::max(1, static_cast<int>(std::ceil(std::sqrt(n * size.x / std::max(1.0f, size.y) / 1.6f))));
  const int rows = (n + cols - 1) / cols;
  const float h = size.y / rows;
  for (int i = 0; i < n; ++i) {
    // The last row's panels share its whole width, so no cell stays empty.
    const int row = i / cols, in_row = row == rows - 1 ? n - row * cols : cols;
    const float w = size.x / in_row;
    ImGui::SetNextWindowPos(ImVec2(origin.x + (i % cols) * w, origin.y + row * h));
    ImGui::SetNextWindowSize(ImVec2(w, h));
    const char* key = visible[i]->panel->key();
    const std::string title = std::string(tr(key)) + "###" + key;
    // No window background: the frame is cleared to the same colour, and under software OpenGL
    // (llvmpipe) every full-size layer costs milliseconds (measured: median 23-28 -> 20-23 ms).
    ImGui::Begin(title.c_str(), nullptr, ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoCollapse |
                                             ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBackground);
    // Right after Begin() the last item is the title bar: a double-click there gives the panel
    // the whole grid (nine panels are cramped on a projector) and brings the grid back.
    if (ImGui::IsItemHovered() && ImGui::IsMouseDoubleClicked(ImGuiMouseButton_Left))
      app.settings.focused_panel = app.settings.focused_panel.empty() ? key : "";
    else if (ImGui::IsItemHovered() && app.input.pointer_moved)
      ImGui::SetTooltip("%s", tr(app.settings.focused_panel.empty() ? "grid.focus_hint" : "grid.back_hint"));
    // A panel may keep last frame's picture while others catch up with the runs
    // (partial_redraw.h), unless the user is at it: the mouse moved or clicked over it, or one of
    // its controls is held. Ctrl+E exports the panel under the mouse, which is then built.
    const bool live =
        (app.input_this_frame && ImGui::IsWindowHovered(ImGuiHoveredFlags_ChildWindows | ImGuiHoveredFlags_AllowWhenBlockedByActiveItem)) ||
        (ImGui::IsWindowFocused(ImGuiFocusedFlags_ChildWindows) && ImGui::IsAnyItemActive());
    const bool build = app.redraw.should_build(key, window_rect(), live);
    if (build) visible[i]->panel->draw(ctx);
    add_tile(app, key, build);
    ImGui::End();
  }
}

// True if the fonts, the theme or the language changed: every window looks different.
bool apply_settings(App& app) {
  bool changed = false;
  text.set_language(app.settings.language);
  const Theme& theme = theme_by_name(app.settings.theme);
  const float size = std::round(app.settings.font_size * theme.font_scale);
  if (size != app.applied_font_size) {
    app.font_warning.clear();
    build_fonts(size, &app.font_warning);
    ImGui_ImplOpenGL3_DestroyFontsTexture();
    ImGui_ImplOpenGL3_CreateFontsTexture();
    app.applied_font_size = size;
    changed = true;
  }
  if (theme.name != app.applied_theme) {
    apply_theme(theme);
    app.applied_theme = theme.name;
    changed = true;
  }
  if (app.settings.language != app.applied_language) {
    app.applied_language = app.settings.language;
    changed = true;
  }
  return changed;
}

void frame(App& app, bool& show_help) {
  app.session.update();
  bool export_plot = false;
  handle_shortcuts(app, &export_plot);
  TwinRuns* twins = app.session.twins();
  PanelContext ctx{app.session, theme_by_name(app.settings.theme), twins ? twins->a().snapshot() : nullptr,
                   twins ? twins->b().snapshot() : nullptr, twins ? &twins->a().history() : nullptr,
                   twins ? &twins->b().history() : nullptr, app.selected_block, app.selected_tap,
                   app.settings.export_dir, &app.status};
  ctx.export_shortcut = export_plot;
  draw_menu_bar(app, show_help);
  draw_help(show_help);
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  const float status_h = ImGui::GetFrameHeightWithSpacing() + 4.0f;
  const float sidebar_w = std::max(260.0f, ImGui::GetFontSize() * 17.0f);
  ImGui::SetNextWindowPos(vp->WorkPos);
  ImGui::SetNextWindowSize(ImVec2(sidebar_w, vp->WorkSize.y - status_h));
  ImGui::Begin("##sidebar", nullptr, kFixedWindow);
  add_tile(app, "##sidebar", true);
  draw_sidebar(app.session, ctx, &app.settings.export_dir);
  ImGui::End();
  draw_panel_grid(app, ctx, ImVec2(vp->WorkPos.x + sidebar_w, vp->WorkPos.y),
                  ImVec2(vp->WorkSize.x - sidebar_w, vp->WorkSize.y - status_h));
  app.selected_block = ctx.selected_block;
  app.selected_tap = ctx.selected_tap;
  draw_status_bar(app, ctx.a, ctx.b, status_h);
}

// --- 3. screenshots and frame statistics ------------------------------------------------------

void take_screenshot(App& app, const std::string& path) {
  int w = 0, h = 0;
  glfwGetFramebufferSize(app.window, &w, &h);
  std::string file = path, error;
  if (file.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(app.settings.export_dir, ec);
    file = app.settings.export_dir + "/bnlab-window-" + timestamp() + ".png";
  }
  app.status = save_framebuffer_png(file, w, h, &error) ? std::string(tr("status.saved")) + " " + file : error;
}

// --config, else the experiment open when the window last closed, else the default view.
Config startup_config(const GuiOptions& options, const Settings& settings, std::string* warning) {
  if (options.config) return *options.config;
  if (!settings.last_config.empty()) {
    try {
      return parse_config(nlohmann::json::parse(settings.last_config), "settings.json last_config");
    } catch (const std::exception& e) {
      *warning = std::string("the last experiment could not be restored (") + e.what() + "); the default view is open";
    }
  }
  return default_config();
}

// What --frame-stats measures, from the 11th frame on (the first ones build fonts and load data).
struct FrameStats {
  std::vector<double> work_ms;  // from the start of a frame to its buffer swap, pacing excluded
  // The same frames in three phases: ImGui and the panels building draw lists, handing them to
  // OpenGL, and the buffer swap (where a software rasterizer such as llvmpipe does its work).
  std::vector<double> build_ms, submit_ms, swap_ms;
  std::vector<int> vertices, indices;  // built, whether drawn or not
  std::vector<int> tiles_drawn;         // windows redrawn (partial_redraw.h)
  int full_frames = 0;                  // frames that drew everything
  std::chrono::steady_clock::time_point start;
  double process_cpu0 = 0.0, thread_cpu0 = 0.0;
  int64_t steps_a0 = 0, steps_b0 = 0;
};

// --versus-idle: steps of each run during the phases that drew and the phases that did not.
struct VersusIdle {
  static constexpr double kPhaseSeconds = 2.0;
  bool running = false, idle = false;
  double phase_start = 0.0;
  int64_t phase_steps[2] = {0, 0};
  double seconds[2] = {0.0, 0.0};  // [drawing, idle]
  int64_t steps[2][2] = {{0, 0}, {0, 0}};  // [drawing, idle][run A, run B]
  int phases = 0;
};

double cpu_seconds(clockid_t clock) {
  timespec t{};
  clock_gettime(clock, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

int64_t steps_of(Session& session, bool a) {
  TwinRuns* twins = session.twins();
  return twins ? (a ? twins->a() : twins->b()).snapshot()->step : 0;
}

// Closes the phase that started at `v.phase_start` if it is over, and starts the other kind.
void advance_versus_idle(VersusIdle& v, Session& session, double now) {
  const int64_t a = steps_of(session, true), b = steps_of(session, false);
  if (!v.running) {
    v = VersusIdle{};
    v.running = true;
    v.phase_start = now;
    v.phase_steps[0] = a;
    v.phase_steps[1] = b;
    return;
  }
  if (now - v.phase_start < VersusIdle::kPhaseSeconds) return;
  const int k = v.idle ? 1 : 0;
  v.seconds[k] += now - v.phase_start;
  v.steps[k][0] += a - v.phase_steps[0];
  v.steps[k][1] += b - v.phase_steps[1];
  ++v.phases;
  v.idle = !v.idle;
  v.phase_start = now;
  v.phase_steps[0] = a;
  v.phase_steps[1] = b;
}

void print_versus_idle(const VersusIdle& v) {
  if (v.seconds[0] <= 0.0 || v.seconds[1] <= 0.0) {
    std::printf("{\"versus_idle\": null}\n");  // too short a run for one phase of each
    return;
  }
  double rate[2][2];
  for (int k = 0; k < 2; ++k)
    for (int r = 0; r < 2; ++r) rate[k][r] = v.steps[k][r] / v.seconds[k];
  std::printf("{\"versus_idle\": {\"phases\": %d, \"drawing_steps_per_s_a\": %.1f, \"idle_steps_per_s_a\": %.1f, "
              "\"ratio_a\": %.4f, \"drawing_steps_per_s_b\": %.1f, \"idle_steps_per_s_b\": %.1f, \"ratio_b\": %.4f}}\n",
              v.phases, rate[0][0], rate[1][0], rate[1][0] > 0 ? rate[0][0] / rate[1][0] : 0.0, rate[0][1], rate[1][1],
              rate[1][1] > 0 ? rate[0][1] / rate[1][1] : 0.0);
}

void begin_frame_stats(FrameStats& s, Session& session) {
  s.start = std::chrono::steady_clock::now();
  s.process_cpu0 = cpu_seconds(CLOCK_PROCESS_CPUTIME_ID);
  s.thread_cpu0 = cpu_seconds(CLOCK_THREAD_CPUTIME_ID);
  s.steps_a0 = steps_of(session, true);
  s.steps_b0 = steps_of(session, false);
}

// One JSON line: frame work time (median, p99), frames per second, the CPU time per frame of
// the UI thread and of the whole process (trainers and the GL driver's threads included), the
// vertices drawn, and each run's steps per second over the same interval; then where the runs
// ended (step, paused, blocks of A with BN, dataset), which the keyboard tests read.
void print_frame_stats(FrameStats& s, Session& session) {
  const size_t n = s.work_ms.size();
  int bn_blocks_a = 0;
  for (const BlockConfig& b : session.config().model.blocks) bn_blocks_a += b.norm == "batch";
  std::printf("{\"step_a\": %lld, \"step_b\": %lld, \"paused\": %s, \"bn_blocks_a\": %d, \"dataset\": \"%s\"}\n",
              static_cast<long long>(steps_of(session, true)), static_cast<long long>(steps_of(session, false)),
              session.paused() ? "true" : "false", bn_blocks_a, session.config().data.dataset.c_str());
  if (n == 0) return;
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - s.start).count();
  const auto median = [](auto v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
  };
  std::sort(s.work_ms.begin(), s.work_ms.end());
  std::printf("{\"frames\": %zu, \"median_ms\": %.2f, \"p99_ms\": %.2f, \"build_ms\": %.2f, \"submit_ms\": %.2f, "
              "\"swap_ms\": %.2f, \"fps\": %.1f, \"ui_cpu_ms_per_frame\": %.2f, \"process_cpu_ms_per_frame\": %.2f, "
              "\"vertices\": %d, \"indices\": %d, \"tiles_drawn\": %d, \"full_frames\": %d, \"steps_per_s_a\": %.0f, "
              "\"steps_per_s_b\": %.0f}\n",
              n, s.work_ms[n / 2], s.work_ms[std::min(n - 1, n * 99 / 100)], median(s.build_ms), median(s.submit_ms),
              median(s.swap_ms), n / secs, (cpu_seconds(CLOCK_THREAD_CPUTIME_ID) - s.thread_cpu0) * 1e3 / n,
              (cpu_seconds(CLOCK_PROCESS_CPUTIME_ID) - s.process_cpu0) * 1e3 / n, median(s.vertices),
              median(s.indices), median(s.tiles_drawn), s.full_frames, (steps_of(session, true) - s.steps_a0) / secs,
              (steps_of(session, false) - s.steps_b0) / secs);
}

// --check-redraw: the picture partial redraws left in the back buffer against one drawn from
// scratch from the same draw lists, every window built. Differing pixels mean a tile that
// changed was not redrawn, or one that was kept did not survive in the back buffer.
void print_redraw_check(const PartialRedraw& redraw, int width, int height, const float clear[3]) {
  std::vector<uint32_t> partial(static_cast<size_t>(width) * height), fresh(partial.size());
  glPixelStorei(GL_PACK_ALIGNMENT, 4);
  glReadPixels(0, 0, width, height, GL_RGBA, GL_UNSIGNED_BYTE, partial.data());
  draw_everything(ImGui::GetDrawData(), clear);
  glReadPixels(0, 0, width, height, GL_RGBA, GL_UNSIGNED_BYTE, fresh.data());
  // The marker pixel (bottom right, the first row read) is the only one drawn differently.
  partial[static_cast<size_t>(width) - 1] = fresh[static_cast<size_t>(width) - 1];
  size_t differing = 0;
  for (size_t i = 0; i < partial.size(); ++i) differing += (partial[i] & 0xFFFFFFu) != (fresh[i] & 0xFFFFFFu);
  std::printf("{\"redraw_check\": {\"pixels\": %zu, \"differing\": %zu, \"partial\": %s, \"tiles_drawn\": %d}}\n",
              partial.size(), differing, redraw.drew_everything() ? "false" : "true", redraw.tiles_drawn());
}

}  // namespace

// --- 1. set-up ------------------------------------------------------------------------------

int run_gui(const GuiOptions& options) {
  App app;
  app.settings = Settings::load(&app.settings_warning);
  if (!options.lang.empty()) app.settings.language = options.lang;
  if (!options.theme.empty()) app.settings.theme = options.theme;
  text.load(BNLAB_ASSETS_DIR);
  glfwSetErrorCallback([](int code, const char* what) { std::fprintf(stderr, "bnlab: GLFW error %d: %s\n", code, what); });
  if (!glfwInit()) {
    std::fputs("bnlab: cannot open a window (no display? try xvfb-run)\n", stderr);
    return 1;
  }
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
  glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
  glfwWindowHint(GLFW_OPENGL_FORWARD_COMPAT, GLFW_TRUE);
  const int width = options.width > 0 ? options.width : app.settings.window_width;
  const int height = options.height > 0 ? options.height : app.settings.window_height;
  app.window = glfwCreateWindow(width, height, "bnlab", nullptr, nullptr);
  if (!app.window) {
    std::fputs("bnlab: cannot create an OpenGL 3.3 window\n", stderr);
    glfwTerminate();
    return 1;
  }
  glfwMakeContextCurrent(app.window);
  // No vsync: the frame pacer sets the pace (at most 60 per second), and it measures a frame up to
  // its swap, which must not include a wait for the display.
  glfwSwapInterval(0);
  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGui::GetIO().IniFilename = nullptr;  // layout comes from our settings, not imgui.ini
  log_input_events(app.window, &app.input);
  ImGui_ImplGlfw_InitForOpenGL(app.window, true);
  ImGui_ImplOpenGL3_Init("#version 330 core");
  // Null if the heatmap shaders do not build (their log is on stderr): heatmaps stay on the CPU.
  std::unique_ptr<gl::GpuHeatmaps> gpu_heatmaps = gl::GpuHeatmaps::create();
  plot::SetHeatmapRenderer(gpu_heatmaps.get());
  app.panels = make_panels();
  for (PanelEntry& p : app.panels)
    if (auto it = app.settings.panels.find(p.panel->key()); it != app.settings.panels.end()) p.visible = it->second;
  app.session.start(startup_config(options, app.settings, &app.settings_warning));

  bool show_help = false, started = false;
  FrameStats stats;
  constexpr int kWarmUpFrames = 10;
  FramePacer pacer;
  const auto t0 = std::chrono::steady_clock::now();
  auto seconds = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(); };
  pacer.input(seconds());  // the first frames
  // A software rasterizer (Mesa llvmpipe) draws at the swap on one thread per core, and that
  // processor time is taken from the trainers; a GPU's swap costs the processors nothing.
  const char* renderer = reinterpret_cast<const char*>(glGetString(GL_RENDERER));
  const bool software_gl = renderer && (std::strstr(renderer, "llvmpipe") || std::strstr(renderer, "softpipe"));
  const double raster_threads = software_gl ? std::max(1u, std::thread::hardware_concurrency()) : 0.0;
  uint64_t seen_events = 0, events_drawn = 0, drawn_a = 0, drawn_b = 0;
  VersusIdle versus;
  // --versus-idle goes on past --frames until it has one phase of each kind (the data may load
  // slowly, under a sanitizer say), but not more than a minute past it.
  double frames_done_at = -1.0;
  auto more_frames = [&](int n) {
    if (options.frames <= 0 || n < options.frames) return true;
    if (!options.versus_idle || versus.phases >= 2) return false;
    if (frames_done_at < 0.0) frames_done_at = seconds();
    return seconds() - frames_done_at < 60.0;
  };
  for (int n = 0; !glfwWindowShouldClose(app.window) && more_frames(n);) {
    // Sleep until an event arrives or the pacer wants a frame; no frame, no work.
    TwinRuns* twins = app.session.twins();
    // A scripted run (--frames) that is not training stands in for a user at work: it draws
    // every frame, so --frame-stats measures the drawing itself.
    const bool scripted_idle = options.frames > 0 && app.session.paused();
    const bool animating = app.session.loading() || app.want_screenshot || (options.train && !started) || scripted_idle;
    bool new_data = twins && (twins->a().snapshot()->version != drawn_a || twins->b().snapshot()->version != drawn_b);
    glfwWaitEventsTimeout(versus.idle ? 0.05 : pacer.wait(seconds(), animating, new_data));
    if (app.input.events != seen_events) {
      seen_events = app.input.events;
      pacer.input(seconds());
    }
    app.session.update();
    twins = app.session.twins();
    new_data = twins && (twins->a().snapshot()->version != drawn_a || twins->b().snapshot()->version != drawn_b);
    // Paused, panels that still show the picture from before the last change are caught up at
    // once; while training, the runs' pace already brings frames.
    const bool catching_up = app.redraw.pending() && app.session.paused();
    if (options.versus_idle && n >= kWarmUpFrames && started && twins && !app.session.paused()) {
      advance_versus_idle(versus, app.session, seconds());
      if (versus.idle) continue;
    }
    if (!pacer.should_draw(seconds(), animating || catching_up || app.session.loading(), new_data)) continue;
    app.input_this_frame = app.input.events != events_drawn;
    const bool changed = new_data || animating || app.input_this_frame;
    events_drawn = app.input.events;
    if (twins) {
      drawn_a = twins->a().snapshot()->version;
      drawn_b = twins->b().snapshot()->version;
    }

    const double frame_start = seconds();
    const double frame_cpu0 = cpu_seconds(CLOCK_THREAD_CPUTIME_ID);
    if (n == kWarmUpFrames) begin_frame_stats(stats, app.session);
    const bool look_changed = apply_settings(app);
    if (options.train && !started && app.session.twins()) {
      app.session.play_pause();
      started = true;
    }
    const bool last_frame = options.frames > 0 && n + 1 == options.frames;
    int fw = 0, fh = 0;
    glfwGetFramebufferSize(app.window, &fw, &fh);
    // A screenshot shows every panel as of this frame.
    const bool screenshot = app.want_screenshot || (last_frame && !options.screenshot.empty());
    const bool check_redraw = last_frame && options.check_redraw;
    app.redraw.begin_frame(fw, fh, changed || look_changed, look_changed || screenshot, check_redraw);
    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplGlfw_NewFrame();
    ImGui::NewFrame();
    frame(app, show_help);
    ImGui::Render();
    const double built = seconds();
    glViewport(0, 0, fw, fh);
    const ImVec4 bg = ImGui::GetStyle().Colors[ImGuiCol_WindowBg];
    const float clear[3] = {bg.x, bg.y, bg.z};
    app.redraw.render(ImGui::GetDrawData(), clear, gpu_heatmaps ? static_cast<uint64_t>(gpu_heatmaps->uploads()) : 0);
    if (check_redraw) print_redraw_check(app.redraw, fw, fh, clear);
    if (screenshot) {
      take_screenshot(app, last_frame ? options.screenshot : "");
      if (last_frame && !options.screenshot.empty()) std::fprintf(stderr, "bnlab: %s\n", app.status.c_str());
      app.want_screenshot = false;
    }
    const double submitted = seconds();
    glfwSwapBuffers(app.window);
    const double frame_end = seconds();
    pacer.drew(frame_start, frame_end, (cpu_seconds(CLOCK_THREAD_CPUTIME_ID) - frame_cpu0) + (frame_end - submitted) * raster_threads);
    if (n >= kWarmUpFrames) {
      stats.work_ms.push_back((frame_end - frame_start) * 1e3);
      stats.build_ms.push_back((built - frame_start) * 1e3);
      stats.submit_ms.push_back((submitted - built) * 1e3);
      stats.swap_ms.push_back((frame_end - submitted) * 1e3);
      stats.vertices.push_back(ImGui::GetDrawData()->TotalVtxCount);
      stats.tiles_drawn.push_back(app.redraw.tiles_drawn());
      stats.full_frames += app.redraw.drew_everything();
      stats.indices.push_back(ImGui::GetDrawData()->TotalIdxCount);
    }
    ++n;
  }
  if (options.frame_stats) print_frame_stats(stats, app.session);
  if (options.versus_idle) print_versus_idle(versus);
  glfwGetWindowSize(app.window, &app.settings.window_width, &app.settings.window_height);
  for (const PanelEntry& p : app.panels) app.settings.panels[p.panel->key()] = p.visible;
  app.settings.last_config = to_json(app.session.chosen_config()).dump();
  if (options.frames <= 0) app.settings.save(nullptr);  // scripted runs leave the user's settings alone
  app.panels.clear();
  app.session = Session();
  plot::SetHeatmapRenderer(nullptr);
  gpu_heatmaps.reset();  // its textures and program go while the context is still current
  ImGui_ImplOpenGL3_Shutdown();
  ImGui_ImplGlfw_Shutdown();
  ImGui::DestroyContext();
  glfwDestroyWindow(app.window);
  glfwTerminate();
  return 0;
}

}  // namespace bnlab::ui
