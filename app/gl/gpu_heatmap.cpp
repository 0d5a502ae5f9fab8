// What this file is: the GPU heatmaps' GL side: building the program from the embedded shaders,
// the lookup and value textures, and the draw callback ImGui's OpenGL 3 renderer calls.
//
// GL 3.3 entry points are called directly (GL_GLEXT_PROTOTYPES): Debian's libGL is GLVND's,
// which exports every GL function and dispatches it to the current context's driver, and the
// window has made a 3.3 core context current before any of this runs. That saves a loader;
// ImGui's backend keeps its own, which only it uses.
#define GL_GLEXT_PROTOTYPES
#include "gl/gpu_heatmap.h"

#include <GL/glcorearb.h>
#include <imgui.h>

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "plot/theme.h"

namespace bnlab::gl {
namespace {

// A heatmap off screen this many frames loses its texture (a hidden panel, a closed plot).
constexpr int kForgetAfterFrames = 120;

const shaders::Source* find_shader(const char* file) {
  for (const shaders::Source& s : shaders::kAll)
    if (std::strcmp(s.file, file) == 0) return &s;
  return nullptr;
}

// The info log of a shader or program, via the matching pair of GL getters.
template <typename GetIv, typename GetLog>
std::string info_log(GLuint object, GetIv get_iv, GetLog get_log) {
  GLint length = 0;
  get_iv(object, GL_INFO_LOG_LENGTH, &length);
  std::string log(static_cast<size_t>(std::max(length, 1)), '\0');
  get_log(object, static_cast<GLsizei>(log.size()), nullptr, log.data());
  log.resize(std::strlen(log.c_str()));
  return log;
}

GLuint compile(GLenum stage, const shaders::Source& source) {
  const GLuint shader = glCreateShader(stage);
  glShaderSource(shader, 1, &source.text, nullptr);
  glCompileShader(shader);
  GLint ok = GL_FALSE;
  glGetShaderiv(shader, GL_COMPILE_STATUS, &ok);
  if (ok == GL_TRUE) return shader;
  std::fprintf(stderr, "bnlab: shaders/%s does not compile:\n%s\n", source.file,
               info_log(shader, glGetShaderiv, glGetShaderInfoLog).c_str());
  glDeleteShader(shader);
  return 0;
}

// A texture sampled texel by texel: no filtering, no mipmaps, edges clamped.
GLuint new_texture() {
  GLuint t = 0;
  glGenTextures(1, &t);
  glBindTexture(GL_TEXTURE_2D, t);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
  return t;
}

// Drops errors left by earlier calls, so the next glGetError speaks of ours.
void clear_gl_errors() {
  for (int i = 0; i < 16 && glGetError() != GL_NO_ERROR; ++i) {
  }
}

}  // namespace

unsigned build_program(const shaders::Source& vertex, const shaders::Source& fragment) {
  const GLuint vs = compile(GL_VERTEX_SHADER, vertex);
  const GLuint fs = vs ? compile(GL_FRAGMENT_SHADER, fragment) : 0;
  if (!vs || !fs) {
    if (vs) glDeleteShader(vs);
    return 0;
  }
  GLuint program = glCreateProgram();
  glAttachShader(program, vs);
  glAttachShader(program, fs);
  glLinkProgram(program);
  // The program keeps what it linked; the shader objects can go now.
  glDetachShader(program, vs);
  glDetachShader(program, fs);
  glDeleteShader(vs);
  glDeleteShader(fs);
  GLint ok = GL_FALSE;
  glGetProgramiv(program, GL_LINK_STATUS, &ok);
  if (ok != GL_TRUE) {
    std::fprintf(stderr, "bnlab: shaders/%s and shaders/%s do not link:\n%s\n", vertex.file, fragment.file,
                 info_log(program, glGetProgramiv, glGetProgramInfoLog).c_str());
    glDeleteProgram(program);
    program = 0;
  }
  return program;
}

std::unique_ptr<GpuHeatmaps> GpuHeatmaps::create() {
  const shaders::Source* vert = find_shader("heatmap.vert");
  const shaders::Source* frag = find_shader("heatmap.frag");
  if (!vert || !frag) return nullptr;
  std::unique_ptr<GpuHeatmaps> h(new GpuHeatmaps());
  h->program_ = build_program(*vert, *frag);
  if (!h->program_) {
    std::fputs("bnlab: heatmaps are coloured on the CPU instead\n", stderr);
    return nullptr;
  }
  const GLuint p = h->program_;
  h->u_rect_ = glGetUniformLocation(p, "u_rect");
  h->u_uv_ = glGetUniformLocation(p, "u_uv");
  h->u_display_ = glGetUniformLocation(p, "u_display");
  h->u_vmin_ = glGetUniformLocation(p, "u_vmin");
  h->u_inv_range_ = glGetUniformLocation(p, "u_inv_range");
  GLint last_program = 0;
  glGetIntegerv(GL_CURRENT_PROGRAM, &last_program);
  glUseProgram(p);
  glUniform1i(glGetUniformLocation(p, "u_values"), 0);  // texture units, fixed for good
  glUniform1i(glGetUniformLocation(p, "u_lut"), 1);
  glUseProgram(static_cast<GLuint>(last_program));
  // Core profile draws only with a vertex array bound, even one without attributes: the
  // vertex shader makes the quad's corners from gl_VertexID.
  glGenVertexArrays(1, &h->vertex_array_);
  glGetIntegerv(GL_MAX_TEXTURE_SIZE, &h->max_texture_size_);

  GLint last_texture = 0;
  glGetIntegerv(GL_TEXTURE_BINDING_2D, &last_texture);
  for (plot::Colormap map : plot::kColormaps) {
    const std::vector<plot::Color> table = plot::colormap_table(map);
    std::vector<float> rgba;  // (n, 4)
    for (const plot::Color& c : table) rgba.insert(rgba.end(), {c.r, c.g, c.b, c.a});
    h->luts_.push_back(new_texture());
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA32F, static_cast<GLsizei>(table.size()), 1, 0, GL_RGBA, GL_FLOAT,
                 rgba.data());
  }
  glBindTexture(GL_TEXTURE_2D, static_cast<GLuint>(last_texture));
  return h;
}

