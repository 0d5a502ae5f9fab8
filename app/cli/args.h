// What this file is: a small command-line reader: positional arguments and --flag VALUE pairs,
// with every unknown or incomplete flag reported as a usage error (exit code 2).
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

namespace bnlab {

class Args {
 public:
  // `valued`: flags that take a value; `switches`: flags that do not.
  Args(const std::vector<std::string>& argv, const std::set<std::string>& valued,
       const std::set<std::string>& switches = {});
  bool has(const std::string& flag) const { return values_.count(flag) > 0; }
  std::string get(const std::string& flag, const std::string& fallback = "") const;
  long long get_int(const std::string& flag, long long fallback, long long lo, long long hi) const;
  const std::vector<std::string>& positional() const { return positional_; }

 private:
  std::map<std::string, std::string> values_;
  std::vector<std::string> positional_;
};

}  // namespace bnlab
