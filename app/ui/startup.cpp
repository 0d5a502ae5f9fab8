// What this file is: choosing what the window opens (startup.h).
#include "ui/startup.h"

#include "core/io/json_text.h"
#include "ui/session.h"

namespace bnlab::ui {

Startup choose_startup(const std::string& config_file, Settings& settings) {
  Startup s;
  if (!settings.set_aside_as.empty() || !settings.damage.empty()) {
    StartupProblem p;
    p.kind = StartupProblem::Kind::settings;
    p.file = Settings::path();
    p.kept_as = settings.set_aside_as;
    p.detail = settings.damage;
    s.problems.push_back(p);
  }
  std::optional<StartupProblem> config_failed;
  if (!config_file.empty()) {
    try {
      s.config = load_config(config_file);
      return s;
    } catch (const std::exception& e) {  // a bad file, a bad field, or out of memory: the window opens all the same
      config_failed = StartupProblem{};
      config_failed->config = config_problem(config_file, e);
    }
  }
  bool opened = false;
  if (!settings.last_config.empty()) {
    const std::string source = "settings.json last_config";
    try {
      s.config = parse_config(parse_json(settings.last_config, source), source);
      s.last_experiment = opened = true;
      // Debian's Fashion-MNIST in the last experiment was most likely the default view's.
      s.spiral_may_stand_in = s.config.data.dataset == "fashion-mnist" && s.config.data.dir == DataConfig{}.dir;
    } catch (const std::exception& e) {
      StartupProblem p;
      p.kind = StartupProblem::Kind::last_config;
      p.config = config_problem(source, e);
      p.kept_as = Settings::set_aside(Settings::path(), true);
      settings.last_config.clear();
      s.problems.push_back(p);
    }
  }
  if (!opened) {
    s.config = default_config();
    s.spiral_may_stand_in = true;
  }
  if (config_failed) {
    config_failed->last_experiment_open = opened;
    s.problems.insert(s.problems.begin(), *config_failed);
  }
  return s;
}

}  // namespace bnlab::ui
