// What this file is: a strict reader of one JSON object, shared by the experiment config and the
// scene files. It knows its path ("model.blocks[2]", "step 3 (\"train\"): layout[1]") and its
// source (a file name), so every message names the exact field; any key left unread when
// finish() is called is reported as unknown. What it refuses is thrown as a FieldError: the
// English message, and the same facts kept apart (field, reason, values) so the window can say
// them in its own language.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "core/error.h"

namespace bnlab {

// Why a field was refused. The common reasons are kept as facts; `other` keeps only the English.
struct FieldProblem {
  enum class Reason {
    unknown_field,  // a key the format does not have
    wrong_type,     // `expected`: number, integer, boolean, string, object; `got`: the value described
    out_of_range,   // `lo`, `hi`: the range; `got`: the value
    unknown_value,  // `got`: the word; `allowed`: the words the field takes
    missing,        // a required field is absent; `detail`: the English condition, e.g. "for a dense block"
    groups_missing, // norm group without `groups`; `expected`: the block's count, `detail`: "units" or "channels"
    not_divisor,    // `got`: the groups; `expected`: the count they must divide; `detail`: "units" or "channels"
    conv_only,      // `got`: a value (norm "instance") that a dense block cannot have
    other,          // `detail`: the English message
  };
  std::string source;  // the file, or "config"
  std::string field;   // "model.blocks[2].units"; "(top level)" for the object itself
  Reason reason = Reason::other;
  std::string expected, got, lo, hi, detail;
  std::vector<std::string> allowed;
};

class FieldError : public Error {
 public:
  FieldError(FieldProblem problem, const std::string& message)
      : Error(ErrorKind::usage, message), problem_(std::move(problem)) {}
  const FieldProblem& problem() const { return problem_; }

 private:
  FieldProblem problem_;
};

std::string join(const std::vector<std::string>& words, const std::string& separator = ", ");

// A short, bounded description of a value for a message: scalars as JSON (long strings cut),
// lists and objects by kind only. Never recursive, so a value nested 100,000 deep is safe.
std::string describe(const nlohmann::json& value);

class Fields {
 public:
  Fields(const nlohmann::json& j, std::string path, std::string source);
  // Refuses `key` for the English reason `what` (one starting "required" counts as missing).
  [[noreturn]] void fail(const std::string& key, const std::string& what) const;
  // Refuses `key` for a reason kept as facts (`problem`), `what` in English.
  [[noreturn]] void fail(const std::string& key, FieldProblem problem, const std::string& what) const {
    refuse(key, std::move(problem), what);
  }
  std::string name(const std::string& key) const;     // "path.key", or the path itself for ""
  const nlohmann::json* get(const std::string& key);  // null when absent or JSON null
  void number(const std::string& key, float& out, double lo, double hi);
  void number(const std::string& key, double& out, double lo, double hi);
  void integer(const std::string& key, int& out, long long lo, long long hi);
  void integer(const std::string& key, int64_t& out, long long lo, long long hi);
  void boolean(const std::string& key, bool& out);
  void string(const std::string& key, std::string& out);
  void choice(const std::string& key, std::string& out, const std::vector<std::string>& allowed);
  void finish() const;  // call last: any key not read is unknown
  const std::string& path() const { return path_; }
  const std::string& source() const { return source_; }

 private:
  [[noreturn]] void refuse(const std::string& key, FieldProblem problem, const std::string& what) const;
  [[noreturn]] void wrong_type(const std::string& key, const char* expected, const char* in_words,
                               const nlohmann::json& v) const;
  [[noreturn]] void out_of_range(const std::string& key, const std::string& lo, const std::string& hi,
                                 const nlohmann::json& v) const;
  const nlohmann::json& j_;
  std::string path_, source_;
  std::set<std::string> seen_;
};

}  // namespace bnlab
