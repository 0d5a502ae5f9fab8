// What this file is: the list of panels; the View menu and the grid follow it.
#include "panels/panel.h"

namespace bnlab {

std::vector<PanelEntry> make_panels() {
  std::vector<PanelEntry> panels;
  return panels;
}

}  // namespace bnlab
