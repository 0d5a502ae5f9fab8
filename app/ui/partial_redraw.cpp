// What this file is: drawing only the tiles of the window that changed (partial_redraw.h).
#define GL_GLEXT_PROTOTYPES
#include "ui/partial_redraw.h"

#include <GL/glcorearb.h>
#include <imgui.h>
#include <imgui_impl_opengl3.h>

#include <algorithm>
#include <cmath>
#include <cstring>

namespace bnlab::ui {
namespace {

// A fast 64-bit hash of whole words; a changed draw list changes it (collisions are 2^-64 rare).
struct Hasher {
  uint64_t h = 0x9E3779B97F4A7C15ull;
  void word(uint64_t w) {
    h ^= w + 0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2);
    h *= 0xBF58476D1CE4E5B9ull;
  }
  void bytes(const void* data, size_t n) {
    const auto* p = static_cast<const unsigned char*>(data);
    for (; n >= 8; p += 8, n -= 8) {
      uint64_t w;
      std::memcpy(&w, p, 8);
      word(w);
    }
    uint64_t tail = 0;
    if (n > 0) std::memcpy(&tail, p, n);  // an empty list's data may be null, which memcpy must not get
    word(tail ^ (static_cast<uint64_t>(n) << 56));
  }
  template <class T>
  void value(const T& v) {
    bytes(&v, sizeof v);
  }
};

uint64_t hash_list(const ImDrawList& list, const PixelRect& rect, uint64_t content_version) {
  Hasher h;
  h.value(rect);
  h.bytes(list.VtxBuffer.Data, static_cast<size_t>(list.VtxBuffer.Size) * sizeof(ImDrawVert));
  h.bytes(list.IdxBuffer.Data, static_cast<size_t>(list.IdxBuffer.Size) * sizeof(ImDrawIdx));
  bool callbacks = false;
  for (const ImDrawCmd& c : list.CmdBuffer) {
    h.value(c.ClipRect);
    h.value(c.TextureId);
    h.value(c.VtxOffset);
    h.value(c.IdxOffset);
    h.value(c.ElemCount);
    h.value(reinterpret_cast<uintptr_t>(c.UserCallback));  // the function, not its per-frame data
    callbacks = callbacks || (c.UserCallback && c.UserCallback != ImDrawCallback_ResetRenderState);
  }
  if (callbacks) h.value(content_version);  // what a callback draws lives outside the list
  return h.h == 0 ? 1 : h.h;  // 0 means "nothing valid on screen"
}

// The box of a list's vertices, inside the screen; empty lists give an empty box.
PixelRect bounds(const ImDrawList& list, float width, float height) {
  PixelRect r{width, height, 0.0f, 0.0f};
  for (const ImDrawVert& v : list.VtxBuffer) {
    r.x0 = std::min(r.x0, v.pos.x);
    r.y0 = std::min(r.y0, v.pos.y);
    r.x1 = std::max(r.x1, v.pos.x);
    r.y1 = std::max(r.y1, v.pos.y);
  }
  return {std::max(0.0f, std::floor(r.x0) - 1.0f), std::max(0.0f, std::floor(r.y0) - 1.0f),
          std::min(width, std::ceil(r.x1) + 1.0f), std::min(height, std::ceil(r.y1) + 1.0f)};
}

// Clears `r` (screen pixels, y down) in a framebuffer `fb_height` pixels high.
void clear_rect(const PixelRect& r, ImVec2 scale, int fb_height) {
  const auto x0 = static_cast<GLint>(std::floor(r.x0 * scale.x)), x1 = static_cast<GLint>(std::ceil(r.x1 * scale.x));
  const auto y0 = static_cast<GLint>(std::floor(r.y0 * scale.y)), y1 = static_cast<GLint>(std::ceil(r.y1 * scale.y));
  if (x1 <= x0 || y1 <= y0) return;
  glScissor(x0, fb_height - y1, x1 - x0, y1 - y0);
  glClear(GL_COLOR_BUFFER_BIT);
}

uint8_t to_byte(float v) { return static_cast<uint8_t>(std::lround(std::clamp(v, 0.0f, 1.0f) * 255.0f)); }

}  // namespace

