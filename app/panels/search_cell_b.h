// What this file is: what a click on a hyperparameter search cell asks of the session: new runs
// from step 0, A on what it trains now, B with the cell's settings (its norm per hidden block and
// its learning settings, which B keeps as its own), and the sidebar turned to B's settings. The
// search offers only axes run B can take apart from A, so B gets every setting that made the
// cell what it was.
#pragma once

#include <vector>

#include "ui/actions.h"

namespace bnlab {

// Empty when the cell's network is not A's (A's blocks changed since the grid ran).
inline std::vector<ui::Action> cell_as_b_actions(const Config& a_now, const Config& cell) {
  if (cell.model.blocks.size() != a_now.model.blocks.size()) return {};
  for (size_t i = 0; i < cell.model.blocks.size(); ++i)
    if (cell.model.blocks[i].op != a_now.model.blocks[i].op) return {};
  ui::act::Open open{a_now, {}, cell.train};
  for (size_t i = 0; i + 1 < cell.model.blocks.size(); ++i) open.norms_b.push_back(cell.model.blocks[i].norm);
  return {open, ui::act::EditRun{true}};
}

}  // namespace bnlab
