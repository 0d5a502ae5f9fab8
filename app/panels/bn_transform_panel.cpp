// What this file is: the BN transform lab (issue #12 §1; View ▸ Labs): BN on a mini-batch of m
// training examples through the live network, for one feature (or channel) of the selected
// block, stage by stage: z, μ_B, σ²_B, x̂, y = γx̂ + β, as a table and as dots on number lines.
// γ and β are the layer's own, set by hand (a what-if on the panel's copy: training never sees
// it), or γ = √(σ²_B + ε), β = μ_B, with which BN gives back its input (lecture notes 000, 001).
// The batch goes through a copy of the network (core/lesson/bn_transform.h) on a LabJob; the
// batch is drawn with a seed the panel keeps, so the numbers change only when the weights do
// (every probe frame while training) or when "New batch" draws another.
#include <imgui.h>

#include <chrono>
#include <cstdio>
#include <thread>

#include "core/lesson/bn_transform.h"
#include "panels/bn_transform_view.h"
#include "panels/lab_job.h"
#include "panels/panel.h"
#include "panels/plot_area.h"
#include "panels/plot_grid.h"
#include "ui/text.h"

namespace bnlab {
namespace {

enum class Affine { layer, by_hand, undo };

// What a batch was computed from: a new one is computed when any of it changes.
struct BatchInputs {
  // Held, not only compared: a freed state's address could come back as the next one's.
  std::shared_ptr<const ModelState> state;
  std::shared_ptr<const DataSplit> data;
  int block = -1, feature = -1, m = 0;
  uint64_t seed = 0;
  bool operator==(const BatchInputs&) const = default;
};

// The blocks of a config whose norm is BN, as "1, 3" (1-based, as the network view numbers them).
std::string bn_blocks(const ModelConfig& cfg) {
  std::string out;
  for (size_t i = 0; i < cfg.blocks.size(); ++i)
    if (cfg.blocks[i].norm == NormKind::batch) out += (out.empty() ? "" : ", ") + std::to_string(i + 1);
  return out;
}

struct BnTransformPanel : Panel {
  static constexpr const char* kKey = "panel.bn_transform";
  int feature_ = 0;  // 0-based
  int samples_ = 8;
  uint64_t seed_ = 1;
  Affine affine_ = Affine::layer;
  float gamma_ = 1.0f, beta_ = 0.0f;  // by hand
  int shown_ = 0;                     // in a small cell: 0 the table, 1 the number lines
  bool both_fit_ = true;              // the last drawing had room for the table and the lines
  LabJob<BnBatch> job_;
  BatchInputs started_;
  bool pending_ = true;  // a setting changed since the last draw (a headless render waits for it)

  const char* key() const override { return kKey; }
  bool busy() const override { return pending_ || job_.running(); }

  void apply_setting(const std::string& name, const nlohmann::json& v) override {
    if (name == "feature") feature_ = std::max(0, v.get<int>() - 1);
    if (name == "samples") samples_ = std::clamp(v.get<int>(), 2, 16);
    if (name == "batch") seed_ = v.get<uint64_t>();
    if (name == "undo") affine_ = v.get<bool>() ? Affine::undo : Affine::layer;
    if (name == "gamma") affine_ = Affine::by_hand, gamma_ = v.get<float>();
    if (name == "beta") affine_ = Affine::by_hand, beta_ = v.get<float>();
    if (name == "shown") shown_ = v == "lines" ? 1 : 0;
    pending_ = true;
  }

  // Plain words in the picture's place (so a rendered scene says them too).
  void message(PanelContext& ctx, const std::string& text) {
    const plot::PlotTheme theme = plot::theme_by_name(ctx.theme.name);
    plot_area(
        ctx, "bn-transform", [&](plot::Canvas& canvas, plot::Rect rect) { draw_message(canvas, rect, text, theme); },
        0.0f, 0.0f, [] { return std::string(); });
  }

