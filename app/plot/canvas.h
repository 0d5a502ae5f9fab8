// What this file is: the few drawing primitives a plot needs, behind an abstract Canvas, so the
// same plot code draws on screen (ImGuiCanvas, imgui_canvas.h) and into PNG/SVG/PDF files
// (CairoCanvas, cairo_canvas.h). Nothing here depends on ImGui or cairo: colours and points are
// plain structs, so exports and tests run without an ImGui context or a display.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace bnlab::plot {

// Straight (not premultiplied) RGBA in [0, 1].
struct Color {
  float r = 0.0f, g = 0.0f, b = 0.0f, a = 1.0f;

  static constexpr Color rgb8(int r, int g, int b, float a = 1.0f) {
    return {static_cast<float>(r) / 255.0f, static_cast<float>(g) / 255.0f, static_cast<float>(b) / 255.0f, a};
  }
  constexpr Color with_alpha(float alpha) const { return {r, g, b, alpha}; }
  // Same layout as ImGui's IM_COL32 (A in the high byte, R in the low byte).
  uint32_t to_abgr8() const;
};

// `over` laid on `under` at `t` (0: under, 1: over); the result is opaque if both are.
Color mix(Color under, Color over, float t);

// Decodes the UTF-8 code point at byte `i` and moves `i` past it; false at the end. Malformed
// bytes decode as U+FFFD so a bad string still draws.
bool next_codepoint(std::string_view s, size_t& i, uint32_t& codepoint);
// Han, kana, hangul and full-width forms: the code points a CJK font must draw.
bool is_cjk(uint32_t codepoint);

// The colour maps of heatmaps (theme.h); declared here so a canvas can colour a heatmap itself.
enum class Colormap;

struct Vec2 {
  float x = 0.0f, y = 0.0f;
};

// Screen-style rectangle: y grows downwards, (x0, y0) is the top-left corner.
struct Rect {
  float x0 = 0.0f, y0 = 0.0f, x1 = 0.0f, y1 = 0.0f;

  float width() const { return x1 - x0; }
  float height() const { return y1 - y0; }
  bool contains(Vec2 p) const { return p.x >= x0 && p.x <= x1 && p.y >= y0 && p.y <= y1; }
};

// A heatmap's values as a canvas receives them: cols × rows, row 0 at the top of the rectangle,
// coloured by (v − vmin) / (vmax − vmin) along `map` (vmax > vmin). The values are only read
// during the call.
struct HeatmapImage {
  // Names this heatmap from frame to frame (plot id and item), so a back end that keeps a
  // texture per heatmap can find it again and upload only when the values change.
  std::string_view key;
  const float* values = nullptr;  // (rows, cols), row-major
  int cols = 0, rows = 0;
  float vmin = 0.0f, vmax = 1.0f;
  Colormap map{};
};

enum class HAlign { left, center, right };
enum class VAlign { top, middle, bottom };

struct TextStyle {
  float size = 0.0f;  // pixel height of a line; 0: the canvas's default text size
  Color color{};
  HAlign h = HAlign::left;
  VAlign v = VAlign::top;
  // Rotated 90° counter-clockwise (reads bottom to top), for y-axis labels. Alignment then
  // refers to the rotated box: `h` along the reading direction (screen y), `v` across it.
  bool vertical = false;
};

class Canvas {
 public:
  virtual ~Canvas() = default;

  // A connected line through `n` points; `closed` joins the last point to the first.
  virtual void polyline(const Vec2* points, int n, Color color, float width, bool closed) = 0;
  virtual void rect_filled(Rect r, Color color) = 0;
  // A convex polygon, points in either winding order.
  virtual void convex_filled(const Vec2* points, int n, Color color) = 0;
  // The region between two polylines sampled at the same n steps (upper[i] above lower[i]):
  // bands, areas under curves. One primitive rather than n quads, so the fill shows no seams.
  virtual void strip_filled(const Vec2* upper, const Vec2* lower, int n, Color color) = 0;
  virtual void circle_filled(Vec2 centre, float radius, Color color) = 0;
  // A w × h grid of colours stretched over `dst`, row 0 at the top, each cell a flat colour.
  // The default draws one rectangle per cell; a back end may draw one image instead.
  virtual void image(Rect dst, const Color* cells, int w, int h);
  // A heatmap stretched over `dst`, one flat cell per value. The default colours the cells here
  // (colormap_at; NaN cells stay transparent, ±inf clamp to the ends of the map) and draws them
  // with image(); the screen's canvas may hand the values to the GPU instead.
  virtual void heatmap(Rect dst, const HeatmapImage& heatmap);
  // UTF-8 text; `pos` is the anchor that `style.h`/`style.v` align the text box to.
  virtual void text(Vec2 pos, std::string_view utf8, const TextStyle& style) = 0;
  // Width and height of the text's box, unrotated; size 0 means default_text_size().
  virtual Vec2 measure_text(std::string_view utf8, float size) = 0;
  // Clip rectangles nest: each push intersects with the current one.
  virtual void push_clip(Rect r) = 0;
  virtual void pop_clip() = 0;

  virtual float default_text_size() const = 0;
  // Device pixels per canvas unit (2 on a HiDPI screen or a 2x PNG): long series are reduced to
  // one min/max pair per device pixel column.
  virtual float pixel_scale() const { return 1.0f; }
  // True on screen, where the plot may read the mouse (zoom, pan, hover read-out).
  virtual bool interactive() const { return false; }

  void line(Vec2 a, Vec2 b, Color color, float width) {
    const Vec2 p[2] = {a, b};
    polyline(p, 2, color, width, false);
  }
  void rect_outline(Rect r, Color color, float width) {
    const Vec2 p[4] = {{r.x0, r.y0}, {r.x1, r.y0}, {r.x1, r.y1}, {r.x0, r.y1}};
    polyline(p, 4, color, width, true);
  }
};

}  // namespace bnlab::plot
