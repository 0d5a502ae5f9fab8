// What this file is: the on-screen Canvas: draws into an ImGui draw list in screen coordinates,
// with the current ImGui font, and hands heatmaps to a GPU renderer when the window has
// registered one. The only file of the plot module, with plot_input.cpp, that touches ImGui.
#pragma once

#include <cstdint>

#include "plot/canvas.h"

struct ImDrawList;
struct ImFont;

namespace bnlab::plot {

// Draws heatmaps with the window's OpenGL context (app/gl/gpu_heatmap.h). The plot module has no
// GL of its own: the window registers a renderer once its context is up, and tests, which have
// none, keep the CPU path.
class HeatmapRenderer {
 public:
  virtual ~HeatmapRenderer() = default;
  // Queues `heatmap` over `dst` into `draw_list`, clipped to the list's current clip rectangle.
  // False if it cannot draw it; the canvas then colours the cells on the CPU.
  virtual bool draw(ImDrawList* draw_list, Rect dst, const HeatmapImage& heatmap) = 0;
};

// The renderer that on-screen canvases created from now on use for heatmaps; null (the start)
// colours them on the CPU. The renderer must outlive the frames drawn with it.
void SetHeatmapRenderer(HeatmapRenderer* renderer);

class ImGuiCanvas final : public Canvas {
 public:
  // `font` null: ImGui::GetFont(); `font_size` 0: ImGui::GetFontSize(). Needs a current context.
  explicit ImGuiCanvas(ImDrawList* draw_list, ImFont* font = nullptr, float font_size = 0.0f);

  void polyline(const Vec2* points, int n, Color color, float width, bool closed) override;
  void rect_filled(Rect r, Color color) override;
  void convex_filled(const Vec2* points, int n, Color color) override;
  void strip_filled(const Vec2* upper, const Vec2* lower, int n, Color color) override;
  void circle_filled(Vec2 centre, float radius, Color color) override;
  void heatmap(Rect dst, const HeatmapImage& heatmap) override;
  void text(Vec2 pos, std::string_view utf8, const TextStyle& style) override;
  Vec2 measure_text(std::string_view utf8, float size) override;
  void push_clip(Rect r) override;
  void pop_clip() override;

  float default_text_size() const override { return font_size_; }
  float pixel_scale() const override { return pixel_scale_; }
  bool interactive() const override { return true; }

 private:
  // A polyline with more points than pixel columns: filled column by column (dense_line.h).
  void dense_polyline(const Vec2* points, int n, uint32_t col, float width);

  ImDrawList* draw_list_;
  ImFont* font_;
  float font_size_;
  float pixel_scale_;
  HeatmapRenderer* gpu_;
};

}  // namespace bnlab::plot
