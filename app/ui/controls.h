// What this file is: what the current scene step hides, locks and highlights (the names are
// docs/SCENES.md's: sidebar, run, hyperparameters, data, network; highlights are panel keys).
#pragma once

#include <set>
#include <string>

namespace bnlab::ui {

struct Controls {
  std::set<std::string> hidden, locked, highlighted;
  bool hides(const std::string& name) const { return hidden.count(name) > 0; }
  bool locks(const std::string& name) const { return locked.count(name) > 0; }
};

}  // namespace bnlab::ui
