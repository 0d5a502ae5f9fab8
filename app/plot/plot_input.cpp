// What this file is: the plot's mouse handling on screen (wheel zoom around the pointer, drag to
// pan, double-click to fit) and the hover tooltip. The only plot file besides imgui_canvas.cpp
// that calls ImGui, and it checks for a running ImGui frame first, so exports and unit tests
// never need one.
#include <imgui.h>
#include <imgui_internal.h>  // ImGuiContext::WithinFrameScope, SetItemUsingMouseWheel

#include <cmath>

#include "plot/plot_state.h"

namespace bnlab::plot {

using namespace detail;

namespace {

bool in_imgui_frame() {
  const ImGuiContext* ctx = ImGui::GetCurrentContext();
  return ctx && ctx->WithinFrameScope && ctx->CurrentWindow;
}

// Moves or scales one axis in the space it is drawn in (log10 for a log axis).
void zoom_axis(double* lo, double* hi, bool log, double anchor_fraction, double factor, double shift_fraction) {
  const double a = log ? std::log10(*lo) : *lo, b = log ? std::log10(*hi) : *hi;
  const double span = b - a;
  const double anchor = a + anchor_fraction * span;
  double na = anchor - (anchor - a) * factor, nb = anchor + (b - anchor) * factor;
  na += shift_fraction * span;
  nb += shift_fraction * span;
  // Stop before the span underflows what a double can tell apart, or overflows.
  if (!(nb - na > 1e-12 * std::max(1.0, std::abs(na))) || !(nb - na < 1e300)) return;
  *lo = log ? std::pow(10.0, na) : na;
  *hi = log ? std::pow(10.0, nb) : nb;
}

}  // namespace

void HandleInput(const std::string& id, Rect rect) {
  if (!in_imgui_frame() || rect.width() < 1.0f || rect.height() < 1.0f) return;
  ViewState& view = context().views[id];
  const int frame = ImGui::GetFrameCount();
  if (view.input_frame == frame) return;
  view.input_frame = frame;

  // An invisible button owns the rectangle: it takes the clicks (so dragging pans instead of
  // moving the window), and the wheel (so the window does not scroll).
  ImGui::SetCursorScreenPos(ImVec2(rect.x0, rect.y0));
  ImGui::InvisibleButton(("##plot:" + id).c_str(), ImVec2(rect.width(), rect.height()));
  ImGui::SetItemUsingMouseWheel();
  view.hovered = ImGui::IsItemHovered();
  const Rect area = view.area;
  if (!view.drawn || area.width() <= 0.0f || area.height() <= 0.0f) return;  // not yet on screen
  const ImGuiIO& io = ImGui::GetIO();
  const Vec2 mouse{io.MousePos.x, io.MousePos.y};
  if (view.hovered && area.contains(mouse)) {
    if (ImGui::IsMouseDoubleClicked(ImGuiMouseButton_Left)) {
      view.fit = true;
      return;
    }
    if (io.MouseWheel != 0.0f) {
      const double factor = std::pow(0.85, static_cast<double>(io.MouseWheel));
      const double fx = (mouse.x - area.x0) / area.width();
      const double fy = (area.y1 - mouse.y) / area.height();  // y grows upwards in data space
      if (!io.KeyCtrl) zoom_axis(&view.x_lo, &view.x_hi, view.log_x, fx, factor, 0.0);
      if (!io.KeyShift) zoom_axis(&view.y_lo, &view.y_hi, view.log_y, fy, factor, 0.0);
      view.fit = false;
    }
  }
  const bool modifier = io.KeyShift || io.KeyCtrl || io.KeyAlt;
  if (ImGui::IsItemActive() && !modifier && (io.MouseDelta.x != 0.0f || io.MouseDelta.y != 0.0f) &&
      ImGui::IsMouseDragging(ImGuiMouseButton_Left, 0.0f)) {
    zoom_axis(&view.x_lo, &view.x_hi, view.log_x, 0.0, 1.0, -io.MouseDelta.x / area.width());
    zoom_axis(&view.y_lo, &view.y_hi, view.log_y, 0.0, 1.0, io.MouseDelta.y / area.height());
    view.fit = false;
  }
}

namespace detail {

bool mouse_position(Vec2* out) {
  if (!in_imgui_frame()) return false;
  const ImVec2 p = ImGui::GetIO().MousePos;
  if (!ImGui::IsMousePosValid(&p)) return false;
  *out = {p.x, p.y};
  return true;
}

void show_tooltip(const std::string& text) {
  if (in_imgui_frame()) ImGui::SetTooltip("%s", text.c_str());
}

}  // namespace detail
}  // namespace bnlab::plot
