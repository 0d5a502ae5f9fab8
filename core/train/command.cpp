// What this file is: what a live norm switch does to a block's config (command.h).
#include "core/train/command.h"

namespace bnlab {

bool switch_block_norm(BlockConfig& block, NormKind kind) {
  if (kind == NormKind::instance && block.op != "conv") return false;
  block.norm = kind;
  const int channels = block.op == "conv" ? block.channels : block.units;
  if (kind == NormKind::group && (block.groups <= 0 || channels % block.groups != 0)) block.groups = default_groups(channels);
  return true;
}

}  // namespace bnlab