  void draw_controls(PanelContext& ctx, const BnBatch* b) {
    auto post = [&](const char* name, nlohmann::json value) {
      ctx.actions.post(ui::act::SetPanelSetting{kKey, name, std::move(value)});
    };
    const float slider = ImGui::GetFontSize() * 7.0f;
    const int features = b ? b->features : std::max(1, feature_ + 1);
    int feature = feature_ + 1;
    ImGui::SetNextItemWidth(slider);
    if (ImGui::SliderInt(ui::tr_id("bn_transform.feature"), &feature, 1, features)) post("feature", feature);
    same_line_if_fits(slider + ImGui::CalcTextSize(ui::tr("bn_transform.samples")).x);
    int m = samples_;
    ImGui::SetNextItemWidth(slider);
    if (ImGui::SliderInt(ui::tr_id("bn_transform.samples"), &m, 2, 16)) post("samples", m);
    same_line_if_fits(ImGui::CalcTextSize(ui::tr("bn_transform.new_batch")).x + ImGui::GetFontSize());
    if (ImGui::Button(ui::tr_id("bn_transform.new_batch"))) post("batch", seed_ + 1);
    int mode = static_cast<int>(affine_);
    const char* modes[3] = {"bn_transform.own", "bn_transform.by_hand", "bn_transform.undo"};
    for (int i = 0; i < 3; ++i) {
      if (i) same_line_if_fits(toggle_width(ui::tr(modes[i])));
      if (ImGui::RadioButton(ui::tr_id(modes[i]), mode == i)) {
        if (i == 0) post("undo", false);
        if (i == 2) post("undo", true);
        if (i == 1) post("gamma", b ? b->layer_gamma : gamma_), post("beta", b ? b->layer_beta : beta_);
      }
    }
    if (!both_fit_) plot_choice({ui::tr("bn_transform.table"), ui::tr("bn_transform.lines")}, &shown_, false);
    if (affine_ == Affine::by_hand) {
      float g = gamma_, be = beta_;
      ImGui::SetNextItemWidth(slider);
      if (ImGui::SliderFloat(ui::tr_id("bn_transform.gamma"), &g, -3.0f, 3.0f, "%.3f")) post("gamma", g);
      same_line_if_fits(slider + ImGui::GetFontSize() * 2);
      ImGui::SetNextItemWidth(slider);
      if (ImGui::SliderFloat(ui::tr_id("bn_transform.beta"), &be, -3.0f, 3.0f, "%.3f")) post("beta", be);
    }
  }

  // The lines above the picture: what is shown, and what z is.
  std::vector<std::string> header(const BnBatch& b) const {
    std::vector<std::pair<std::string, std::string>> v = {
        {"block", std::to_string(b.block + 1)}, {"feature", std::to_string(b.feature + 1)},
        {"features", std::to_string(b.features)}, {"m", std::to_string(b.m)}, {"step", std::to_string(b.step)},
        {"p", std::to_string(b.map_h)}, {"q", std::to_string(b.map_w)}, {"count", std::to_string(b.count())},
        {"act", ui::tr("act." + b.activation)}};
    std::vector<std::string> lines = {
        ui::fill(ui::tr(b.conv ? "bn_transform.header_conv" : "bn_transform.header_dense"), v)};
    lines.push_back(ui::fill(ui::tr(b.after_activation ? "bn_transform.z_after" : "bn_transform.z_before"), v));
    if (b.conv) lines.push_back(ui::fill(ui::tr("bn_transform.count_conv"), v));
    return lines;
  }

  std::vector<std::string> summary(const BnBatch& b, const BnStages& st) const {
    auto f = [](double x) { return format_value(x); };
    char eps[32];
    std::snprintf(eps, sizeof eps, "%g", static_cast<double>(b.eps));
    const std::string n = b.conv ? "m·p·q" : "m";
    std::vector<std::string> lines = {
        ui::fill(ui::tr("bn_transform.mean"), {{"mu", f(st.mean)}, {"n", n}}),
        ui::fill(ui::tr("bn_transform.var"), {{"var", f(st.var)}, {"n", n}}),
        ui::fill(ui::tr("bn_transform.std"), {{"std", f(st.std_eps)}, {"eps", eps}}),
        ui::fill(ui::tr("bn_transform.x_hat"), {{"mean", f(st.x_hat_mean)}, {"var", f(st.x_hat_var)}})};
    const char* which = affine_ == Affine::layer ? (b.affine ? "bn_transform.gamma_own" : "bn_transform.no_affine")
                        : affine_ == Affine::undo ? "bn_transform.gamma_undo"
                                                  : "bn_transform.gamma_hand";
    lines.push_back(ui::fill(ui::tr(which), {{"gamma", f(st.gamma)}, {"beta", f(st.beta)}}));
    if (affine_ == Affine::undo) lines.push_back(ui::fill(ui::tr("bn_transform.undone"), {{"diff", largest_difference(st)}}));
    return lines;
  }

  // The same, as short items for a small cell.
  std::vector<std::string> compact(const BnBatch& b, const BnStages& st) const {
    auto f = [](double x) { return format_value(x); };
    std::vector<std::string> items;
    if (b.conv) items.push_back("m·p·q = " + std::to_string(b.count()));
    items.push_back("μ_B = " + f(st.mean));
    items.push_back("σ²_B = " + f(st.var));
    items.push_back("√(σ²_B + ε) = " + f(st.std_eps));
    items.push_back(ui::fill(ui::tr("bn_transform.x_hat_short"), {{"mean", f(st.x_hat_mean)}, {"var", f(st.x_hat_var)}}));
    items.push_back("γ = " + f(st.gamma));
    items.push_back("β = " + f(st.beta));
    if (affine_ == Affine::undo) items.push_back("max |y − z| = " + largest_difference(st));
    return items;
  }

