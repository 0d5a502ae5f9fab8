// What this file is: what the window opens at start: the config given with --config, else the
// experiment open when the window last closed (settings.json's last_config), else the default
// view; and what it has to say about it. Nothing here stops the window from opening: a classroom
// user who starts bnlab from a launcher sees no terminal, so a config that cannot be read opens
// the window anyway, says why in the UI's language, and offers the last experiment or the
// default view. A last_config that cannot be reopened is set aside with its settings file
// (settings.json.broken), never lost.
#pragma once

#include <string>
#include <vector>

#include "ui/problems.h"
#include "ui/settings.h"

namespace bnlab::ui {

struct Startup {
  Config config;
  // The default view's Fashion-MNIST, which the user did not ask for by name: if Debian's package
  // is missing, the generated spiral set stands in. A config the user chose is kept as it is.
  bool spiral_may_stand_in = false;
  bool last_experiment = false;          // `config` is the last experiment
  std::vector<StartupProblem> problems;  // in the order met
};

// `config_file`: --config's file, or empty. Reads settings.last_config; if it cannot be used, the
// settings file is copied aside and last_config cleared (the file is rewritten when the window closes).
Startup choose_startup(const std::string& config_file, Settings& settings);

}  // namespace bnlab::ui
