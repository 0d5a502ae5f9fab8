// What this file is: framebuffer → PNG.
#include "ui/screenshot.h"

#include <GL/gl.h>
#include <cairo.h>

#include <cstdint>
#include <filesystem>
#include <vector>

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
  const std::string tmp = path + ".tmp";
  const cairo_status_t status = cairo_surface_write_to_png(surface, tmp.c_str());
  cairo_surface_destroy(surface);
  if (status != CAIRO_STATUS_SUCCESS) {
    if (error) *error = path + ": " + cairo_status_to_string(status);
    return false;
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec && error) *error = path + ": " + ec.message();
  return !ec;
}

}  // namespace bnlab::ui
