// What this file is: panel 2, activation distributions over training time (internal covariate
// shift): for the chosen block and tap, percentile bands of runs A and B on the same axes
// (15/50/85 as in the BN paper's Figure 1; TensorBoard's 0–100, 7–93, 16–84, 31–69 as fainter
// bands), and the ridgeline of run A's histograms beside it.
#include <imgui.h>

#include "panels/frame_series.h"
#include "panels/panel.h"
#include "panels/plot_area.h"
#include "ui/text.h"

namespace bnlab {
namespace {

// Indices into kPercentiles = {0, 7, 15, 16, 31, 50, 69, 84, 85, 93, 100}.
constexpr int kP0 = 0, kP7 = 1, kP15 = 2, kP16 = 3, kP31 = 4, kP50 = 5, kP69 = 6, kP84 = 7, kP85 = 8, kP93 = 9, kP100 = 10;

struct DistributionsPanel : Panel {
  bool tensorboard_bands_ = false;

  const char* key() const override { return "panel.distributions"; }
  void apply_setting(const std::string& name, const nlohmann::json& v) override {
    if (name == "tensorboard_bands") tensorboard_bands_ = v.get<bool>();
  }

  void draw(PanelContext& ctx) override {
    ImGui::Checkbox("TensorBoard", &tensorboard_bands_);
    ImGui::SameLine();
    ImGui::TextDisabled("%s: %d · %s", ui::tr("sidebar.network"), ctx.selected_block + 1, ui::tr(tap_key(ctx.selected_tap)));
    const int block = ctx.selected_block, tap = ctx.selected_tap;
    const History* hs[2] = {ctx.history_a.get(), ctx.history_b.get()};
    const plot::Color colors[2] = {to_color(ctx.theme.run_a), to_color(ctx.theme.run_b)};
    std::vector<std::shared_ptr<const ProbeFrame>> frames[2] = {recent_frames(hs[0]), recent_frames(hs[1])};
    const float half = ImGui::GetContentRegionAvail().x * 0.6f;
    const bool tb = tensorboard_bands_;
    plot_area(
        ctx, "distributions-bands",
        [&](plot::Canvas& canvas, plot::Rect rect) {
          plot::PlotSpec spec = base_spec(ctx, ui::tr("panel.distributions"), ui::tr("plot.step"), ui::tr("plot.value"));
          if (!plot::Begin(canvas, "distributions-bands", rect, spec)) return;
          for (int r = 0; r < 2; ++r) {
            const std::string run = r == 0 ? "A " : "B ";
            auto p = [&](int k) { return frame_series(frames[r], tap_percentile(block, tap, k)); };
            const FrameTrack p50 = p(kP50);
            const int n = static_cast<int>(p50.steps.size());
            if (tb) {
              for (auto [lo, hi, alpha] : {std::tuple{kP0, kP100, 0.10f}, {kP7, kP93, 0.14f}, {kP16, kP84, 0.18f}, {kP31, kP69, 0.24f}}) {
                const FrameTrack a = p(lo), b = p(hi);
                plot::Band("##" + run + std::to_string(lo), a.steps.data(), a.values.data(), b.values.data(), n,
                           {.color = colors[r], .fill_alpha = alpha});
              }
            } else {
              const FrameTrack a = p(kP15), b = p(kP85);
              plot::Band(run + "15–85%", a.steps.data(), a.values.data(), b.values.data(), n, {.color = colors[r], .fill_alpha = 0.25f});
            }
            plot::Line(run + "50%", p50.steps.data(), p50.values.data(), n, {.color = colors[r], .line_width = 2.0f});
          }
          plot::End();
        },
        half - ImGui::GetStyle().ItemSpacing.x);
    ImGui::SameLine();
    // The ridgeline: about 24 of run A's histograms, oldest at the back.
    plot_area(ctx, "distributions-ridgeline", [&](plot::Canvas& canvas, plot::Rect rect) {
      plot::PlotSpec spec = base_spec(ctx, "A", ui::tr("plot.value"), ui::tr("plot.step"));
      spec.legend = false;
      if (!plot::Begin(canvas, "distributions-ridgeline", rect, spec)) return;
      std::vector<plot::RidgeRow> rows;
      std::vector<std::vector<float>> counts;
      const auto& fa = frames[0];
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
        rows.push_back({counts[c].data(), static_cast<int>(counts[c].size()), h.lo, h.hi, static_cast<float>(fa[i]->step)});
        ++c;
      }
      const float row_height = rows.size() > 1 ? (rows.back().baseline - rows.front().baseline) / rows.size() * 3.0f : 1.0f;
      plot::Ridgeline("A", rows.data(), static_cast<int>(rows.size()), row_height, {.color = colors[0], .fill_alpha = 0.6f});
      plot::End();
    });
  }

  static const char* tap_key(int tap) { return tap == 0 ? "tap.z" : tap == 1 ? "tap.normalized" : "tap.activated"; }
};

}  // namespace

std::unique_ptr<Panel> make_distributions_panel() { return std::make_unique<DistributionsPanel>(); }

}  // namespace bnlab
