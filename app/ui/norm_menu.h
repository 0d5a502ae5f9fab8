// What this file is: the list that chooses a block's norm (BN, LN, GN, IN or none), shared by the
// network view (a click on a block's norm badge, for run A or B) and the sidebar's network
// editor. Each entry has a one-line tooltip, in the UI's language, saying what that norm
// averages over; IN is listed for conv blocks only, and GN says how many groups it would use.
// Entry IDs are their keys ("normmenu.group"), the same in every language.
#pragma once

#include <optional>
#include <string>

#include "core/io/config.h"

namespace bnlab::ui {

// The groups GroupNorm would use on `block` once switched to it (switch_block_norm): its own if
// they divide its channels (units), else default_groups.
int group_count(const BlockConfig& block);

// Draws the entries inside an open popup or combo, `current` marked; the kind picked this frame.
std::optional<NormKind> norm_menu_items(const BlockConfig& block, NormKind current);

// What a block's norm is, in words for a tooltip: "LN · layer norm", "GN · group norm, 8 groups".
std::string norm_words(const BlockConfig& block);

}  // namespace bnlab::ui
