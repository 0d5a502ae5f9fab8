// What this file is: the left sidebar: run controls, live hyperparameters, the draft (dataset,
// initialization, BN ε and affine, the network's blocks) that applies on reset, a BN switch per
// block that applies live, and the export folder.
#pragma once

#include <string>

#include "panels/panel.h"
#include "ui/session.h"

namespace bnlab::ui {

// Changes nothing itself: every control posts an action (ui/actions.h) to ctx.actions.
void draw_sidebar(const Session& session, PanelContext& ctx);

}  // namespace bnlab::ui
