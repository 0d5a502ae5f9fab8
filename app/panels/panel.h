// What this file is: the panel interface and the registry that drives the View menu. A panel is
// a struct that owns its own view state and draws itself from this frame's snapshots.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/train/trainer.h"
#include "plot/canvas.h"
#include "ui/actions.h"
#include "ui/controls.h"
#include "ui/session.h"
#include "ui/theme.h"

namespace bnlab {

// A plot drawn headless: its id, where it was, and the data it drew (CSV).
struct DrawnPlot {
  std::string id;
  plot::Rect rect;
  std::string csv;
};

// What every panel may read in one frame. A panel changes nothing directly: it posts actions
// (ui/actions.h), which the next frame applies before any panel reads anything.
struct PanelContext {
  const ui::Session& session;
  ui::ActionQueue& actions;
  const ui::Theme& theme;
  std::shared_ptr<const TrainerSnapshot> a, b;  // copied once per frame; never waited on
  std::shared_ptr<const History> history_a, history_b;  // owned for the frame
  int selected_block = 0;  // chosen in the network view, read by the distribution panels
  int selected_tap = 0;    // tap_z, tap_normalized, tap_activated
  const ui::Controls* controls = nullptr;  // what the scene step locks
  std::string export_dir;
  std::string* status;     // a line for the status bar (e.g. the path just exported)
  bool export_shortcut = false;  // Ctrl+E this frame: the plot under the mouse exports itself
  // Headless (scene render): plots draw into this canvas at their place in the window, with no
  // menus, and each one is listed in `plots_drawn`.
  plot::Canvas* canvas = nullptr;
  std::vector<DrawnPlot>* plots_drawn = nullptr;
};

struct Panel {
  virtual ~Panel() = default;
  virtual const char* key() const = 0;  // i18n key of the title, and the settings key
  virtual void draw(PanelContext& ctx) = 0;
  // One of the settings panel_settings.h lists for this panel (a scene step's layout), checked
  // by the scene parser; selections (block, tap) are the lab's, not the panel's.
  virtual void apply_setting(const std::string& /*name*/, const nlohmann::json& /*value*/) {}
  // Work of its own the panel is doing (the small-batch lab's grid): a headless render waits
  // until it is done before drawing the page.
  virtual bool busy() const { return false; }
  // After every action the lab applies: whether the panel is shown (a cell of the grid, the
  // layout or the focus). What it posts to `actions` applies at once, before the next action.
  virtual void sync(bool /*shown*/, ui::ActionQueue& /*actions*/) {}
};

struct PanelEntry {
  std::unique_ptr<Panel> panel;
  bool visible = true;
  bool lab = false;  // listed under View ▸ Labs: hidden until chosen there or shown by a scene
};

// Every panel, in the order the grid shows them.
std::vector<PanelEntry> make_panels();

}  // namespace bnlab
