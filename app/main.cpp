// What this file is: bnlab's front door. Dispatches to a subcommand and turns every error into
// one line on stderr and the exit code DESIGN.md promises (2 usage/config, 3 data/file, 1 other).
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "core/error.h"

namespace {

constexpr const char* kUsage =
    "usage:\n"
    "  bnlab train CONFIG.json [--steps N | --epochs E] [--seed S] [--init CKPT] [--save CKPT] [--metrics OUT.csv]\n"
    "  bnlab eval CONFIG.json --weights CKPT [--stats running|batch|population] [--split test|train]\n"
    "  bnlab bench [--workload W1|W2|W3] [--steps N]\n";

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  const std::string command = args.empty() ? "" : args[0];
  if (!args.empty()) args.erase(args.begin());
  try {
    if (command == "train") return bnlab::train_command(args);
    if (command == "eval") return bnlab::eval_command(args);
    if (command == "bench") return bnlab::bench_command(args);
    if (command == "--help" || command == "-h" || command == "help") {
      std::fputs(kUsage, stdout);
      return 0;
    }
    if (command.empty() || command == "gui") {
      std::fputs("bnlab: the window is not built yet; use the command-line subcommands.\n", stderr);
      std::fputs(kUsage, stderr);
      return 2;
    }
    std::fprintf(stderr, "bnlab: unknown command '%s'\n%s", command.c_str(), kUsage);
    return 2;
  } catch (const bnlab::Error& e) {
    std::fprintf(stderr, "bnlab: %s\n", e.what());
    return e.exit_code();
  } catch (const std::bad_alloc&) {
    std::fputs("bnlab: out of memory\n", stderr);
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bnlab: internal error: %s\n", e.what());
    return 1;
  }
}
