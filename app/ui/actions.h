// What this file is: every user action in the window, as a typed value. The sidebar, the menus,
// the keyboard shortcuts, the panels and the scene player do not act on anything directly: they
// post an action, and the frame applies the queued actions at its start (lab.h), before any
// panel reads anything. So nothing a widget does in the middle of a frame can destroy what
// another widget of the same frame is reading, and a scene can do whatever a person can.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "core/io/config.h"

namespace bnlab::ui {
namespace act {

// The runs.
struct TogglePlay {};
struct Play {};
struct Pause {};
struct Step {};
struct Reset {};                       // step 0, same seed; applies the draft if it changed
struct RunTo { int64_t step = 0; };    // train both runs until this step, then pause
struct SetSpeed { double steps_per_second = 0.0; };  // 0: as fast as possible
// Santurkar et al.'s measures in both runs' steps, every `steps` steps (0: off): what the ICS and
// smoothness labs post when they are shown or hidden.
struct SetIcsEvery { int steps = 0; };
struct SetSmoothnessEvery { int steps = 0; };
struct SetUnitPercentiles { bool on = false; };
// Learning settings: A's (and B's while B follows A), or B's own (`run_b`).
struct SetTrain { TrainConfig train; bool run_b = false; };
struct FollowA {};                     // B takes A's learning settings again
struct EditRun { bool b = false; };    // which run the sidebar's learning sliders edit
// Block `block` of run `run` (0: A, 1: B) gets norm `kind`, live.
struct SetNorm { int run = 0; int block = 0; NormKind kind = NormKind::batch; };
struct ToggleBnA {};                   // BN on every block of A, or no norm on any
struct SetBnMomentum { float momentum = 0.1f; };
struct SetBnPosition { std::string position; };
struct SetDraft { Config draft; };     // what applies on the next reset
struct DiscardDraft {};
// New runs from step 0 (a scene's experiment): A's config, B's norm per block, B's own learning
// settings if it has them.
struct Open { Config a; std::vector<NormKind> norms_b; std::optional<TrainConfig> train_b; };

// Scenes (docs/SCENES.md).
struct OpenScene { std::string id_or_path; };  // from its first step
struct SceneGo { int step = 0; };              // from 0: next, previous, or back to the first
struct LeaveScene {};                          // the free lab, as the scene left it

// The view.
struct ShowPanel { std::string key; bool visible = true; };
struct ToggleFocus { std::string key; };          // the panel alone, or back to the grid
struct SetLayout { std::vector<std::string> keys; };  // 1-4 panel keys; empty: every visible panel
struct ShowSidebar { bool visible = true; };
struct ToggleSidebar {};
struct SelectBlock { int block = 0; };            // from 0
struct SelectTap { int tap = 0; };                // tap_z, tap_normalized, tap_activated
struct SetPanelSetting { std::string key, name; nlohmann::json value; };
struct SetLanguage { std::string language; };
struct SetTheme { std::string theme; };
struct SetFontSize { float size = 18.0f; };
struct SetExportDir { std::string dir; };
// What a scene step hides, locks and highlights (docs/SCENES.md); empty lists: nothing.
struct SetControls { std::vector<std::string> hidden, locked, highlighted; };

}  // namespace act

using Action = std::variant<act::TogglePlay, act::Play, act::Pause, act::Step, act::Reset, act::RunTo, act::SetSpeed,
                            act::SetTrain, act::FollowA, act::EditRun, act::SetNorm, act::ToggleBnA, act::SetBnMomentum,
                            act::SetBnPosition, act::SetDraft, act::DiscardDraft, act::Open, act::OpenScene,
                            act::SceneGo, act::LeaveScene, act::ShowPanel,
                            act::ToggleFocus, act::SetLayout, act::ShowSidebar, act::ToggleSidebar, act::SelectBlock,
                            act::SelectTap, act::SetPanelSetting, act::SetLanguage, act::SetTheme, act::SetFontSize,
                            act::SetExportDir, act::SetControls, act::SetIcsEvery, act::SetSmoothnessEvery,
                            act::SetUnitPercentiles>;

// Actions posted during a frame (or between frames), applied in order at the next frame's start.
// The window's thread alone posts and takes.
class ActionQueue {
 public:
  void post(Action a) { pending_.push_back(std::move(a)); }
  std::vector<Action> take() { return std::exchange(pending_, {}); }
  bool empty() const { return pending_.empty(); }

 private:
  std::vector<Action> pending_;
};

}  // namespace bnlab::ui
