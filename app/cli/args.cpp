// What this file is: the Args reader.
#include "cli/args.h"

#include "core/error.h"

namespace bnlab {

Args::Args(const std::vector<std::string>& argv, const std::set<std::string>& valued,
           const std::set<std::string>& switches) {
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string& a = argv[i];
    if (a.rfind("--", 0) != 0) {
      positional_.push_back(a);
      continue;
    }
    if (switches.count(a)) {
      values_[a] = "1";
    } else if (valued.count(a)) {
      if (i + 1 >= argv.size()) throw config_error(a + ": needs a value");
      values_[a] = argv[++i];
    } else {
      throw config_error(a + ": unknown option");
    }
  }
}

std::string Args::get(const std::string& flag, const std::string& fallback) const {
  auto it = values_.find(flag);
  return it == values_.end() ? fallback : it->second;
}

long long Args::get_int(const std::string& flag, long long fallback, long long lo, long long hi) const {
  auto it = values_.find(flag);
  if (it == values_.end()) return fallback;
  size_t used = 0;
  long long v = 0;
  try {
    v = std::stoll(it->second, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != it->second.size() || v < lo || v > hi)
    throw config_error(flag + ": must be an integer from " + std::to_string(lo) + " to " + std::to_string(hi) +
                       ", got '" + it->second + "'");
  return v;
}

}  // namespace bnlab
