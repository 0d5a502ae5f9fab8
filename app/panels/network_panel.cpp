// What this file is: panel 8, the network view. Runs A and B as diagrams (input → blocks →
// output), each block a box of its layers; a block's norm badge (BN, LN, GN, IN; a struck "BN"
// for none) opens a list that changes that block's norm in that run, live. Clicking a box selects its block for the distribution, saturation and
// γ/β panels, and clicking one of its layers also chooses where those panels look (z, after BN,
// after the activation). Drawn on a plot canvas, so it exports to PNG, SVG or PDF like a plot.
#include <imgui.h>

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "core/train/twin_runs.h"
#include "panels/network_layout.h"
#include "panels/panel.h"
#include "panels/plot_area.h"
#include "ui/norm_menu.h"
#include "ui/problems.h"
#include "ui/text.h"

namespace bnlab {
namespace {

// The run letters in front of the rows are a little larger than the text in the boxes.
constexpr float kRunLetterScale = 1.1f;

// The tap each layer row shows: the op's output z, BN's output, the activation's output.
constexpr Tap kRowTap[kLayerRows] = {tap_z, tap_normalized, tap_activated};

LayerRow row_of_tap(int tap) {
  return tap == tap_z ? LayerRow::op : tap == tap_normalized ? LayerRow::norm : LayerRow::activation;
}

std::string activation_name(const std::string& a) {
  if (a == "sigmoid") return "Sigmoid";
  if (a == "tanh") return "Tanh";
  if (a == "relu") return "ReLU";
  if (a == "leaky_relu") return "Leaky ReLU";
  return ui::tr("netview.linear");
}

// Labels from the most to the least detailed; the box shows the first that fits.
std::vector<std::string> op_labels(const BlockConfig& b) {
  if (b.op == "conv") {
    const std::string c = std::to_string(b.channels), k = std::to_string(b.kernel);
    return {std::string(ui::tr("netview.conv")) + " " + c + " · " + k + "×" + k, std::string(ui::tr("netview.conv")) + " " + c, c};
  }
  const std::string u = std::to_string(b.units);
  return {std::string(ui::tr("netview.dense")) + " " + u, u};
}

std::vector<std::string> activation_labels(const BlockConfig& b) {
  std::vector<std::string> labels;
  const std::string act = activation_name(b.activation);
  if (b.pool.type != "none") {
    const std::string pool = ui::tr(b.pool.type == "max" ? "netview.max_pool" : "netview.avg_pool");
    labels.push_back(act + " · " + pool + " " + std::to_string(b.pool.size));
  }
  labels.push_back(act);
  if (b.activation == "sigmoid") labels.push_back("σ");  // the lesson's own symbol, for narrow boxes
  return labels;
}

// Centres the first label that fits `row`, else the last one, clipped to the row.
void fitted_text(plot::Canvas& canvas, const plot::Rect& row, const std::vector<std::string>& labels, plot::Color color) {
  const std::string* chosen = &labels.back();
  for (const std::string& s : labels)
    if (canvas.measure_text(s, 0).x <= row.width()) {
      chosen = &s;
      break;
    }
  canvas.push_clip(row);
  canvas.text({(row.x0 + row.x1) * 0.5f, (row.y0 + row.y1) * 0.5f}, *chosen,
              {0, color, plot::HAlign::center, plot::VAlign::middle});
  canvas.pop_clip();
}

// The outline of a rectangle with rounded corners, as a convex polygon.
std::vector<plot::Vec2> rounded(const plot::Rect& r, float radius) {
  radius = std::min({radius, r.width() * 0.5f, r.height() * 0.5f});
  const plot::Vec2 centres[4] = {{r.x1 - radius, r.y0 + radius}, {r.x1 - radius, r.y1 - radius},
                                 {r.x0 + radius, r.y1 - radius}, {r.x0 + radius, r.y0 + radius}};
  constexpr int kArc = 6;
  std::vector<plot::Vec2> points;
  for (int corner = 0; corner < 4; ++corner)
    for (int i = 0; i <= kArc; ++i) {
      const float a = static_cast<float>(M_PI) * (-0.5f + 0.5f * corner + 0.5f * i / kArc);
      points.push_back({centres[corner].x + radius * std::cos(a), centres[corner].y + radius * std::sin(a)});
    }
  return points;
}

void rounded_rect(plot::Canvas& canvas, const plot::Rect& r, float radius, plot::Color fill, plot::Color outline,
                  float width) {
  const std::vector<plot::Vec2> p = rounded(r, radius);
  if (fill.a > 0) canvas.convex_filled(p.data(), static_cast<int>(p.size()), fill);
  if (outline.a > 0 && width > 0) canvas.polyline(p.data(), static_cast<int>(p.size()), outline, width, true);
}

void arrow(plot::Canvas& canvas, const Arrow& a, plot::Color color, float width, float head) {
  if (a.to.x - a.from.x < head * 1.5f) return;  // no room: the boxes touch
  canvas.line(a.from, {a.to.x - head * 0.5f, a.to.y}, color, width);
  const plot::Vec2 tip[3] = {{a.to.x, a.to.y}, {a.to.x - head, a.to.y - head * 0.55f}, {a.to.x - head, a.to.y + head * 0.55f}};
  canvas.convex_filled(tip, 3, color);
}

// The diagram's CSV: one row per block of each run, as the diagram shows them.
std::string blocks_csv(const Config* const configs[2]) {
  std::string out = "run,block,op,units,activation,norm,dropout\n";
  for (int r = 0; r < 2; ++r) {
    const auto& blocks = configs[r]->model.blocks;
    for (size_t i = 0; i < blocks.size(); ++i) {
      const BlockConfig& b = blocks[i];
      char dropout[32];
      std::snprintf(dropout, sizeof dropout, "%g", b.dropout);
      out += std::string(r == 0 ? "A" : "B") + "," + std::to_string(i + 1) + "," + b.op + "," +
             std::to_string(b.op == "conv" ? b.channels : b.units) + "," + b.activation + "," +
             norm_name(b.norm) + "," + dropout + "\n";
    }
  }
  return out;
}

struct NetworkPanel : Panel {
  NetworkLayout screen_layout_;  // where the last on-screen drawing put things, for the mouse
  Config b_before_start_;        // run B's network until its trainer publishes one
  int menu_run_ = 0, menu_block_ = -1;  // whose norm the open list chooses

