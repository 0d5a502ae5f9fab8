// What this file is: the headless scene renderer (render.h). Sections:
//   1. walking the lab to a step, without drawing
//   2. one page: panels, titles, highlights, narration
//   3. the scene, step by step
#include "scene/render.h"

#include "scene/strip.h"

#include <cairo.h>
#include <imgui.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <thread>

#include "core/error.h"
#include "core/io/atomic_file.h"
#include "panels/plot_area.h"
#include "plot/cairo_canvas.h"
#include "ui/headless.h"
#include "ui/lab.h"
#include "ui/text.h"
#include "ui/text_wrap.h"
#include "ui/theme.h"

namespace bnlab {

using namespace ui;

namespace {

// --- 1. walking the lab to a step ----------------------------------------------------------------

// Frames' first halves until the player has done what the step asks and nothing is left to
// apply. A scene's runs are short, but a step never waits longer than ten minutes.
void settle(Lab& lab, const std::string& where) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::minutes(10);
  while (true) {
    lab_tick(lab);
    if (!lab.player->error().empty()) throw data_error(where + ": " + lab.player->error());
    if (lab.player->settled() && lab.actions.empty() && !lab.session.loading()) return;
    if (std::chrono::steady_clock::now() > until) throw Error(ErrorKind::internal, where + ": the runs did not finish in 10 minutes");
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

// A shown panel busy with work of its own (the small-batch lab's grid) is waited for, within the
// same ten minutes. Frames go on while it works, a few a second, as in the window: a panel starts
// its work in a frame, and the run it reads may publish its network once more after the first
// frame (a paused trainer answers a late command), which only a later frame sees. Without them
// the batch-size lab waited for a frame that never came (CI, stop 17).
void wait_for_panels(Lab& lab, const RenderOptions& o, const std::string& where) {
  auto busy = [&] {
    for (PanelEntry* p : lab.shown_panels())
      if (p->panel->busy()) return true;
    return false;
  };
  const auto until = std::chrono::steady_clock::now() + std::chrono::minutes(10);
  for (int poll = 0; busy(); ++poll) {
    if (std::chrono::steady_clock::now() > until)
      throw Error(ErrorKind::internal, where + ": a panel's work did not finish in 10 minutes");
    if (poll % 5 == 0) lab_frame(lab, {0, 0, static_cast<float>(o.width), static_cast<float>(o.height)}, lab.settings.theme);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

// --- 2. one page -------------------------------------------------------------------------------------

plot::Color color_of(const ImVec4& c) { return {c.x, c.y, c.z, c.w}; }

struct Page {
  Lab& lab;
  const Scene& scene;
  int step;
  const RenderOptions& options;
  const std::string& lang;
  const Theme& ui_theme;  // the window's theme the page copies (print: the projector's, restyled)
  float font_size;
};

// The narration strip's lines and height, as the window lays it out (frame.cpp).
// The strip as the window lays it out, measured through the file's canvas, and its height.
struct Strip {
  StripLayout layout;
  float narration_size = 0, height = 0;
};

Strip strip_of(plot::Canvas& canvas, const Page& p) {
  Strip s;
  s.narration_size = std::round(p.font_size * kNarrationScale);
  const float pad = p.font_size * 0.5f;
  s.layout = strip_layout(
      p.scene, p.step, p.lang, static_cast<float>(p.options.width), pad,
      [&](std::string_view t) { return canvas.measure_text(t, p.font_size).x; },
      [&](std::string_view t) { return canvas.measure_text(t, s.narration_size).x; });
  const float line_h = s.narration_size * 1.15f;
  const float lines = static_cast<float>(s.layout.lines.size()), right = static_cast<float>(2 + s.layout.title.size());
  s.height = std::min(std::max(line_h * lines, p.font_size * 1.3f * right) + pad * 2, p.options.height * 0.5f);
  return s;
}

void draw_page(plot::Canvas& canvas, const Page& p, std::vector<DrawnPlot>* plots) {
  const float W = static_cast<float>(p.options.width), H = static_cast<float>(p.options.height);
  const plot::PlotTheme look = plot::theme_by_name(p.options.theme);
  canvas.rect_filled({0, 0, W, H}, look.background);
  const Strip strip = strip_of(canvas, p);
  const PanelRect area{0, 0, W, H - strip.height};
  // The panels, laid out by ImGui as the window lays them out; their plots land on the canvas.
  lab_frame(p.lab, area, p.ui_theme.name, &canvas, plots);
  const ImGuiStyle& style = ImGui::GetStyle();
  const float title_h = ImGui::GetFrameHeight();
  const std::vector<PanelEntry*> shown = p.lab.shown_panels();
  const std::vector<PanelRect> cells = grid_cells(static_cast<int>(shown.size()), area.x, area.y, area.w, area.h);
  const plot::Color accent = plot::Restyled(color_of(p.ui_theme.accent));
  for (size_t i = 0; i < shown.size(); ++i) {
    const PanelRect& c = cells[i];
    canvas.rect_filled({c.x, c.y, c.x + c.w, c.y + title_h}, look.plot_background.a > 0 ? look.grid : look.frame);
    canvas.text({c.x + style.FramePadding.x, c.y + style.FramePadding.y}, tr(shown[i]->panel->key()),
                {.size = p.font_size, .color = look.text});
    const plot::Vec2 box[4] = {{c.x, c.y}, {c.x + c.w, c.y}, {c.x + c.w, c.y + c.h}, {c.x, c.y + c.h}};
    canvas.polyline(box, 4, look.frame.with_alpha(0.6f), 1.0f, true);
    if (p.lab.controls.highlighted.count(shown[i]->panel->key())) {
      const float t = std::max(3.0f, p.font_size * 0.2f);
      const plot::Vec2 hi[4] = {{c.x + t / 2, c.y + t / 2}, {c.x + c.w - t / 2, c.y + t / 2}, {c.x + c.w - t / 2, c.y + c.h - t / 2},
                                {c.x + t / 2, c.y + c.h - t / 2}};
      canvas.polyline(hi, 4, accent, t, true);
    }
  }
  // The narration strip along the bottom, as in the window.
  const float top = H - strip.height, pad = p.font_size * 0.5f;
  const plot::Vec2 rule[2] = {{0, top + 1}, {W, top + 1}};
  canvas.polyline(rule, 2, accent, 2.0f, false);
  float y = top + pad;
  for (const std::string& line : strip.layout.lines) {
    canvas.text({pad, y}, line, {.size = strip.narration_size, .color = look.text});
    y += strip.narration_size * 1.15f;
  }
  const float x = W - strip.layout.right_w;
  canvas.text({x, top + pad}, strip.layout.counter, {.size = p.font_size, .color = accent});
  for (size_t i = 0; i < strip.layout.title.size(); ++i)
    canvas.text({x, top + pad + p.font_size * 1.3f * static_cast<float>(i + 1)}, strip.layout.title[i],
                {.size = p.font_size, .color = look.text.with_alpha(0.6f)});
}

void write_csv(const std::string& path, const std::vector<DrawnPlot>& plots) {
  std::string text;
  for (const DrawnPlot& d : plots) text += "# plot: " + d.id + "\n" + d.csv + (d.csv.empty() || d.csv.back() == '\n' ? "" : "\n") + "\n";
  write_file_atomically(path, text);
}

// Writes one step's page in one language; returns the plots drawn on it.
std::vector<DrawnPlot> draw_file(const std::string& path, const Page& page, const plot::ExportFont& font) {
  std::vector<DrawnPlot> plots;
  const RenderOptions& o = page.options;
  // Print restyles the projector's series colours for paper, as a plot's own export does.
  std::optional<plot::ScopedRestyle> restyle;
  if (o.theme == "print") restyle.emplace(restyle_for(page.lab.context(page.lab.frame_data(), page.ui_theme, false), "print"));
  if (o.format == "csv") {
    cairo_surface_t* surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 1, 1);
    cairo_t* cr = cairo_create(surface);
    plot::CairoCanvas canvas(cr, 1.0f, font);
    draw_page(canvas, page, &plots);
    cairo_destroy(cr);
    cairo_surface_destroy(surface);
    write_csv(path, plots);
    return plots;
  }
  const plot::Format format = o.format == "png" ? plot::Format::png : o.format == "svg" ? plot::Format::svg : plot::Format::pdf;
  std::string error;
  if (!plot::export_plot(path, format, static_cast<float>(o.width), static_cast<float>(o.height), 1.0f,
                         [&](plot::Canvas& canvas) { draw_page(canvas, page, &plots); }, &error, font,
                         "2000-01-01T00:00:00Z"))  // a fixed date: the same command, the same bytes
    throw data_error(error);
  return plots;
}

}  // namespace

// --- 3. the scene, step by step ---------------------------------------------------------------------

std::vector<RenderedStep> render_scene(const Scene& scene, const RenderOptions& o,
                                      const std::function<void(const std::string&)>& progress) {
  if (o.langs.empty()) throw config_error("--lang: expected en or zh");
  for (const std::string& lang : o.langs)
    if (lang != "en" && lang != "zh") throw config_error("--lang: expected en or zh, got '" + lang + "'");
  if (o.theme != "dark" && o.theme != "light" && o.theme != "projector" && o.theme != "print")
    throw config_error("--theme: expected dark, light, projector or print, got '" + o.theme + "'");
  if (o.format != "png" && o.format != "svg" && o.format != "pdf" && o.format != "csv")
    throw config_error("--format: expected png, svg, pdf or csv, got '" + o.format + "'");
  if (o.width < 320 || o.height < 240 || o.width > 8192 || o.height > 8192)
    throw config_error("--size: from 320x240 to 8192x8192, got " + std::to_string(o.width) + "x" + std::to_string(o.height));
  auto folder = [&](const std::string& lang) { return o.langs.size() > 1 ? o.out_dir + "/" + lang : o.out_dir; };
  // Before the scene is played: a folder that cannot take the files is said now, not after it.
  for (const std::string& lang : o.langs) {
    try {
      check_writable_folder(folder(lang), ErrorKind::usage);
    } catch (const Error& e) {
      throw config_error(std::string("--out: ") + e.what());
    }
  }

  text.load(assets_dir());
  // The window's look: print is a file theme only, so the page copies the projector's layout.
  const Theme& ui_theme = theme_by_name(o.theme == "print" ? "projector" : o.theme);
  const float font_size = std::round(Settings{}.font_size * ui_theme.font_scale);
  Settings settings;
  settings.theme = ui_theme.name;
  Lab lab(settings);
  lab.stepwise_until = true;        // "until" steps stop at exact steps
  lab.session.deterministic = true;  // nothing drawn depends on the clock
  if (o.step_limit < 0) throw config_error("--step-limit: expected 0 or more steps, got " + std::to_string(o.step_limit));
  lab.step_limit = o.step_limit;
  lab.play(scene);                   // adds the scene's words to the font's glyphs
  HeadlessImGui imgui(static_cast<float>(o.width), static_cast<float>(o.height), font_size, true);
  apply_theme(ui_theme);

  plot::ExportFont font;
  font.size = font_size;
  std::vector<RenderedStep> files;
  for (int k = 0; k < static_cast<int>(scene.steps.size()); ++k) {
    const std::string where = scene.source + ": step " + std::to_string(k + 1) + " (\"" + scene.steps[k].id + "\")";
    if (k > 0) lab.player->go_to(k);
    settle(lab, where);
    wait_for_panels(lab, o, where);
    char name[16];
    std::snprintf(name, sizeof name, "%02d-", k + 1);
    for (const std::string& lang : o.langs) {
      text.set_language(lang);
      settings.language = lang;
      const std::string path = folder(lang) + "/" + name + scene.steps[k].id + "." + o.format;
      files.push_back({path, lang, draw_file(path, Page{lab, scene, k, o, lang, ui_theme, font_size}, font)});
      if (progress) progress(path);
    }
  }
  return files;
}

}  // namespace bnlab
