// What this file is: the catalogue of panels by the ids scenes use ("curves", "contours", ...)
// and the settings each one takes, with their types and ranges. Plain data with no ImGui, so
// the scene parser checks a scene without a window, and the panels apply the same names.
#pragma once

#include <string>
#include <vector>

namespace bnlab {

struct SettingSpec {
  enum class Kind { boolean, number, integer, choice, block, tap };  // block: 1..blocks; tap: z/normalized/activated
  std::string name;
  Kind kind = Kind::boolean;
  double lo = 0.0, hi = 0.0;          // number, integer
  std::vector<std::string> choices;   // choice
};

struct PanelInfo {
  std::string id;   // in scenes and on the command line: "curves"
  std::string key;  // i18n key of the title and settings key: "panel.curves"
  std::vector<SettingSpec> settings;
};

const std::vector<PanelInfo>& panel_catalog();  // in the order the grid shows them
const PanelInfo* panel_by_id(const std::string& id);
const PanelInfo* panel_by_key(const std::string& key);

// The taps' names in scenes, in the order of core's Tap (tap_z, tap_normalized, tap_activated).
const std::vector<std::string>& tap_names();

}  // namespace bnlab
