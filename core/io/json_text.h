// What this file is: JSON text to nlohmann::json for every JSON file bnlab reads (experiment
// configs, scenes, settings, checkpoint headers), with limits enforced while parsing, before
// anything large is built: at most kMaxJsonDepth levels of nesting and kMaxJsonString bytes per
// string or key, and files of at most kMaxJsonFile bytes. Every failure, including a number
// beyond a double ("lr": 2e308), is a bnlab Error naming the source, the field being read
// ("train.lr") and the line and column, never one of nlohmann's exceptions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "core/error.h"

namespace bnlab {

inline constexpr int kMaxJsonDepth = 32;                  // a config needs 4 levels, a scene 5
inline constexpr size_t kMaxJsonString = size_t{8} << 20;  // a whole config is a string in settings.json and checkpoints
inline constexpr uintmax_t kMaxJsonFile = uintmax_t{16} << 20;

// Throws Error(kind) "<source>: ..." on invalid JSON or a limit passed.
nlohmann::json parse_json(const std::string& text, const std::string& source, ErrorKind kind = ErrorKind::usage);

// Reads and parses a file: a file that cannot be opened or read is a data error; its content
// fails as parse_json does, with `kind`.
nlohmann::json read_json_file(const std::string& path, ErrorKind kind = ErrorKind::usage);

}  // namespace bnlab
