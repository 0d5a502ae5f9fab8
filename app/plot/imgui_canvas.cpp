// What this file is: the ImGui back end of Canvas. Three things are not plain draw-list calls:
// long polylines are split into chunks (16-bit draw indices hold 65,536 vertices per primitive,
// and an anti-aliased thick line spends about four per point); lines denser than the pixel grid
// are drawn column by column (dense_line.h); and vertical text is laid out glyph by glyph as
// rotated quads, since ImGui draws text horizontally only.
#include "plot/imgui_canvas.h"

#include <imgui.h>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <vector>

#include "plot/dense_line.h"
#include "plot/plot_state.h"

namespace bnlab::plot {
namespace {

// Comfortably below 65,536 / 4 vertices, whatever the index width the renderer was built with.
constexpr int kMaxPolylinePoints = 4096;

ImVec2 im(Vec2 p) { return ImVec2(p.x, p.y); }

// Shoelace sum; positive when the points turn clockwise on a y-down screen, which is the order
// ImGui's anti-aliased convex fill expects.
float signed_area2(const Vec2* p, int n) {
  float s = 0.0f;
  for (int i = 0; i < n; ++i) {
    const Vec2 a = p[i], b = p[(i + 1) % n];
    s += a.x * b.y - b.x * a.y;
  }
  return s;
}

// One pixel column [x, x + 1) filled from `top` to `bottom`, with a one-pixel ramp to transparent
// above and below: the anti-aliasing a near-horizontal edge needs (the sides sit on pixel edges).
void fill_column(ImDrawList* dl, float x, float top, float bottom, ImU32 col) {
  const ImU32 clear = col & ~IM_COL32_A_MASK;
  const ImVec2 uv = ImGui::GetFontTexUvWhitePixel();
  const float ys[4] = {top - 1.0f, top, bottom, bottom + 1.0f};
  const ImU32 cols[4] = {clear, col, col, clear};
  dl->PrimReserve(18, 8);
  const auto base = static_cast<ImDrawIdx>(dl->_VtxCurrentIdx);
  for (int k = 0; k < 4; ++k) {
    dl->PrimWriteVtx(ImVec2(x, ys[k]), uv, cols[k]);
    dl->PrimWriteVtx(ImVec2(x + 1.0f, ys[k]), uv, cols[k]);
  }
  for (int k = 0; k < 3; ++k) {  // the quad between levels k and k + 1
    const auto i = static_cast<ImDrawIdx>(base + 2 * k);
    for (const int d : {0, 1, 3, 0, 3, 2}) dl->PrimWriteIdx(static_cast<ImDrawIdx>(i + d));
  }
}

}  // namespace

ImGuiCanvas::ImGuiCanvas(ImDrawList* draw_list, ImFont* font, float font_size)
    : draw_list_(draw_list),
      font_(font ? font : ImGui::GetFont()),
      font_size_(font_size > 0.0f ? font_size : ImGui::GetFontSize()),
      pixel_scale_(ImGui::GetIO().DisplayFramebufferScale.x > 0.0f ? ImGui::GetIO().DisplayFramebufferScale.x : 1.0f),
      gpu_(detail::context().heatmap_renderer) {}

void SetHeatmapRenderer(HeatmapRenderer* renderer) { detail::context().heatmap_renderer = renderer; }

void ImGuiCanvas::polyline(const Vec2* points, int n, Color color, float width, bool closed) {
  if (n < 2) return;
  // Whole-pixel widths let ImGui draw anti-aliased lines from its texture: two triangles a
  // segment instead of six.
  width = std::max(1.0f, std::round(width));
  const ImU32 col = color.to_abgr8();
  if (!closed && is_dense(points, n, draw_list_->GetClipRectMin().x, draw_list_->GetClipRectMax().x)) {
    dense_polyline(points, n, col, width);
    return;
  }
  thread_local std::vector<ImVec2> scratch;
  if (closed && n <= kMaxPolylinePoints) {
    scratch.resize(n);
    for (int i = 0; i < n; ++i) scratch[i] = im(points[i]);
    draw_list_->AddPolyline(scratch.data(), n, col, ImDrawFlags_Closed, width);
    return;
  }
  // Chunks share their end points so the line stays connected.
  const int total = closed ? n + 1 : n;
  for (int start = 0; start < total - 1; start += kMaxPolylinePoints - 1) {
    const int count = std::min(kMaxPolylinePoints, total - start);
    scratch.resize(count);
    for (int i = 0; i < count; ++i) scratch[i] = im(points[(start + i) % n]);
    draw_list_->AddPolyline(scratch.data(), count, col, ImDrawFlags_None, width);
  }
}

void ImGuiCanvas::dense_polyline(const Vec2* points, int n, ImU32 col, float width) {
  thread_local ColumnSpans columns;
  thread_local std::vector<ImVec2> smooth;
  column_spans(points, n, draw_list_->GetClipRectMin().x, draw_list_->GetClipRectMax().x, columns);
  // Where the line turns inside a column over more than its own width (plus a pixel), that is
  // noise: the column is filled. Elsewhere the line passes each column once, and a polyline
  // through the columns' middles draws it exactly, steep or flat.
  const float tall = width + 2.0f;
  smooth.clear();
  auto flush = [&] {
    if (smooth.size() >= 2) draw_list_->AddPolyline(smooth.data(), static_cast<int>(smooth.size()), col, ImDrawFlags_None, width);
    smooth.clear();
  };
  for (size_t i = 0; i < columns.spans.size(); ++i) {
    const ColumnSpan s = columns.spans[i];
    if (s.empty()) {
      flush();
      continue;
    }
    const ImVec2 middle(static_cast<float>(columns.first_column + i) + 0.5f, s.mid());
    const bool noise = s.turns && s.hi - s.lo > tall;
    if (!noise && smooth.size() < kMaxPolylinePoints) {
      smooth.push_back(middle);
      continue;
    }
    // Smooth stretches run into the filled columns at both ends, so the line stays connected.
    if (smooth.size() >= 2) smooth.push_back(middle);
    flush();
    if (noise) {
      fill_column(draw_list_, middle.x - 0.5f, s.lo - 0.5f * width, s.hi + 0.5f * width, col);
      smooth.push_back(middle);
    } else {
      smooth.push_back(middle);  // a smooth stretch longer than one polyline holds
    }
  }
  flush();
}

void ImGuiCanvas::rect_filled(Rect r, Color color) {
  draw_list_->AddRectFilled(ImVec2(r.x0, r.y0), ImVec2(r.x1, r.y1), color.to_abgr8());
}

void ImGuiCanvas::convex_filled(const Vec2* points, int n, Color color) {
  if (n < 3) return;
  thread_local std::vector<ImVec2> scratch;
  scratch.resize(n);
  const bool clockwise = signed_area2(points, n) >= 0.0f;
  for (int i = 0; i < n; ++i) scratch[i] = im(points[clockwise ? i : n - 1 - i]);
  draw_list_->AddConvexPolyFilled(scratch.data(), n, color.to_abgr8());
}

void ImGuiCanvas::strip_filled(const Vec2* upper, const Vec2* lower, int n, Color color) {
  if (n < 2) return;
  // ImGui fills convex shapes only, so the strip is a run of quads. With anti-aliasing on, each
  // quad's fringe would overlap its neighbour's and show as faint seams in translucent fills.
  const ImDrawListFlags saved = draw_list_->Flags;
  draw_list_->Flags &= ~ImDrawListFlags_AntiAliasedFill;
  const ImU32 col = color.to_abgr8();
  for (int i = 0; i + 1 < n; ++i) {
    const ImVec2 q[4] = {im(upper[i]), im(upper[i + 1]), im(lower[i + 1]), im(lower[i])};
    draw_list_->AddConvexPolyFilled(q, 4, col);
  }
  draw_list_->Flags = saved;
}

void ImGuiCanvas::circle_filled(Vec2 centre, float radius, Color color) {
  draw_list_->AddCircleFilled(im(centre), radius, color.to_abgr8());
}

void ImGuiCanvas::heatmap(Rect dst, const HeatmapImage& heatmap) {
  // One textured quad instead of a rectangle per cell (9,216 for the loss contours).
  if (gpu_ && gpu_->draw(draw_list_, dst, heatmap)) return;
  Canvas::heatmap(dst, heatmap);
}

Vec2 ImGuiCanvas::measure_text(std::string_view utf8, float size) {
  const float s = size > 0.0f ? size : font_size_;
  const ImVec2 v = font_->CalcTextSizeA(s, FLT_MAX, 0.0f, utf8.data(), utf8.data() + utf8.size());
  return {v.x, v.y};
}

void ImGuiCanvas::text(Vec2 pos, std::string_view utf8, const TextStyle& style) {
  const float size = style.size > 0.0f ? style.size : font_size_;
  const Vec2 box = measure_text(utf8, size);  // (w, h) of the unrotated text
  const ImU32 col = style.color.to_abgr8();
  const float along = style.h == HAlign::left ? 0.0f : style.h == HAlign::center ? 0.5f : 1.0f;
  const float across = style.v == VAlign::top ? 0.0f : style.v == VAlign::middle ? 0.5f : 1.0f;
  if (!style.vertical) {
    const ImVec2 p(pos.x - along * box.x, pos.y - across * box.y);
    draw_list_->AddText(font_, size, p, col, utf8.data(), utf8.data() + utf8.size());
    return;
  }
  // Rotated box on screen: [bx, bx + h] × [by, by + w]; the text's top faces left and it reads
  // upwards, so text-local (u, v) lands at screen (bx + v, by + w − u).
  const float bx = pos.x - across * box.y;
  const float by = pos.y - (1.0f - along) * box.x;
  const float scale = size / font_->FontSize;
  const auto to_screen = [&](float u, float v) { return ImVec2(bx + v, by + box.x - u); };
  draw_list_->PushTextureID(font_->ContainerAtlas->TexID);
  float pen = 0.0f;
  size_t i = 0;
  uint32_t c = 0;
  while (next_codepoint(utf8, i, c)) {
    const ImFontGlyph* g = font_->FindGlyph(static_cast<ImWchar>(c <= 0xFFFF ? c : 0xFFFD));
    if (!g) continue;
    if (g->Visible) {
      const float u0 = pen + g->X0 * scale, u1 = pen + g->X1 * scale;
      const float v0 = g->Y0 * scale, v1 = g->Y1 * scale;
      draw_list_->PrimReserve(6, 4);
      draw_list_->PrimQuadUV(to_screen(u0, v0), to_screen(u1, v0), to_screen(u1, v1), to_screen(u0, v1),
                             ImVec2(g->U0, g->V0), ImVec2(g->U1, g->V0), ImVec2(g->U1, g->V1), ImVec2(g->U0, g->V1),
                             col);
    }
    pen += g->AdvanceX * scale;
  }
  draw_list_->PopTextureID();
}

void ImGuiCanvas::push_clip(Rect r) { draw_list_->PushClipRect(ImVec2(r.x0, r.y0), ImVec2(r.x1, r.y1), true); }

void ImGuiCanvas::pop_clip() { draw_list_->PopClipRect(); }

}  // namespace bnlab::plot
