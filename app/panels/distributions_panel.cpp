// What this file is: panel 2, activation distributions over training time (internal covariate
// shift): for the chosen block and tap, percentile bands of runs A and B on the same axes
// (15/50/85 as in the BN paper's Figure 1; TensorBoard's 0–100, 7–93, 16–84, 31–69 as fainter
// bands), and the ridgeline of run A's histograms beside it. A small cell shows one of the two.
// With a unit chosen, the bands follow that one feature (conv: channel) over the batch, as the
// paper's Figure 1(b, c) follows one sigmoid's input, rather than pooling the whole block.
// Following a unit asks both trainers for each unit's percentiles (ProbeSettings::unit_percentiles),
// which they measure only while it is asked.
#include <imgui.h>

#include <algorithm>
#include <cstdio>

#include "panels/frame_series.h"
#include "panels/panel.h"
#include "panels/plot_area.h"
#include "panels/plot_grid.h"
#include "ui/text.h"

namespace bnlab {
namespace {

// Indices into kPercentiles = {0, 7, 15, 16, 31, 50, 69, 84, 85, 93, 100}.
constexpr int kP0 = 0, kP7 = 1, kP15 = 2, kP16 = 3, kP31 = 4, kP50 = 5, kP69 = 6, kP84 = 7, kP85 = 8, kP93 = 9,
              kP100 = 10;

struct DistributionsPanel : Panel {
  bool tensorboard_bands_ = false;
  int shown_ = 0;  // in a small cell, the one plot shown: the bands or the ridgeline
  int unit_ = 0;   // 0: every unit of the block pooled; k: unit k alone (from 1, as blocks are)

  bool sent_units_ = false;  // whether the session measures units for this panel

  const char* key() const override { return "panel.distributions"; }

  // Each unit's percentiles cost the trainers a selection per unit and tap: measured while this
  // panel is shown following one unit, from the next probe frame on.
  void sync(bool shown, ui::ActionQueue& actions) override {
    const bool wanted = shown && unit_ > 0;
    if (wanted == sent_units_) return;
    actions.post(ui::act::SetUnitPercentiles{wanted});
    sent_units_ = wanted;
  }
  void apply_setting(const std::string& name, const nlohmann::json& v) override {
    if (name == "tensorboard_bands") tensorboard_bands_ = v.get<bool>();
    if (name == "shown") shown_ = v == "ridgeline" ? 1 : 0;
    if (name == "unit") unit_ = v.get<int>();
  }

  void draw(PanelContext& ctx) override {
    ImGui::Checkbox(ui::tr_id("plot.more_bands"), &tensorboard_bands_);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", ui::tr("plot.more_bands_hint"));
    ImGui::SameLine();
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 6.0f);
    if (ImGui::InputInt(ui::tr_id("unit.label"), &unit_)) unit_ = std::clamp(unit_, 0, 4096);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", ui::tr("unit.hint"));
    const History* hs[2] = {ctx.history_a.get(), ctx.history_b.get()};
    const std::vector<std::shared_ptr<const ProbeFrame>> frames[2] = {recent_frames(hs[0]), recent_frames(hs[1])};
    auto show = [&](int k, float width, float height) {
      if (k == 0)
        bands(ctx, frames, width, height);
      else
        ridgeline(ctx, frames[0], width, height);
    };
    // The bands' time axis gets the width; the ridgeline is a narrower picture.
    const PlotGrid grid = arrange_plots(2, 0.6f);
    if (grid.all()) {
      draw_in_grid(grid, show);
    } else {
      plot_choice({ui::tr("distributions.bands"), ui::tr("distributions.ridgeline")}, &shown_, true);
      show(shown_, 0.0f, 0.0f);
    }
  }

