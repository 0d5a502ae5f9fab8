// What this file is: panel 6, γ and β while training: for the chosen block's norm (run A),
// every feature's γ and β over time, as lines when there are few features and as a feature × time
// heatmap when lines would be a tangle; beside them the latest batch's statistics. BN: its mean
// and variance against the running ones per feature (they agree once the moving average has
// caught up: momentum sets its window). LN, GN, IN: one point per sample and group, and the words
// for why there are no running statistics (each sample is normalized with its own); an LN after a
// conv has a γ and β per value (C·H·W), drawn as each channel's mean. A small cell shows one of
// the four plots at a time.
#include <imgui.h>

#include <cmath>
#include <string>
#include <unordered_map>

#include "panels/feature_time.h"
#include "panels/frame_series.h"
#include "panels/norm_axes.h"
#include "panels/norm_statistics.h"
#include "panels/panel.h"
#include "panels/plot_area.h"
#include "panels/plot_grid.h"
#include "ui/problems.h"
#include "ui/text.h"
#include "ui/text_wrap.h"

namespace bnlab {
namespace {

// γ starts at 1 and β at 0 (Ioffe and Szegedy 2015, Algorithm 1 initializes the identity
// scale and zero shift); the heatmaps' neutral colour sits there, so what moved stands out.
struct Param {
  const char* id;
  const char* symbol;
  FeatureMember member;
  float start;
};
constexpr Param kParams[2] = {{"gamma", "γ", &BlockProbe::gamma, 1.0f}, {"beta", "β", &BlockProbe::beta, 0.0f}};

// Changes smaller than this keep a near-neutral colour instead of filling the colour map.
constexpr float kMinColourHalfRange = 0.02f;

struct GammaBetaPanel : Panel {
  int shown_ = 0;  // in a small cell, the one plot shown: γ, β, mean or variance

  const char* key() const override { return "panel.gamma_beta"; }
  void apply_setting(const std::string& name, const nlohmann::json& v) override {
    static const char* kShown[] = {"gamma", "beta", "mean", "variance"};
    for (int i = 0; i < 4; ++i)
      if (name == "shown" && v == kShown[i]) shown_ = i;
  }