  const char* key() const override { return "panel.network"; }

  void draw(PanelContext& ctx) override {
    // The runs' own configs once they exist (they say what is trained right now); before that,
    // what the session will start them with.
    const Config& a = ctx.a && ctx.a->config ? *ctx.a->config : ctx.session.config();
    if (!ctx.b || !ctx.b->config) b_before_start_ = without_norms(a);
    const Config* configs[2] = {&a, ctx.b && ctx.b->config ? ctx.b->config.get() : &b_before_start_};

    ImGui::PushTextWrapPos(0.0f);
    ImGui::TextDisabled("%s", ui::tr("netview.hint"));
    ImGui::PopTextWrapPos();
    const ImVec2 origin = ImGui::GetCursorScreenPos(), size = ImGui::GetContentRegionAvail();
    if (size.x < 40 || size.y < 40) return;
    plot_area(ctx, "network", [&](plot::Canvas& canvas, plot::Rect rect) { draw_diagram(ctx, canvas, rect, configs); },
              size.x, size.y, [&] { return blocks_csv(configs); });

    // The whole area is one button, so a click never reaches the window behind it.
    ImGui::SetCursorScreenPos(origin);
    ImGui::InvisibleButton("##network", size);
    const bool hovered = ImGui::IsItemHovered();
    norm_menu(ctx);
    if (!hovered) return;
    const ImVec2 mouse = ImGui::GetMousePos();
    const DiagramHit hit = hit_test(screen_layout_, {mouse.x, mouse.y});
    if (hit.block < 0) return;
    const int blocks = static_cast<int>(a.model.blocks.size());
    const bool is_last = hit.block == blocks - 1;
    if (ImGui::IsItemClicked(ImGuiMouseButton_Left)) {
      const bool locked = ctx.controls && ctx.controls->locks("network");
      if (hit.bn_switch && !locked) {
        menu_run_ = hit.run;
        menu_block_ = hit.block;
        ImGui::OpenPopup("##norm_menu");
      } else if (!hit.bn_switch) {
        ctx.actions.post(ui::act::SelectBlock{hit.block});
        if (hit.row >= 0) ctx.actions.post(ui::act::SelectTap{kRowTap[hit.row]});
      }
    }
    if (hit.run >= 0 && hit.block < static_cast<int>(configs[hit.run]->model.blocks.size()))
      tooltip(*configs[hit.run], hit, is_last);
  }

