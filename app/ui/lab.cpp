// What this file is: the lab's frame steps (lab.h): applying the queued actions, and what the
// panels read.
#include "ui/lab.h"

#include <algorithm>
#include <cmath>

#include "panels/panel_settings.h"
#include "ui/text.h"

namespace bnlab::ui {

namespace {

// Overloaded lambdas for std::visit.
template <class... F>
struct Visitor : F... {
  using F::operator()...;
};
template <class... F>
Visitor(F...) -> Visitor<F...>;

bool any_bn(const Config& c) {
  return std::any_of(c.model.blocks.begin(), c.model.blocks.end() - 1, [](const BlockConfig& b) { return b.norm == NormKind::batch; });
}

}  // namespace

std::string assets_dir() { return BNLAB_ASSETS_DIR; }
std::string scenes_dir() { return assets_dir() + "/scenes"; }
std::string examples_dir() { return BNLAB_EXAMPLES_DIR; }

std::vector<PanelRect> grid_cells(int n, float x, float y, float width, float height) {
  std::vector<PanelRect> cells;
  if (n <= 0) return cells;
  const int cols = std::max(1, static_cast<int>(std::ceil(std::sqrt(n * width / std::max(1.0f, height) / 1.6f))));
  const int rows = (n + cols - 1) / cols;
  const float h = height / rows;
  for (int i = 0; i < n; ++i) {
    const int row = i / cols, in_row = row == rows - 1 ? n - row * cols : cols;
    const float w = width / in_row;
    cells.push_back({x + (i % cols) * w, y + row * h, w, h});
  }
  return cells;
}

Lab::Lab(Settings& s) : settings(s), panels(make_panels()) { show_saved_panels(); }

void Lab::show_saved_panels() {
  for (PanelEntry& p : panels)
    if (auto it = settings.panels.find(p.panel->key()); it != settings.panels.end()) p.visible = it->second;
}

PanelEntry* Lab::panel(const std::string& key) {
  for (PanelEntry& p : panels)
    if (key == p.panel->key()) return &p;
  return nullptr;
}

void Lab::apply_actions() {
  // Actions applied here may post more; those wait for the next frame.
  for (const Action& a : actions.take()) {
    apply(a);
    sync_panels();
  }
  sync_panels();  // panels shown from the saved settings, before any action
}

// After each action, every panel hears whether it is shown, and what it asks for (a lab that
// costs the trainers work, ICS or smoothness, while it is on screen) applies at once, before the
// next action: a scene step's layout comes before its run, so the trainers measure from the
// step's first training step, the same in every render.
void Lab::sync_panels() {
  // shown_panels() lets go of a focus on a panel that is not there; between two actions (a focus,
  // then the layout that holds its panel) that is not yet known, so the focus is kept here.
  const std::string focus = settings.focused_panel;
  const std::vector<PanelEntry*> now = shown_panels();
  settings.focused_panel = focus;
  ActionQueue asked;
  for (PanelEntry& p : panels) p.panel->sync(std::find(now.begin(), now.end(), &p) != now.end(), asked);
  for (const Action& a : asked.take()) apply(a);
}

void Lab::apply(const Action& action) {
  Session& s = session;
  std::visit(Visitor{
                 [&](const act::TogglePlay&) { s.play_pause(); },
                 [&](const act::Play&) {
                   if (s.paused()) s.play_pause();
                 },
                 [&](const act::Pause&) {
                   if (!s.paused()) s.play_pause();
                 },
                 [&](const act::Step&) { s.step(); },
                 [&](const act::Reset&) { s.reset(); },
                 [&](const act::RunTo& a) { s.run_to(a.step); },
                 [&](const act::SetSpeed& a) { s.set_speed(a.steps_per_second); },
                 [&](const act::SetIcsEvery& a) { s.set_ics_every(a.steps); },
                 [&](const act::SetSmoothnessEvery& a) { s.set_smoothness_every(a.steps); },
                 [&](const act::SetUnitPercentiles& a) { s.set_unit_percentiles(a.on); },
                 [&](const act::SetTrain& a) { a.run_b ? s.set_train_b(a.train) : s.set_train(a.train); },
                 [&](const act::FollowA&) { s.follow_a(); },
                 [&](const act::EditRun& a) { s.editing_b = a.b; },
                 [&](const act::SetNorm& a) { s.set_norm(a.run, a.block, a.kind); },
                 [&](const act::ToggleBnA&) {  // the `b` key: BN on every block of A, or no norm on any
                   const NormKind kind = any_bn(s.config()) ? NormKind::none : NormKind::batch;
                   for (size_t i = 0; i + 1 < s.config().model.blocks.size(); ++i) s.set_norm(0, static_cast<int>(i), kind);
                 },
                 [&](const act::SetBnMomentum& a) { s.set_bn_momentum(a.momentum); },
                 [&](const act::SetBnPosition& a) { s.set_bn_position(a.position); },
                 [&](const act::SetDraft& a) { s.draft() = a.draft; },
                 [&](const act::DiscardDraft&) { s.discard_draft(); },
                 [&](const act::Open& a) { s.open(a.a, a.norms_b, a.train_b); },
                 [&](const act::OpenScene& a) { open_scene(a.id_or_path); },
                 [&](const act::SceneGo& a) {
                   if (player) player->go_to(a.step);
                 },
                 [&](const act::LeaveScene&) {
                   player.reset();
                   settings.sidebar = true;
                   controls = Controls{};  // the free lab: nothing hidden or locked
                 },
                 [&](const act::ShowPanel& a) {
                   if (PanelEntry* p = panel(a.key)) p->visible = a.visible;
                 },
                 [&](const act::ToggleFocus& a) {
                   settings.focused_panel = settings.focused_panel.empty() && panel(a.key) ? a.key : "";
                 },
                 [&](const act::SetLayout& a) {
                   layout.clear();
                   for (const std::string& key : a.keys)
                     if (panel(key) && layout.size() < 4) layout.push_back(key);
                 },
                 [&](const act::ShowSidebar& a) { settings.sidebar = a.visible; },
                 [&](const act::ToggleSidebar&) { settings.sidebar = !settings.sidebar; },
                 // Not clamped here: a scene selects a block of networks an Open posted just before may
                 // still be loading; context() clamps it to the networks that are there.
                 [&](const act::SelectBlock& a) { selected_block = std::max(0, a.block); },
                 [&](const act::SelectTap& a) { selected_tap = std::clamp(a.tap, 0, 2); },
                 [&](const act::SetPanelSetting& a) {
                   if (PanelEntry* p = panel(a.key)) p->panel->apply_setting(a.name, a.value);
                 },
                 [&](const act::SetLanguage& a) { settings.language = a.language == "zh" ? "zh" : "en"; },
                 [&](const act::SetTheme& a) { settings.theme = a.theme; },
                 [&](const act::SetFontSize& a) { settings.font_size = std::clamp(a.size, 10.0f, 48.0f); },
                 [&](const act::SetExportDir& a) { settings.export_dir = a.dir; },
                 [&](const act::SetControls& a) {
                   controls.hidden = {a.hidden.begin(), a.hidden.end()};
                   controls.locked = {a.locked.begin(), a.locked.end()};
                   controls.highlighted = {a.highlighted.begin(), a.highlighted.end()};
                 },
             },
             action);
}

const std::vector<Scene>& Lab::scene_list() {
  if (scene_list_) return *scene_list_;
  scene_list_.emplace();
  for (const std::string& file : scene_files(scenes_dir())) {
    try {
      scene_list_->push_back(load_scene(file, examples_dir()));
    } catch (const std::exception&) {  // left out here; `bnlab scene check` names the problem
    }
  }
  sort_in_lesson_order(*scene_list_);
  return *scene_list_;
}

void Lab::open_scene(const std::string& id_or_path) {
  try {
    play(find_scene(id_or_path, scenes_dir(), examples_dir()));
    status.clear();
  } catch (const std::exception& e) {
    status = e.what();  // the free lab goes on as it was
  }
}

void Lab::play(Scene scene) {
  // Its words may need glyphs the font atlas does not have yet (the window rebuilds it).
  text.add_glyphs(scene.title.en + scene.title.zh);
  for (const SceneStep& step : scene.steps)
    text.add_glyphs(step.narration.en + step.narration.zh + (step.notes ? step.notes->en + step.notes->zh : ""));
  player = std::make_unique<ScenePlayer>(std::move(scene), stepwise_until, step_limit);
  player->go_to(0);
  settings.sidebar = false;  // the panels and the narration take the whole window (Tab brings it back)
}

FrameData Lab::frame_data() const {
  FrameData d;
  if (const TwinRuns* twins = session.twins()) {
    d.a = twins->a().snapshot();
    d.b = twins->b().snapshot();
    d.history_a = twins->a().shared_history();
    d.history_b = twins->b().shared_history();
  }
  return d;
}

PanelContext Lab::context(const FrameData& data, const Theme& theme, bool export_shortcut) {
  const int blocks = data.a && data.a->config ? static_cast<int>(data.a->config->model.blocks.size())
                                              : static_cast<int>(session.config().model.blocks.size());
  const int block = std::clamp(selected_block, 0, std::max(0, blocks - 1));
  return PanelContext{session,        actions,        theme, data.a,       data.b,    data.history_a,
                      data.history_b, block,          selected_tap, &controls, settings.export_dir,
                      &status,        export_shortcut};
}

std::vector<PanelEntry*> Lab::shown_panels() {
  std::vector<PanelEntry*> shown;
  if (!settings.focused_panel.empty()) {
    PanelEntry* p = panel(settings.focused_panel);
    const bool in_layout = std::find(layout.begin(), layout.end(), settings.focused_panel) != layout.end();
    if (p && (layout.empty() ? p->visible : in_layout)) return {p};
    settings.focused_panel.clear();  // the focused panel was hidden, or is not in the layout
  }
  if (!layout.empty()) {
    for (const std::string& key : layout)
      if (PanelEntry* p = panel(key)) shown.push_back(p);
    return shown;
  }
  for (PanelEntry& p : panels)
    if (p.visible) shown.push_back(&p);
  return shown;
}

}  // namespace bnlab::ui
