// What this file is: the sidebar's widgets.
#include "ui/sidebar.h"

#include <imgui.h>

#include <cmath>
#include <cstdio>

#include "ui/text.h"

namespace bnlab::ui {
namespace {

void run_controls(Session& session) {
  const float w = (ImGui::GetContentRegionAvail().x - 2 * ImGui::GetStyle().ItemSpacing.x) / 3;
  if (ImGui::Button(session.paused() ? tr("run.play") : tr("run.pause"), ImVec2(w, 0))) session.play_pause();
  ImGui::SameLine();
  if (ImGui::Button(tr("run.step"), ImVec2(w, 0))) session.step();
  ImGui::SameLine();
  if (ImGui::Button(tr("run.reset"), ImVec2(w, 0))) session.reset();
  static float speed = 0.0f;  // steps per second; 0 = as fast as possible
  if (ImGui::SliderFloat(tr("run.speed"), &speed, 0.0f, 1000.0f, speed == 0.0f ? tr("run.fastest") : "%.0f /s",
                         ImGuiSliderFlags_Logarithmic))
    session.set_speed(speed);
}

void hyperparameters(Session& session) {
  TrainConfig t = session.config().train;
  bool changed = false;
  changed |= ImGui::SliderFloat(tr("hp.lr"), &t.lr, 1e-4f, 10.0f, "%.4g", ImGuiSliderFlags_Logarithmic);
  changed |= ImGui::SliderInt(tr("hp.batch_size"), &t.batch_size, 1, 512, "%d", ImGuiSliderFlags_Logarithmic);
  const char* optimizers[] = {"sgd", "rmsprop", "adam"};
  int current = t.optimizer == "adam" ? 2 : t.optimizer == "rmsprop" ? 1 : 0;
  if (ImGui::Combo(tr("hp.optimizer"), &current, optimizers, 3)) {
    t.optimizer = optimizers[current];
    changed = true;
  }
  if (t.optimizer != "adam") changed |= ImGui::SliderFloat(tr("hp.momentum"), &t.momentum, 0.0f, 0.99f, "%.2f");
  if (t.optimizer == "adam") {
    changed |= ImGui::SliderFloat("β1", &t.beta1, 0.0f, 0.999f, "%.3f");
    changed |= ImGui::SliderFloat("β2", &t.beta2, 0.9f, 0.99999f, "%.5f");
  }
  if (t.optimizer != "sgd") changed |= ImGui::SliderFloat("ε", &t.eps, 1e-10f, 1e-2f, "%.0e", ImGuiSliderFlags_Logarithmic);
  changed |= ImGui::SliderFloat(tr("hp.weight_decay"), &t.weight_decay, 0.0f, 0.1f, "%.4f");
  if (changed) session.set_train(t);

  const BnConfig& bn = session.config().model.bn;
  float momentum = bn.momentum;
  if (ImGui::SliderFloat(tr("hp.bn_momentum"), &momentum, 0.0f, 1.0f, "%.3f")) session.set_bn_momentum(momentum);
  int position = bn.position == "after_activation" ? 1 : 0;
  const char* positions[] = {tr("hp.before_activation"), tr("hp.after_activation")};
  if (ImGui::Combo(tr("hp.bn_position"), &position, positions, 2))
    session.set_bn_position(position == 1 ? "after_activation" : "before_activation");
}

void network(Session& session, PanelContext& ctx) {
  const auto& blocks = session.config().model.blocks;
  ImGui::TextDisabled("%s", tr("net.hint"));
  for (size_t i = 0; i < blocks.size(); ++i) {
    const BlockConfig& b = blocks[i];
    ImGui::PushID(static_cast<int>(i));
    bool on = b.norm == "batch";
    if (ImGui::Checkbox("BN", &on)) session.set_norm_a(static_cast<int>(i), on);
    ImGui::SameLine();
    char label[96];
    std::snprintf(label, sizeof label, "%zu  %s %d  %s", i + 1, b.op == "conv" ? "conv" : "dense",
                  b.op == "conv" ? b.channels : b.units, b.activation.c_str());
    if (ImGui::Selectable(label, ctx.selected_block == static_cast<int>(i))) ctx.selected_block = static_cast<int>(i);
    ImGui::PopID();
  }
}

}  // namespace

void draw_sidebar(Session& session, PanelContext& ctx) {
  ImGui::PushItemWidth(ImGui::GetContentRegionAvail().x * 0.55f);
  ImGui::TextUnformatted(tr("app.title"));
  ImGui::Separator();
  run_controls(session);
  if (session.loading()) {
    ImGui::ProgressBar(static_cast<float>(std::fmod(ImGui::GetTime() * 0.5, 1.0)), ImVec2(-1, 0), tr("status.loading"));
  }
  ImGui::TextColored(ctx.theme.run_a, "■ A: %s", tr("run.a"));
  ImGui::TextColored(ctx.theme.run_b, "■ B: %s", tr("run.b"));
  for (const auto& snap : {ctx.a, ctx.b})
    if (snap && snap->diverged)
      ImGui::TextColored(ctx.theme.warning, "%s %s %lld (%s)", snap == ctx.a ? "A" : "B", tr("run.diverged"),
                         static_cast<long long>(snap->diverged_at), tr("run.lr_too_high"));
  if (ImGui::CollapsingHeader(tr("sidebar.hyperparameters"), ImGuiTreeNodeFlags_DefaultOpen)) hyperparameters(session);
  if (ImGui::CollapsingHeader(tr("sidebar.network"), ImGuiTreeNodeFlags_DefaultOpen)) network(session, ctx);
  const char* taps[] = {tr("tap.z"), tr("tap.normalized"), tr("tap.activated")};
  ImGui::Combo(tr("sidebar.tap"), &ctx.selected_tap, taps, 3);
  ImGui::PopItemWidth();
}

}  // namespace bnlab::ui
