// What this file is: the error type every bad input ends in, carrying the CLI's exit code.
// Exit codes (DESIGN.md): 2 usage or config error, 3 data or file error, 1 anything else.
#pragma once

#include <stdexcept>
#include <string>

namespace bnlab {

enum class ErrorKind { usage = 2, data = 3, internal = 1 };

class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
  ErrorKind kind() const { return kind_; }
  int exit_code() const { return static_cast<int>(kind_); }

 private:
  ErrorKind kind_;
};

inline Error config_error(const std::string& m) { return Error(ErrorKind::usage, m); }
inline Error data_error(const std::string& m) { return Error(ErrorKind::data, m); }

}  // namespace bnlab
