// What this file is: the GPU heatmap path, as far as it can be checked without OpenGL, and then
// with it: the shaders are embedded whole and declare GLSL 3.30 core; the colour maps' lookup
// table, read the way heatmap.frag reads it, gives colormap_at's colours; the CPU default of
// Canvas::heatmap (what exports and tests draw) colours cells as before; plots hand equal-cell
// heatmaps to the canvas top row first with a stable key, and the on-screen canvas gives them
// to a registered GPU renderer or falls back to the CPU. Last, bnlab_gl_check under Xvfb draws
// through the real shaders and compares the pixels with the CPU's.
#include <gtest/gtest.h>
#include <imgui.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "test_paths.h"
#include "plot/imgui_canvas.h"
#include "plot/plot.h"
#include "shaders/shaders.h"

#include "test_helpers.h"

namespace bnlab::plot {
namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN(), kInf = std::numeric_limits<float>::infinity();

TEST(EmbeddedShaders, AreTheFilesInShadersAndDeclareGlsl330Core) {
  std::vector<std::string> names;
  for (const shaders::Source& s : shaders::kAll) {
    names.emplace_back(s.file);
    const std::string text = s.text;
    EXPECT_EQ(text.rfind("#version 330 core\n", 0), 0u) << s.file;
    std::ifstream in(std::string(BNLAB_SOURCE_DIR) + "/shaders/" + s.file, std::ios::binary);
    ASSERT_TRUE(in) << s.file;
    std::stringstream file;
    file << in.rdbuf();
    EXPECT_EQ(text, file.str()) << s.file << " is embedded changed or out of date";
    EXPECT_NE(text.find("void main()"), std::string::npos) << s.file;
  }
  for (const char* wanted : {"heatmap.vert", "heatmap.frag"})
    EXPECT_NE(std::find(names.begin(), names.end(), wanted), names.end()) << wanted;
}

// heatmap.frag's lookup: t scaled to the table, then linear between two neighbouring entries.
Color lookup_as_the_shader_does(const std::vector<Color>& table, float t) {
  const int last = static_cast<int>(table.size()) - 1;
  const float s = std::clamp(t, 0.0f, 1.0f) * static_cast<float>(last);
  const int i = std::min(static_cast<int>(s), last - 1);
  return mix(table[i], table[i + 1], s - static_cast<float>(i));
}

TEST(ColormapTable, ReadLikeTheShaderGivesColormapAt) {
  for (Colormap map : kColormaps) {
    const std::vector<Color> table = colormap_table(map);
    ASSERT_EQ(table.size(), static_cast<size_t>(kColormapTableSize));
    for (size_t i = 0; i < table.size(); ++i) {
      const Color want = colormap_at(map, static_cast<float>(i) / (table.size() - 1));
      EXPECT_EQ(table[i].to_abgr8(), want.to_abgr8()) << "entry " << i;
      EXPECT_EQ(table[i].a, 1.0f);
    }
    // Between entries too, including just either side of every map's stops (eighths).
    float worst = 0.0f;
    for (int k = 0; k <= 4096; ++k) {
      for (float t : {k / 4096.0f, k / 8.0f - 1e-4f, k / 8.0f + 1e-4f}) {
        if (k > 8 && t > 1.0f) continue;
        const Color a = lookup_as_the_shader_does(table, t), b = colormap_at(map, t);
        worst = std::max({worst, std::abs(a.r - b.r), std::abs(a.g - b.g), std::abs(a.b - b.b)});
      }
    }
    EXPECT_LT(worst, 1e-5f) << "map " << static_cast<int>(map);
  }
  // A table of 256 entries would miss viridis's stops: this is why there are 257.
  const std::vector<Color> coarse = colormap_table(Colormap::viridis, 256);
  const Color a = lookup_as_the_shader_does(coarse, 0.125f), b = colormap_at(Colormap::viridis, 0.125f);
  EXPECT_GT(std::max({std::abs(a.r - b.r), std::abs(a.g - b.g), std::abs(a.b - b.b)}), 1e-4f);
}

// Keeps what image() and heatmap() are asked to draw.
class RecordingCanvas final : public Canvas {
 public:
  std::vector<Color> cells;
  int image_w = 0, image_h = 0, heatmaps = 0, rects = 0;
  Rect image_dst, heatmap_dst;
  std::vector<float> heatmap_values;
  std::string heatmap_key;
  bool forward_heatmaps = true;  // on to the default (CPU) implementation

