// What this file is: the harnesses' shared file and failure handling (fuzz_input.h).
#include "fuzz_input.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <typeinfo>
#include <vector>

namespace bnlab::fuzz {

namespace fs = std::filesystem;

const std::string& scratch_dir() {
  // Never destroyed, so the exit handler that removes it can still read its name.
  static const std::string* dir = [] {
    // Memory (tmpfs) when there is one: a file is written for every input, and a disk's file
    // system took four times the system time.
    const char* tmp = std::getenv("TMPDIR");
    const std::string parent = tmp && *tmp ? tmp : fs::is_directory("/dev/shm") ? "/dev/shm" : "/tmp";
    std::string pattern = parent + "/bnlab-fuzz-XXXXXX";
    std::vector<char> buf(pattern.begin(), pattern.end());
    buf.push_back('\0');
    if (!mkdtemp(buf.data())) {
      std::perror("bnlab fuzz: mkdtemp");
      std::abort();
    }
    return new std::string(buf.data());
  }();
  static const bool removed_at_exit = [] {
    return std::atexit([] {
      std::error_code ec;
      fs::remove_all(*dir, ec);
    }) == 0;
  }();
  (void)removed_at_exit;
  return *dir;
}

std::string write_input(const uint8_t* data, size_t size, const std::string& name) {
  const std::string path = scratch_dir() + "/" + name;
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f || (size && std::fwrite(data, 1, size, f) != size) || std::fclose(f) != 0) {
    std::perror(("bnlab fuzz: cannot write " + path).c_str());
    std::abort();
  }
  return path;
}

void fail(const std::string& what) {
  std::fprintf(stderr, "\n==bnlab fuzz== FINDING: %s\n", what.c_str());
  std::error_code ec;
  fs::remove_all(scratch_dir(), ec);  // abort() skips the exit handler
  std::abort();
}

void foreign_exception(const std::exception* e) {
  if (!e) fail("an exception that is not a std::exception escaped the parser");
  fail(std::string("an exception other than bnlab::Error escaped the parser: ") + typeid(*e).name() + ": " +
       e->what());
}

}  // namespace bnlab::fuzz