  void draw_diagram(const PanelContext& ctx, plot::Canvas& canvas, plot::Rect rect, const Config* const configs[2]) {
    const plot::PlotTheme theme = plot::theme_by_name(ctx.theme.name);
    const plot::Color run_colors[2] = {to_color(ctx.theme.run_a), to_color(ctx.theme.run_b)};
    const plot::Color accent = to_color(ctx.theme.accent);
    const float lw = ctx.theme.line_width / 1.5f;  // 1 on screen themes, 2 for the projector
    const float ts = canvas.default_text_size();
    canvas.rect_filled(rect, theme.background);

    const auto& blocks_a = configs[0]->model.blocks;
    const int blocks = static_cast<int>(blocks_a.size());
    DiagramMetrics m;
    m.line_height = ts * 1.2f;
    m.pad = ts * 0.25f;
    m.label_width = canvas.measure_text("A", kRunLetterScale * ts).x + m.pad;
    m.arrow_width = ts * 1.1f;
    m.max_box_width = ts * 9.0f;
    // The end tags are words when the boxes still get room for theirs, else small dots.
    const char* input = ui::tr("netview.input");
    const char* output = ui::tr("netview.output");
    m.input_width = canvas.measure_text(input, 0).x + 2 * m.pad;
    m.output_width = canvas.measure_text(output, 0).x + 2 * m.pad;
    const float wanted = m.label_width + m.input_width + m.output_width + (blocks + 1) * m.arrow_width + blocks * ts * 4.5f;
    const bool word_tags = rect.width() >= wanted;
    if (!word_tags) m.input_width = m.output_width = ts * 0.8f;
    const bool bn_first = configs[0]->model.bn.position != "after_activation";
    const NetworkLayout l = layout_network(rect, blocks, bn_first, m);

    // What the mouse is over (screen only; an export shows no hover).
    DiagramHit hover;
    if (canvas.interactive()) {
      screen_layout_ = l;
      if (ImGui::IsWindowHovered()) hover = hit_test(l, {ImGui::GetMousePos().x, ImGui::GetMousePos().y});
    }

    canvas.push_clip(rect);
    const int selected = ctx.selected_block;
    if (selected >= 0 && selected < blocks) rounded_rect(canvas, l.columns[selected], ts * 0.4f, accent.with_alpha(0.16f), accent, lw);
    for (int k = 0; k < blocks; ++k) {
      const plot::Rect& n = l.numbers[k];
      canvas.text({(n.x0 + n.x1) * 0.5f, (n.y0 + n.y1) * 0.5f}, std::to_string(k + 1),
                  {0, k == selected ? theme.text : theme.text.with_alpha(0.6f), plot::HAlign::center, plot::VAlign::middle});
    }
    for (int run = 0; run < 2; ++run) {
      const plot::Color c = run_colors[run];
      const plot::Rect& lab = l.labels[run];
      canvas.text({lab.x0, (lab.y0 + lab.y1) * 0.5f}, run == 0 ? "A" : "B",
                  {kRunLetterScale * ts, c, plot::HAlign::left, plot::VAlign::middle});
      for (const Arrow& ar : l.arrows[run]) arrow(canvas, ar, theme.frame, lw, ts * 0.45f);
      end_tag(canvas, l.inputs[run], word_tags ? input : nullptr, theme, c, lw);
      end_tag(canvas, l.outputs[run], word_tags ? output : nullptr, theme, c, lw);
      const auto& cfg_blocks = configs[run]->model.blocks;
      for (int k = 0; k < blocks && k < static_cast<int>(cfg_blocks.size()); ++k)
        draw_box(ctx, canvas, l, run, k, cfg_blocks[k], hover, theme, c, lw);
    }
    canvas.pop_clip();
  }

