// What this file is: what the window's tests build: the default view's networks, narrowed to 16
// units, on a small spiral set (the output block follows the data's classes).
#pragma once

#include "ui/session.h"

namespace bnlab::ui {

inline Config spiral_config() {
  Config c = default_config();
  c.data = DataConfig{};
  c.data.dataset = "spiral";
  c.data.n = 300;
  c.data.normalize = "none";
  for (BlockConfig& b : c.model.blocks) b.units = b.units == 10 ? 10 : 16;
  return c;
}

}  // namespace bnlab::ui
