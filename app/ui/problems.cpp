// What this file is: problems in the UI's language (problems.h): finding out what is missing,
// and saying it.
#include "ui/problems.h"

#include <cstdio>
#include <filesystem>

#include "core/error.h"
#include "ui/text.h"

namespace bnlab::ui {

namespace fs = std::filesystem;

namespace {

// A value as the strict reader described it: scalars as JSON, lists and objects by kind (words
// of its own, said here in the UI's language).
std::string say_value(const std::string& described) {
  for (const auto& [words, key] :
       {std::pair{"a list", "value.list"}, std::pair{"an empty list", "value.empty_list"},
        std::pair{"an object", "value.object"}, std::pair{"an empty object", "value.empty_object"}})
    if (described == words) return tr(key);
  return described;
}

std::string joined(const std::vector<std::string>& words) {
  std::string s;
  for (size_t i = 0; i < words.size(); ++i) s += (i ? ", " : "") + words[i];
  return s;
}

// The MNIST-format files a folder must hold (core/data/dataset.cpp looks up the same four).
const char* const kIdxFiles[] = {"train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
                                 "t10k-labels-idx1-ubyte"};

}  // namespace

std::string say(const FieldProblem& p) {
  using R = FieldProblem::Reason;
  switch (p.reason) {
    case R::unknown_field:
      return fill(tr("field.unknown_field"), {{"field", p.field}});
    case R::wrong_type:
      return fill(tr("field.wrong_type"),
                  {{"field", p.field}, {"expected", tr("type." + p.expected)}, {"got", say_value(p.got)}});
    case R::out_of_range:
      return fill(tr("field.out_of_range"),
                  {{"field", p.field}, {"lo", p.lo}, {"hi", p.hi}, {"got", say_value(p.got)}});
    case R::unknown_value:
      return fill(tr("field.unknown_value"), {{"field", p.field}, {"got", p.got}, {"allowed", joined(p.allowed)}});
    case R::missing:
      return fill(tr("field.missing"), {{"field", p.field}}) + (p.detail.empty() ? "" : " (" + p.detail + ")");
    case R::groups_missing:
    case R::not_divisor:
      return fill(tr(p.reason == R::groups_missing ? "field.norm_groups_missing" : "field.norm_not_divisor"),
                  {{"field", p.field}, {"got", p.got}, {"count", p.expected},
                   {"what", tr(p.detail == "units" ? "field.norm_units" : "field.norm_channels")}});
    case R::conv_only:
      return fill(tr("field.norm_conv_only"), {{"field", p.field}, {"got", p.got}});
    case R::other:
      break;
  }
  return p.field + ": " + p.detail;
}

ConfigProblem config_problem(const std::string& file, const std::exception& e) {
  ConfigProblem p;
  p.file = file;
  p.detail = e.what();
  std::error_code ec;
  if (const auto* f = dynamic_cast<const FieldError*>(&e)) {
    p.kind = ConfigProblem::Kind::field;
    p.field = f->problem();
  } else if (const auto* b = dynamic_cast<const Error*>(&e); b && b->kind() == ErrorKind::data) {
    // load_config's only file error: the file cannot be opened.
    p.kind = fs::exists(file, ec) ? ConfigProblem::Kind::unreadable : ConfigProblem::Kind::no_file;
  } else if (dynamic_cast<const nlohmann::json::parse_error*>(&e) ||
             p.detail.find("not valid JSON") != std::string::npos) {
    p.kind = ConfigProblem::Kind::not_json;  // from nlohmann itself, or as load_config words it
  }
  return p;
}

std::string say(const ConfigProblem& p) {
  using K = ConfigProblem::Kind;
  switch (p.kind) {
    case K::no_file:
      return fill(tr("problem.config_no_file"), {{"file", p.file}});
    case K::unreadable:
      return fill(tr("problem.config_unreadable"), {{"file", p.file}});
    case K::not_json: {
      // nlohmann's message says where: "... at line 3, column 5: ...". (Read with sscanf, not
      // std::regex: GCC 12 under ASan warns falsely inside <regex>, and the build uses -Werror.)
      unsigned long line = 0, column = 0;
      for (size_t at = p.detail.find("line "); at != std::string::npos; at = p.detail.find("line ", at + 1))
        if (std::sscanf(p.detail.c_str() + at, "line %lu, column %lu", &line, &column) == 2)
          return fill(tr("problem.config_not_json"),
                      {{"file", p.file}, {"line", std::to_string(line)}, {"column", std::to_string(column)}});
      break;
    }
    case K::field:
      return fill(tr("problem.config_other"), {{"file", p.file}, {"detail", say(*p.field)}});
    case K::other:
      break;
  }
  return fill(tr("problem.config_other"), {{"file", p.file}, {"detail", p.detail}});
}

DataProblem data_problem(const DataConfig& data, const std::exception& e) {
  DataProblem p;
  p.dataset = data.dataset;
  p.dir = data.dir;
  p.detail = e.what();
  if (data.dataset != "fashion-mnist" && data.dataset != "mnist") return p;
  std::error_code ec;
  if (data.dir.empty() || !fs::is_directory(data.dir, ec)) {
    p.kind = DataProblem::Kind::no_folder;
    return p;
  }
  for (const char* base : kIdxFiles)
    if (!fs::is_regular_file(fs::path(data.dir) / base, ec) &&
        !fs::is_regular_file(fs::path(data.dir) / (std::string(base) + ".gz"), ec))
      p.missing.push_back(base);
  if (!p.missing.empty()) p.kind = DataProblem::Kind::no_files;
  return p;
}

std::string say(const DataProblem& p) {
  using K = DataProblem::Kind;
  std::string s;
  if (p.kind == K::no_folder)
    s = p.dir.empty() ? tr("data.no_folder_set") : fill(tr("data.no_folder"), {{"dir", p.dir}});
  else if (p.kind == K::no_files)
    s = fill(tr("data.no_files"), {{"dir", p.dir}, {"files", joined(p.missing)}});
  else
    return std::string(tr("data.unreadable")) + " (" + p.detail + ")";
  // Debian's package is where the default view looks for Fashion-MNIST.
  if (p.dataset == "fashion-mnist" && p.dir == DataConfig{}.dir) s += " " + std::string(tr("data.install_fashion"));
  return s;
}

std::string say_title(const StartupProblem& p) {
  switch (p.kind) {
    case StartupProblem::Kind::config:
      return tr("problem.config_title");
    case StartupProblem::Kind::last_config:
      return tr("problem.last_config_title");
    case StartupProblem::Kind::settings:
      break;
  }
  return tr("problem.settings_title");
}

std::string say(const StartupProblem& p) {
  switch (p.kind) {
    case StartupProblem::Kind::config:
      return say(p.config) + "\n" + tr(p.last_experiment_open ? "problem.opened_last" : "problem.opened_default");
    case StartupProblem::Kind::last_config:
      return say(p.config) + "\n" + fill(tr("problem.last_config"), {{"kept", p.kept_as}});
    case StartupProblem::Kind::settings:
      break;
  }
  return fill(tr("problem.settings"), {{"file", p.file}, {"kept", p.kept_as}}) + "\n(" + p.detail + ")";
}

}  // namespace bnlab::ui