GpuHeatmaps::~GpuHeatmaps() {
  for (auto& [key, t] : textures_) glDeleteTextures(1, &t.texture);
  if (!luts_.empty()) glDeleteTextures(static_cast<GLsizei>(luts_.size()), luts_.data());
  if (vertex_array_) glDeleteVertexArrays(1, &vertex_array_);
  if (program_) glDeleteProgram(program_);
}

void GpuHeatmaps::start_frame(int frame) {
  frame_ = frame;
  calls_.clear();
  for (auto it = textures_.begin(); it != textures_.end();) {
    if (frame - it->second.last_frame > kForgetAfterFrames) {
      glDeleteTextures(1, &it->second.texture);
      it = textures_.erase(it);
    } else {
      ++it;
    }
  }
}

unsigned GpuHeatmaps::texture_for(const plot::HeatmapImage& h, int frame) {
  ValueTexture& t = textures_[std::string(h.key)];
  t.last_frame = frame;
  const size_t n = static_cast<size_t>(h.cols) * h.rows;
  const bool same_size = t.texture && t.cols == h.cols && t.rows == h.rows;
  // Bitwise, so a NaN cell compares equal to itself: unchanged values upload nothing.
  if (same_size && std::memcmp(t.values.data(), h.values, n * sizeof(float)) == 0) return t.texture;
  clear_gl_errors();
  GLint last_texture = 0;
  glGetIntegerv(GL_TEXTURE_BINDING_2D, &last_texture);
  if (!t.texture) t.texture = new_texture();
  glBindTexture(GL_TEXTURE_2D, t.texture);
  glPixelStorei(GL_UNPACK_ROW_LENGTH, 0);
  glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
  if (same_size)
    glTexSubImage2D(GL_TEXTURE_2D, 0, 0, 0, h.cols, h.rows, GL_RED, GL_FLOAT, h.values);
  else
    glTexImage2D(GL_TEXTURE_2D, 0, GL_R32F, h.cols, h.rows, 0, GL_RED, GL_FLOAT, h.values);
  glBindTexture(GL_TEXTURE_2D, static_cast<GLuint>(last_texture));
  if (glGetError() != GL_NO_ERROR) {
    glDeleteTextures(1, &t.texture);
    textures_.erase(std::string(h.key));
    return 0;
  }
  t.cols = h.cols;
  t.rows = h.rows;
  t.values.assign(h.values, h.values + n);
  ++uploads_;
  return t.texture;
}

