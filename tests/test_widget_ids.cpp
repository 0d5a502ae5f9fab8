// What this file is: every widget of the window has an ID of its own, in English and in Chinese,
// and the sidebar's sections and text boxes behave the same in both languages.
// ImGui 1.86 has no ID-conflict detector (and Debian's build has no test-engine hooks), so the
// tests look as a pointer would: the lab is drawn headless (the sidebar with every section open
// beside the panels), the pointer visits a grid of points a few pixels apart, and after each frame
// ImGui says which ID it hovers. A widget is one rectangle, so an ID hovered in two places that do
// not touch belongs to two widgets, and the second of them never answers a click.
#include <gtest/gtest.h>
#include <imgui.h>
#include <imgui_internal.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "test_paths.h"
#include "lab_helpers.h"
#include "ui/headless.h"
#include "ui/text.h"

namespace bnlab::ui {
namespace {

constexpr float kWidth = 1280, kHeight = 1400, kSidebar = 320;

void frame(Lab& lab) { lab_frame_with_sidebar(lab, kSidebar, "dark"); }

// What the pointer hovers at each point of a grid over [x0, x1) × [y0, y1), `step` apart.
struct HoverMap {
  float x0 = 0, y0 = 0, step = 1;
  int cols = 0, rows = 0;
  std::vector<ImGuiID> ids;  // row-major
  ImGuiID at(int c, int r) const { return ids[static_cast<size_t>(r) * cols + c]; }
};

HoverMap hover_map(Lab& lab, float x0, float y0, float x1, float y1, float step) {
  HoverMap m{x0, y0, step, std::max(1, static_cast<int>((x1 - x0) / step)), std::max(1, static_cast<int>((y1 - y0) / step)), {}};
  for (int r = 0; r < m.rows; ++r)
    for (int c = 0; c < m.cols; ++c) {
      ImGui::GetIO().MousePos = ImVec2(x0 + c * step, y0 + r * step);
      frame(lab);
      m.ids.push_back(GImGui->HoveredId);
    }
  return m;
}

// Each hovered ID's places: the bounding boxes of its groups of touching grid points.
struct Place {
  float x0, y0, x1, y1;
};
std::map<ImGuiID, std::vector<Place>> places(const HoverMap& m) {
  std::map<ImGuiID, std::vector<Place>> out;
  std::vector<char> seen(m.ids.size(), 0);
  for (int r = 0; r < m.rows; ++r)
    for (int c = 0; c < m.cols; ++c) {
      const ImGuiID id = m.at(c, r);
      if (id == 0 || seen[static_cast<size_t>(r) * m.cols + c]) continue;
      int c0 = c, c1 = c, r0 = r, r1 = r;
      std::vector<std::pair<int, int>> todo{{c, r}};
      seen[static_cast<size_t>(r) * m.cols + c] = 1;
      while (!todo.empty()) {
        const auto [x, y] = todo.back();
        todo.pop_back();
        c0 = std::min(c0, x), c1 = std::max(c1, x), r0 = std::min(r0, y), r1 = std::max(r1, y);
        for (const auto& [dx, dy] : {std::pair{1, 0}, {-1, 0}, {0, 1}, {0, -1}}) {
          const int nx = x + dx, ny = y + dy;
          if (nx < 0 || ny < 0 || nx >= m.cols || ny >= m.rows || m.at(nx, ny) != id) continue;
          char& s = seen[static_cast<size_t>(ny) * m.cols + nx];
          if (!s) s = 1, todo.emplace_back(nx, ny);
        }
      }
      out[id].push_back({m.x0 + c0 * m.step, m.y0 + r0 * m.step, m.x0 + c1 * m.step, m.y0 + r1 * m.step});
    }
  return out;
}

// The IDs hovered in two or more separate places, described for a failure message.
std::vector<std::string> shared_ids(const HoverMap& m) {
  std::vector<std::string> shared;
  for (const auto& [id, where] : places(m)) {
    if (where.size() < 2) continue;
    std::string s = "ID " + std::to_string(id) + " in " + std::to_string(where.size()) + " places:";
    for (const Place& p : where) {
      char box[96];
      std::snprintf(box, sizeof box, " (%.0f,%.0f)-(%.0f,%.0f)", p.x0, p.y0, p.x1, p.y1);
      s += box;
    }
    shared.push_back(s);
  }
  return shared;
}

ImGuiWindow* sidebar() { return ImGui::FindWindowByName("##sidebar"); }

// A line of points down the sidebar, 2 px apart, a little in from its left edge, where every
// widget of the sidebar starts.
HoverMap sidebar_line(Lab& lab) { return hover_map(lab, 14, 0, 15, kHeight, 2); }

// Opens every section of the sidebar without knowing their labels or IDs: each widget found on
// the line is marked open in the sidebar's state storage (where ImGui keeps whether a section is
// open, and which no other widget reads), until no new widget appears.
void open_every_section(Lab& lab) {
  std::set<ImGuiID> found;
  for (int round = 0; round < 8; ++round) {
    const size_t before = found.size();
    for (const ImGuiID id : sidebar_line(lab).ids)
      if (id != 0 && found.insert(id).second) sidebar()->StateStorage.SetInt(id, 1);
    if (found.size() == before) return;
  }
}

// Where the sidebar widget labelled tr(key) is on the line, as the user reads it: the lowest
// such widget (a section header above it may carry the same words). Its ID is its label, or
// "label###key" once IDs are stable; either is looked for. Null if it is not on screen.
std::optional<Place> widget(Lab& lab, const std::string& key) {
  const std::string label = tr(key);
  const ImGuiID ids[] = {sidebar()->GetID(label.c_str()), sidebar()->GetID((label + "###" + key).c_str())};
  std::optional<Place> lowest;
  for (const auto& [id, where] : places(sidebar_line(lab)))
    if (id == ids[0] || id == ids[1])
      for (const Place& p : where)
        if (!lowest || p.y0 > lowest->y0) lowest = p;
  return lowest;
}

void click(Lab& lab, float x, float y) {
  ImGuiIO& io = ImGui::GetIO();
  io.MousePos = ImVec2(x, y);
  frame(lab);
  io.MouseDown[0] = true;
  frame(lab);
  io.MouseDown[0] = false;
  frame(lab);
  frame(lab);  // what the click posted is applied
}

void click(Lab& lab, const Place& p) { click(lab, 20, (p.y0 + p.y1) / 2); }

// The lab as the tests draw it: the spiral runs, built; the language `lang`; a draft with the
// dataset that has a folder box and a Gaussian initialization (σ), B with learning settings of
// its own and Adam (β1, β2, ε), so every kind of sidebar widget is on screen.
struct TestLab {
  HeadlessImGui imgui{kWidth, kHeight, 16, false};
  Settings settings;
  Lab lab{settings};

