// What this file is: framebuffer → PNG.
#include "ui/screenshot.h"

#include <GL/gl.h>
#include <cairo.h>

#include <cstdint>
#include <vector>

#include "plot/cairo_canvas.h"

namespace bnlab::ui {

bool save_framebuffer_png(const std::string& path, int width, int height, std::string* error) {
  std::vector<uint8_t> rgba(static_cast<size_t>(width) * height * 4);
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadPixels(0, 0, width, height, GL_RGBA, GL_UNSIGNED_BYTE, rgba.data());
  cairo_surface_t* surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, width, height);
  cairo_surface_flush(surface);
  uint8_t* dst = cairo_image_surface_get_data(surface);
  const int stride = cairo_image_surface_get_stride(surface);
  for (int y = 0; y < height; ++y) {  // OpenGL's rows go bottom-up, cairo's top-down
    const uint8_t* src = rgba.data() + static_cast<size_t>(height - 1 - y) * width * 4;
    auto* row = reinterpret_cast<uint32_t*>(dst + static_cast<size_t>(y) * stride);
    for (int x = 0; x < width; ++x)
      row[x] = (uint32_t{src[4 * x]} << 16) | (uint32_t{src[4 * x + 1]} << 8) | src[4 * x + 2];
  }
  cairo_surface_mark_dirty(surface);
  const bool saved = plot::save_png(surface, path, error);
  cairo_surface_destroy(surface);
  return saved;
}

}  // namespace bnlab::ui