  // The list of norms for the badge last clicked. What it marks as current is the session's copy,
  // which every frame's first act brings up to date, not the snapshot (a step later).
  void norm_menu(PanelContext& ctx) {
    if (!ImGui::BeginPopup("##norm_menu")) return;
    const auto& applied = ctx.session.config().model.blocks;
    const bool locked = ctx.controls && ctx.controls->locks("network");
    if (menu_block_ < 0 || menu_block_ + 1 >= static_cast<int>(applied.size()) || locked) {
      ImGui::CloseCurrentPopup();  // the network changed under the list, or a scene locked it
      ImGui::EndPopup();
      return;
    }
    ImGui::TextDisabled("%s", ui::fill(ui::tr("normmenu.title"), {{"block", std::to_string(menu_block_ + 1)},
                                                                   {"run", menu_run_ == 0 ? "A" : "B"}}).c_str());
    ImGui::Separator();
    const NormKind current = ctx.session.norm(menu_run_, menu_block_);
    if (const auto kind = ui::norm_menu_items(applied[menu_block_], current)) {
      if (*kind != current) ctx.actions.post(ui::act::SetNorm{menu_run_, menu_block_, *kind});
      ImGui::CloseCurrentPopup();
    }
    ImGui::EndPopup();
  }

  static void end_tag(plot::Canvas& canvas, const plot::Rect& r, const char* word, const plot::PlotTheme& theme,
                      plot::Color c, float lw) {
    if (!word) {
      canvas.circle_filled({(r.x0 + r.x1) * 0.5f, (r.y0 + r.y1) * 0.5f}, r.width() * 0.4f, c);
      return;
    }
    rounded_rect(canvas, r, r.height() * 0.5f, theme.plot_background, c.with_alpha(0.6f), lw);
    canvas.text({(r.x0 + r.x1) * 0.5f, (r.y0 + r.y1) * 0.5f}, word, {0, theme.text, plot::HAlign::center, plot::VAlign::middle});
  }

