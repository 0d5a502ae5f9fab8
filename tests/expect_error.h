// What this file is: the tests' check that a call is refused with bnlab's Error (an exit code and
// a message that contains given words), and not by any other exception.
#pragma once

#include <gtest/gtest.h>

#include <exception>
#include <string>
#include <vector>

#include "core/error.h"

namespace bnlab {

// Runs f, which must throw bnlab's Error with this exit code, whose message contains every word.
template <class F>
void expect_error(F f, int code, const std::vector<std::string>& words) {
  try {
    f();
  } catch (const Error& e) {
    EXPECT_EQ(e.exit_code(), code) << e.what();
    for (const auto& w : words) EXPECT_NE(std::string(e.what()).find(w), std::string::npos) << e.what() << "\n  lacks: " << w;
    return;
  } catch (const std::exception& e) {
    ADD_FAILURE() << "not a bnlab error: " << e.what();
    return;
  }
  ADD_FAILURE() << "nothing thrown; expected an error containing " << words[0];
}

// A bad config: exit 2.
template <class F>
void expect_config_error(F f, const std::vector<std::string>& words) {
  expect_error(f, 2, words);
}

}  // namespace bnlab
