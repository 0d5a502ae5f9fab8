// What this file is: how every file of the user's work is written (checkpoints, settings.json,
// plot exports, the metrics CSV), so that a crash, a kill -9 or a full disk never leaves half a
// file under the user's name. The bytes go to PATH.tmp beside the target, which is flushed,
// fsync'ed and renamed over PATH; then the folder is fsync'ed, so the rename outlives a power
// cut too. Until the rename, PATH keeps its old complete contents. A PATH.tmp left behind by a
// killed process is reused (truncated) by the next save of PATH; a failed save removes its own.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/error.h"

namespace bnlab {

class AtomicFile {
 public:
  // Creates (or truncates) PATH.tmp. Throws Error(`kind`) naming PATH and the OS's reason.
  explicit AtomicFile(std::string path, ErrorKind kind = ErrorKind::data);
  ~AtomicFile();  // without commit(): the temporary is removed and PATH is untouched
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  void write(const void* bytes, size_t n);  // throws, e.g. on a full disk
  void write(std::string_view text) { write(text.data(), text.size()); }
  // fsync, close, rename over PATH, fsync the folder. Throws; the temporary is then gone.
  void commit();

  const std::string& path() const { return path_; }
  const std::string& temporary() const { return tmp_; }

 private:
  [[noreturn]] void fail(const std::string& what, int os_error);

  std::string path_, tmp_;
  ErrorKind kind_;
  int fd_ = -1;
};

// The whole of `contents` into `path`, atomically as above. Throws Error(data).
void write_file_atomically(const std::string& path, std::string_view contents);

// Before the work whose result goes to `path` (a run of 20,000 steps before its checkpoint):
// can a save there succeed? Creates and removes PATH.tmp, as a save would, and refuses a path
// that is a folder. Throws Error(`kind`) naming the path and the reason.
void check_writable(const std::string& path, ErrorKind kind = ErrorKind::usage);

// The folder of exports: it is created if missing, and a file can be created in it.
void check_writable_folder(const std::string& dir, ErrorKind kind = ErrorKind::usage);

}  // namespace bnlab
