// What this file is: what every harness shares. bnlab's parsers read files, so the fuzz input is
// written to a file of this process's own first; and the one rule of every harness: a bad input
// may end in bnlab's own Error (core/error.h), and in nothing else. Any other exception, or a
// broken promise that a harness checks after a parse succeeds, is a finding: it is printed and
// the process aborts, which libFuzzer reports as a crash and keeps the input.
#pragma once

#include <cstddef>
#include <cstdint>
#include <exception>
#include <string>

#include "core/error.h"

namespace bnlab::fuzz {

// A directory under $TMPDIR (or /dev/shm, or /tmp) of this process's own, removed when the
// process exits.
const std::string& scratch_dir();

// Writes the input to scratch_dir()/name (replacing it) and returns its path.
std::string write_input(const uint8_t* data, size_t size, const std::string& name);

[[noreturn]] void fail(const std::string& what);
[[noreturn]] void foreign_exception(const std::exception* e);

// Runs `parse`: a bnlab::Error is an expected answer to a bad input; anything else is a finding.
template <class Parse>
void expect_only_bnlab_errors(Parse&& parse) {
  try {
    parse();
  } catch (const Error&) {
  } catch (const std::exception& e) {
    foreign_exception(&e);
  } catch (...) {
    foreign_exception(nullptr);
  }
}

}  // namespace bnlab::fuzz