  void draw(PanelContext& ctx) override {
    const int block = ctx.selected_block;
    const auto frames = recent_frames(ctx.history_a.get(), 300);
    if (frames.empty()) {
      ImGui::TextDisabled("%s", ui::tr("plot.waiting"));
      return;
    }
    if (block >= static_cast<int>(frames.back()->blocks.size())) {
      ImGui::TextDisabled("%s", ui::tr("plot.no_bn"));
      return;
    }
    const BlockProbe& last = frames.back()->blocks[block];
    const NormKind norm = last.norm;
    // BN without γ and β (affine off) shows nothing, as before; the other norms still have their
    // statistics to show.
    if (norm == NormKind::none || (norm == NormKind::batch && last.gamma.empty())) {
      ImGui::TextDisabled("%s", ui::tr("plot.no_bn"));
      return;
    }
    const bool bn = norm == NormKind::batch;
    const std::optional<NormAxes> axes =
        ctx.a && ctx.a->config && ctx.a->data
            ? norm_axes(*ctx.a->config, ctx.a->data->train.sample_shape, block)
            : std::nullopt;
    // An LN after a conv keeps C·H·W γs and βs: drawn as each channel's mean, C rows as for the others.
    const bool per_channel = norm == NormKind::layer && axes && axes->conv;
    // The summaries hold their frames: let them go once an LN after a conv is no longer shown.
    if (!per_channel) release_summaries();
    const auto& drawn = per_channel ? summarized(frames, block, axes->c) : frames;
    const int features = static_cast<int>(drawn.back()->blocks[block].gamma.size());
    const std::string which = " · A " + std::to_string(block + 1);
    // BN keeps one γ and β per feature of a dense layer, per channel of a conv layer.
    const bool conv = ctx.a && ctx.a->config && block < static_cast<int>(ctx.a->config->model.blocks.size()) &&
                      ctx.a->config->model.blocks[block].op == "conv";
    const char* feature_label = ui::tr(conv ? "gamma_beta.channel" : "gamma_beta.feature");
    const SampleGroupPoints points = bn ? SampleGroupPoints{} : sample_group_points(last);
    const std::string norm_name = norm_abbreviation(norm);
    // γ's and β's titles: "γ · A 2" for BN as before; "GN γ · A 2"; "LN γ per channel (mean of its 28×28) · A 2".
    auto param_title = [&](const Param& p) {
      if (bn) return p.symbol + which;
      if (per_channel)
        return ui::fill(ui::tr("gamma_beta.ln_channel_mean"),
                        {{"symbol", p.symbol}, {"h", std::to_string(axes->h)}, {"w", std::to_string(axes->w)}}) +
               which;
      return ui::fill(ui::tr("gamma_beta.norm_symbol"), {{"norm", norm_name}, {"symbol", p.symbol}}) + which;
    };

    // One of the four plots (γ, β, mean, variance) in a w × h area at the cursor; `x_label`
    // false under a plot that shares the x axis with the one below it.
    bool all_shown = true;
    auto show = [&](int plot_index, float w, float h, bool x_label) {
      if (plot_index < 2) {
        const Param& p = kParams[plot_index];
        const std::string title = param_title(p);
        // Its own id, so a zoom on lines of γ ≈ 1 is not applied to feature indices.
        const bool as_heatmap = draw_features_as_heatmap(features);
        const std::string id = std::string(p.id) + (as_heatmap ? "-heatmap" : "");
        plot_area(
            ctx, id,
            [&](plot::Canvas& canvas, plot::Rect rect) {
              plot::PlotSpec spec = base_spec(ctx, title.c_str(), x_label ? ui::tr("plot.step") : "", "");
              spec.legend = false;
              if (as_heatmap) spec.y_label = feature_label;
              if (!plot::Begin(canvas, id, rect, spec)) return;
              if (as_heatmap)
                heatmap(drawn, block, p, static_cast<int>(rect.width()));
              else
                lines(drawn, block, p, features);
              plot::End();
            },
            w, h);
        return;
      }
      const bool mean = plot_index == 2;
      if (!bn) {
        // The words for the missing running statistics go under μ, or under σ² when it is shown alone.
        const bool note = mean || !all_shown;
        sample_statistics(ctx, norm, mean, points, stat_values(last, axes), which, note, x_label, w, h);
        return;
      }
      const std::string title = ui::tr(mean ? "gamma_beta.mean" : "gamma_beta.var") + which;
      statistics(ctx, mean ? "running-vs-batch-mean" : "running-vs-batch-var", title.c_str(),
                 x_label ? feature_label : "", mean ? last.batch_mean : last.batch_var,
                 mean ? last.running_mean : last.running_var, w, h);
    };

    // All four when they fit: in two columns, γ and β over time on the left, where the time axis
    // gets the width, the latest batch's statistics per feature on the right.
    const PlotGrid grid = arrange_plots(4, 0.6f);
    if (grid.all()) {
      auto plot_at = [&](int i) { return grid.columns == 2 ? kTwoColumns[i] : i; };
      draw_in_grid(grid, [&](int i, float w, float h) {
        // A plot above one with the same x axis (time for γ and β, feature for μ and σ²) leaves
        // the axis's label to it.
        const int below = i + grid.columns;
        const bool shared = below < 4 && plot_at(below) / 2 == plot_at(i) / 2;
        show(plot_at(i), w, h, !shared);
      });
      return;
    }
    // A small cell: one plot at a time, chosen above it, rather than four too small to read.
    all_shown = false;
    plot_choice({"γ", "β", "μ", "σ²"}, &shown_, false);
    show(shown_, 0.0f, 0.0f, true);
  }

  // In two columns, row by row: γ and μ, then β and σ².
  static constexpr int kTwoColumns[4] = {0, 2, 1, 3};

