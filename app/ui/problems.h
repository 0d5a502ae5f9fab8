// What this file is: what the window says when something it was asked to open cannot be used:
// an experiment config (--config, or the last experiment kept in settings.json), the settings
// file itself, a dataset's folder. Each is kept as facts (which file, which field, why), not as
// English text, and said in the UI's language when it is drawn, so a language switch says it
// again. What the core says in English only (a file that is not JSON, a damaged image file, a
// condition of the config's own) is kept as the detail, after our words.
#pragma once

#include <exception>
#include <optional>
#include <string>
#include <vector>

#include "core/io/config.h"
#include "core/io/json_fields.h"

namespace bnlab::ui {

// Why a config could not be read.
struct ConfigProblem {
  std::string file;
  enum class Kind { no_file, unreadable, not_json, field, other } kind = Kind::other;
  std::optional<FieldProblem> field;  // field: what the strict reader refused
  std::string detail;                 // the core's English message
};
ConfigProblem config_problem(const std::string& file, const std::exception& e);
std::string say(const ConfigProblem& p);
std::string say(const FieldProblem& p);  // "train.lr must be between 0 and 1e+09, got -1"

// Why a dataset could not be loaded: for MNIST-format files, which folder or files are missing.
struct DataProblem {
  enum class Kind { no_folder, no_files, other } kind = Kind::other;
  std::string dataset, dir;
  std::vector<std::string> missing;  // no_files: the IDX files the folder lacks
  std::string detail;                // the core's English message
};
// Looks at the folder `data` names to say what is missing; `e` is what the loader threw.
DataProblem data_problem(const DataConfig& data, const std::exception& e);
std::string say(const DataProblem& p);  // what is missing

// A problem met while the window opened, shown in a dialog until the user closes it.
struct StartupProblem {
  enum class Kind {
    config,       // --config could not be read; `instead` says what opened
    last_config,  // the experiment kept in settings.json could not be reopened; the file is kept as `kept_as`
    settings,     // settings.json could not be read; it is kept as `kept_as`, defaults used
  } kind = Kind::config;
  ConfigProblem config;               // config, last_config
  std::string file, kept_as, detail;  // settings: the file, where it was set aside, the English reason
  bool last_experiment_open = false;  // config: the last experiment opened instead of the default view
};
std::string say_title(const StartupProblem& p);
std::string say(const StartupProblem& p);

}  // namespace bnlab::ui
