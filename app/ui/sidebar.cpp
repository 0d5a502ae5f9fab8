// What this file is: the sidebar's widgets. Sections:
//   1. run controls, and the "applies on reset" banner for the draft
//   2. live hyperparameters (learning rate, batch, optimizer, weight decay, BN momentum/position)
//   3. the draft: dataset, initialization, BN ε and affine
//   4. the network editor: blocks with their norm (BN switch and a list of norms; live), width,
//      activation, dropout, add/remove
//   5. export folder
#include "ui/sidebar.h"

#include <imgui.h>
#include <imgui_stdlib.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <optional>
#include <string>

#include "core/train/command.h"
#include "ui/norm_menu.h"
#include "ui/problems.h"
#include "ui/run_label.h"
#include "ui/text.h"

namespace bnlab::ui {
namespace {

// A text box for a path of any length (imgui_stdlib grows the string as the user types); the
// value changes when Enter commits it, not at every key.
bool input_path(const char* label, std::string* value) {
  std::string edited = *value;
  if (!ImGui::InputText(label, &edited, ImGuiInputTextFlags_EnterReturnsTrue)) return false;
  *value = std::move(edited);
  return true;
}

// A combo over a list of config words, shown through their i18n keys `prefix + word` (each
// entry's ID is its key, whatever the language).
bool word_combo(const char* label, std::string* value, std::initializer_list<const char*> words, const char* prefix) {
  bool changed = false;
  const std::string shown = tr(prefix + *value);
  if (ImGui::BeginCombo(label, shown.c_str())) {
    for (const char* w : words)
      if (ImGui::Selectable(tr_id(std::string(prefix) + w), *value == w)) {
        *value = w;
        changed = true;
      }
    ImGui::EndCombo();
  }
  return changed;
}

// A combo over translated choices, by index; each entry's ID is its key.
bool index_combo(const char* label, int* index, std::initializer_list<const char*> keys) {
  bool changed = false;
  const char* const* items = keys.begin();
  if (ImGui::BeginCombo(label, tr(items[*index]))) {
    for (int i = 0; i < static_cast<int>(keys.size()); ++i)
      if (ImGui::Selectable(tr_id(items[i]), *index == i)) {
        *index = i;
        changed = true;
      }
    ImGui::EndCombo();
  }
  return changed;
}

// --- 1. run controls ------------------------------------------------------------------------

void run_controls(const Session& session, PanelContext& ctx) {
  ActionQueue& actions = ctx.actions;
  const float w = (ImGui::GetContentRegionAvail().x - 2 * ImGui::GetStyle().ItemSpacing.x) / 3;
  const std::string play = std::string(tr(session.paused() ? "run.play" : "run.pause")) + "###run.play";
  if (ImGui::Button(play.c_str(), ImVec2(w, 0))) actions.post(act::TogglePlay{});
  ImGui::SameLine();
  if (ImGui::Button(tr_id("run.step"), ImVec2(w, 0))) actions.post(act::Step{});
  ImGui::SameLine();
  if (ImGui::Button(tr_id("run.reset"), ImVec2(w, 0))) actions.post(act::Reset{});
  float speed = static_cast<float>(session.speed());  // steps per second; 0 = as fast as possible
  if (ImGui::SliderFloat(tr_id("run.speed"), &speed, 0.0f, 1000.0f, speed == 0.0f ? tr("run.fastest") : "%.0f /s",
                         ImGuiSliderFlags_Logarithmic))
    actions.post(act::SetSpeed{speed});
  if (session.needs_rebuild()) {
    ImGui::TextColored(ctx.theme.warning, "%s", tr("draft.pending"));
    if (ImGui::Button(tr_id("draft.apply"))) actions.post(act::Reset{});
    ImGui::SameLine();
    if (ImGui::Button(tr_id("draft.discard"))) actions.post(act::DiscardDraft{});
  }
}

// --- 2. live hyperparameters -----------------------------------------------------------------

void hyperparameters(const Session& session, PanelContext& ctx) {
  ActionQueue& actions = ctx.actions;
  const Theme& theme = ctx.theme;
  // B follows A's learning settings unless given its own; then the sliders edit A or B.
  bool own = session.b_has_own_train();
  if (ImGui::Checkbox(tr_id("hp.b_own"), &own)) {
    if (own) {
      actions.post(act::SetTrain{session.config().train, true});
      actions.post(act::EditRun{true});
    } else {
      actions.post(act::FollowA{});
    }
  }
  if (own) {
    int which = session.editing_b ? 1 : 0;
    const bool a = ImGui::RadioButton(tr_id("hp.edit_a"), &which, 0);
    ImGui::SameLine();
    const bool b = ImGui::RadioButton(tr_id("hp.edit_b"), &which, 1);
    if (a || b) actions.post(act::EditRun{which == 1});
  }
  const bool edit_b = own && session.editing_b;
  TrainConfig t = edit_b ? session.train_b() : session.config().train;
  bool changed = false;
  // The handles take the colour of the run they set, when the runs differ.
  if (own) ImGui::PushStyleColor(ImGuiCol_SliderGrab, edit_b ? theme.run_b : theme.run_a);
  changed |= ImGui::SliderFloat(tr_id("hp.lr"), &t.lr, 1e-4f, 10.0f, "%.4g", ImGuiSliderFlags_Logarithmic);
  changed |= ImGui::SliderInt(tr_id("hp.batch_size"), &t.batch_size, 2, 512, "%d", ImGuiSliderFlags_Logarithmic);
  const char* optimizers[] = {"sgd", "rmsprop", "adam"};
  int current = t.optimizer == "adam" ? 2 : t.optimizer == "rmsprop" ? 1 : 0;
  if (ImGui::Combo(tr_id("hp.optimizer"), &current, optimizers, 3)) {
    t.optimizer = optimizers[current];
    changed = true;
  }
  if (t.optimizer != "adam") changed |= ImGui::SliderFloat(tr_id("hp.momentum"), &t.momentum, 0.0f, 0.99f, "%.2f");
  if (t.optimizer == "adam") {
    changed |= ImGui::SliderFloat("β1###hp.beta1", &t.beta1, 0.0f, 0.999f, "%.3f");
    changed |= ImGui::SliderFloat("β2###hp.beta2", &t.beta2, 0.9f, 0.99999f, "%.5f");
  }
  if (t.optimizer == "rmsprop") changed |= ImGui::SliderFloat("α###hp.alpha", &t.alpha, 0.5f, 0.999f, "%.3f");
  if (t.optimizer != "sgd") changed |= ImGui::SliderFloat("ε###hp.eps", &t.eps, 1e-10f, 1e-2f, "%.0e", ImGuiSliderFlags_Logarithmic);
  changed |= ImGui::SliderFloat(tr_id("hp.weight_decay"), &t.weight_decay, 0.0f, 0.1f, "%.4f");
  if (own) ImGui::PopStyleColor();
  if (changed) actions.post(act::SetTrain{t, edit_b});

  const BnConfig& bn = session.config().model.bn;
  float momentum = bn.momentum;
  if (ImGui::SliderFloat(tr_id("hp.bn_momentum"), &momentum, 0.0f, 1.0f, "%.3f")) actions.post(act::SetBnMomentum{momentum});
  int position = bn.position == "after_activation" ? 1 : 0;
  if (index_combo(tr_id("hp.bn_position"), &position, {"hp.before_activation", "hp.after_activation"}))
    actions.post(act::SetBnPosition{position == 1 ? "after_activation" : "before_activation"});
}

// --- 3. the draft: dataset, initialization, BN ε and affine -----------------------------------

// The draft sections edit `draft`, a copy of the session's; the caller posts it if it changed.
// Returns whether a folder was entered (Enter in the folder box). `problem`: why the last dataset
// could not be loaded, said under the folder box.
bool dataset(Config& draft, const DataProblem* problem, const Theme& theme) {
  bool entered = false;
  DataConfig& d = draft.data;
  const std::string before = d.dataset;
  if (word_combo(tr_id("data.dataset"), &d.dataset, {"fashion-mnist", "mnist", "spiral", "circles", "xor", "gaussians", "moons"},
                 "data.")) {
    const bool images = d.dataset == "fashion-mnist" || d.dataset == "mnist";
    if (images != (before == "fashion-mnist" || before == "mnist")) d.normalize = images ? "scale" : "none";
    if (d.dataset == "fashion-mnist") d.dir = "/usr/share/datasets/fashion-mnist";
    if (d.dataset == "mnist" && d.dir == "/usr/share/datasets/fashion-mnist") d.dir.clear();
  }
  if (d.dataset == "fashion-mnist" || d.dataset == "mnist") {
    ImGui::TextDisabled("%s", tr("data.dir_hint"));
    entered = input_path(tr_id("data.dir"), &d.dir);
    if (problem) {
      ImGui::PushTextWrapPos(0.0f);
      ImGui::TextColored(theme.warning, "%s", say(*problem).c_str());
      ImGui::PopTextWrapPos();
    }
  } else {
    ImGui::SliderInt(tr_id("data.points"), &d.n, 100, 5000, "%d", ImGuiSliderFlags_Logarithmic);
    ImGui::SliderFloat(tr_id("data.noise"), &d.noise, 0.0f, 0.5f, "%.2f");
  }
  word_combo(tr_id("data.normalize"), &d.normalize, {"scale", "standardize", "none"}, "normalize.");
  return entered;
}

void initialization(Config& draft) {
  InitConfig& init = draft.model.init;
  word_combo(tr_id("init.scheme"), &init.scheme, {"torch_default", "xavier_uniform", "xavier_normal", "he_normal", "normal"},
             "init.");
  if (init.scheme == "normal") ImGui::SliderFloat("σ###init.std", &init.std, 1e-4f, 1.0f, "%.4f", ImGuiSliderFlags_Logarithmic);
  ImGui::SliderFloat(tr_id("init.scale"), &init.scale, 0.01f, 10.0f, "%.2f", ImGuiSliderFlags_Logarithmic);
  BnConfig& bn = draft.model.bn;
  ImGui::SliderFloat(tr_id("hp.bn_eps"), &bn.eps, 1e-8f, 1.0f, "%.0e", ImGuiSliderFlags_Logarithmic);
  ImGui::Checkbox(tr_id("hp.bn_affine"), &bn.affine);
}

// --- 4. the network editor ----------------------------------------------------------------------

void network(const Session& session, Config& draft, PanelContext& ctx) {
  std::vector<BlockConfig>& blocks = draft.model.blocks;
  ImGui::TextDisabled("%s", tr("net.hint"));
  int remove = -1;
  for (size_t i = 0; i < blocks.size(); ++i) {
    BlockConfig& b = blocks[i];
    const bool output = i + 1 == blocks.size();
    ImGui::PushID(static_cast<int>(i));
    // The checkbox switches BN as before (its label is the block's norm once another is chosen);
    // the arrow beside it lists every norm.
    bool on = b.norm != NormKind::none;
    const std::string check = std::string(on ? norm_abbreviation(b.norm) : "BN") + "###net.bn";
    std::optional<NormKind> chosen;
    if (output) {
      ImGui::BeginDisabled();
      ImGui::Checkbox(check.c_str(), &on);
      ImGui::EndDisabled();
    } else {
      if (ImGui::Checkbox(check.c_str(), &on)) chosen = on ? NormKind::batch : NormKind::none;
      ImGui::SameLine(0.0f, 2.0f);
      if (ImGui::ArrowButton("###net.norm", ImGuiDir_Down)) ImGui::OpenPopup("###net.norm_menu");
      if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", tr("normmenu.more"));
      if (ImGui::BeginPopup("###net.norm_menu")) {
        if (const auto kind = norm_menu_items(b, b.norm)) {
          chosen = kind;
          ImGui::CloseCurrentPopup();
        }
        ImGui::EndPopup();
      }
    }
    if (chosen && *chosen != b.norm) {
      // Live while the draft has the running network's blocks; otherwise part of the draft.
      if (blocks.size() == session.config().model.blocks.size())
        ctx.actions.post(act::SetNorm{0, static_cast<int>(i), *chosen});
      else
        switch_block_norm(b, *chosen);
    }
    ImGui::SameLine();
    // The block's row says what it is; its ID (under PushID(i)) stays the same as it changes.
    char label[128];
    std::snprintf(label, sizeof label, "%zu  %s %d  %s%s###net.block", i + 1, tr("op." + b.op), b.op == "conv" ? b.channels : b.units,
                  tr("act." + b.activation), output ? tr("net.output") : "");
    if (ImGui::Selectable(label, ctx.selected_block == static_cast<int>(i), ImGuiSelectableFlags_AllowItemOverlap))
      ctx.actions.post(act::SelectBlock{static_cast<int>(i)});
    if (!output && ctx.selected_block == static_cast<int>(i)) {
      ImGui::Indent();
      int& width = b.op == "conv" ? b.channels : b.units;
      ImGui::SliderInt(b.op == "conv" ? tr_id("net.channels") : tr_id("net.units"), &width, 1, 512, "%d", ImGuiSliderFlags_Logarithmic);
      word_combo(tr_id("net.activation"), &b.activation, {"sigmoid", "tanh", "relu", "leaky_relu", "none"}, "act.");
      ImGui::SliderFloat(tr_id("net.dropout"), &b.dropout, 0.0f, 0.9f, "%.2f");
      if (blocks.size() > 2 && ImGui::Button(tr_id("net.remove"))) remove = static_cast<int>(i);
      ImGui::Unindent();
    }
    ImGui::PopID();
  }
  if (remove >= 0) {
    blocks.erase(blocks.begin() + remove);
    ctx.actions.post(act::SelectBlock{std::min(ctx.selected_block, static_cast<int>(blocks.size()) - 1)});
  }
  if (blocks.size() < 12 && ImGui::Button(tr_id("net.add"))) {
    // A copy of the last hidden block (or a dense 100 sigmoid), just before the output.
    BlockConfig b;
    b.units = 100;
    b.activation = "sigmoid";
    b.norm = NormKind::batch;
    if (blocks.size() >= 2) b = blocks[blocks.size() - 2];
    blocks.insert(blocks.end() - 1, b);
  }
}

// --- 5. export folder ---------------------------------------------------------------------------

void export_folder(PanelContext& ctx) {
  std::string dir = ctx.export_dir;
  if (input_path(tr_id("export.folder"), &dir)) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec || !std::filesystem::is_directory(dir, ec)) {
      *ctx.status = std::string(tr("export.bad_folder")) + " " + dir;
    } else {
      ctx.actions.post(act::SetExportDir{dir});
      *ctx.status = std::string(tr("export.folder_set")) + " " + dir;
    }
  }
}

