// What this file is: a PNG of the window's framebuffer (F12, and `--screenshot FILE`), written
// through cairo to a temporary file renamed into place.
#pragma once

#include <string>

namespace bnlab::ui {

// Reads the current framebuffer (width × height) and writes it; false with `error` on failure.
bool save_framebuffer_png(const std::string& path, int width, int height, std::string* error);

}  // namespace bnlab::ui