  void image(Rect dst, const Color* c, int w, int h) override {
    image_dst = dst;
    image_w = w;
    image_h = h;
    cells.assign(c, c + static_cast<size_t>(w) * h);
  }
  void heatmap(Rect dst, const HeatmapImage& h) override {
    ++heatmaps;
    heatmap_dst = dst;
    heatmap_key = std::string(h.key);
    heatmap_values.assign(h.values, h.values + static_cast<size_t>(h.cols) * h.rows);
    if (forward_heatmaps) Canvas::heatmap(dst, h);
  }
  void polyline(const Vec2*, int, Color, float, bool) override {}
  void rect_filled(Rect, Color) override { ++rects; }
  void convex_filled(const Vec2*, int, Color) override {}
  void strip_filled(const Vec2*, const Vec2*, int, Color) override {}
  void circle_filled(Vec2, float, Color) override {}
  void text(Vec2, std::string_view, const TextStyle&) override {}
  Vec2 measure_text(std::string_view s, float size) override {
    return {0.55f * (size > 0 ? size : 13.0f) * static_cast<float>(s.size()), size > 0 ? size : 13.0f};
  }
  void push_clip(Rect) override {}
  void pop_clip() override {}
  float default_text_size() const override { return 13.0f; }
};

TEST(CanvasHeatmap, DefaultColoursCellsOnTheCpu) {
  RecordingCanvas canvas;
  const float values[6] = {-1.0f, 0.0f, 1.0f, kNaN, kInf, -kInf};  // (2, 3): row 0 at the top
  const Rect dst{10, 20, 70, 60};
  canvas.heatmap(dst, {"k", values, 3, 2, -1.0f, 1.0f, Colormap::diverging});
  ASSERT_EQ(canvas.image_w, 3);
  ASSERT_EQ(canvas.image_h, 2);
  EXPECT_EQ(canvas.image_dst.x0, dst.x0);
  EXPECT_EQ(canvas.image_dst.y1, dst.y1);
  const float t[6] = {0.0f, 0.5f, 1.0f, kNaN, 1.0f, 0.0f};  // ±inf clamp to the ends
  for (int i = 0; i < 6; ++i) EXPECT_EQ(canvas.cells[i].to_abgr8(), colormap_at(Colormap::diverging, t[i]).to_abgr8()) << i;
  EXPECT_EQ(canvas.cells[3].a, 0.0f);  // NaN: transparent, the background shows
}

TEST(CanvasHeatmap, PlotsHandTheCanvasRowsTopFirstWithAStableKey) {
  ResetState();
  // (rows 2, cols 3), data row 0 at the bottom (y = 0).
  const float values[6] = {1, 2, 3, 4, 5, 6};
  std::string keys[2];
  for (int frame = 0; frame < 2; ++frame) {
    RecordingCanvas canvas;
    canvas.forward_heatmaps = false;
    ASSERT_TRUE(Begin(canvas, "heat", {0, 0, 600, 400}, PlotSpec{}));
    Heatmap("##field", values, 3, 2, {0, 2, 0, 1}, 0.0f, 6.0f);
    End();
    ASSERT_EQ(canvas.heatmaps, 1);
    EXPECT_EQ(canvas.heatmap_values, (std::vector<float>{4, 5, 6, 1, 2, 3}));
    EXPECT_LT(canvas.heatmap_dst.x0, canvas.heatmap_dst.x1);
    EXPECT_LT(canvas.heatmap_dst.y0, canvas.heatmap_dst.y1);
    keys[frame] = canvas.heatmap_key;
  }
  EXPECT_EQ(keys[0], keys[1]);
  EXPECT_NE(keys[0].find("heat"), std::string::npos);
  // Log axes make cells unequal on screen: those are drawn one rectangle each, on the CPU.
  RecordingCanvas canvas;
  ASSERT_TRUE(Begin(canvas, "heat log", {0, 0, 600, 400}, PlotSpec{.log_y = true}));
  Heatmap("##field", values, 3, 2, {0, 2, 1, 2}, 0.0f, 6.0f);
  const int before = canvas.rects;
  End();
  EXPECT_EQ(canvas.heatmaps, 0);
  EXPECT_GE(canvas.rects - before, 6);
  ResetState();
}

// Stands in for the GL renderer: records what it is given, accepts or refuses.
class FakeRenderer final : public HeatmapRenderer {
 public:
  bool accept = true;
  int calls = 0;
  Rect dst;
  std::vector<float> values;
  bool draw(ImDrawList*, Rect d, const HeatmapImage& h) override {
    ++calls;
    dst = d;
    values.assign(h.values, h.values + static_cast<size_t>(h.cols) * h.rows);
    return accept;
  }
};

TEST(CanvasHeatmap, OnScreenCanvasUsesTheRegisteredRendererElseTheCpu) {
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;
  io.DisplaySize = ImVec2(800, 600);
  unsigned char* pixels = nullptr;
  int w = 0, h = 0;
  io.Fonts->GetTexDataAsRGBA32(&pixels, &w, &h);
  ImGui::NewFrame();
  ImDrawList* dl = ImGui::GetBackgroundDrawList();
  const float values[4] = {0.0f, 0.3f, 0.6f, 1.0f};
  const HeatmapImage image{"k", values, 2, 2, 0.0f, 1.0f, Colormap::viridis};
  const Rect dst{100, 100, 300, 200};
  auto vertices_for = [&] {
    const int before = dl->VtxBuffer.Size;
    ImGuiCanvas(dl).heatmap(dst, image);
    return dl->VtxBuffer.Size - before;
  };
  FakeRenderer gpu;
  SetHeatmapRenderer(&gpu);
  EXPECT_EQ(vertices_for(), 0);  // the GPU draws it: no cells in the draw list
  EXPECT_EQ(gpu.calls, 1);
  EXPECT_EQ(gpu.dst.x1, dst.x1);
  EXPECT_EQ(gpu.values, std::vector<float>(values, values + 4));
  gpu.accept = false;
  EXPECT_EQ(vertices_for(), 4 * 4);  // refused: four cells, a quad each, from the CPU
  EXPECT_EQ(gpu.calls, 2);
  SetHeatmapRenderer(nullptr);
  EXPECT_EQ(vertices_for(), 4 * 4);
  EXPECT_EQ(gpu.calls, 2);
  ImGui::Render();
  ImGui::DestroyContext();
}

TEST(GpuHeatmap, DrawsTheCpuColoursInARealContextUnderXvfb) {
  int code = -1;
  // Leak checking off as for the window: Mesa's driver allocations outlive main.
  const std::string out =
      run_command(std::string("ASAN_OPTIONS=detect_leaks=0 xvfb-run -a -s '-screen 0 640x480x24' ") + BNLAB_GL_CHECK_EXE, &code);
  EXPECT_EQ(code, 0) << out;
  EXPECT_EQ(out.find("FAILED"), std::string::npos) << out;
  EXPECT_NE(out.find("ok: the heatmap program builds"), std::string::npos) << out;
  EXPECT_NE(out.find("ok: a plot with a heatmap looks the same"), std::string::npos) << out;
  // The broken shader's compile log names its file.
  EXPECT_NE(out.find("shaders/broken.frag does not compile"), std::string::npos) << out;
}

}  // namespace
}  // namespace bnlab::plot