  static std::string largest_difference(const BnStages& st) {
    char d[32];
    std::snprintf(d, sizeof d, "%.1e", static_cast<double>(st.max_abs_y_minus_z));
    return d;
  }

  void draw(PanelContext& ctx) override {
    const TrainerSnapshot* s = ctx.a.get();
    pending_ = false;
    if (!s || !s->data || !s->model_state) {
      draw_controls(ctx, nullptr);
      message(ctx, ui::tr("bn_transform.waiting"));
      return;
    }
    const ModelConfig& cfg = s->model_state->config;
    const int block = ctx.selected_block;
    // What the block lacks is known from the config, before any work.
    if (block >= 0 && block < static_cast<int>(cfg.blocks.size()) && cfg.blocks[block].norm != NormKind::batch) {
      const NormKind k = cfg.blocks[block].norm;
      const std::string others = bn_blocks(cfg);
      std::string text = ui::fill(ui::tr(k == NormKind::none ? "bn_transform.no_norm" : "bn_transform.not_batch"),
                                  {{"block", std::to_string(block + 1)}, {"norm", norm_abbreviation(k)}});
      if (ui::text.language() != "zh") text += " ";  // Chinese sentences follow without a space
      text += others.empty() ? ui::tr("bn_transform.no_bn_anywhere")
                             : ui::fill(ui::tr("bn_transform.choose"), {{"blocks", others}});
      message(ctx, text);
      return;
    }
    const BatchInputs in{s->model_state, s->data, block, feature_, samples_, seed_};
    if (!(in == started_)) {
      started_ = in;
      std::shared_ptr<const ModelState> state = s->model_state;
      std::shared_ptr<const DataSplit> data = s->data;
      const int feature = feature_, m = samples_;
      const uint64_t seed = seed_;
      job_.start([state, data, block, feature, m, seed](const std::atomic<bool>&) {
        return std::make_shared<const BnBatch>(bn_batch(*state, data->train, block, feature, m, seed));
      });
      // Headless (a scene's page), the page shows this batch: it waits, as no window does.
      if (ctx.canvas)
        while (job_.running()) std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    const std::shared_ptr<const BnBatch> b = job_.result();
    draw_controls(ctx, b.get());
    if (!b) {
      message(ctx, ui::tr("bn_transform.computing"));
      return;
    }
    if (b->problem != BnTransformProblem::none) {
      message(ctx, ui::tr(b->problem == BnTransformProblem::not_finite ? "bn_transform.not_finite"
                                                                         : "bn_transform.too_few"));
      return;
    }
    const BnStages st = affine_ == Affine::undo    ? bn_undo(*b)
                        : affine_ == Affine::by_hand ? bn_stages(*b, gamma_, beta_)
                                                     : bn_stages(*b, b->layer_gamma, b->layer_beta);
    BnTransformView view;
    view.batch = b.get();
    view.stages = &st;
    view.header = header(*b);
    view.summary = summary(*b, st);
    view.compact = compact(*b, st);
    view.header_kept = b->after_activation ? 2 : 1;  // where z comes from is said in every cell
    view.header_short = ui::fill(ui::tr(b->conv ? "bn_transform.short_conv" : "bn_transform.short_dense"),
                                 {{"block", std::to_string(b->block + 1)}, {"feature", std::to_string(b->feature + 1)},
                                  {"features", std::to_string(b->features)}, {"m", std::to_string(b->m)},
                                  {"step", std::to_string(b->step)}});
    view.shown = shown_;
    if (b->conv)
      view.table_title = ui::fill(ui::tr("bn_transform.table_conv"), {{"row", std::to_string(b->map_h / 2 + 1)},
                                                                       {"col", std::to_string(b->map_w / 2 + 1)}});
    view.theme = plot::theme_by_name(ctx.theme.name);
    view.line_width = ctx.theme.line_width / 1.5f;
    plot_area(
        ctx, "bn-transform", [&](plot::Canvas& canvas, plot::Rect rect) { both_fit_ = draw_bn_transform(canvas, rect, view); },
        0.0f, 0.0f, [&] { return bn_transform_csv(*b, st); });
  }
};

}  // namespace

std::unique_ptr<Panel> make_bn_transform_panel() { return std::make_unique<BnTransformPanel>(); }

}  // namespace bnlab