  explicit TestLab(const std::string& lang) {
    text.load(BNLAB_ASSETS_DIR);
    text.set_language(lang);
    lab.session.start(spiral_config());
    for (int i = 0; i < 3000 && !lab.session.twins(); ++i) {
      frame(lab);
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    EXPECT_TRUE(lab.session.twins()) << lab.session.error;
    Config draft = lab.session.draft();
    draft.data.dataset = "fashion-mnist";
    draft.data.dir.clear();
    draft.model.init.scheme = "normal";
    lab.actions.post(act::SetDraft{draft});
    TrainConfig train = lab.session.config().train;
    train.optimizer = "adam";
    lab.actions.post(act::SetTrain{train, false});
    lab.actions.post(act::SetTrain{train, true});
    lab.actions.post(act::EditRun{true});
    lab.layout = {"none"};  // no panel: the sidebar alone draws quicker
    frame(lab);
    frame(lab);
  }
  ~TestLab() { text.set_language("en"); }

  void set_language(const std::string& lang) {  // as the window does: an action, then the text
    lab.actions.post(act::SetLanguage{lang});
    frame(lab);
    text.set_language(lab.settings.language);
    frame(lab);
  }
};

TEST(WidgetIds, NoTwoWidgetsShareAnIdInEitherLanguage) {
  for (const char* lang : {"en", "zh"}) {
    TestLab t(lang);
    open_every_section(t.lab);
    ASSERT_TRUE(widget(t.lab, "data.dir") && widget(t.lab, "export.folder")) << lang << ": the folder boxes are not open";
    // The sidebar, closely: its widgets are 4 px apart. (Its IDs cannot meet the panels', which
    // are other windows, so the panels are left out here: the scan is quicker.)
    t.lab.layout = {"none"};
    frame(t.lab);
    const float bottom = std::min(kHeight, sidebar()->ContentSize.y + 40);
    const std::vector<std::string> in_sidebar = shared_ids(hover_map(t.lab, 2, 2, kSidebar, bottom, 3));
    EXPECT_TRUE(in_sidebar.empty()) << lang << ", sidebar: " << ::testing::PrintToString(in_sidebar);
    // Each panel alone beside it: the rows of its controls every 8 px (side by side, they are 8 px
    // apart, so a point falls between any two), its plots coarsely.
    for (const PanelEntry& p : t.lab.panels) {
      t.lab.layout = {p.panel->key()};
      frame(t.lab);
      const float top = ImGui::GetFrameHeight() + 2, controls = top + 3 * ImGui::GetFrameHeightWithSpacing();
      std::vector<std::string> shared = shared_ids(hover_map(t.lab, kSidebar, top, kWidth, controls, 8));
      const std::vector<std::string> in_plots = shared_ids(hover_map(t.lab, kSidebar, top, kWidth, kHeight, 32));
      shared.insert(shared.end(), in_plots.begin(), in_plots.end());
      EXPECT_TRUE(shared.empty()) << lang << ", " << p.panel->key() << ": " << ::testing::PrintToString(shared);
    }
  }
}

TEST(WidgetIds, TheChineseDatasetComboOpensAndChoosesADataset) {
  TestLab t("zh");
  const std::optional<Place> header = widget(t.lab, "sidebar.data");
  ASSERT_TRUE(header) << "the 数据集 section is not on screen";
  click(t.lab, *header);
  const std::optional<Place> combo = widget(t.lab, "data.dataset");
  ASSERT_TRUE(combo && combo->y0 > header->y1) << "the 数据集 combo is not on screen";
  click(t.lab, *combo);
  ASSERT_EQ(GImGui->OpenPopupStack.Size, 1) << "clicking the 数据集 combo opened nothing";
  // Its last entry (moons) becomes the draft's dataset.
  const ImGuiWindow* popup = GImGui->OpenPopupStack[0].Window;
  ASSERT_TRUE(popup);
  const std::map<ImGuiID, std::vector<Place>> entries =
      places(hover_map(t.lab, popup->Pos.x + 10, popup->Pos.y, popup->Pos.x + 11, popup->Pos.y + popup->Size.y, 2));
  ASSERT_EQ(entries.size(), 7u);  // fashion-mnist, mnist and the five generated sets
  float last_y = 0;
  for (const auto& [id, where] : entries) last_y = std::max(last_y, (where[0].y0 + where[0].y1) / 2);
  click(t.lab, popup->Pos.x + 10, last_y);
  EXPECT_EQ(t.lab.session.draft().data.dataset, "moons");
}

TEST(WidgetIds, SwitchingLanguageKeepsOpenSectionsOpenAndClosedOnesClosed) {
  TestLab t("en");
  // By default the hyperparameters are open and the dataset closed; the user swaps that.
  ASSERT_TRUE(widget(t.lab, "hp.lr"));
  ASSERT_FALSE(widget(t.lab, "data.dir"));
  click(t.lab, *widget(t.lab, "sidebar.hyperparameters"));
  click(t.lab, *widget(t.lab, "sidebar.data"));
  ASSERT_FALSE(widget(t.lab, "hp.lr"));
  ASSERT_TRUE(widget(t.lab, "data.dir"));
  for (const char* lang : {"zh", "en"}) {
    t.set_language(lang);
    EXPECT_FALSE(widget(t.lab, "hp.lr")) << lang << ": the hyperparameters opened";
    EXPECT_TRUE(widget(t.lab, "data.dir")) << lang << ": the dataset section closed";
  }
}

// A text box keeps a path of any length (a hand-made 1024-byte buffer cut them short).
TEST(WidgetIds, AFolderBoxKeepsA3000BytePath) {
  TestLab t("en");
  click(t.lab, *widget(t.lab, "sidebar.data"));
  const std::optional<Place> box = widget(t.lab, "data.dir");
  ASSERT_TRUE(box);
  click(t.lab, *box);
  std::string path = "/tmp";
  while (path.size() < 3000) path += "/" + std::string(199, static_cast<char>('a' + path.size() % 26));
  path.resize(3000);
  ImGuiIO& io = ImGui::GetIO();
  for (size_t at = 0; at < path.size(); at += 100) {  // typed, a hundred characters a frame
    for (size_t i = at; i < std::min(path.size(), at + 100); ++i) io.AddInputCharacter(static_cast<unsigned char>(path[i]));
    frame(t.lab);
  }
  io.KeyMap[ImGuiKey_Enter] = 13;
  io.KeysDown[13] = true;  // Enter commits it
  frame(t.lab);
  io.KeysDown[13] = false;
  frame(t.lab);
  frame(t.lab);
  EXPECT_EQ(t.lab.session.draft().data.dir.size(), path.size());
  EXPECT_EQ(t.lab.session.draft().data.dir, path);
}

}  // namespace
}  // namespace bnlab::ui
