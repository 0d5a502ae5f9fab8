#version 330 core
// What this file is: the vertex shader of GPU heatmaps (app/gl/gpu_heatmap.cpp). It draws one
// quad with no vertex buffer: the four corners come from gl_VertexID, the rectangle from
// uniforms, so a heatmap costs one draw call and no per-frame vertex upload.

// The quad in ImGui's screen coordinates (x0, y0, x1, y1), already cut to the plot's clip
// rectangle on the CPU, so no corner lies millions of pixels off screen in a deep zoom.
uniform vec4 u_rect;
// The part of the value texture that rectangle shows (u0, v0, u1, v1), v = 0 at the top row.
uniform vec4 u_uv;
// ImGui's display: position (x, y) and size (w, h), the same space its own projection maps.
uniform vec4 u_display;

out vec2 v_uv;

void main() {
  // Triangle-strip order: (0, 0), (1, 0), (0, 1), (1, 1).
  vec2 corner = vec2(float(gl_VertexID & 1), float(gl_VertexID >> 1));
  vec2 pos = mix(u_rect.xy, u_rect.zw, corner);
  v_uv = mix(u_uv.xy, u_uv.zw, corner);
  // Screen y grows downwards, clip-space y upwards.
  vec2 ndc = (pos - u_display.xy) / u_display.zw * 2.0 - 1.0;
  gl_Position = vec4(ndc.x, -ndc.y, 0.0, 1.0);
}
