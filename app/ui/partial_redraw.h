// What this file is: drawing only the parts of the window that changed. Under software OpenGL
// (Mesa llvmpipe) rasterizing is the cost of a frame: about 4 ns a pixel for each layer, so one
// frame of all nine panels took 40 ms at 1600×900, and most of it repainted pixels that had
// not changed. Instead:
//   - The window is cut into tiles: the menu bar, the sidebar, each panel, the status bar. A tile
//     is redrawn (its rectangle cleared, its draw list drawn) only when its draw list differs
//     from the one drawn last (a hash of vertices, indices and commands), or when an overlay
//     (a menu, a popup, a tooltip) lay over it in the last frame.
//   - Panels whose data changes every frame (training) are not all rebuilt every frame: the one
//     the user is at (the mouse moving over it, a control held) always is, and of the others
//     the longest-waiting two, so a frame costs a couple of panels, and every panel follows the
//     runs about once or twice a second under llvmpipe.
//   - This needs the back buffer to still hold the last frame after the swap, which OpenGL does
//     not promise (llvmpipe keeps it; a GPU driver may not). So each frame leaves a marker in
//     one corner pixel, and the next frame reads it back first: if it is not there, or after a
//     resize or a font or theme change, everything is built and drawn, as without this file.
// Runs on the UI thread with the window's context current.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

struct ImDrawData;
struct ImDrawList;

namespace bnlab::ui {

struct PixelRect {
  float x0 = 0.0f, y0 = 0.0f, x1 = 0.0f, y1 = 0.0f;  // screen pixels, y down; ImGui windows sit on whole pixels
  bool overlaps(const PixelRect& o) const { return x0 < o.x1 && o.x0 < x1 && y0 < o.y1 && o.y0 < y1; }
  bool operator==(const PixelRect&) const = default;
};

// Clears the whole frame to `clear` and draws every list of `draw_data`: a frame without this file.
void draw_everything(ImDrawData* draw_data, const float clear[3]);

class PartialRedraw {
 public:
  // How many panels the user is not at are rebuilt in one frame when all of them wait.
  static constexpr int kRefreshesPerFrame = 2;

  // Before any window is built. `changed`: something happened since the last frame (input, new
  // data from the runs), so every panel should be rebuilt soon. `full` asks for everything to be
  // built and drawn (a screenshot, a font or theme change); `build_all` for every panel to be
  // built but only what changed drawn (--check-redraw). The back buffer's marker is read here.
  void begin_frame(int framebuffer_width, int framebuffer_height, bool changed, bool full, bool build_all = false);
  // Whether panel `key`, whose window is at `rect`, builds its content this frame. `live`: under
  // the mouse or in use. Register the window with tile() whatever the answer.
  bool should_build(const std::string& key, const PixelRect& rect, bool live);
  // A window of this frame that is a tile: its draw list and rectangle, and whether its content
  // was built this frame (a panel that was not keeps the pixels it has on screen).
  void tile(const std::string& key, ImDrawList* list, const PixelRect& rect, bool built);
  // After ImGui::Render(): draws what changed, or everything, and leaves the marker. `clear` is
  // the background colour (RGB in [0, 1]); `content_version` changes when something a draw
  // list only points to changes (a GPU heatmap's texture).
  void render(ImDrawData* draw_data, const float clear[3], uint64_t content_version);

  // Some panel has not been built since the last change, so another frame is wanted.
  bool pending() const;
  // Last frame: whether it drew everything, and how many tiles it drew.
  bool drew_everything() const { return full_; }
  int tiles_drawn() const { return tiles_drawn_; }

 private:
  struct Tile {
    PixelRect rect;
    uint64_t hash = 0;        // of the draw list on screen now; 0: nothing valid on screen
    uint64_t built_at = 0;    // generation of the last build
    bool live_before = false;  // in use last frame: build once more, to clear the hover read-out
  };
  struct FrameTile {
    std::string key;
    ImDrawList* list = nullptr;
    PixelRect rect;
    bool built = false;
  };

  bool marker_present(int width, int height) const;
  void leave_marker(int width, int height, const float clear[3]);

  std::unordered_map<std::string, Tile> tiles_;
  std::vector<FrameTile> frame_tiles_;
  std::vector<PixelRect> overlays_before_;  // rectangles of last frame's overlays
  std::vector<std::string> due_;             // panels picked to rebuild this frame
  uint64_t generation_ = 1;                  // counts frames
  uint64_t changed_at_ = 1;                  // the last frame in which something changed
  int width_ = 0, height_ = 0;
  bool full_ = true;
  bool full_next_ = false;  // the layout changed: the next frame draws everything
  bool build_all_ = false;
  int tiles_drawn_ = 0;
  uint8_t marker_[3] = {};   // the RGB the last frame left in the marker pixel
  uint8_t frame_number_ = 0;  // 0–7, in the marker's lowest bits of blue
  bool marker_valid_ = false;
};

}  // namespace bnlab::ui
