// What this file is: the lab, the window's state without the window: the session (the twin
// runs), the panels, what the view shows (layout, focus, sidebar, selection, language, theme),
// the controls a scene step hides or locks, and the action queue. A frame is:
//   1. apply_actions(): every action posted since the last frame, in order;
//   2. frame_data(): the snapshots and histories every panel reads, owned for the whole frame;
//   3. the panels draw from them and post new actions, which wait for the next frame.
// The window (gui_app.cpp) and the headless scene renderer (scene/render.cpp) both run it.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "panels/panel.h"
#include "scene/player.h"
#include "ui/actions.h"
#include "ui/controls.h"
#include "ui/problems.h"
#include "ui/session.h"
#include "ui/settings.h"
#include "ui/theme.h"

namespace bnlab::ui {

// What a frame's panels read, held for the frame: a reset posted by one panel cannot free what
// another panel of the same frame is reading.
struct FrameData {
  std::shared_ptr<const TrainerSnapshot> a, b;
  std::shared_ptr<const History> history_a, history_b;
};

std::string assets_dir();    // assets/
std::string scenes_dir();    // assets/scenes
std::string examples_dir();  // examples/

// Where the panels of a grid go: n cells filling the area, as close to 1.6:1 as the count allows;
// the last row's cells share its whole width, so no cell stays empty.
struct PanelRect {
  float x = 0, y = 0, w = 0, h = 0;
};
std::vector<PanelRect> grid_cells(int n, float x, float y, float width, float height);


class Lab {
 public:
  explicit Lab(Settings& settings);

  void apply_actions();           // at the start of a frame (after the scene player's update)
  FrameData frame_data() const;   // then, once
  PanelContext context(const FrameData& data, const Theme& theme, bool export_shortcut);

  // The panels this frame shows, in order: the focused panel, else the layout if one is chosen,
  // else every visible panel.
  std::vector<PanelEntry*> shown_panels();
  PanelEntry* panel(const std::string& key);
  void show_saved_panels();  // each panel visible or not as the settings say (once they are loaded)
  void play(Scene scene);  // from its first step (what OpenScene does once the file is read)

  Settings& settings;
  Session session;
  std::vector<PanelEntry> panels;
  ActionQueue actions;
  std::vector<std::string> layout;  // panel keys; empty: the grid of visible panels
  int selected_block = 0, selected_tap = 0;
  Controls controls;
  std::string status;  // the status bar's message line
  std::vector<StartupProblem> problems;  // met at start, shown one by one until the user closes each
  bool last_experiment_open = false;     // the runs are the last experiment (a broken --config's stand-in)
  std::unique_ptr<ScenePlayer> player;  // the scene being played; null: the free lab
  std::map<std::string, bool> info_pinned;  // panel key -> its ⓘ explanation stays shown
  const Theme& theme() const { return theme_by_name(settings.theme); }
  // The shipped scenes that are valid, read once (a broken file is left out, and named by
  // `bnlab scene check`).
  const std::vector<Scene>& scene_list();
  bool stepwise_until = false;          // scenes stop "until" steps at exact steps (headless)
  int64_t step_limit = 0;               // scenes train no further than this step (0: as they say)

 private:
  void apply(const Action& action);
  void sync_panels();
  void open_scene(const std::string& id_or_path);
  std::optional<std::vector<Scene>> scene_list_;
};

}  // namespace bnlab::ui
