// What this file is: heatmaps drawn by the GPU on screen. Each heatmap's values live in a
// single-channel float texture (one texel per cell) that is uploaded again only when the values
// change; shaders/heatmap.frag colours the cells through a lookup table of the colour map, and
// the quad is drawn from an ImDrawList callback in the middle of ImGui's own drawing, so it is
// layered and clipped like everything else in the plot. The plot module reaches it through
// plot::HeatmapRenderer; without it (tests, exports) heatmaps are coloured on the CPU.
// Everything here runs on the thread that owns the GL context, the UI thread.
#pragma once

#include <deque>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "plot/imgui_canvas.h"
#include "shaders/shaders.h"

struct ImDrawCmd;

namespace bnlab::gl {

// Compiles a vertex and a fragment shader and links them into a program of the current context.
// 0 if either does not compile or the program does not link; the shader's file name and the
// driver's log are then printed on stderr.
unsigned build_program(const shaders::Source& vertex, const shaders::Source& fragment);

class GpuHeatmaps final : public plot::HeatmapRenderer {
 public:
  // Builds the heatmap program and the colour maps' lookup textures in the current OpenGL 3.3
  // core context. Null if the driver refuses them (the log is on stderr): the caller keeps the
  // CPU path, so a broken driver costs speed, never the window.
  static std::unique_ptr<GpuHeatmaps> create();
  // Deletes the program and every texture, so the context must still be current.
  ~GpuHeatmaps() override;
  GpuHeatmaps(const GpuHeatmaps&) = delete;
  GpuHeatmaps& operator=(const GpuHeatmaps&) = delete;

  bool draw(ImDrawList* draw_list, plot::Rect dst, const plot::HeatmapImage& heatmap) override;

  // Value textures kept, and uploads since creation (the same values drawn again upload nothing).
  size_t textures() const { return textures_.size(); }
  int uploads() const { return uploads_; }

 private:
  // What one queued draw needs when ImGui's renderer reaches its callback.
  struct DrawCall {
    GpuHeatmaps* self = nullptr;
    unsigned texture = 0, lut = 0;
    plot::Rect quad;         // screen coordinates, already inside the clip rectangle
    float uv[4] = {};        // the part of the texture the quad shows: u0, v0, u1, v1
    float vmin = 0.0f, inv_range = 1.0f;
  };
  // One heatmap's texture and the values in it.
  struct ValueTexture {
    unsigned texture = 0;
    int cols = 0, rows = 0;
    std::vector<float> values;  // (rows, cols): what the texture holds, to tell a change
    int last_frame = 0;         // ImGui frame that last drew it
  };

  GpuHeatmaps() = default;
  // Forgets last frame's draw calls (ImGui has rendered them) and frees the textures of
  // heatmaps no longer on screen.
  void start_frame(int frame);
  // The texture holding `heatmap`'s values, uploading them if they changed; 0 on a GL error.
  unsigned texture_for(const plot::HeatmapImage& heatmap, int frame);
  void render(const DrawCall& call, const float clip[4]) const;
  static void render_callback(const ImDrawList* list, const ImDrawCmd* cmd);

  unsigned program_ = 0, vertex_array_ = 0;
  int u_rect_ = -1, u_uv_ = -1, u_display_ = -1, u_vmin_ = -1, u_inv_range_ = -1;
  std::vector<unsigned> luts_;  // one per entry of plot::kColormaps
  int max_texture_size_ = 0;
  std::unordered_map<std::string, ValueTexture> textures_;
  std::deque<DrawCall> calls_;  // this frame's; a deque keeps their addresses as it grows
  int frame_ = -1;
  int uploads_ = 0;
};

}  // namespace bnlab::gl
