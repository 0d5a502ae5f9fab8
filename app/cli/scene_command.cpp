// What this file is: `bnlab scene list | check FILE.json | render ID|FILE [--out DIR] ...`
// (docs/SCENES.md). list and check read the scene files only; render plays a scene without a
// window (scene/render.h).
#include <cstdio>
#include <cstdlib>

#include "cli/args.h"
#include "cli/commands.h"
#include "core/error.h"
#include "scene/render.h"
#include "scene/scene.h"
#include "ui/lab.h"

namespace bnlab {

using ui::examples_dir;
using ui::scenes_dir;

namespace {

int list_scenes(const std::vector<std::string>& argv) {
  Args args(argv, {});
  if (!args.positional().empty()) throw config_error("scene list: takes no arguments");
  for (const Scene& s : load_all_scenes(scenes_dir(), examples_dir()))
    std::printf("%s\t%zu\t%s\t%s\n", s.id.c_str(), s.steps.size(), s.title.en.c_str(), s.title.zh.c_str());
  return 0;
}

int check_scene(const std::vector<std::string>& argv) {
  Args args(argv, {});
  if (args.positional().size() != 1) throw config_error("scene check: expected one FILE.json");
  const Scene s = load_scene(args.positional()[0], examples_dir());
  std::printf("%s: scene \"%s\", %zu steps: ok\n", args.positional()[0].c_str(), s.id.c_str(), s.steps.size());
  return 0;
}

// bnlab scene render ID|FILE [--out DIR] [--lang en|zh] [--theme ...] [--size WxH] [--format ...]
// Without --out the pages go to a folder named after the scene and the language in the
// current one ("not-only-bn-zh"), so renders in two languages do not overwrite each other.
int render_scene_command(const std::vector<std::string>& argv) {
  Args args(argv, {"--out", "--lang", "--theme", "--size", "--format", "--step-limit"});
  if (args.positional().size() != 1) throw config_error("scene render: expected one scene ID or FILE.json");
  RenderOptions o;
  o.langs = {args.get("--lang", "en")};
  o.theme = args.get("--theme", o.theme);
  o.format = args.get("--format", o.format);
  if (args.has("--size") && std::sscanf(args.get("--size").c_str(), "%dx%d", &o.width, &o.height) != 2)
    throw config_error("--size: expected WIDTHxHEIGHT, got '" + args.get("--size") + "'");
  // --step-limit N: no step trains past step N, for a quick look at a long scene (a paper
  // reproduction); the pages then show less training than the narration speaks of.
  if (args.has("--step-limit")) {
    const std::string v = args.get("--step-limit");
    char* end = nullptr;
    const long long n = std::strtoll(v.c_str(), &end, 10);
    if (v.empty() || *end != '\0' || n < 1) throw config_error("--step-limit: expected a number of steps (1 or more), got '" + v + "'");
    o.step_limit = n;
  }
  const Scene scene = find_scene(args.positional()[0], scenes_dir(), examples_dir());
  o.out_dir = args.has("--out") ? args.get("--out") : scene.id + "-" + o.langs[0];
  render_scene(scene, o, [](const std::string& file) { std::printf("%s\n", file.c_str()); });
  return 0;
}

}  // namespace

int scene_command(const std::vector<std::string>& argv) {
  const std::string verb = argv.empty() ? "" : argv[0];
  const std::vector<std::string> rest(argv.begin() + (argv.empty() ? 0 : 1), argv.end());
  if (verb == "list") return list_scenes(rest);
  if (verb == "check") return check_scene(rest);
  if (verb == "render") return render_scene_command(rest);
  throw config_error("scene: expected list, check or render, got '" + verb + "'");
}

}  // namespace bnlab
