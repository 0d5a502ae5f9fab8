// What this file is: the on-screen plot area and its export menu.
#include "panels/plot_area.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <iterator>
#include <string_view>

#include "core/error.h"
#include "core/io/atomic_file.h"
#include "plot/imgui_canvas.h"
#include "plot/plot_export.h"
#include "ui/text.h"
#include "ui/theme.h"

namespace bnlab {
namespace {

std::string export_path(const PanelContext& ctx, const std::string& id, const char* ext) {
  char stamp[32];
  const std::time_t t = std::time(nullptr);
  std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", std::localtime(&t));
  std::error_code ec;
  std::filesystem::create_directories(ctx.export_dir, ec);
  // Two exports within a second (the PNG and the JSON of one figure) must not overwrite each other.
  const std::string base = ctx.export_dir + "/" + id + "-" + stamp;
  std::string path = base + "." + ext;
  for (int n = 2; std::filesystem::exists(path, ec) && n < 1000; ++n) path = base + "-" + std::to_string(n) + "." + ext;
  return path;
}

void write_text(PanelContext& ctx, const std::string& id, const char* ext, const std::string& text) {
  const std::string path = export_path(ctx, id, ext);
  try {
    write_file_atomically(path, text);
    *ctx.status = std::string(ui::tr("status.saved")) + " " + path;
  } catch (const Error& e) {
    *ctx.status = std::string(ui::tr("status.not_saved")) + " " + e.what();
  }
}

// An export in the theme `name`: its plot colours, and the series colours the panels took from
// the screen's theme (runs A and B, accent, warning) swapped for that theme's. Print has no
// window theme of its own: it takes the projector's dark, saturated series colours, which stay
// apart on paper, with the screen's thin lines.
}  // namespace

plot::Restyle restyle_for(const PanelContext& ctx, const std::string& name) {
  const ui::Theme& target = ui::theme_by_name(name == "print" ? "projector" : name);
  plot::Restyle r;
  r.theme = plot::theme_by_name(name);
  r.line_width_scale = name == "print" ? 1.0f : target.line_width / 1.5f;
  r.recolor = {{to_color(ctx.theme.run_a), to_color(target.run_a)},
               {to_color(ctx.theme.run_b), to_color(target.run_b)},
               {to_color(ctx.theme.accent), to_color(target.accent)},
               {to_color(ctx.theme.warning), to_color(target.warning)}};
  return r;
}

namespace {

void export_image(PanelContext& ctx, const std::string& id, const PlotDrawing& drawing, plot::Format format,
                  float width, float height, const std::string& theme, plot::Rect screen) {
  plot::ExportRequest request;
  request.format = format;
  request.width = width;
  request.height = height;
  request.screen_width = screen.width();
  request.screen_height = screen.height();
  if (theme != ctx.theme.name) request.restyle = restyle_for(ctx, theme);
  request.font.size = ImGui::GetFontSize();  // the screen's text size, so the file looks like the window
  const std::string path = export_path(ctx, id, plot::format_extension(format));
  std::string error;
  const bool ok = plot::export_drawing(path, request, drawing, &error);
  *ctx.status = std::string(ui::tr(ok ? "status.saved" : "status.not_saved")) + " " + (ok ? path : error);
}

constexpr plot::Format kFormats[] = {plot::Format::png, plot::Format::svg, plot::Format::pdf};
constexpr int kThemes = static_cast<int>(std::size(plot::kPlotThemeNames));
constexpr int kPrint = kThemes - 1;
static_assert(std::string_view(plot::kPlotThemeNames[kPrint]) == "print");

int theme_index(const std::string& name) {
  for (int i = 0; i < kThemes; ++i)
    if (name == plot::kPlotThemeNames[i]) return i;
  return 0;
}

// The export menu of plot `id`. Its choices (format, size, theme) are kept in ImGui's storage
// of the panel's window under ids made from the popup's, so each plot remembers them while it
// is open and plot_area keeps no state of its own. `is_plot` false: a drawing that is not a
// plot (the network diagram) has no themes to choose from and no JSON.
void export_menu(PanelContext& ctx, const std::string& id, const PlotDrawing& drawing, plot::Rect rect, bool hovered,
                 const CsvSource& csv) {
  const std::string popup = "export##" + id;
  ImGuiStorage* store = ImGui::GetStateStorage();
  const ImGuiID format_key = ImGui::GetID((popup + "/format").c_str()),
                width_key = ImGui::GetID((popup + "/w").c_str()), height_key = ImGui::GetID((popup + "/h").c_str()),
                theme_key = ImGui::GetID((popup + "/theme").c_str());
  const int screen_w = static_cast<int>(std::lround(rect.width())),
            screen_h = static_cast<int>(std::lround(rect.height()));
  const int screen_theme = theme_index(ctx.theme.name);
  if (hovered && ImGui::IsMouseClicked(ImGuiMouseButton_Right)) {
    // Each time it opens: a PNG of the plot as on screen.
    store->SetInt(format_key, 0);
    store->SetInt(width_key, screen_w);
    store->SetInt(height_key, screen_h);
    store->SetInt(theme_key, screen_theme);
    ImGui::OpenPopup(popup.c_str());
  }
  if (!ImGui::BeginPopup(popup.c_str())) return;
  const bool is_plot = !csv;
  ImGui::TextDisabled("%s", ui::tr("plot.export"));
  int format = std::clamp(store->GetInt(format_key), 0, 2);
  ImGui::TextUnformatted(ui::tr("plot.export_format"));
  for (int f = 0; f < 3; ++f) {
    ImGui::SameLine();
    if (ImGui::RadioButton(f == 0 ? "PNG" : f == 1 ? "SVG" : "PDF", &format, f)) {
      store->SetInt(format_key, format);
      // Files for print default to the print theme, pictures to what the screen shows.
      store->SetInt(theme_key, format == 0 ? screen_theme : kPrint);
    }
  }
  int size[2] = {store->GetInt(width_key, screen_w), store->GetInt(height_key, screen_h)};
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8.0f);
  if (ImGui::InputInt2(ui::tr_id("plot.export_size"), size)) {
    store->SetInt(width_key, std::clamp(size[0], 16, 8192));
    store->SetInt(height_key, std::clamp(size[1], 16, 8192));
  }
  ImGui::SameLine();
  ImGui::TextDisabled("%s", ui::tr(format == 0 ? "plot.export_pixels" : "plot.export_points"));
  if (format == 0) {  // the screen's picture at 1, 2 or 4 pixels per screen pixel
    for (int k : {1, 2, 4}) {
      if (k > 1) ImGui::SameLine();
      if (ImGui::SmallButton((std::to_string(k) + "×").c_str())) {
        store->SetInt(width_key, screen_w * k);
        store->SetInt(height_key, screen_h * k);
      }
    }
  }
  int theme = is_plot ? std::clamp(store->GetInt(theme_key, screen_theme), 0, kThemes - 1) : screen_theme;
  if (is_plot) {
    const std::string key = std::string("theme.") + plot::kPlotThemeNames[theme];
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8.0f);
    if (ImGui::BeginCombo(ui::tr_id("plot.export_theme"), ui::tr(key.c_str()))) {
      for (int t = 0; t < kThemes; ++t) {
        const std::string item = std::string("theme.") + plot::kPlotThemeNames[t];
        if (ImGui::Selectable(ui::tr_id(item), t == theme)) store->SetInt(theme_key, theme = t);
      }
      ImGui::EndCombo();
    }
  }
  if (ImGui::Button(ui::tr_id("plot.export_save"))) {
    export_image(ctx, id, drawing, kFormats[format], static_cast<float>(store->GetInt(width_key, screen_w)),
                 static_cast<float>(store->GetInt(height_key, screen_h)), plot::kPlotThemeNames[theme], rect);
    ImGui::CloseCurrentPopup();
  }
  ImGui::Separator();
  ImGui::TextDisabled("%s", ui::tr("plot.export_data"));
  if (ImGui::MenuItem("CSV")) write_text(ctx, id, "csv", csv ? csv() : plot::LastPlotCsv(id));
  if (is_plot && ImGui::MenuItem("JSON")) write_text(ctx, id, "json", plot::LastPlotJson(id));
  ImGui::EndPopup();
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
  if (ctx.canvas) {  // headless: the file's canvas, nothing to click
    drawing(*ctx.canvas, rect);
    if (ctx.plots_drawn) ctx.plots_drawn->push_back({id, rect, csv ? csv() : plot::LastPlotCsv(id)});
    return;
  }
  plot::ImGuiCanvas canvas(ImGui::GetWindowDrawList());
  drawing(canvas, rect);
  const bool hovered = ImGui::IsMouseHoveringRect(ImVec2(rect.x0, rect.y0), ImVec2(rect.x1, rect.y1));
  if (hovered && ctx.export_shortcut)  // Ctrl+E: the screen's picture at twice its pixels
    export_image(ctx, id, drawing, plot::Format::png, 2.0f * rect.width(), 2.0f * rect.height(), ctx.theme.name, rect);
  export_menu(ctx, id, drawing, rect, hovered, csv);
}

