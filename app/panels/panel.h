// What this file is: the panel interface and the registry that drives the View menu. A panel is
// a struct that owns its own view state and draws itself from this frame's snapshots.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/train/trainer.h"
#include "ui/session.h"
#include "ui/theme.h"

namespace bnlab {

// What every panel may read in one frame.
struct PanelContext {
  ui::Session& session;
  const ui::Theme& theme;
  std::shared_ptr<const TrainerSnapshot> a, b;  // copied once per frame; never waited on
  const History* history_a = nullptr;
  const History* history_b = nullptr;
  int selected_block = 0;  // chosen in the network view, read by the distribution panels
  int selected_tap = 0;    // tap_z, tap_normalized, tap_activated
  std::string export_dir;
  std::string* status;     // a line for the status bar (e.g. the path just exported)
  bool export_shortcut = false;  // Ctrl+E this frame: the plot under the mouse exports itself
};

struct Panel {
  virtual ~Panel() = default;
  virtual const char* key() const = 0;  // i18n key of the title, and the settings key
  virtual void draw(PanelContext& ctx) = 0;
};

struct PanelEntry {
  std::unique_ptr<Panel> panel;
  bool visible = true;
};

// Every panel, in the order the grid shows them.
std::vector<PanelEntry> make_panels();

}  // namespace bnlab
