// What this file is: the tests' check that a call is refused as a bad config (exit 2) with a
// message that contains given words, and not by any other exception.
#pragma once

#include <gtest/gtest.h>

#include <exception>
#include <string>
#include <vector>

#include "core/error.h"

namespace bnlab {

// Runs f, which must throw a config error (exit 2) whose message contains every word.
template <class F>
void expect_config_error(F f, const std::vector<std::string>& words) {
  try {
    f();
  } catch (const Error& e) {
    EXPECT_EQ(e.exit_code(), 2) << e.what();
    for (const auto& w : words) EXPECT_NE(std::string(e.what()).find(w), std::string::npos) << e.what() << "\n  lacks: " << w;
    return;
  } catch (const std::exception& e) {
    ADD_FAILURE() << "not a bnlab error: " << e.what();
    return;
  }
  ADD_FAILURE() << "nothing thrown; expected a config error containing " << words[0];
}

}  // namespace bnlab
