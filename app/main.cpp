// What this file is: bnlab's front door. Dispatches to a subcommand and turns every error into
// one line on stderr and the exit code DESIGN.md promises (2 usage/config, 3 data/file, 1 other).
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "cli/args.h"
#include "cli/commands.h"
#include "core/error.h"
#include "scene/scene.h"
#include "ui/gui_app.h"
#include "ui/lab.h"

namespace {

constexpr const char* kUsage =
    "usage:\n"
    "  bnlab [gui] [--scene ID|FILE] [--lang en|zh] [--theme dark|light|projector] [--screenshot FILE.png --frames N]\n"
    "            [--frame-stats [--versus-idle]] [--check-redraw] [--train] [--size WxH] [--config CONFIG.json]\n"
    "  bnlab train CONFIG.json [--steps N | --epochs E] [--seed S] [--init CKPT] [--save CKPT] [--metrics OUT.csv]\n"
    "  bnlab eval CONFIG.json --weights CKPT [--stats running|batch|population] [--split test|train]\n"
    "  bnlab bench [--workload W1|W2|W3|W1-LN|W1-GN|W3-LN|W3-GN] [--steps N] | bnlab bench --compare W1-LN,W3-GN,... [--rounds R]\n"
    "  bnlab bench --twins SECONDS\n"
    "  bnlab scene list | bnlab scene check FILE.json\n"
    "  bnlab scene render ID|FILE [--out DIR] [--lang en|zh] [--theme dark|light|projector|print] [--size WxH]\n"
    "                    [--format png|svg|pdf|csv] [--step-limit N]\n";

int run_gui_command(const std::vector<std::string>& argv) {
  bnlab::Args args(argv, {"--scene", "--lang", "--theme", "--screenshot", "--frames", "--size", "--config"},
                   {"--frame-stats", "--train", "--check-redraw", "--versus-idle"});
  bnlab::ui::GuiOptions o;
  o.scene = args.get("--scene");
  // Checked here, so a wrong name or file is one clear line and exit code 2, before a window opens.
  if (!o.scene.empty()) bnlab::find_scene(o.scene, bnlab::ui::scenes_dir(), bnlab::ui::examples_dir());
  o.lang = args.get("--lang");
  if (!o.lang.empty() && o.lang != "en" && o.lang != "zh") throw bnlab::config_error("--lang: expected en or zh, got '" + o.lang + "'");
  o.theme = args.get("--theme");
  if (!o.theme.empty() && o.theme != "dark" && o.theme != "light" && o.theme != "projector")
    throw bnlab::config_error("--theme: expected dark, light or projector, got '" + o.theme + "'");
  o.screenshot = args.get("--screenshot");
  o.frames = static_cast<int>(args.get_int("--frames", o.screenshot.empty() ? 0 : 60, 0, 100000000));
  o.frame_stats = args.has("--frame-stats");
  o.train = args.has("--train");
  o.check_redraw = args.has("--check-redraw");
  o.versus_idle = args.has("--versus-idle");
  if (o.versus_idle && (!o.frame_stats || o.frames == 0))
    throw bnlab::config_error("--versus-idle: needs --frame-stats and --frames N");
  if (o.check_redraw && o.frames == 0) throw bnlab::config_error("--check-redraw: needs --frames N (it checks the last frame)");
  if (args.has("--size") && std::sscanf(args.get("--size").c_str(), "%dx%d", &o.width, &o.height) != 2)
    throw bnlab::config_error("--size: expected WIDTHxHEIGHT, got '" + args.get("--size") + "'");
  // Read by the window, which opens even when the file cannot be read, and says why in the UI's
  // language: a classroom user who started bnlab from a launcher sees no terminal.
  o.config_file = args.get("--config");
  if (args.has("--config") && o.config_file.empty()) throw bnlab::config_error("--config: expected a file name");
  return bnlab::ui::run_gui(o);
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  const std::string command = args.empty() ? "" : args[0];
  if (!args.empty()) args.erase(args.begin());
  try {
    if (command == "train") return bnlab::train_command(args);
    if (command == "eval") return bnlab::eval_command(args);
    if (command == "bench") return bnlab::bench_command(args);
    if (command == "scene") return bnlab::scene_command(args);
    if (command == "--help" || command == "-h" || command == "help") {
      std::fputs(kUsage, stdout);
      return 0;
    }
    if (command.empty() || command == "gui" || command.rfind("--", 0) == 0) {
      if (command.rfind("--", 0) == 0) args.insert(args.begin(), command);
      return run_gui_command(args);
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
