// What this file is: the small helpers every canvas back end shares: colour packing and mixing,
// the default image and heatmap drawing (cells coloured on the CPU), and a UTF-8 decoder (the
// cairo back end splits text into Latin and CJK runs, the ImGui back end looks glyphs up one by
// one for rotated text).
#include "plot/canvas.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "plot/theme.h"

namespace bnlab::plot {

uint32_t Color::to_abgr8() const {
  auto byte = [](float v) { return static_cast<uint32_t>(std::lround(std::clamp(v, 0.0f, 1.0f) * 255.0f)); };
  return byte(r) | (byte(g) << 8) | (byte(b) << 16) | (byte(a) << 24);
}

Color mix(Color under, Color over, float t) {
  const float s = 1.0f - t;
  return {under.r * s + over.r * t, under.g * s + over.g * t, under.b * s + over.b * t, under.a * s + over.a * t};
}

void Canvas::image(Rect dst, const Color* cells, int w, int h) {
  if (w <= 0 || h <= 0) return;
  const float cw = dst.width() / static_cast<float>(w), ch = dst.height() / static_cast<float>(h);
  for (int r = 0; r < h; ++r) {
    for (int c = 0; c < w; ++c) {
      const Color col = cells[static_cast<size_t>(r) * w + c];
      if (col.a <= 0.0f) continue;
      // Shared edges computed the same way for both neighbours, so cells tile without gaps.
      rect_filled({dst.x0 + c * cw, dst.y0 + r * ch, dst.x0 + (c + 1) * cw, dst.y0 + (r + 1) * ch}, col);
    }
  }
}

void Canvas::heatmap(Rect dst, const HeatmapImage& h) {
  if (!h.values || h.cols <= 0 || h.rows <= 0) return;
  const float inv = 1.0f / (h.vmax - h.vmin);
  std::vector<Color> cells(static_cast<size_t>(h.cols) * h.rows);
  for (size_t i = 0; i < cells.size(); ++i) cells[i] = colormap_at(h.map, (h.values[i] - h.vmin) * inv);
  image(dst, cells.data(), h.cols, h.rows);
}

bool next_codepoint(std::string_view s, size_t& i, uint32_t& codepoint) {
  if (i >= s.size()) return false;
  const auto byte = [&](size_t k) { return static_cast<uint8_t>(s[k]); };
  const uint8_t lead = byte(i);
  int extra = 0;
  if (lead < 0x80) {
    codepoint = lead;
  } else if ((lead & 0xE0) == 0xC0) {
    codepoint = lead & 0x1F;
    extra = 1;
  } else if ((lead & 0xF0) == 0xE0) {
    codepoint = lead & 0x0F;
    extra = 2;
  } else if ((lead & 0xF8) == 0xF0) {
    codepoint = lead & 0x07;
    extra = 3;
  } else {
    codepoint = 0xFFFD;  // a stray continuation byte: show the replacement character, move on
    ++i;
    return true;
  }
  if (i + extra >= s.size()) {
    codepoint = 0xFFFD;  // truncated sequence at the end of the string
    i = s.size();
    return true;
  }
  for (int k = 1; k <= extra; ++k) {
    const uint8_t c = byte(i + k);
    if ((c & 0xC0) != 0x80) {
      codepoint = 0xFFFD;
      i += k;
      return true;
    }
    codepoint = (codepoint << 6) | (c & 0x3F);
  }
  i += extra + 1;
  return true;
}

bool is_cjk(uint32_t c) {
  return (c >= 0x2E80 && c <= 0x9FFF) || (c >= 0xAC00 && c <= 0xD7AF) || (c >= 0xF900 && c <= 0xFAFF) ||
         (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFFEF) || (c >= 0x20000 && c <= 0x2FFFF);
}

}  // namespace bnlab::plot
