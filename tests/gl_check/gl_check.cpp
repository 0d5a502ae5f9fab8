// What this file is: bnlab_gl_check, which tests/test_gpu_heatmap.cpp runs under Xvfb. In a real
// OpenGL 3.3 core context it builds the heatmap program from the embedded shaders, draws
// heatmaps through ImGui's OpenGL 3 renderer as the window does (into an offscreen framebuffer),
// reads the pixels back and compares them with the CPU path's colours. One line per check on
// stdout; exit status 1 if any failed.
#define GL_GLEXT_PROTOTYPES
#define GLFW_INCLUDE_NONE
#include <GL/glcorearb.h>
#include <GLFW/glfw3.h>
#include <imgui.h>
#include <imgui_impl_opengl3.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <limits>
#include <vector>

#include "gl/gpu_heatmap.h"
#include "plot/imgui_canvas.h"
#include "plot/plot.h"

namespace {

using namespace bnlab;

constexpr int kWidth = 400, kHeight = 300;
constexpr float kInf = std::numeric_limits<float>::infinity(), kNaN = std::numeric_limits<float>::quiet_NaN();
const plot::Color kBackground = plot::Color::rgb8(51, 102, 153);

int failures = 0;

void check(bool ok, const char* what) {
  std::printf("%s: %s\n", ok ? "ok" : "FAILED", what);
  if (!ok) ++failures;
}

struct Rgb {
  int r = 0, g = 0, b = 0;
};

Rgb rgb(plot::Color c) {
  const uint32_t v = c.to_abgr8();
  return {static_cast<int>(v & 0xFF), static_cast<int>((v >> 8) & 0xFF), static_cast<int>((v >> 16) & 0xFF)};
}

int distance(Rgb a, Rgb b) { return std::max({std::abs(a.r - b.r), std::abs(a.g - b.g), std::abs(a.b - b.b)}); }

// One ImGui frame drawn by `draw` into the offscreen framebuffer, read back; (kHeight, kWidth)
// RGBA, row 0 at the top of the screen.
struct Picture {
  std::vector<unsigned char> rgba;
  Rgb at(int x, int y) const {
    const size_t i = (static_cast<size_t>(kHeight - 1 - y) * kWidth + x) * 4;  // GL rows go up
    return {rgba[i], rgba[i + 1], rgba[i + 2]};
  }
};

Picture render(const std::function<void()>& draw) {
  ImGui_ImplOpenGL3_NewFrame();
  ImGui::NewFrame();
  ImGui::SetNextWindowPos(ImVec2(0, 0));
  ImGui::SetNextWindowSize(ImVec2(kWidth, kHeight));
  ImGui::Begin("check", nullptr, ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoBackground);
  draw();
  ImGui::End();
  ImGui::Render();
  glViewport(0, 0, kWidth, kHeight);
  glClearColor(kBackground.r, kBackground.g, kBackground.b, 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
  Picture p;
  p.rgba.resize(static_cast<size_t>(kWidth) * kHeight * 4);
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadPixels(0, 0, kWidth, kHeight, GL_RGBA, GL_UNSIGNED_BYTE, p.rgba.data());
  return p;
}

// 4 × 3 cells of 20 × 20 pixels at (20, 20); row 0 at the top. One NaN, both infinities.
std::vector<float> small_values() { return {0.0f, 0.25f, 0.5f, 1.0f, kNaN, kInf, -kInf, 0.75f, 0.1f, 0.9f, 0.33f, 0.66f}; }
const plot::Rect kSmall{20, 20, 100, 80};

void draw_small(const std::vector<float>& values, plot::Colormap map) {
  plot::ImGuiCanvas canvas(ImGui::GetWindowDrawList());
  canvas.heatmap(kSmall, {"small", values.data(), 4, 3, 0.0f, 1.0f, map});
  // Clipped at x = 170: the right half of this one must not show.
  canvas.push_clip({0, 0, 170, kHeight});
  canvas.heatmap({130, 20, 210, 80}, {"clipped", values.data(), 4, 3, 0.0f, 1.0f, map});
  canvas.pop_clip();
  // ImGui's own drawing after the heatmaps: its render state must be back.
  canvas.rect_filled({20, 100, 60, 120}, plot::Color::rgb8(250, 10, 10));
}

void check_cells(const Picture& p, const std::vector<float>& values, plot::Colormap map) {
  int worst = 0;
  for (int r = 0; r < 3; ++r) {
    for (int c = 0; c < 4; ++c) {
      const plot::Color want = colormap_at(map, values[static_cast<size_t>(r) * 4 + c]);
      const Rgb expected = want.a > 0.0f ? rgb(want) : rgb(kBackground);  // NaN: background
      worst = std::max(worst, distance(p.at(30 + c * 20, 30 + r * 20), expected));
    }
  }
  std::printf("   cell centres: largest channel difference from the CPU colour %d\n", worst);
  check(worst <= 1, "each cell has its CPU colour (NaN shows the background, ±inf the ends)");
}

// The contour panel's kind of plot through plot::Begin/End: a 96 × 96 heatmap with a hole, a
// line over it, the colour bar. Drawn with and without the GPU, the pictures must agree.
void draw_plot() {
  constexpr int n = 96;
  std::vector<float> z(n * n);
  for (int j = 0; j < n; ++j)
    for (int i = 0; i < n; ++i) {
      const float x = (i - 40.0f) / 30.0f, y = (j - 50.0f) / 20.0f;
      z[j * n + i] = (i > 70 && j > 70) ? kNaN : std::log10(x * x + 3.0f * y * y + 0.01f);
    }
  const float xs[3] = {-1.0f, 0.2f, 0.9f}, ys[3] = {-0.8f, 0.5f, -0.1f};
  plot::ImGuiCanvas canvas(ImGui::GetWindowDrawList());
  plot::PlotSpec spec;
  spec.title = "check";
  if (!plot::Begin(canvas, "plot", {0, 0, kWidth, kHeight}, spec)) return;
  plot::Heatmap("##z", z.data(), n, n, {-1, 1, -1, 1}, -2.0f, 1.0f);
  plot::Line("path", xs, ys, 3, {.line_width = 3.0f});
  plot::End();
}

void run_checks() {
  // A shader that does not compile is reported with its file name and the driver's log.
  const bnlab::shaders::Source broken{"broken.frag", "#version 330 core\nvoid main() { not glsl; }\n"};
  const bnlab::shaders::Source* vert = nullptr;
  for (const auto& s : bnlab::shaders::kAll)
    if (std::string_view(s.file) == "heatmap.vert") vert = &s;
  check(vert && gl::build_program(*vert, broken) == 0, "a broken shader is refused (its log is on stderr)");

  std::unique_ptr<gl::GpuHeatmaps> gpu = gl::GpuHeatmaps::create();
  check(gpu != nullptr, "the heatmap program builds from the embedded shaders");
  if (!gpu) return;
  plot::SetHeatmapRenderer(gpu.get());

  std::vector<float> values = small_values();
  for (plot::Colormap map : plot::kColormaps) {
    const Picture p = render([&] { draw_small(values, map); });
    check_cells(p, values, map);
  }
  const Picture p = render([&] { draw_small(values, plot::Colormap::viridis); });
  check(distance(p.at(140, 30), rgb(colormap_at(plot::Colormap::viridis, 0.0f))) <= 1 &&
            distance(p.at(165, 30), rgb(colormap_at(plot::Colormap::viridis, 0.25f))) <= 1 &&
            distance(p.at(175, 30), rgb(kBackground)) == 0 && distance(p.at(200, 30), rgb(kBackground)) == 0,
        "the clip rectangle cuts the heatmap");
  check(distance(p.at(40, 110), Rgb{250, 10, 10}) == 0, "ImGui draws normally after a heatmap");
  check(gpu->textures() == 2, "one texture per heatmap");
  const int uploads = gpu->uploads();
  render([&] { draw_small(values, plot::Colormap::viridis); });
  check(gpu->uploads() == uploads, "unchanged values are not uploaded again");
  values[0] = 1.0f;
  const Picture changed = render([&] { draw_small(values, plot::Colormap::viridis); });
  check(gpu->uploads() == uploads + 2 && distance(changed.at(30, 30), rgb(colormap_at(plot::Colormap::viridis, 1.0f))) <= 1,
        "changed values are uploaded and drawn");

  const int before_plot = gpu->uploads();
  const Picture on_gpu = render(draw_plot);
  check(gpu->uploads() == before_plot + 1, "the plot's heatmap went to the GPU");
  plot::SetHeatmapRenderer(nullptr);
  const Picture on_cpu = render(draw_plot);
  int worst = 0, differing = 0;
  for (int y = 0; y < kHeight; ++y)
    for (int x = 0; x < kWidth; ++x) {
      const int d = distance(on_gpu.at(x, y), on_cpu.at(x, y));
      worst = std::max(worst, d);
      differing += d > 1;
    }
  std::printf("   whole plot, GPU against CPU: %d pixels differ by more than 1, largest difference %d\n", differing,
              worst);
  check(differing == 0, "a plot with a heatmap looks the same drawn by the GPU and by the CPU");

  // For the record, not a check (the machine's load decides it): a frame of that plot each way,
  // recording, drawing and reading back, alternating so both see the same conditions.
  std::vector<double> ms[2];
  for (int i = 0; i < 30; ++i) {
    const bool on = i % 2 == 0;
    plot::SetHeatmapRenderer(on ? gpu.get() : nullptr);
    const auto start = std::chrono::steady_clock::now();
    render(draw_plot);
    ms[on ? 0 : 1].push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
  }
  plot::SetHeatmapRenderer(nullptr);
  for (auto& m : ms) std::sort(m.begin(), m.end());
  std::printf("   a frame of that plot, median of 15: %.2f ms with the GPU heatmap, %.2f ms coloured on the CPU\n",
              ms[0][7], ms[1][7]);
}

}  // namespace

int main() {
  glfwSetErrorCallback([](int code, const char* what) { std::fprintf(stderr, "GLFW error %d: %s\n", code, what); });
  if (!glfwInit()) {
    std::fputs("bnlab_gl_check: no display (run it under xvfb-run)\n", stderr);
    return 2;
  }
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
  glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
  glfwWindowHint(GLFW_OPENGL_FORWARD_COMPAT, GLFW_TRUE);
  glfwWindowHint(GLFW_VISIBLE, GLFW_FALSE);
  GLFWwindow* window = glfwCreateWindow(64, 64, "bnlab_gl_check", nullptr, nullptr);
  if (!window) {
    std::fputs("bnlab_gl_check: no OpenGL 3.3 core context\n", stderr);
    glfwTerminate();
    return 2;
  }
  glfwMakeContextCurrent(window);
  // An offscreen target of a known size: what a hidden window's own buffer holds is up to the
  // driver.
  GLuint fbo = 0, colour = 0;
  glGenFramebuffers(1, &fbo);
  glGenRenderbuffers(1, &colour);
  glBindRenderbuffer(GL_RENDERBUFFER, colour);
  glRenderbufferStorage(GL_RENDERBUFFER, GL_RGBA8, kWidth, kHeight);
  glBindFramebuffer(GL_FRAMEBUFFER, fbo);
  glFramebufferRenderbuffer(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_RENDERBUFFER, colour);

  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;
  io.DisplaySize = ImVec2(kWidth, kHeight);
  io.DeltaTime = 1.0f / 60.0f;
  ImGui::GetStyle().WindowPadding = ImVec2(0, 0);  // the window's clip rectangle is the whole target
  ImGui::GetStyle().WindowBorderSize = 0.0f;
  ImGui_ImplOpenGL3_Init("#version 330 core");
  std::printf("OpenGL %s, %s\n", reinterpret_cast<const char*>(glGetString(GL_VERSION)),
              reinterpret_cast<const char*>(glGetString(GL_RENDERER)));
  run_checks();

  ImGui_ImplOpenGL3_Shutdown();
  ImGui::DestroyContext();
  glDeleteRenderbuffers(1, &colour);
  glDeleteFramebuffers(1, &fbo);
  glfwDestroyWindow(window);
  glfwTerminate();
  std::printf("%d check(s) failed\n", failures);
  return failures ? 1 : 0;
}