  // Few features, inside Begin/End: one line each.
  static void lines(const std::vector<std::shared_ptr<const ProbeFrame>>& frames, int block, const Param& p,
                    int features) {
    for (int f = 0; f < features; ++f) {
      const FrameTrack s = frame_series(frames, [&](const ProbeFrame& fr) {
        if (block >= static_cast<int>(fr.blocks.size())) return NAN;
        const std::vector<float>& v = fr.blocks[block].*p.member;
        return f < static_cast<int>(v.size()) ? v[f] : NAN;
      });
      plot::Line(std::string(p.symbol) + " " + std::to_string(f), s.steps.data(), s.values.data(),
                 static_cast<int>(s.steps.size()), {.line_width = 1.0f});
    }
  }

  // Many features, inside Begin/End: feature on y, step on x, colour diverging from the
  // starting value; at most one column per pixel of the plot's width, finer would not show.
  static void heatmap(const std::vector<std::shared_ptr<const ProbeFrame>>& frames, int block, const Param& p,
                      int width) {
    const FeatureTimeMatrix m = feature_time_matrix(frames, block, p.member, std::max(16, width));
    if (m.cols > 0) {
      float vmin = 0, vmax = 0;
      centred_range(m.lo, m.hi, p.start, kMinColourHalfRange, &vmin, &vmax);
      const plot::GridBounds bounds{m.first_step, m.last_step, 0.0, static_cast<double>(m.rows - 1)};
      plot::Heatmap(p.symbol, m.values.data(), m.cols, m.rows, bounds, vmin, vmax, plot::Colormap::diverging);
    }
  }

  // One statistic of the latest frame per feature: the mini-batch's, drawn over the running
  // estimate's larger marks, so agreement shows as a dot inside a disc.
  static void statistics(PanelContext& ctx, const char* id, const char* title, const char* x_label,
                         const std::vector<float>& batch, const std::vector<float>& running, float w, float h) {
    plot_area(
        ctx, id,
        [&](plot::Canvas& canvas, plot::Rect rect) {
          plot::PlotSpec spec = base_spec(ctx, title, x_label, "");
          if (!plot::Begin(canvas, id, rect, spec)) return;
          const int n = static_cast<int>(std::min(batch.size(), running.size()));
          std::vector<float> index(n);
          for (int i = 0; i < n; ++i) index[i] = static_cast<float>(i);
          plot::Scatter(ui::tr("gamma_beta.running"), index.data(), running.data(), n,
                        {.color = to_color(ctx.theme.run_a), .marker_radius = 3.5f});
          plot::Scatter(ui::tr("gamma_beta.batch"), index.data(), batch.data(), n,
                        {.color = to_color(ctx.theme.accent), .marker_radius = 1.8f});
          plot::End();
        },
        w, h);
  }

  // The values one LN, GN or IN statistic is over, as the factors the picture would multiply:
  // "2·28·28" for GN with two channels a group on 28×28 maps; the probe's count when the
  // config's shape does not give it (the network is being rebuilt).
  static std::string stat_values(const BlockProbe& b, const std::optional<NormAxes>& axes) {
    if (axes) {
      const int channels = b.norm == NormKind::instance ? 1 : axes->c / std::max(1, b.stat_groups);
      std::string s = channels > 1 || !axes->conv ? std::to_string(channels) : "";
      if (axes->conv) s += (s.empty() ? "" : "·") + std::to_string(axes->h) + "·" + std::to_string(axes->w);
      if (int64_t{channels} * axes->hw() == b.stat_count) return s;
    }
    return std::to_string(b.stat_count);
  }

