// What this file is: the on-screen plot area and its export menu.
#include "panels/plot_area.h"

#include <imgui.h>

#include <ctime>
#include <filesystem>
#include <fstream>

#include "plot/cairo_canvas.h"
#include "plot/imgui_canvas.h"
#include "ui/text.h"

namespace bnlab {
namespace {

std::string export_path(const PanelContext& ctx, const std::string& id, const char* ext) {
  char stamp[32];
  const std::time_t t = std::time(nullptr);
  std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", std::localtime(&t));
  std::error_code ec;
  std::filesystem::create_directories(ctx.export_dir, ec);
  return ctx.export_dir + "/" + id + "-" + stamp + "." + ext;
}

void write_csv(PanelContext& ctx, const std::string& id, const CsvSource& csv) {
  const std::string path = export_path(ctx, id, "csv"), tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << (csv ? csv() : plot::LastPlotCsv(id));
    if (!out) {
      *ctx.status = "cannot write " + tmp;
      return;
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  *ctx.status = ec ? "cannot write " + path : std::string(ui::tr("status.saved")) + " " + path;
}

void export_image(PanelContext& ctx, const std::string& id, const PlotDrawing& drawing, plot::Format format,
                  float scale, plot::Rect rect) {
  const std::string path = export_path(ctx, id, plot::format_extension(format));
  std::string error;
  const float w = rect.width(), h = rect.height();
  // The same fonts and size as on screen, so the file looks like the window.
  plot::ExportFont font;
  font.size = ImGui::GetFontSize();
  const bool ok = plot::export_plot(path, format, w, h, scale,
                                    [&](plot::Canvas& canvas) { drawing(canvas, plot::Rect{0, 0, w, h}); }, &error, font);
  *ctx.status = ok ? std::string(ui::tr("status.saved")) + " " + path : error;
}

}  // namespace

plot::Color to_color(const ImVec4& c) { return {c.x, c.y, c.z, c.w}; }

plot::PlotSpec base_spec(const PanelContext& ctx, const char* title, const char* x_label, const char* y_label) {
  plot::PlotSpec spec;
  spec.title = title;
  spec.x_label = x_label;
  spec.y_label = y_label;
  spec.theme = plot::theme_by_name(ctx.theme.name);
  spec.line_width_scale = ctx.theme.line_width / 1.5f;
  return spec;
}

void plot_area(PanelContext& ctx, const std::string& id, const PlotDrawing& drawing, float width, float height,
               const CsvSource& csv) {
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const ImVec2 pos = ImGui::GetCursorScreenPos();
  const plot::Rect rect{pos.x, pos.y, pos.x + (width > 0 ? width : avail.x), pos.y + (height > 0 ? height : avail.y)};
  if (rect.width() < 40 || rect.height() < 40) return;
  plot::ImGuiCanvas canvas(ImGui::GetWindowDrawList());
  drawing(canvas, rect);
  const bool hovered = ImGui::IsMouseHoveringRect(ImVec2(rect.x0, rect.y0), ImVec2(rect.x1, rect.y1));
  if (hovered && ctx.export_shortcut) export_image(ctx, id, drawing, plot::Format::png, 2, rect);
  const std::string popup = "export##" + id;
  if (hovered && ImGui::IsMouseClicked(ImGuiMouseButton_Right)) ImGui::OpenPopup(popup.c_str());
  if (ImGui::BeginPopup(popup.c_str())) {
    ImGui::TextDisabled("%s", ui::tr("plot.export"));
    for (int scale : {1, 2, 4}) {
      const std::string label = "PNG " + std::to_string(scale) + "×";
      if (ImGui::MenuItem(label.c_str())) export_image(ctx, id, drawing, plot::Format::png, static_cast<float>(scale), rect);
    }
    if (ImGui::MenuItem("SVG")) export_image(ctx, id, drawing, plot::Format::svg, 1, rect);
    if (ImGui::MenuItem("PDF")) export_image(ctx, id, drawing, plot::Format::pdf, 1, rect);
    if (ImGui::MenuItem("CSV")) write_csv(ctx, id, csv);
    ImGui::EndPopup();
  }
}

void lines_per_block(const PanelContext& ctx, const std::function<FrameValue(int block)>& value, int skip_last,
                     float smoothing) {
  const History* hs[2] = {ctx.history_a, ctx.history_b};
  const plot::Color colors[2] = {to_color(ctx.theme.run_a), to_color(ctx.theme.run_b)};
  for (int r = 0; r < 2; ++r) {
    const auto frames = recent_frames(hs[r]);
    const int blocks = frames.empty() ? 0 : static_cast<int>(frames.back()->blocks.size()) - skip_last;
    for (int b = 0; b < blocks; ++b) {
      const FrameTrack f = frame_series(frames, value(b));
      if (f.values.empty() || f.values.back() < 0) continue;
      const std::string name = std::string(r == 0 ? "A " : "B ") + std::to_string(b + 1);
      plot::Line(name, f.steps.data(), f.values.data(), static_cast<int>(f.steps.size()),
                 {.color = colors[r].with_alpha(1.0f - 0.18f * b), .line_width = b == ctx.selected_block ? 3.0f : 1.5f,
                  .smoothing = smoothing});
    }
  }
}

std::vector<std::shared_ptr<const ProbeFrame>> recent_frames(const History* h, int max_frames) {
  if (!h) return {};
  return h->frames(0, INT64_MAX, max_frames);
}

}  // namespace bnlab