void lines_per_block(const PanelContext& ctx, const std::function<FrameValue(int block)>& value, int skip_last,
                     float smoothing) {
  const History* hs[2] = {ctx.history_a.get(), ctx.history_b.get()};
  const plot::Color colors[2] = {to_color(ctx.theme.run_a), to_color(ctx.theme.run_b)};
  for (int r = 0; r < 2; ++r) {
    const auto frames = recent_frames(hs[r]);
    const int blocks = frames.empty() ? 0 : static_cast<int>(frames.back()->blocks.size()) - skip_last;
    for (int b = 0; b < blocks; ++b) {
      const FrameTrack f = frame_series(frames, value(b));
      if (f.values.empty() || f.values.back() < 0) continue;
      const std::string name = std::string(r == 0 ? "A " : "B ") + std::to_string(b + 1);
      plot::Line(name, f.steps.data(), f.values.data(), static_cast<int>(f.steps.size()),
                 {.color = colors[r].with_alpha(1.0f - 0.18f * b),
                  .line_width = b == ctx.selected_block ? 3.0f : 1.5f,
                  .smoothing = smoothing});
    }
  }
}

std::vector<std::shared_ptr<const ProbeFrame>> recent_frames(const History* h, int max_frames) {
  if (!h) return {};
  return h->frames(0, INT64_MAX, max_frames);
}

}  // namespace bnlab
