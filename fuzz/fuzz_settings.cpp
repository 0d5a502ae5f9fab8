// What this file is: the settings.json harness. The input is the user's settings.json, loaded
// as the window loads it at start. Settings never stop the app, so loading throws nothing at
// all; and what loads stays the same through the window's save and the next start's load
// (compared as the bytes each save writes, so every setting is covered, present and future).
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "fuzz_input.h"
#include "ui/settings.h"

using namespace bnlab;
using bnlab::ui::Settings;

namespace {

Settings load_without_throwing() {
  std::string warning;
  try {
    return Settings::load(&warning);
  } catch (const std::exception& e) {
    fuzz::foreign_exception(&e);
  } catch (...) {
    fuzz::foreign_exception(nullptr);
  }
}

// Saves `s` and returns the file it wrote.
std::string saved(const Settings& s) {
  std::string warning;
  s.save(&warning);
  if (!warning.empty()) fuzz::fail("settings that loaded cannot be saved: " + warning);
  std::ifstream in(Settings::directory() + "/settings.json", std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  setenv("XDG_CONFIG_HOME", fuzz::scratch_dir().c_str(), 1);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // Each input starts from an empty folder: a damaged file is set aside as settings.json.broken-N
  // beside the earlier ones, and 999 of them left from earlier inputs slowed every load tenfold
  // and made an input's outcome depend on the inputs before it.
  std::error_code ec;
  std::filesystem::remove_all(Settings::directory(), ec);
  std::filesystem::create_directories(Settings::directory());
  fuzz::write_input(data, size, "bnlab/settings.json");
  const std::string first = saved(load_without_throwing());
  const std::string second = saved(load_without_throwing());
  if (first != second) fuzz::fail("settings changed when saved and loaded again:\n" + first + "\n" + second);
  return 0;
}
