// What this file is: the file Canvas: draws into a cairo context, and export_plot, which runs a
// plot's draw function on a cairo surface and writes PNG (at 1x to 4x), SVG or PDF atomically.
// save_png writes an image surface the same way. Text is real text through fontconfig, split into Latin and CJK runs because cairo's simple
// text API does not fall back from one font to another per glyph.
#pragma once

#include <functional>
#include <string>

#include "plot/canvas.h"

using cairo_t = struct _cairo;
using cairo_surface_t = struct _cairo_surface;

namespace bnlab::plot {

struct ExportFont {
  std::string latin_family = "DejaVu Sans";        // the screen's Latin font (app/ui/text.cpp)
  std::string cjk_family = "WenQuanYi Micro Hei";  // drawn for Han, kana, hangul
  float size = 13.0f;                              // pixel height of a line, as ImGui::GetFontSize() on screen
};

class CairoCanvas final : public Canvas {
 public:
  // `pixel_scale`: device pixels per unit (the PNG scale; 1 for vector formats).
  CairoCanvas(cairo_t* cr, float pixel_scale, ExportFont font = {});

  void polyline(const Vec2* points, int n, Color color, float width, bool closed) override;
  void rect_filled(Rect r, Color color) override;
  void convex_filled(const Vec2* points, int n, Color color) override;
  void strip_filled(const Vec2* upper, const Vec2* lower, int n, Color color) override;
  void circle_filled(Vec2 centre, float radius, Color color) override;
  void image(Rect dst, const Color* cells, int w, int h) override;
  void text(Vec2 pos, std::string_view utf8, const TextStyle& style) override;
  Vec2 measure_text(std::string_view utf8, float size) override;
  void push_clip(Rect r) override;
  void pop_clip() override;

  float default_text_size() const override { return font_.size; }
  float pixel_scale() const override { return pixel_scale_; }

 private:
  // Sets the font for one run and returns the baseline offset below the line's top.
  float select_font(bool cjk, float size);
  // Calls `run(text, cjk)` for each maximal run of one script.
  void for_each_run(std::string_view utf8, const std::function<void(std::string_view, bool)>& run);

  cairo_t* cr_;
  float pixel_scale_;
  ExportFont font_;
  int clip_depth_ = 0;
};

enum class Format { png, svg, pdf };

// Draws a width × height plot (in canvas units, the screen's pixels) and writes it to `path`:
// PNG at `scale` × the size in pixels (1 to 4); SVG and PDF at width × height points, `scale`
// ignored. The file is written through AtomicFile (a temporary renamed into place), so a reader,
// or a save killed half-way, never leaves half a file under `path`.
// On failure returns false with a message in *error (if given) and leaves no file behind.
// `pdf_date` (ISO 8601) is the creation date a PDF records; empty: now. A fixed one makes two
// renders of the same thing byte-identical.
bool export_plot(const std::string& path, Format format, float width, float height, float scale,
                 const std::function<void(Canvas&)>& draw, std::string* error, const ExportFont& font = {},
                 const std::string& pdf_date = "");

// `surface` (an image surface) as a PNG at `path`, atomically as export_plot writes. False with
// a message in *error on failure. The window's screenshots use it.
bool save_png(cairo_surface_t* surface, const std::string& path, std::string* error);

// "png", "svg", "pdf".
const char* format_extension(Format format);

}  // namespace bnlab::plot
