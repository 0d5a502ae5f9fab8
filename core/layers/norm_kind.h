// What this file is: the normalizations a block can have, and their names in configs, commands
// and checkpoints' configs ("batch", "layer", "group", "instance", "none").
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace bnlab {

enum class NormKind { none, batch, layer, group, instance };

inline constexpr std::array<NormKind, 5> kNormKinds = {NormKind::batch, NormKind::layer, NormKind::group,
                                                       NormKind::instance, NormKind::none};

inline const char* norm_name(NormKind k) {
  switch (k) {
    case NormKind::batch: return "batch";
    case NormKind::layer: return "layer";
    case NormKind::group: return "group";
    case NormKind::instance: return "instance";
    case NormKind::none: break;
  }
  return "none";
}

// The short label the window shows: BN, LN, GN, IN, or "none".
inline const char* norm_abbreviation(NormKind k) {
  switch (k) {
    case NormKind::batch: return "BN";
    case NormKind::layer: return "LN";
    case NormKind::group: return "GN";
    case NormKind::instance: return "IN";
    case NormKind::none: break;
  }
  return "none";
}

inline std::optional<NormKind> parse_norm_kind(std::string_view name) {
  for (NormKind k : kNormKinds)
    if (name == norm_name(k)) return k;
  return std::nullopt;
}

}  // namespace bnlab