  // LN, GN, IN: the latest batch's means or variances, one point per sample and group, with the
  // words for why this norm has no running statistics under the plot when `note`.
  static void sample_statistics(PanelContext& ctx, NormKind norm, bool mean, const SampleGroupPoints& p,
                                const std::string& values, const std::string& which, bool note, bool x_label,
                                float w, float h) {
    const char* kind = norm == NormKind::layer ? "ln" : norm == NormKind::group ? "gn" : "in";
    const std::string title =
        ui::fill(ui::tr(std::string("gamma_beta.title_") + kind),
                 {{"stat", ui::tr(mean ? "gamma_beta.mean" : "gamma_beta.var")}, {"groups", std::to_string(p.groups)}}) +
        which;
    const std::string legend = ui::fill(ui::tr(std::string("gamma_beta.point_") + kind), {{"count", values}});
    const std::string words =
        note ? ui::fill(ui::tr("gamma_beta.no_running"), {{"norm", norm_abbreviation(norm)}}) : std::string();
    const std::string id = mean ? "sample-mean" : "sample-var";
    plot_area(
        ctx, id,
        [&](plot::Canvas& canvas, plot::Rect rect) {
          const float ts = canvas.default_text_size(), line = ts * 1.15f, pad = ts * 0.3f;
          const std::vector<std::string> lines =
              words.empty() ? std::vector<std::string>{}
                            : ui::wrap_text(words, rect.width() - 2 * pad,
                                            [&](std::string_view t) { return canvas.measure_text(t, 0).x; });
          plot::Rect axes_rect = rect;
          axes_rect.y1 -= lines.empty() ? 0.0f : line * static_cast<float>(lines.size()) + 2 * pad;
          plot::PlotSpec spec = base_spec(ctx, title.c_str(), x_label ? ui::tr("gamma_beta.sample") : "", "");
          spec.x_min = -0.5;
          spec.x_max = std::max(1, p.samples) - 0.5;
          if (plot::Begin(canvas, id, axes_rect, spec)) {
            const std::vector<float>& y = mean ? p.mean : p.var;
            plot::Scatter(legend, p.x.data(), y.data(), static_cast<int>(y.size()),
                          {.color = to_color(ctx.theme.accent), .marker_radius = 2.5f});
            plot::End();
          }
          const plot::PlotTheme theme = plot::theme_by_name(ctx.theme.name);
          for (size_t i = 0; i < lines.size(); ++i)
            canvas.text({rect.x0 + pad, axes_rect.y1 + pad + line * static_cast<float>(i)}, lines[i], {0, theme.text});
        },
        w, h);
  }

  // LN after a conv: the frames with block `block`'s γ and β replaced by each channel's mean
  // (channel_means), so the lines and the heatmap draw C rows as for the other norms. Summaries
  // are kept per frame, so each frame is summarized once, not on every draw.
  const std::vector<std::shared_ptr<const ProbeFrame>>& summarized(
      const std::vector<std::shared_ptr<const ProbeFrame>>& frames, int block, int channels) {
    if (block != summary_block_ || channels != summary_channels_) summaries_.clear();
    summary_block_ = block;
    summary_channels_ = channels;
    std::unordered_map<const ProbeFrame*, std::shared_ptr<const ProbeFrame>> kept;
    for (const auto& [source, summary] : summaries_) kept.emplace(source.get(), summary);
    std::vector<std::pair<std::shared_ptr<const ProbeFrame>, std::shared_ptr<const ProbeFrame>>> now;
    summarized_.clear();
    for (const auto& f : frames) {
      std::shared_ptr<const ProbeFrame> summary;
      if (auto it = kept.find(f.get()); it != kept.end()) {
        summary = it->second;
      } else {
        auto s = std::make_shared<ProbeFrame>();
        s->step = f->step;
        if (block < static_cast<int>(f->blocks.size())) {
          s->blocks.resize(static_cast<size_t>(block) + 1);
          const BlockProbe& b = f->blocks[block];
          s->blocks[block].norm = b.norm;
          s->blocks[block].gamma = channel_means(b.gamma, channels);
          s->blocks[block].beta = channel_means(b.beta, channels);
        }
        summary = std::move(s);
      }
      now.emplace_back(f, summary);  // the source is held, so its address is not reused while cached
      summarized_.push_back(summary);
    }
    summaries_ = std::move(now);
    return summarized_;
  }

  void release_summaries() {
    summaries_.clear();
    summarized_.clear();
    summary_block_ = -1;
  }

  int summary_block_ = -1, summary_channels_ = 0;
  std::vector<std::pair<std::shared_ptr<const ProbeFrame>, std::shared_ptr<const ProbeFrame>>> summaries_;
  std::vector<std::shared_ptr<const ProbeFrame>> summarized_;
};

}  // namespace

std::unique_ptr<Panel> make_gamma_beta_panel() { return std::make_unique<GammaBetaPanel>(); }

}  // namespace bnlab
