// What this file is: a lab panel's sentences on the plot canvas (lab_text.h).
#include "panels/lab_text.h"

#include <imgui.h>

#include <algorithm>

#include "panels/plot_grid.h"
#include "ui/text.h"
#include "plot/imgui_canvas.h"
#include "plot/plot.h"
#include "ui/text_wrap.h"

namespace bnlab {
namespace {

constexpr float kLine = 1.2f;  // line height in text heights

std::vector<std::string> wrapped(const std::vector<std::string>& paragraphs, float width, const ui::MeasureText& measure,
                                 int max_lines) {
  std::vector<std::string> lines;
  for (const std::string& p : paragraphs)
    for (std::string& l : ui::wrap_text(p, width, measure)) lines.push_back(std::move(l));
  if (max_lines > 0 && static_cast<int>(lines.size()) > max_lines) {
    // The cut shows: the last line kept ends in an ellipsis, characters dropped to make room for it
    // (a page that stopped mid-sentence read as a mistake).
    lines.resize(max_lines);
    std::string& last = lines.back();
    while (!last.empty() && (last.back() == ' ' || measure(last + "…") > width)) {
      size_t cut = last.size() - 1;
      while (cut > 0 && (static_cast<unsigned char>(last[cut]) & 0xC0) == 0x80) --cut;  // a UTF-8 character's first byte
      last.erase(cut);
    }
    last += "…";
  }
  return lines;
}

float pad() { return ImGui::GetFontSize() * 0.3f; }

}  // namespace

float lab_text_height(const std::vector<std::string>& paragraphs, int max_lines) {
  const float width = ImGui::GetContentRegionAvail().x - 2 * pad();
  const auto lines = wrapped(paragraphs, width, ui::text_width, max_lines);
  return static_cast<float>(lines.size()) * ImGui::GetFontSize() * kLine + 2 * pad();
}

float lab_text(PanelContext& ctx, const std::string& /*id*/, const std::vector<std::string>& paragraphs, int max_lines) {
  const ImVec2 pos = ImGui::GetCursorScreenPos();
  const float width = ImGui::GetContentRegionAvail().x;
  const float height = lab_text_height(paragraphs, max_lines);
  const plot::Rect rect{pos.x, pos.y, pos.x + width, pos.y + height};
  // Straight on the canvas, not through plot_area: words are not a plot (no export menu, and
  // not one of the page's plots whose size the scene tests hold to the legible minimum).
  auto draw = [&](plot::Canvas& canvas) {
    const float ts = canvas.default_text_size(), p = ts * 0.3f;
    const plot::PlotTheme theme = plot::theme_by_name(ctx.theme.name);
    const auto lines = wrapped(paragraphs, rect.width() - 2 * p,
                               [&](std::string_view s) { return canvas.measure_text(s, 0).x; }, max_lines);
    canvas.push_clip(rect);
    for (size_t i = 0; i < lines.size(); ++i)
      canvas.text({rect.x0 + p, rect.y0 + p + ts * kLine * static_cast<float>(i)}, lines[i], {0, theme.text});
    canvas.pop_clip();
  };
  if (ctx.canvas) {
    draw(*ctx.canvas);
  } else {
    plot::ImGuiCanvas canvas(ImGui::GetWindowDrawList());
    draw(canvas);
  }
  ImGui::SetCursorScreenPos(pos);
  ImGui::Dummy(ImVec2(width, height));
  return height;
}

bool lab_setup_text(PanelContext& ctx, const std::string& id, const std::vector<std::string>& paragraphs, int plots) {
  if (arrange_plots(plots, 0.5f, lab_text_height(paragraphs)).all()) {
    lab_text(ctx, id, paragraphs);
    return true;
  }
  // As many lines as leave the plot its legible height and a row of choices, at least two.
  const float min_h = kMinPlotHeightInLines * ImGui::GetFontSize();
  const float room = ImGui::GetContentRegionAvail().y - ImGui::GetFrameHeightWithSpacing() - min_h - 2 * pad();
  const int lines = static_cast<int>(room / (ImGui::GetFontSize() * kLine));
  if (lines >= 2) lab_text(ctx, id, paragraphs, lines);
  return false;
}

void lab_message(PanelContext& ctx, const std::string& id, const std::string& message) {
  lab_text(ctx, id, {message});
}

}  // namespace bnlab
