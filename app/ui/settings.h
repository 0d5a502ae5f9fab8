// What this file is: the user's settings (theme, language, font size, visible panels, window
// size, export folder, last config), kept in $XDG_CONFIG_HOME/bnlab/settings.json (or
// ~/.config/bnlab/). A damaged file is set aside and defaults used: settings never stop the app.
#pragma once

#include <map>
#include <string>

namespace bnlab::ui {

struct Settings {
  std::string theme = "dark";
  std::string language = "en";
  float font_size = 18.0f;
  int window_width = 1600, window_height = 900;
  std::string export_dir;  // default: ~/bnlab-exports
  std::map<std::string, bool> panels;  // panel key -> visible
  std::string focused_panel;           // a panel key: it alone fills the grid; empty: the grid
  std::string last_config;
  bool sidebar = true;    // shown; a projector view hides it (Tab, or View ▸ Sidebar)
  bool welcomed = false;  // the welcome screen with the scenes was shown once

  static std::string directory();
  static std::string path();  // directory()/settings.json
  static Settings load(std::string* warning);
  void save(std::string* warning) const;  // atomic (core/io/atomic_file.h); *warning: why not
  // Keeps the file at `path` (moved, or copied if `copy`) under a name no other file has:
  // settings.json.broken, then settings.json.broken-2, ...; returns that name, or "" if it failed.
  static std::string set_aside(const std::string& path, bool copy);

  // What load() found: a damaged file is kept under this name (empty: the file was fine), and why.
  std::string set_aside_as, damage;
};

}  // namespace bnlab::ui
