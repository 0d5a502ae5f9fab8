// What this file is: the subcommands of the bnlab executable (DESIGN.md "Command line").
// Each takes the arguments after its name and returns the process exit code; errors are
// thrown as bnlab::Error and turned into a one-line message and exit code by main().
#pragma once

#include <string>
#include <vector>

namespace bnlab {

int train_command(const std::vector<std::string>& args);
int eval_command(const std::vector<std::string>& args);
int bench_command(const std::vector<std::string>& args);
int scene_command(const std::vector<std::string>& args);         // list, check, render


}  // namespace bnlab
