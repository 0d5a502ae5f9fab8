#version 330 core
// What this file is: the fragment shader of GPU heatmaps. Each fragment reads its cell's value
// from a single-channel float texture (one texel per cell, nearest filtering, so cells keep
// hard edges) and colours it through the colour map's lookup table, doing the same arithmetic
// as the CPU path (Canvas::heatmap and colormap_at in app/plot/), so both pictures agree.

uniform sampler2D u_values;  // GL_R32F, cols × rows, row 0 at the top of the heatmap
// The colour map sampled at t = i / (n − 1), i = 0 … n − 1 (colormap_table in app/plot/theme.h),
// RGBA, n × 1. Its entries fall on every stop of every map, so interpolating between two
// neighbours reproduces colormap_at's piecewise-linear colours.
uniform sampler2D u_lut;
uniform float u_vmin;
uniform float u_inv_range;  // 1 / (vmax − vmin), computed on the CPU as the CPU path does

in vec2 v_uv;
out vec4 frag_color;

void main() {
  float v = texture(u_values, v_uv).r;
  float t = (v - u_vmin) * u_inv_range;
  // A missing value (NaN) shows the background, as the CPU path's transparent cell does;
  // ±infinity clamps to the ends of the map, as there.
  if (isnan(t)) discard;
  t = clamp(t, 0.0, 1.0);
  int last = textureSize(u_lut, 0).x - 1;
  float s = t * float(last);
  int i = min(int(s), last - 1);
  frag_color = mix(texelFetch(u_lut, ivec2(i, 0), 0), texelFetch(u_lut, ivec2(i + 1, 0), 0), s - float(i));
}