// A section that the scene step may hide, or lock (shown, but disabled).
template <typename F>
void section(const PanelContext& ctx, const char* control, F draw) {
  if (ctx.controls && ctx.controls->hides(control)) return;
  const bool locked = ctx.controls && ctx.controls->locks(control);
  if (locked) ImGui::BeginDisabled();
  draw();
  if (locked) ImGui::EndDisabled();
}


}  // namespace

void draw_sidebar(const Session& session, PanelContext& ctx) {
  ImGui::PushItemWidth(ImGui::GetContentRegionAvail().x * 0.55f);
  ImGui::TextUnformatted(tr("app.title"));
  ImGui::Separator();
  section(ctx, "run", [&] { run_controls(session, ctx); });
  if (session.loading()) {
    ImGui::ProgressBar(static_cast<float>(std::fmod(ImGui::GetTime() * 0.5, 1.0)), ImVec2(-1, 0), tr("status.loading"));
  }
  ImGui::TextColored(ctx.theme.run_a, "■ A: %s", run_norms(session, 0).c_str());
  ImGui::TextColored(ctx.theme.run_b, "■ B: %s", run_norms(session, 1).c_str());
  for (const auto& snap : {ctx.a, ctx.b})
    if (snap && snap->diverged)
      ImGui::TextColored(ctx.theme.warning, "%s %s %lld (%s)", snap == ctx.a ? "A" : "B", tr("run.diverged"),
                         static_cast<long long>(snap->diverged_at), tr("run.lr_too_high"));
  if (!session.error.empty()) ImGui::TextColored(ctx.theme.warning, "%s", session.error.c_str());
  Config draft = session.draft();
  section(ctx, "hyperparameters", [&] {
    if (ImGui::CollapsingHeader(tr_id("sidebar.hyperparameters"), ImGuiTreeNodeFlags_DefaultOpen)) hyperparameters(session, ctx);
  });
  section(ctx, "network", [&] {
    if (ImGui::CollapsingHeader(tr_id("sidebar.network"), ImGuiTreeNodeFlags_DefaultOpen)) network(session, draft, ctx);
  });
  int tap = ctx.selected_tap;
  if (index_combo(tr_id("sidebar.tap"), &tap, {"tap.z", "tap.normalized", "tap.activated"})) ctx.actions.post(act::SelectTap{tap});
  bool folder_entered = false;
  section(ctx, "data", [&] {
    const DataProblem* problem = session.data_problem ? &*session.data_problem : nullptr;
    if (problem) ImGui::SetNextItemOpen(true);  // where another folder is chosen
    if (ImGui::CollapsingHeader(tr_id("sidebar.data"))) folder_entered = dataset(draft, problem, ctx.theme);
    if (ImGui::CollapsingHeader(tr_id("sidebar.init"))) initialization(draft);
  });
  if (ImGui::CollapsingHeader(tr_id("sidebar.export"))) export_folder(ctx);
  if (to_json(draft) != to_json(session.draft())) ctx.actions.post(act::SetDraft{draft});
  // Without runs (their data could not be loaded) there is nothing to keep: a folder applies at once.
  if (folder_entered && !session.twins()) ctx.actions.post(act::Reset{});
  ImGui::PopItemWidth();
}

}  // namespace bnlab::ui
