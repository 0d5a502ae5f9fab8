// What this file is: the batch-size lab's drawings (batch_noise_views.h).
#include "panels/batch_noise_views.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>

#include "panels/plot_area.h"
#include "ui/problems.h"
#include "ui/text.h"
#include "ui/text_wrap.h"

namespace bnlab {
namespace {

std::string num(double v, int digits = 3) {
  char b[32];
  std::snprintf(b, sizeof b, "%.*g", digits, v);
  return b;
}

std::string percent(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%.1f%%", 100.0 * v);
  return b;
}

plot::PlotTheme current_theme(const PanelContext& ctx) {
  const plot::Restyle* r = plot::ActiveRestyle();
  return r ? r->theme : plot::theme_by_name(ctx.theme.name);
}

// `words` wrapped under the plot that `axes` draws in what is left of `rect` above them; a
// plot's explanation belongs to its picture, so it goes with it into exports and scene pages.
void with_words(plot::Canvas& canvas, plot::Rect rect, const std::vector<std::string>& words, const plot::PlotTheme& theme,
                const std::function<void(plot::Rect)>& axes) {
  const float ts = canvas.default_text_size(), line = ts * 1.15f, pad = ts * 0.3f;
  std::vector<std::string> lines;
  for (const std::string& w : words)
    for (std::string& l : ui::wrap_text(w, rect.width() - 2 * pad, [&](std::string_view t) { return canvas.measure_text(t, 0).x; }))
      lines.push_back(std::move(l));
  // The plot keeps at least half the height; sentences that do not fit are cut, not the axes.
  const float words_h = std::min(rect.height() * 0.5f, lines.empty() ? 0.0f : line * lines.size() + 2 * pad);
  plot::Rect axes_rect = rect;
  axes_rect.y1 -= words_h;
  axes(axes_rect);
  canvas.push_clip({rect.x0, axes_rect.y1, rect.x1, rect.y1});
  for (size_t i = 0; i < lines.size(); ++i)
    canvas.text({rect.x0 + pad, axes_rect.y1 + pad + line * static_cast<float>(i)}, lines[i], {0, theme.text});
  canvas.pop_clip();
}

// The x range of batch sizes on a log axis, with a margin so the end points are not cut.
void log_m_axis(plot::PlotSpec& spec, const BatchNoise& n) {
  spec.log_x = true;
  if (n.sizes.empty()) return;
  spec.x_min = n.sizes.front().m / 1.4;
  spec.x_max = n.sizes.back().m * 1.4;
}

}  // namespace

void draw_words(PanelContext& ctx, const std::string& id, const std::string& words, float w, float h) {
  plot_area(
      ctx, id,
      [&](plot::Canvas& canvas, plot::Rect rect) {
        const plot::PlotTheme theme = current_theme(ctx);
        canvas.rect_filled(rect, theme.background);
        const float pad = canvas.default_text_size() * 0.5f;
        with_words(canvas, {rect.x0 + pad, rect.y0 + pad, rect.x1 - pad, rect.y1 - pad}, {words}, theme,
                   [](plot::Rect) {});
      },
      w, h, [&] { return "words\n\"" + words + "\"\n"; });
}

void draw_spread(PanelContext& ctx, const BatchNoiseResult& r, const std::string& which, float w, float h) {
  const BatchNoise& n = r.noise;
  const double sigma = std::sqrt(n.population.var);
  const std::string title = ui::tr("batch_noise.spread_title") + which;
  std::vector<std::string> words = {ui::fill(ui::tr("batch_noise.spread_words"), {{"sigma", num(sigma)},
                                                                                    {"pool", std::to_string(n.pool)}})};
  if (r.conv)
    words.push_back(ui::fill(ui::tr("batch_noise.spread_conv"),
                             {{"h", std::to_string(r.h)}, {"w", std::to_string(r.w)}, {"hw", std::to_string(r.h * r.w)}}));
  plot_area(
      ctx, "batch-noise-spread",
      [&](plot::Canvas& canvas, plot::Rect rect) {
        with_words(canvas, rect, words, current_theme(ctx), [&](plot::Rect axes) {
          plot::PlotSpec spec = base_spec(ctx, title.c_str(), ui::tr("batch_noise.m"), ui::tr("batch_noise.std_mean"));
          log_m_axis(spec, n);
          spec.log_y = true;
          if (!plot::Begin(canvas, "batch-noise-spread", axes, spec)) return;
          std::vector<float> m, measured, clt, independent;  // (sizes)
          for (const BatchNoiseAtSize& at : n.sizes) {
            m.push_back(static_cast<float>(at.m));
            measured.push_back(static_cast<float>(at.mean_std));
            // The central limit theorem: the mean of m independent draws spreads as σ/√m.
            clt.push_back(static_cast<float>(sigma / std::sqrt(at.m)));
            independent.push_back(static_cast<float>(sigma / std::sqrt(static_cast<double>(at.m) * n.per_example)));
          }
          const int k = static_cast<int>(m.size());
          plot::Line("σ/√m", m.data(), clt.data(), k, {.color = to_color(ctx.theme.run_b)});
          if (r.conv)
            plot::Line(ui::fill(ui::tr("batch_noise.independent"), {{"hw", std::to_string(r.h * r.w)}}), m.data(),
                       independent.data(), k, {.color = to_color(ctx.theme.warning)});
          plot::Line(ui::tr("batch_noise.measured"), m.data(), measured.data(), k, {.color = to_color(ctx.theme.accent)});
          plot::Scatter("##measured", m.data(), measured.data(), k, {.color = to_color(ctx.theme.accent), .marker_radius = 4.0f});
          plot::End();
        });
      },
      w, h);
}

void draw_strips(PanelContext& ctx, const BatchNoiseResult& r, bool mean, const std::string& which, float w, float h) {
  const BatchNoise& n = r.noise;
  const std::string id = mean ? "batch-noise-mean" : "batch-noise-var";
  const std::string title = ui::fill(ui::tr(mean ? "batch_noise.mean_title" : "batch_noise.var_title"),
                                     {{"batches", std::to_string(n.sizes.empty() ? 0 : n.sizes[0].mean.size())}}) +
                            which;
  const double pop = mean ? n.population.mean : n.population.var;
  const std::string words = ui::fill(ui::tr(mean ? "batch_noise.mean_words" : "batch_noise.var_words"),
                                     {{"value", num(pop)}, {"pool", std::to_string(n.pool)}});
  plot_area(
      ctx, id,
      [&](plot::Canvas& canvas, plot::Rect rect) {
        with_words(canvas, rect, {words}, current_theme(ctx), [&](plot::Rect axes) {
          plot::PlotSpec spec = base_spec(ctx, title.c_str(), ui::tr("batch_noise.m"), mean ? "μ_B" : "σ²_B");
          log_m_axis(spec, n);
          if (!plot::Begin(canvas, id, axes, spec)) return;
          std::vector<float> x, y;  // (sizes × batches)
          for (const BatchNoiseAtSize& at : n.sizes) {
            const std::vector<float>& v = mean ? at.mean : at.var;
            for (size_t k = 0; k < v.size(); ++k) {
              // Spread sideways (a strip), ±15% of m in a fixed pattern, so dots do not hide each other.
              const double jitter = std::pow(2.0, 0.4 * (static_cast<double>((k * 37) % 101) / 100.0 - 0.5));
              x.push_back(static_cast<float>(at.m * jitter));
              y.push_back(v[k]);
            }
          }
          plot::Scatter(ui::tr("batch_noise.batches"), x.data(), y.data(), static_cast<int>(x.size()),
                        {.color = to_color(ctx.theme.accent).with_alpha(0.45f), .marker_radius = 2.0f});
          if (!n.sizes.empty()) {
            const float ends[2] = {static_cast<float>(spec.x_min), static_cast<float>(spec.x_max)};
            const float level[2] = {static_cast<float>(pop), static_cast<float>(pop)};
            plot::Line(ui::tr(mean ? "batch_noise.population_mean" : "batch_noise.population_var"), ends, level, 2,
                       {.color = to_color(ctx.theme.run_b), .line_width = 2.5f});
          }
          if (!mean) {
            // What σ²_B averages to: E[σ²_B] = σ² − Var(μ_B), since σ²_B = mean(v²) − μ_B²;
            // with m independent values (dense) that is (m − 1)/m · σ², below σ² at small m.
            std::vector<float> m, expected;  // (sizes)
            for (const BatchNoiseAtSize& at : n.sizes) {
              m.push_back(static_cast<float>(at.m));
              expected.push_back(static_cast<float>(pop - n.example_std * n.example_std / at.m));
            }
            plot::Line(ui::tr("batch_noise.expected_var"), m.data(), expected.data(), static_cast<int>(m.size()),
                       {.color = to_color(ctx.theme.run_a), .line_width = 2.0f});
          }
          plot::End();
        });
      },
      w, h);
}

void draw_batch_of_one(PanelContext& ctx, const BatchNoiseResult& r, const std::string& which, float w, float h) {
  const BatchOfOne& o = r.one;
  std::vector<std::string> lines;
  lines.push_back(ui::tr(r.conv ? "batch_noise.one_title_conv" : "batch_noise.one_title") + which);
  if (r.conv) {
    lines.push_back(ui::fill(ui::tr("batch_noise.one_count_conv"),
                             {{"h", std::to_string(r.h)}, {"w", std::to_string(r.w)}, {"count", std::to_string(o.values)}}));
    lines.push_back("μ_B = " + num(o.mean, 4) + "    σ²_B = " + num(o.var, 4));
    lines.push_back(ui::fill(ui::tr("batch_noise.one_range"), {{"lo", num(o.xhat_min)}, {"hi", num(o.xhat_max)}}));
    lines.push_back(ui::fill(ui::tr("batch_noise.one_out_range"), {{"lo", num(o.out_min)}, {"hi", num(o.out_max)}}));
    lines.push_back(ui::tr("batch_noise.one_conv_words"));
  } else {
    lines.push_back(ui::fill(ui::tr("batch_noise.one_input"), {{"z", num(o.input, 4)}}));
    lines.push_back("μ_B = " + num(o.mean, 4) + "    σ²_B = " + num(o.var, 4));
    lines.push_back(ui::fill(ui::tr("batch_noise.one_norm"), {{"v", num(o.xhat_min, 4)}}));
    lines.push_back("y = γ · " + num(o.xhat_min, 4) + " + β = " + num(o.gamma, 4) + " · " + num(o.xhat_min, 4) + " + " + num(o.beta, 4) + " = " +
                    num(o.out_min, 4));
    lines.push_back(ui::tr("batch_noise.one_dense_words"));
  }
  auto csv = [&] {
    return "quantity,value\nvalues," + std::to_string(o.values) + "\ninput," + num(o.input, 9) + "\nmean," + num(o.mean, 9) +
           "\nvar," + num(o.var, 9) + "\nxhat_min," + num(o.xhat_min, 9) + "\nxhat_max," + num(o.xhat_max, 9) +
           "\ngamma," + num(o.gamma, 9) + "\nbeta," + num(o.beta, 9) + "\nout_min," + num(o.out_min, 9) + "\nout_max," +
           num(o.out_max, 9) + "\n";
  };
  plot_area(
      ctx, "batch-noise-one",
      [&](plot::Canvas& canvas, plot::Rect rect) {
        const plot::PlotTheme theme = current_theme(ctx);
        canvas.rect_filled(rect, theme.background);
        const float ts = canvas.default_text_size(), pad = ts * 0.5f, line = ts * 1.3f;
        auto measure = [&](std::string_view t) { return canvas.measure_text(t, 0).x; };
        canvas.push_clip(rect);
        float y = rect.y0 + pad;
        for (size_t i = 0; i < lines.size(); ++i) {
          // The title and the closing sentence in the text colour, the numbers in the accent.
          const bool number = i > 0 && i + 1 < lines.size();
          for (const std::string& l : ui::wrap_text(lines[i], rect.width() - 2 * pad, measure)) {
            canvas.text({rect.x0 + pad, y}, l, {0, number ? to_color(ctx.theme.accent) : theme.text});
            y += line;
          }
          if (i == 0 || i + 2 == lines.size()) y += line * 0.4f;
        }
        canvas.pop_clip();
      },
      w, h, csv);
}

void draw_gap(PanelContext& ctx, const GapView& v, float w, float h) {
  std::vector<std::string> words;
  if (v.cells) {
    std::string line;
    for (const GapCell& c : *v.cells) {
      if (!line.empty()) line += "; ";
      if (!c.error.empty() || c.diverged)
        line += ui::fill(ui::tr("batch_noise.gap_failed"), {{"batch", std::to_string(c.batch_size)}});
      else
        line += ui::fill(ui::tr("batch_noise.gap_cell"), {{"batch", std::to_string(c.batch_size)},
                                                         {"train", percent(c.train.accuracy)},
                                                         {"test", percent(c.test.accuracy)},
                                                         {"gap", num(100.0 * c.gap(), 3)}});
    }
    words.push_back(line);
  }
  words.push_back(v.setup);
  const std::string title = ui::tr("batch_noise.gap_title");
  plot_area(
      ctx, "batch-noise-gap",
      [&](plot::Canvas& canvas, plot::Rect rect) {
        with_words(canvas, rect, words, current_theme(ctx), [&](plot::Rect axes) {
          plot::PlotSpec spec = base_spec(ctx, title.c_str(), ui::tr("batch_noise.batch_size"), ui::tr("batch_noise.accuracy"));
          spec.log_x = true;
          const int lo = v.plan.batch_sizes.empty() ? 16 : v.plan.batch_sizes.front();
          const int hi = v.plan.batch_sizes.empty() ? 256 : v.plan.batch_sizes.back();
          spec.x_min = lo / 2.0;
          spec.x_max = hi * 4.0;  // room on the right for the legend, clear of the bars
          spec.y_min = 0.0;
          spec.y_max = 1.0;
          if (!plot::Begin(canvas, "batch-noise-gap", axes, spec)) return;
          // Two bars side by side at each batch size, as bands from 0 on the log axis: train
          // left of m, test right of it.
          bool named = false;
          if (v.cells)
            for (const GapCell& c : *v.cells) {
              if (!c.finished || !c.error.empty() || c.diverged) continue;
              const float m = static_cast<float>(c.batch_size);
              const float left[2] = {m / 1.45f, m / 1.03f}, right[2] = {m * 1.03f, m * 1.45f};
              const float zero[2] = {0, 0};
              const float tr[2] = {static_cast<float>(c.train.accuracy), static_cast<float>(c.train.accuracy)};
              const float te[2] = {static_cast<float>(c.test.accuracy), static_cast<float>(c.test.accuracy)};
              const std::string train_name = std::string(named ? "##" : "") + ui::tr("batch_noise.train");
              const std::string test_name = std::string(named ? "##" : "") + ui::tr("batch_noise.test");
              plot::Band(train_name, left, zero, tr, 2, {.color = to_color(ctx.theme.run_a), .fill_alpha = 0.85f});
              plot::Band(test_name, right, zero, te, 2, {.color = to_color(ctx.theme.run_b), .fill_alpha = 0.85f});
              named = true;
            }
          plot::End();
        });
      },
      w, h);
}

}  // namespace bnlab
