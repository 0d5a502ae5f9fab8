// What this file is: the window's entry point: GLFW, OpenGL 3.3 core, ImGui, fonts and settings,
// then the frame loop: when to draw (frame_pacer.h), what to redraw (partial_redraw.h), one
// frame (frame.cpp), screenshots and frame statistics (frame_stats.h).
#include "ui/gui_app.h"

#include <GLFW/glfw3.h>
#include <imgui.h>
#include <imgui_impl_glfw.h>
#include <imgui_impl_opengl3.h>

#include <algorithm>
#include <cfloat>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <thread>

#include "gl/gpu_heatmap.h"
#include "ui/frame_pacer.h"
#include "ui/frame_stats.h"
#include "ui/startup.h"
#include "ui/text.h"
#include "ui/window.h"

namespace bnlab::ui {
namespace {

// Every input event wakes the frame pacer: the callbacks count them in the InputLog that is the
// window's user pointer, and log key presses for the shortcuts and double-clicks for the panel
// titles. They are installed before ImGui's GLFW back end, which calls them from its own
// callbacks for keys, buttons, wheel, characters, focus and cursor enter.
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
  glfwSetMouseButtonCallback(window, [](GLFWwindow* w, int button, int action, int) {
    bump(w);
    if (button != GLFW_MOUSE_BUTTON_LEFT || action != GLFW_PRESS) return;
    InputLog& log = log_of(w);
    double x = 0.0, y = 0.0;
    glfwGetCursorPos(w, &x, &y);
    const double now = glfwGetTime();
    // Two presses within 0.4 s and 6 pixels, however many frames lie between them.
    if (log.last_press_time >= 0.0 && now - log.last_press_time < 0.4 && std::abs(x - log.last_press_x) < 6 &&
        std::abs(y - log.last_press_y) < 6) {
      log.double_clicks.emplace_back(x, y);
      log.last_press_time = -1.0;
    } else {
      log.last_press_time = now;
      log.last_press_x = x;
      log.last_press_y = y;
    }
  });
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

// A dataset that could not be loaded, said on the terminal too (once), as the window says it.
void say_data_problem(const Session& session, std::string* said) {
  const std::string now = session.data_problem ? say(*session.data_problem) : "";
  if (!now.empty() && now != *said) std::fprintf(stderr, "bnlab: %s: %s\n", tr("data.not_loaded"), now.c_str());
  *said = now;
}

}  // namespace

int run_gui(const GuiOptions& options) {
  auto owned = std::make_unique<Window>();  // the lab holds a reference to its settings: never moved
  Window& app = *owned;
  app.settings = Settings::load(nullptr);  // a damaged file is set aside; choose_startup() says so
  if (!options.lang.empty()) app.settings.language = options.lang;
  if (!options.theme.empty()) app.settings.theme = options.theme;
  text.load(assets_dir());
  text.set_language(app.settings.language);  // messages from the start on are in the UI's language
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
  app.glfw = glfwCreateWindow(width, height, "bnlab", nullptr, nullptr);
  if (!app.glfw) {
    std::fputs("bnlab: cannot create an OpenGL 3.3 window\n", stderr);
    glfwTerminate();
    return 1;
  }
  glfwMakeContextCurrent(app.glfw);
  // No vsync: the frame pacer sets the pace (at most 60 per second), and it measures a frame up to
  // its swap, which must not include a wait for the display.
  glfwSwapInterval(0);
  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGui::GetIO().IniFilename = nullptr;  // layout comes from our settings, not imgui.ini
  log_input_events(app.glfw, &app.input);
  ImGui_ImplGlfw_InitForOpenGL(app.glfw, true);
  ImGui_ImplOpenGL3_Init("#version 330 core");
  // Null if the heatmap shaders do not build (their log is on stderr): heatmaps stay on the CPU.
  std::unique_ptr<gl::GpuHeatmaps> gpu_heatmaps = gl::GpuHeatmaps::create();
  plot::SetHeatmapRenderer(gpu_heatmaps.get());
  app.lab.show_saved_panels();  // the settings were loaded after the lab was made
  const Startup startup = choose_startup(options.config_file, app.settings);
  app.lab.session.start(startup.config, startup.spiral_may_stand_in);
  app.lab.problems = startup.problems;
  app.lab.last_experiment_open = startup.last_experiment;
  // Said on the terminal too, for whoever started bnlab from one (and for scripted runs).
  for (const StartupProblem& p : startup.problems)
    std::fprintf(stderr, "bnlab: %s: %s\n", say_title(p).c_str(), say(p).c_str());
  text.add_glyphs("ⓘ");
  if (!options.scene.empty()) app.lab.actions.post(act::OpenScene{options.scene});
  app.show_welcome = !app.settings.welcomed && options.scene.empty() && options.frames == 0;

  bool started = false;
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
  std::string said_data_problem;
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
  for (int n = 0; !glfwWindowShouldClose(app.glfw) && more_frames(n);) {
    // Sleep until an event arrives or the pacer wants a frame; no frame, no work.
    TwinRuns* twins = app.lab.session.twins();
    // A scripted run (--frames) that is not training stands in for a user at work: it draws
    // every frame, so --frame-stats measures the drawing itself.
    const bool scripted_idle = options.frames > 0 && app.lab.session.paused();
    const bool animating = app.lab.session.loading() || app.want_screenshot || (options.train && !started) || scripted_idle;
    bool new_data = twins && (twins->a().snapshot()->version != drawn_a || twins->b().snapshot()->version != drawn_b);
    glfwWaitEventsTimeout(versus.idle ? 0.05 : pacer.wait(seconds(), animating, new_data));
    if (app.input.events != seen_events) {
      seen_events = app.input.events;
      pacer.input(seconds());
    }
    app.lab.session.update();
    say_data_problem(app.lab.session, &said_data_problem);
    twins = app.lab.session.twins();
    new_data = twins && (twins->a().snapshot()->version != drawn_a || twins->b().snapshot()->version != drawn_b);
    // Paused, panels that still show the picture from before the last change are caught up at
    // once; while training, the runs' pace already brings frames.
    const bool catching_up = app.redraw.pending() && app.lab.session.paused();
    if (options.versus_idle && n >= kWarmUpFrames && started && twins && !app.lab.session.paused()) {
      advance_versus_idle(versus, app.lab.session, seconds());
      if (versus.idle) continue;
    }
    if (!pacer.should_draw(seconds(), animating || catching_up || app.lab.session.loading(), new_data)) continue;
    app.input_this_frame = app.input.events != events_drawn;
    const bool changed = new_data || animating || app.input_this_frame;
    events_drawn = app.input.events;
    if (twins) {
      drawn_a = twins->a().snapshot()->version;
      drawn_b = twins->b().snapshot()->version;
    }

    const double frame_start = seconds();
    const double frame_cpu0 = cpu_seconds(CLOCK_THREAD_CPUTIME_ID);
    if (n == kWarmUpFrames) begin_frame_stats(stats, app.lab.session);
    const bool look_changed = apply_settings(app);
    if (options.train && !started && app.lab.session.twins()) {
      app.lab.actions.post(act::Play{});
      started = true;
    }
    const bool last_frame = options.frames > 0 && n + 1 == options.frames;
    int fw = 0, fh = 0;
    glfwGetFramebufferSize(app.glfw, &fw, &fh);
    // A screenshot shows every panel as of this frame.
    const bool screenshot = app.want_screenshot || (last_frame && !options.screenshot.empty());
    const bool check_redraw = last_frame && options.check_redraw;
    app.redraw.begin_frame(fw, fh, changed || look_changed, look_changed || screenshot, check_redraw);
    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplGlfw_NewFrame();
    // A pointer that never moved is no person's (a scripted run, or the window just opened under
    // it): nothing is hovered, so no read-out or tooltip covers a screenshot.
    if (!app.input.pointer_moved) ImGui::GetIO().MousePos = ImVec2(-FLT_MAX, -FLT_MAX);
    ImGui::NewFrame();
    frame(app);
    ImGui::Render();
    const double built = seconds();
    glViewport(0, 0, fw, fh);
    const ImVec4 bg = ImGui::GetStyle().Colors[ImGuiCol_WindowBg];
    const float clear[3] = {bg.x, bg.y, bg.z};
    app.redraw.render(ImGui::GetDrawData(), clear, gpu_heatmaps ? static_cast<uint64_t>(gpu_heatmaps->uploads()) : 0);
    if (check_redraw) print_redraw_check(app.redraw, fw, fh, clear);
    if (screenshot) {
      take_screenshot(app, last_frame ? options.screenshot : "");
      if (last_frame && !options.screenshot.empty()) std::fprintf(stderr, "bnlab: %s\n", app.lab.status.c_str());
      app.want_screenshot = false;
    }
    const double submitted = seconds();
    glfwSwapBuffers(app.glfw);
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
    // --frames counts from the frame that shows the runs (and a scene's first step) ready, so a
    // screenshot never shows the loading screen; after two minutes it counts anyway.
    const Lab& lab = app.lab;
    // A dataset that could not be loaded, or networks that could not be built, leave no runs:
    // that window is ready too.
    const bool no_runs_said = lab.session.data_problem || !lab.session.error.empty();
    if (((lab.session.twins() || no_runs_said) && !lab.session.loading() && (!lab.player || lab.player->settled())) ||
        seconds() > 120.0)
      ++n;
  }
  if (options.frame_stats) print_frame_stats(stats, app.lab);
  if (options.versus_idle) print_versus_idle(versus);
  glfwGetWindowSize(app.glfw, &app.settings.window_width, &app.settings.window_height);
  for (const PanelEntry& p : app.lab.panels) app.settings.panels[p.panel->key()] = p.visible;
  app.settings.last_config = to_json(app.lab.session.chosen_config()).dump();
  if (app.lab.player) app.settings.sidebar = true;  // a scene hid it; the next start is the free lab
  // Scripted runs leave the user's settings alone; so does a window that could not set a damaged
  // settings file aside (it would be lost).
  const bool damaged_in_place = !app.settings.damage.empty() && app.settings.set_aside_as.empty();
  if (options.frames <= 0 && !damaged_in_place) {
    std::string failed;
    app.settings.save(&failed);  // the window is closing: the terminal is the one place left to say it
    if (!failed.empty()) std::fprintf(stderr, "bnlab: settings not saved: %s\n", failed.c_str());
  }
  GLFWwindow* glfw = app.glfw;
  owned.reset();  // the runs stop, and the panels' textures go, while the GL context is current
  plot::SetHeatmapRenderer(nullptr);
  gpu_heatmaps.reset();  // its textures and program go while the context is still current
  ImGui_ImplOpenGL3_Shutdown();
  ImGui_ImplGlfw_Shutdown();
  ImGui::DestroyContext();
  glfwDestroyWindow(glfw);
  glfwTerminate();
  return 0;
}

}  // namespace bnlab::ui
