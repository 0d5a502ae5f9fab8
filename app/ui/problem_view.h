// What this file is: where the window shows its problems (problems.h): the dialog that says what
// could not be opened at start, one problem after another, with the choice of the last experiment
// or the default view; and, when a dataset could not be loaded and there are no runs to show,
// what is missing, in place of the panels.
#pragma once

#include "ui/lab.h"

namespace bnlab::ui {

void draw_startup_problems(Lab& lab);  // a modal: draw after every other window
// The session has no runs because its dataset could not be loaded: the panels' place says why.
bool shows_missing_data(const Lab& lab);
void draw_missing_data(Lab& lab);  // inside the window the caller began over the panels' place

}  // namespace bnlab::ui
