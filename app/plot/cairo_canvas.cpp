// What this file is: the cairo back end of Canvas and the PNG/SVG/PDF writer, which streams
// into an AtomicFile (core/io/atomic_file.h).
#include "plot/cairo_canvas.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <cairo.h>

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "core/error.h"
#include "core/io/atomic_file.h"

namespace bnlab::plot {

CairoCanvas::CairoCanvas(cairo_t* cr, float pixel_scale, ExportFont font)
    : cr_(cr), pixel_scale_(pixel_scale), font_(std::move(font)) {
  cairo_set_line_join(cr_, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_cap(cr_, CAIRO_LINE_CAP_ROUND);  // contour segments meet without notches
}

namespace {

void set_color(cairo_t* cr, Color c) { cairo_set_source_rgba(cr, c.r, c.g, c.b, c.a); }

}  // namespace

void CairoCanvas::polyline(const Vec2* points, int n, Color color, float width, bool closed) {
  if (n < 2) return;
  cairo_new_path(cr_);
  cairo_move_to(cr_, points[0].x, points[0].y);
  for (int i = 1; i < n; ++i) cairo_line_to(cr_, points[i].x, points[i].y);
  if (closed) cairo_close_path(cr_);
  cairo_set_line_width(cr_, width);
  set_color(cr_, color);
  cairo_stroke(cr_);
}

void CairoCanvas::rect_filled(Rect r, Color color) {
  cairo_new_path(cr_);
  cairo_rectangle(cr_, r.x0, r.y0, r.width(), r.height());
  set_color(cr_, color);
  cairo_fill(cr_);
}

void CairoCanvas::convex_filled(const Vec2* points, int n, Color color) {
  if (n < 3) return;
  cairo_new_path(cr_);
  cairo_move_to(cr_, points[0].x, points[0].y);
  for (int i = 1; i < n; ++i) cairo_line_to(cr_, points[i].x, points[i].y);
  cairo_close_path(cr_);
  set_color(cr_, color);
  cairo_fill(cr_);
}

void CairoCanvas::strip_filled(const Vec2* upper, const Vec2* lower, int n, Color color) {
  if (n < 2) return;
  cairo_new_path(cr_);
  cairo_move_to(cr_, upper[0].x, upper[0].y);
  for (int i = 1; i < n; ++i) cairo_line_to(cr_, upper[i].x, upper[i].y);
  for (int i = n - 1; i >= 0; --i) cairo_line_to(cr_, lower[i].x, lower[i].y);
  cairo_close_path(cr_);
  set_color(cr_, color);
  cairo_fill(cr_);
}

void CairoCanvas::circle_filled(Vec2 centre, float radius, Color color) {
  cairo_new_path(cr_);
  cairo_arc(cr_, centre.x, centre.y, radius, 0.0, 2.0 * M_PI);
  set_color(cr_, color);
  cairo_fill(cr_);
}

void CairoCanvas::image(Rect dst, const Color* cells, int w, int h) {
  if (w <= 0 || h <= 0) return;
  // One image, not w × h rectangles: no anti-aliasing seams between cells, and a heatmap stays
  // one element in SVG and PDF.
  cairo_surface_t* img = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h);
  if (cairo_surface_status(img) != CAIRO_STATUS_SUCCESS) {
    cairo_surface_destroy(img);
    Canvas::image(dst, cells, w, h);
    return;
  }
  cairo_surface_flush(img);
  unsigned char* data = cairo_image_surface_get_data(img);
  const int stride = cairo_image_surface_get_stride(img);
  for (int r = 0; r < h; ++r) {
    auto* row = reinterpret_cast<uint32_t*>(data + static_cast<size_t>(r) * stride);
    for (int c = 0; c < w; ++c) {
      const Color k = cells[static_cast<size_t>(r) * w + c];
      const float a = std::clamp(k.a, 0.0f, 1.0f);
      auto byte = [](float v) { return static_cast<uint32_t>(std::lround(std::clamp(v, 0.0f, 1.0f) * 255.0f)); };
      // cairo's ARGB32: premultiplied, native-endian 32-bit words.
      row[c] = (byte(a) << 24) | (byte(k.r * a) << 16) | (byte(k.g * a) << 8) | byte(k.b * a);
    }
  }
  cairo_surface_mark_dirty(img);
  cairo_save(cr_);
  cairo_new_path(cr_);
  cairo_rectangle(cr_, dst.x0, dst.y0, dst.width(), dst.height());
  cairo_clip(cr_);
  cairo_translate(cr_, dst.x0, dst.y0);
  cairo_scale(cr_, dst.width() / w, dst.height() / h);
  cairo_set_source_surface(cr_, img, 0, 0);
  cairo_pattern_set_filter(cairo_get_source(cr_), CAIRO_FILTER_NEAREST);
  cairo_paint(cr_);
  cairo_restore(cr_);
  cairo_surface_destroy(img);
}

float CairoCanvas::select_font(bool cjk, float size) {
  // ImGui scales a font so that ascent + descent equals the requested pixel height; doing the
  // same here (with the Latin font's metrics for both scripts, so they share a baseline) makes
  // exported labels the size they are on screen.
  cairo_select_font_face(cr_, font_.latin_family.c_str(), CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr_, size);
  cairo_font_extents_t fe;
  cairo_font_extents(cr_, &fe);
  const double line = fe.ascent + fe.descent;
  const double k = line > 0.0 ? size / line : 1.0;
  if (cjk) cairo_select_font_face(cr_, font_.cjk_family.c_str(), CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr_, size * k);
  return static_cast<float>(fe.ascent * k);
}

void CairoCanvas::for_each_run(std::string_view utf8, const std::function<void(std::string_view, bool)>& run) {
  size_t i = 0, start = 0;
  uint32_t c = 0;
  bool run_cjk = false;
  while (true) {
    const size_t at = i;
    const bool more = next_codepoint(utf8, i, c);
    const bool cjk = more && is_cjk(c);
    if (!more || (at > start && cjk != run_cjk)) {
      if (at > start) run(utf8.substr(start, at - start), run_cjk);
      start = at;
    }
    if (!more) break;
    run_cjk = cjk;
  }
}

Vec2 CairoCanvas::measure_text(std::string_view utf8, float size) {
  const float s = size > 0.0f ? size : font_.size;
  double width = 0.0;
  for_each_run(utf8, [&](std::string_view run, bool cjk) {
    select_font(cjk, s);
    const std::string piece(run);
    cairo_text_extents_t te;
    cairo_text_extents(cr_, piece.c_str(), &te);
    width += te.x_advance;
  });
  return {static_cast<float>(width), s};
}

void CairoCanvas::text(Vec2 pos, std::string_view utf8, const TextStyle& style) {
  const float size = style.size > 0.0f ? style.size : font_.size;
  const Vec2 box = measure_text(utf8, size);
  const float along = style.h == HAlign::left ? 0.0f : style.h == HAlign::center ? 0.5f : 1.0f;
  const float across = style.v == VAlign::top ? 0.0f : style.v == VAlign::middle ? 0.5f : 1.0f;
  cairo_save(cr_);
  if (style.vertical) {
    // Same rotated box as ImGuiCanvas: text-local (u, v) lands at screen (bx + v, by + w − u).
    const float bx = pos.x - across * box.y;
    const float by = pos.y - (1.0f - along) * box.x;
    cairo_translate(cr_, bx, by + box.x);
    cairo_rotate(cr_, -M_PI / 2.0);
  } else {
    cairo_translate(cr_, pos.x - along * box.x, pos.y - across * box.y);
  }
  set_color(cr_, style.color);
  double pen = 0.0;
  for_each_run(utf8, [&](std::string_view run, bool cjk) {
    const float baseline = select_font(cjk, size);
    const std::string piece(run);
    cairo_text_extents_t te;
    cairo_text_extents(cr_, piece.c_str(), &te);
    cairo_move_to(cr_, pen, baseline);
    cairo_show_text(cr_, piece.c_str());
    pen += te.x_advance;
  });
  cairo_restore(cr_);
}

void CairoCanvas::push_clip(Rect r) {
  cairo_save(cr_);
  cairo_new_path(cr_);
  cairo_rectangle(cr_, r.x0, r.y0, r.width(), r.height());
  cairo_clip(cr_);
  ++clip_depth_;
}

void CairoCanvas::pop_clip() {
  if (clip_depth_ == 0) return;  // unbalanced pop: ignore rather than unwind someone else's save
  --clip_depth_;
  cairo_restore(cr_);
}

const char* format_extension(Format format) {
  switch (format) {
    case Format::png:
      return "png";
    case Format::svg:
      return "svg";
    case Format::pdf:
      return "pdf";
  }
  return "bin";
}

namespace {

// Runs `draw` on `surface` and releases the context; returns the surface's status.
cairo_status_t render(cairo_surface_t* surface, float scale, float canvas_scale,
                      const std::function<void(Canvas&)>& draw, const ExportFont& font) {
  cairo_t* cr = cairo_create(surface);
  cairo_scale(cr, scale, scale);
  {
    CairoCanvas canvas(cr, canvas_scale, font);
    draw(canvas);
  }
  cairo_status_t status = cairo_status(cr);
  cairo_destroy(cr);
  if (status == CAIRO_STATUS_SUCCESS) status = cairo_surface_status(surface);
  return status;
}

bool fail(std::string* error, const std::string& message) {
  if (error) *error = message;
  return false;
}

// cairo's writer callback: the bytes go into the AtomicFile; its error is kept for the message.
struct StreamTarget {
  AtomicFile* file;
  std::string error;
};

cairo_status_t write_to(void* closure, const unsigned char* data, unsigned int length) {
  auto* target = static_cast<StreamTarget*>(closure);
  if (!target->error.empty()) return CAIRO_STATUS_WRITE_ERROR;
  try {
    target->file->write(data, length);
  } catch (const std::exception& e) {
    target->error = e.what();
    return CAIRO_STATUS_WRITE_ERROR;
  }
  return CAIRO_STATUS_SUCCESS;
}

}  // namespace

bool save_png(cairo_surface_t* surface, const std::string& path, std::string* error) {
  try {
    AtomicFile file(path);
    StreamTarget target{&file, {}};
    const cairo_status_t status = cairo_surface_write_to_png_stream(surface, write_to, &target);
    if (!target.error.empty()) return fail(error, target.error);
    if (status != CAIRO_STATUS_SUCCESS) return fail(error, path + ": cannot write it: " + cairo_status_to_string(status));
    file.commit();
    return true;
  } catch (const Error& e) {
    return fail(error, e.what());
  }
}

bool export_plot(const std::string& path, Format format, float width, float height, float scale,
                 const std::function<void(Canvas&)>& draw, std::string* error, const ExportFont& font,
                 const std::string& pdf_date) {
  if (!(width >= 1.0f && height >= 1.0f && width <= 32768.0f && height <= 32768.0f))
    return fail(error, "plot size must be between 1 and 32768");
  if (format == Format::png && !(scale >= 1.0f && scale <= 4.0f)) return fail(error, "PNG scale must be between 1 and 4");
  try {
    AtomicFile file(path);  // removes its temporary unless committed
    StreamTarget target{&file, {}};
    cairo_status_t status = CAIRO_STATUS_SUCCESS;
    if (format == Format::png) {
      const int w = static_cast<int>(std::lround(width * scale)), h = static_cast<int>(std::lround(height * scale));
      cairo_surface_t* surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h);
      status = cairo_surface_status(surface);
      if (status == CAIRO_STATUS_SUCCESS) status = render(surface, scale, scale, draw, font);
      if (status == CAIRO_STATUS_SUCCESS) status = cairo_surface_write_to_png_stream(surface, write_to, &target);
      cairo_surface_destroy(surface);
    } else {
      cairo_surface_t* surface = format == Format::svg
                                     ? cairo_svg_surface_create_for_stream(write_to, &target, width, height)
                                     : cairo_pdf_surface_create_for_stream(write_to, &target, width, height);
      status = cairo_surface_status(surface);
      if (status == CAIRO_STATUS_SUCCESS && format == Format::pdf && !pdf_date.empty())
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATE_DATE, pdf_date.c_str());
      if (status == CAIRO_STATUS_SUCCESS) status = render(surface, 1.0f, 1.0f, draw, font);
      cairo_surface_finish(surface);  // vector surfaces write the file here
      if (status == CAIRO_STATUS_SUCCESS) status = cairo_surface_status(surface);
      cairo_surface_destroy(surface);
    }
    if (!target.error.empty()) return fail(error, target.error);
    if (status != CAIRO_STATUS_SUCCESS)
      return fail(error, path + ": cannot write it: " + cairo_status_to_string(status));
    file.commit();
    return true;
  } catch (const Error& e) {
    return fail(error, e.what());
  }
}

}  // namespace bnlab::plot
