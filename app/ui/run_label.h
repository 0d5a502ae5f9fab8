// What this file is: the words that say what a run normalizes with, shown under its colour in
// the sidebar and in the titles of panels that draw A and B apart.
#pragma once

#include <string>

namespace bnlab::ui {

class Session;

// "with BN" or "without BN" while the run's blocks have BN or no norm, as always; else each
// hidden block's norm ("norms GN, IN, LN"), in the UI's language.
std::string run_norms(const Session& session, int run);

}  // namespace bnlab::ui
