// What this file is: the list of panels; the View menu and the grid follow it.
#include "panels/panel.h"

namespace bnlab {

std::unique_ptr<Panel> make_curves_panel();

std::vector<PanelEntry> make_panels() {
  std::vector<PanelEntry> panels;
  for (auto make : {make_curves_panel}) panels.push_back({make(), true});
  return panels;
}

}  // namespace bnlab
