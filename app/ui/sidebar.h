// What this file is: the left sidebar: run controls, hyperparameters, and the network's blocks
// with a BN switch on each. Every change reaches the trainers within one step.
#pragma once

#include "panels/panel.h"
#include "ui/session.h"

namespace bnlab::ui {

void draw_sidebar(Session& session, PanelContext& ctx);

}  // namespace bnlab::ui