void draw_everything(ImDrawData* draw_data, const float clear[3]) {
  glDisable(GL_SCISSOR_TEST);
  glClearColor(clear[0], clear[1], clear[2], 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
  ImGui_ImplOpenGL3_RenderDrawData(draw_data);
}

void PartialRedraw::begin_frame(int width, int height, bool changed, bool full, bool build_all) {
  ++generation_;
  build_all_ = build_all;
  if (changed) changed_at_ = generation_;
  full_ = full || full_next_ || width != width_ || height != height_ || !marker_present(width, height);
  full_next_ = false;
  width_ = width;
  height_ = height;
  frame_tiles_.clear();
  // Of the panels built before the last change, the ones waiting longest.
  due_.clear();
  std::vector<std::pair<uint64_t, const std::string*>> stale;
  for (const auto& [key, t] : tiles_)
    if (t.built_at < changed_at_) stale.emplace_back(t.built_at, &key);
  std::sort(stale.begin(), stale.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (size_t i = 0; i < stale.size() && i < static_cast<size_t>(kRefreshesPerFrame); ++i) due_.push_back(*stale[i].second);
}

bool PartialRedraw::should_build(const std::string& key, const PixelRect& rect, bool live) {
  const auto it = tiles_.find(key);
  if (it == tiles_.end()) return true;
  const bool was_live = it->second.live_before;
  it->second.live_before = live;
  if (full_ || build_all_ || it->second.hash == 0 || !(it->second.rect == rect)) return true;
  if (live || was_live) return true;
  for (const PixelRect& o : overlays_before_)
    if (o.overlaps(rect)) return true;  // it is redrawn to take the overlay away, so it must be current
  return std::find(due_.begin(), due_.end(), key) != due_.end();
}

void PartialRedraw::tile(const std::string& key, ImDrawList* list, const PixelRect& rect, bool built) {
  frame_tiles_.push_back({key, list, rect, built});
}

bool PartialRedraw::pending() const {
  if (full_next_) return true;
  for (const auto& [key, t] : tiles_)
    if (t.built_at < changed_at_) return true;
  return false;
}

void PartialRedraw::render(ImDrawData* dd, const float clear[3], uint64_t content_version) {
  const ImVec2 scale = dd->FramebufferScale;
  const int fb_height = static_cast<int>(dd->DisplaySize.y * scale.y);
  // Lists that are not tiles are overlays: menus, popups, tooltips, drawn over the tiles.
  std::vector<PixelRect> overlays;
  std::vector<bool> is_tile(static_cast<size_t>(dd->CmdListsCount), false);
  for (int i = 0; i < dd->CmdListsCount; ++i) {
    for (const FrameTile& t : frame_tiles_) is_tile[static_cast<size_t>(i)] = is_tile[static_cast<size_t>(i)] || t.list == dd->CmdLists[i];
    if (!is_tile[static_cast<size_t>(i)] && dd->CmdLists[i]->VtxBuffer.Size > 0)
      overlays.push_back(bounds(*dd->CmdLists[i], dd->DisplaySize.x, dd->DisplaySize.y));
  }
  // The layout changed (a tile appeared, went or moved: a panel shown or hidden, the menu bar's
  // first frame): what the old tiles covered must go, and the panels that were not built this
  // frame cannot be drawn, so the next frame draws everything.
  for (auto it = tiles_.begin(); it != tiles_.end();) {
    const bool here = std::any_of(frame_tiles_.begin(), frame_tiles_.end(), [&](const FrameTile& t) { return t.key == it->first; });
    full_next_ = full_next_ || !here;
    it = here ? std::next(it) : tiles_.erase(it);
  }
  for (const FrameTile& f : frame_tiles_) {
    const auto it = tiles_.find(f.key);
    full_next_ = full_next_ || it == tiles_.end() || !(it->second.rect == f.rect);
  }
  if (full_) full_next_ = false;  // this frame draws everything anyway

  glClearColor(clear[0], clear[1], clear[2], 1.0f);
  std::vector<ImDrawList*> lists;
  tiles_drawn_ = 0;
  if (full_) {
    draw_everything(dd, clear);
    for (const FrameTile& f : frame_tiles_) {
      Tile& t = tiles_[f.key];
      t.rect = f.rect;
      t.hash = f.list ? hash_list(*f.list, f.rect, content_version) : 0;
    }
    tiles_drawn_ = static_cast<int>(frame_tiles_.size());
  } else {
    glEnable(GL_SCISSOR_TEST);
    for (const PixelRect& o : overlays_before_) clear_rect(o, scale, fb_height);  // where no tile lies too
    std::vector<ImDrawList*> redraw;
    for (const FrameTile& f : frame_tiles_) {
      Tile& t = tiles_[f.key];
      if (!f.built || !f.list) continue;  // last frame's pixels stay
      const uint64_t h = hash_list(*f.list, f.rect, content_version);
      const bool under_overlay =
          std::any_of(overlays_before_.begin(), overlays_before_.end(), [&](const PixelRect& o) { return o.overlaps(f.rect); });
      if (h == t.hash && !under_overlay) continue;  // the hash covers the rectangle too
      t.hash = h;
      t.rect = f.rect;
      clear_rect(f.rect, scale, fb_height);
      redraw.push_back(f.list);
    }
    tiles_drawn_ = static_cast<int>(redraw.size());
    // Redrawn tiles and every overlay, in ImGui's order.
    for (int i = 0; i < dd->CmdListsCount; ++i) {
      ImDrawList* l = dd->CmdLists[i];
      if (!is_tile[static_cast<size_t>(i)] || std::find(redraw.begin(), redraw.end(), l) != redraw.end()) lists.push_back(l);
    }
    ImDrawData part = *dd;
    part.CmdLists = lists.data();
    part.CmdListsCount = static_cast<int>(lists.size());
    part.TotalVtxCount = part.TotalIdxCount = 0;
    for (const ImDrawList* l : lists) {
      part.TotalVtxCount += l->VtxBuffer.Size;
      part.TotalIdxCount += l->IdxBuffer.Size;
    }
    if (!lists.empty()) ImGui_ImplOpenGL3_RenderDrawData(&part);
  }
  for (const FrameTile& f : frame_tiles_) {
    Tile& t = tiles_[f.key];
    if (f.built) t.built_at = generation_;
  }
  overlays_before_ = std::move(overlays);
  leave_marker(width_, height_, clear);
}

// The marker: the bottom-right pixel, in the background colour with the frame's number in the
// lowest three bits of blue (invisible). Reading back last frame's number proves the back
// buffer still holds last frame's picture.
bool PartialRedraw::marker_present(int width, int height) const {
  if (!marker_valid_ || width <= 0 || height <= 0) return false;
  unsigned char px[4] = {};
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadPixels(width - 1, 0, 1, 1, GL_RGBA, GL_UNSIGNED_BYTE, px);
  return px[0] == marker_[0] && px[1] == marker_[1] && px[2] == marker_[2];
}

void PartialRedraw::leave_marker(int width, int height, const float clear[3]) {
  marker_valid_ = width > 0 && height > 0;
  if (!marker_valid_) return;
  frame_number_ = static_cast<uint8_t>((frame_number_ + 1) & 7u);
  marker_[0] = to_byte(clear[0]);
  marker_[1] = to_byte(clear[1]);
  marker_[2] = static_cast<uint8_t>((to_byte(clear[2]) & ~7u) | frame_number_);
  glEnable(GL_SCISSOR_TEST);
  glScissor(width - 1, 0, 1, 1);
  glClearColor(marker_[0] / 255.0f, marker_[1] / 255.0f, marker_[2] / 255.0f, 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
  glDisable(GL_SCISSOR_TEST);
  glClearColor(clear[0], clear[1], clear[2], 1.0f);
}

}  // namespace bnlab::ui
