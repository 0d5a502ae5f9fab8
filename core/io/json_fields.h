// What this file is: a strict reader of one JSON object, shared by the experiment config and the
// scene files. It knows its path ("model.blocks[2]", "step 3 (\"train\"): layout[1]") and its
// source (a file name), so every message names the exact field; any key left unread when
// finish() is called is reported as unknown.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

namespace bnlab {

std::string join(const std::vector<std::string>& words, const std::string& separator = ", ");

// A short, bounded description of a value for a message: scalars as JSON (long strings cut),
// lists and objects by kind only. Never recursive, so a value nested 100,000 deep is safe.
std::string describe(const nlohmann::json& value);

class Fields {
 public:
  Fields(const nlohmann::json& j, std::string path, std::string source);
  [[noreturn]] void fail(const std::string& key, const std::string& what) const;
  std::string name(const std::string& key) const;  // "path.key", or the path itself for ""
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
  const nlohmann::json& j_;
  std::string path_, source_;
  std::set<std::string> seen_;
};

}  // namespace bnlab