  // Percentile bands of runs A and B over training.
  void bands(PanelContext& ctx, const std::vector<std::shared_ptr<const ProbeFrame>> (&frames)[2], float width,
             float height) const {
    const int block = ctx.selected_block, tap = ctx.selected_tap;
    const plot::Color colors[2] = {to_color(ctx.theme.run_a), to_color(ctx.theme.run_b)};
    const bool tb = tensorboard_bands_;
    std::string title = selection(ctx, unit_);
    // A unit the block does not have is said in the title, where a slide shows it too.
    const int units = frames[0].empty() || block >= static_cast<int>(frames[0].back()->blocks.size())
                          ? 0 : static_cast<int>(frames[0].back()->blocks[block].taps[tap].units.size());
    if (unit_ > units && units > 0)
      title = ui::fill(ui::tr("unit.missing"), {{"block", std::to_string(block + 1)},
                                                        {"unit", std::to_string(unit_)}, {"units", std::to_string(units)}});
    plot_area(
        ctx, "distributions-bands",
        [&](plot::Canvas& canvas, plot::Rect rect) {
          plot::PlotSpec spec = base_spec(ctx, title.c_str(), ui::tr("plot.step"), ui::tr("plot.value"));
          if (!plot::Begin(canvas, "distributions-bands", rect, spec)) return;
          for (int r = 0; r < 2; ++r) {
            const std::string run = r == 0 ? "A " : "B ";
            if (unit_ > 0) {  // one unit: its 15th, 50th and 85th percentiles over the batch
              auto u = [&](int k) { return frame_series(frames[r], unit_percentile(block, tap, unit_ - 1, k)); };
              const FrameTrack lo = u(0), mid = u(1), hi = u(2);
              const int n = static_cast<int>(mid.steps.size());
              plot::Line(run + "15%", lo.steps.data(), lo.values.data(), n, {.color = colors[r], .line_width = 1.0f});
              plot::Line(run + "50%", mid.steps.data(), mid.values.data(), n, {.color = colors[r], .line_width = 2.0f});
              plot::Line(run + "85%", hi.steps.data(), hi.values.data(), n, {.color = colors[r], .line_width = 1.0f});
              continue;
            }
            auto p = [&](int k) { return frame_series(frames[r], tap_percentile(block, tap, k)); };
            const FrameTrack p50 = p(kP50);
            const int n = static_cast<int>(p50.steps.size());
            if (tb) {
              for (auto [lo, hi, alpha] :
                   {std::tuple{kP0, kP100, 0.10f}, {kP7, kP93, 0.14f}, {kP16, kP84, 0.18f}, {kP31, kP69, 0.24f}}) {
                const FrameTrack a = p(lo), b = p(hi);
                plot::Band("##" + run + std::to_string(lo), a.steps.data(), a.values.data(), b.values.data(), n,
                           {.color = colors[r], .fill_alpha = alpha});
              }
            } else {
              const FrameTrack a = p(kP15), b = p(kP85);
              plot::Band(run + "15–85%", a.steps.data(), a.values.data(), b.values.data(), n,
                         {.color = colors[r], .fill_alpha = 0.25f});
            }
            plot::Line(run + "50%", p50.steps.data(), p50.values.data(), n, {.color = colors[r], .line_width = 2.0f});
          }
          plot::End();
        },
        width, height);
  }

  // The ridgeline: about 24 of run A's histograms, oldest at the back.
  static void ridgeline(PanelContext& ctx, const std::vector<std::shared_ptr<const ProbeFrame>>& fa, float width,
                        float height) {
    const int block = ctx.selected_block, tap = ctx.selected_tap;
    const plot::Color color = to_color(ctx.theme.run_a);
    // "A · block 3 · after BN": the radio button above names it; a longer title would lose its middle.
    const std::string title = "A · " + selection(ctx, 0);
    plot_area(
        ctx, "distributions-ridgeline",
        [&](plot::Canvas& canvas, plot::Rect rect) {
          plot::PlotSpec spec = base_spec(ctx, title.c_str(), ui::tr("plot.value"), ui::tr("plot.step"));
          spec.legend = false;
          if (!plot::Begin(canvas, "distributions-ridgeline", rect, spec)) return;
          std::vector<plot::RidgeRow> rows;
          std::vector<std::vector<float>> counts;
          const size_t stride = std::max<size_t>(1, fa.size() / 24);
          for (size_t i = 0; i < fa.size(); i += stride) {
            if (block >= static_cast<int>(fa[i]->blocks.size())) continue;
            const Histogram& h = fa[i]->blocks[block].taps[tap].histogram;
            counts.emplace_back(h.bins.begin(), h.bins.end());
          }
          size_t c = 0;
          for (size_t i = 0; i < fa.size() && c < counts.size(); i += stride) {
            if (block >= static_cast<int>(fa[i]->blocks.size())) continue;
            const Histogram& h = fa[i]->blocks[block].taps[tap].histogram;
            rows.push_back(
                {counts[c].data(), static_cast<int>(counts[c].size()), h.lo, h.hi, static_cast<float>(fa[i]->step)});
            ++c;
          }
          const float row_height =
              rows.size() > 1 ? (rows.back().baseline - rows.front().baseline) / rows.size() * 3.0f : 1.0f;
          plot::Ridgeline("A", rows.data(), static_cast<int>(rows.size()), row_height,
                          {.color = color, .fill_alpha = 0.6f});
          plot::End();
        },
        width, height);
  }

  // The block and tap looked at ("block 3 · after BN"), in the plots' titles, where a slide
  // (which draws no controls) shows them too.
  static std::string selection(const PanelContext& ctx, int unit) {
    char text[200];
    if (unit > 0)
      std::snprintf(text, sizeof text, ui::tr("unit.title"), ctx.selected_block + 1, unit,
                    ui::tr(tap_key(ctx.selected_tap)));
    else
      std::snprintf(text, sizeof text, ui::tr("distributions.title"), ctx.selected_block + 1,
                    ui::tr(tap_key(ctx.selected_tap)));
    return text;
  }

  static const char* tap_key(int tap) { return tap == 0 ? "tap.z" : tap == 1 ? "tap.normalized" : "tap.activated"; }
};

}  // namespace

std::unique_ptr<Panel> make_distributions_panel() { return std::make_unique<DistributionsPanel>(); }

}  // namespace bnlab
