// What this file is: the norm-choosing list (norm_menu.h).
#include "ui/norm_menu.h"

#include <imgui.h>

#include <string>

#include "core/train/command.h"
#include "ui/text.h"

namespace bnlab::ui {

int group_count(const BlockConfig& block) {
  BlockConfig switched = block;
  switch_block_norm(switched, NormKind::group);
  return switched.groups;
}

namespace {

// The entry's words: GN's carry its groups, as many as this block would get.
std::string entry_words(const BlockConfig& block, NormKind kind) {
  const std::string key = std::string("normmenu.") + norm_name(kind);
  if (kind != NormKind::group) return tr(key);
  return fill(tr(key), {{"groups", std::to_string(group_count(block))}});
}

}  // namespace

std::string norm_words(const BlockConfig& block) { return entry_words(block, block.norm); }

std::optional<NormKind> norm_menu_items(const BlockConfig& block, NormKind current) {
  std::optional<NormKind> picked;
  const int channels = block.op == "conv" ? block.channels : block.units;
  for (NormKind kind : kNormKinds) {
    if (kind == NormKind::instance && block.op != "conv") continue;  // one value per unit and sample: σ² = 0
    const std::string key = std::string("normmenu.") + norm_name(kind);
    const std::string label = entry_words(block, kind) + "###" + key;  // the ID is the key in every language
    if (ImGui::Selectable(label.c_str(), kind == current)) picked = kind;
    if (ImGui::IsItemHovered()) {
      const int groups = group_count(block);
      ImGui::SetTooltip("%s", fill(tr(key + "_tip"), {{"per", std::to_string(channels / groups)}}).c_str());
    }
  }
  return picked;
}

}  // namespace bnlab::ui