  void draw_box(const PanelContext& ctx, plot::Canvas& canvas, const NetworkLayout& l, int run, int k,
                const BlockConfig& b, const DiagramHit& hover, const plot::PlotTheme& theme, plot::Color c,
                float lw) const {
    const BlockBox& box = l.boxes[run][k];
    const float ts = canvas.default_text_size();
    const bool selected = k == ctx.selected_block, hovered = hover.run == run && hover.block == k;
    const plot::Color fill = plot::mix(theme.plot_background, c, hovered ? 0.22f : 0.08f);
    rounded_rect(canvas, box.box, ts * 0.35f, fill, selected ? c : c.with_alpha(0.55f), (selected ? 2.0f : 1.0f) * lw);
    // Where the selected block's panels look: its row gets a mark at the box's left edge.
    if (selected) {
      const plot::Rect& row = box.rows[static_cast<int>(row_of_tap(ctx.selected_tap))];
      if (!is_empty(row)) {
        const float cy = (row.y0 + row.y1) * 0.5f, h = ts * 0.35f;
        const plot::Vec2 mark[3] = {{box.box.x0, cy - h}, {box.box.x0 + h * 1.4f, cy}, {box.box.x0, cy + h}};
        canvas.convex_filled(mark, 3, to_color(ctx.theme.accent));
      }
    }
    const plot::Color text = theme.text;
    if (!l.compact) {
      fitted_text(canvas, box.rows[static_cast<int>(LayerRow::op)], op_labels(b), text);
      fitted_text(canvas, box.rows[static_cast<int>(LayerRow::activation)], activation_labels(b),
                  b.activation == "none" ? text.with_alpha(0.55f) : text);
    }
    const bool on = b.norm != NormKind::none;
    if (is_empty(box.bn_switch) && !on) {  // the output block: no switch, and no BN
      if (l.compact) fitted_text(canvas, box.rows[static_cast<int>(LayerRow::norm)], op_labels(b), text);
      return;
    }
    plot::Rect pill = box.bn_switch;
    if (is_empty(pill)) {  // the output block with BN from a config file: shown, not switchable
      const plot::Rect& row = box.rows[static_cast<int>(LayerRow::norm)];
      pill = {(row.x0 + row.x1) * 0.5f - ts, row.y0, (row.x0 + row.x1) * 0.5f + ts, row.y1};
    }
    const bool pill_hovered = hovered && hover.bn_switch;
    // On: the norm's abbreviation (BN, LN, GN, IN) filled in the run's colour. Off: an outline
    // with "BN" struck through, so it reads as "no norm" in either language and in grey print.
    plot::Color pill_fill = on ? c : theme.plot_background;
    if (pill_hovered) pill_fill = on ? plot::mix(c, theme.text, 0.25f) : plot::mix(theme.plot_background, c, 0.3f);
    rounded_rect(canvas, pill, pill.height() * 0.5f, pill_fill, on ? c : c.with_alpha(0.7f), lw);
    const plot::Vec2 centre{(pill.x0 + pill.x1) * 0.5f, (pill.y0 + pill.y1) * 0.5f};
    const plot::Color label = on ? theme.plot_background : text.with_alpha(0.6f);
    const char* abbreviation = on ? norm_abbreviation(b.norm) : "BN";
    canvas.text(centre, abbreviation, {ts * 0.9f, label, plot::HAlign::center, plot::VAlign::middle});
    if (!on) {
      const float half = canvas.measure_text("BN", ts * 0.9f).x * 0.6f;
      canvas.line({centre.x - half, centre.y}, {centre.x + half, centre.y}, label, lw * 1.2f);
    }
  }

  static void tooltip(const Config& cfg, const DiagramHit& hit, bool is_last) {
    const BlockConfig& b = cfg.model.blocks[hit.block];
    ImGui::BeginTooltip();
    ImGui::Text("%s %d · %s", ui::tr("netview.block"), hit.block + 1, hit.run == 0 ? "A" : "B");
    if (b.op == "conv")
      ImGui::Text("%s · %s %d · %s %d×%d · %s %d · %s %d", ui::tr("netview.conv"), ui::tr("netview.channels"), b.channels,
                  ui::tr("netview.kernel"), b.kernel, b.kernel, ui::tr("netview.stride"), b.stride, ui::tr("netview.padding"), b.padding);
    else
      ImGui::Text("%s · %s %d", ui::tr("netview.dense"), ui::tr("netview.units"), b.units);
    ImGui::Text("%s: %s", ui::tr("normmenu.norm"), ui::norm_words(b).c_str());
    ImGui::Text("%s: %s", ui::tr("netview.activation"), activation_name(b.activation).c_str());
    if (b.pool.type != "none")
      ImGui::Text("%s %d", ui::tr(b.pool.type == "max" ? "netview.max_pool" : "netview.avg_pool"), b.pool.size);
    if (b.dropout > 0) ImGui::Text("%s: %.2f", ui::tr("netview.dropout"), b.dropout);
    ImGui::Separator();
    if (hit.bn_switch)
      ImGui::TextDisabled("%s", ui::tr(hit.run == 0 ? "netview.click_switch" : "netview.click_switch_b"));
    else if (is_last && hit.row == static_cast<int>(LayerRow::norm))
      ImGui::TextDisabled("%s", ui::tr("netview.no_switch_last"));
    else
      ImGui::TextDisabled("%s", ui::tr("netview.click_select"));
    ImGui::EndTooltip();
  }
};

}  // namespace

std::unique_ptr<Panel> make_network_panel() { return std::make_unique<NetworkPanel>(); }

}  // namespace bnlab