bool GpuHeatmaps::draw(ImDrawList* draw_list, plot::Rect dst, const plot::HeatmapImage& h) {
  if (!h.values || h.cols <= 0 || h.rows <= 0 || h.cols > max_texture_size_ || h.rows > max_texture_size_) return false;
  const auto map = std::find(std::begin(plot::kColormaps), std::end(plot::kColormaps), h.map);
  if (map == std::end(plot::kColormaps) || !(dst.width() > 0.0f) || !(dst.height() > 0.0f)) return false;
  const int frame = ImGui::GetFrameCount();
  if (frame != frame_) start_frame(frame);
  // The quad is cut to the clip rectangle here, with the texture coordinates to match, so its
  // corners stay near the screen however far the plot is zoomed in.
  const ImVec2 lo = draw_list->GetClipRectMin(), hi = draw_list->GetClipRectMax();
  const plot::Rect quad{std::max(dst.x0, lo.x), std::max(dst.y0, lo.y), std::min(dst.x1, hi.x), std::min(dst.y1, hi.y)};
  if (quad.width() <= 0.0f || quad.height() <= 0.0f) return true;  // nothing of it is visible
  const unsigned texture = texture_for(h, frame);
  if (!texture) return false;
  DrawCall& call = calls_.emplace_back();
  call.self = this;
  call.texture = texture;
  call.lut = luts_[static_cast<size_t>(map - std::begin(plot::kColormaps))];
  call.quad = quad;
  const auto u = [&](float px) { return static_cast<float>((static_cast<double>(px) - dst.x0) / dst.width()); };
  const auto v = [&](float py) { return static_cast<float>((static_cast<double>(py) - dst.y0) / dst.height()); };
  call.uv[0] = u(quad.x0);
  call.uv[1] = v(quad.y0);
  call.uv[2] = u(quad.x1);
  call.uv[3] = v(quad.y1);
  call.vmin = h.vmin;
  call.inv_range = 1.0f / (h.vmax - h.vmin);  // as the CPU path computes it
  draw_list->AddCallback(&GpuHeatmaps::render_callback, &call);
  // ImGui's renderer sets its program, vertex array and blending again for what follows.
  draw_list->AddCallback(ImDrawCallback_ResetRenderState, nullptr);
  return true;
}

void GpuHeatmaps::render_callback(const ImDrawList*, const ImDrawCmd* cmd) {
  const auto* call = static_cast<const DrawCall*>(cmd->UserCallbackData);
  const float clip[4] = {cmd->ClipRect.x, cmd->ClipRect.y, cmd->ClipRect.z, cmd->ClipRect.w};
  call->self->render(*call, clip);
}

void GpuHeatmaps::render(const DrawCall& call, const float clip[4]) const {
  const ImDrawData* dd = ImGui::GetDrawData();
  if (!dd || dd->DisplaySize.x <= 0.0f || dd->DisplaySize.y <= 0.0f) return;
  // The clip rectangle into framebuffer pixels, as ImGui's renderer does for its own commands.
  const ImVec2 off = dd->DisplayPos, scale = dd->FramebufferScale;
  const float fb_height = dd->DisplaySize.y * scale.y;
  const float x0 = (clip[0] - off.x) * scale.x, y0 = (clip[1] - off.y) * scale.y;
  const float x1 = (clip[2] - off.x) * scale.x, y1 = (clip[3] - off.y) * scale.y;
  if (x1 <= x0 || y1 <= y0) return;
  glEnable(GL_SCISSOR_TEST);
  glScissor(static_cast<GLint>(x0), static_cast<GLint>(fb_height - y1), static_cast<GLsizei>(x1 - x0),
            static_cast<GLsizei>(y1 - y0));
  glUseProgram(program_);
  glUniform4f(u_rect_, call.quad.x0, call.quad.y0, call.quad.x1, call.quad.y1);
  glUniform4f(u_uv_, call.uv[0], call.uv[1], call.uv[2], call.uv[3]);
  glUniform4f(u_display_, off.x, off.y, dd->DisplaySize.x, dd->DisplaySize.y);
  glUniform1f(u_vmin_, call.vmin);
  glUniform1f(u_inv_range_, call.inv_range);
  glActiveTexture(GL_TEXTURE1);
  glBindTexture(GL_TEXTURE_2D, call.lut);
  // Unit 0 last, and left active: ImGui's renderer binds its textures on whichever unit is.
  glActiveTexture(GL_TEXTURE0);
  glBindTexture(GL_TEXTURE_2D, call.texture);
  glBindVertexArray(vertex_array_);
  glDrawArrays(GL_TRIANGLE_STRIP, 0, 4);
}

}  // namespace bnlab::gl
