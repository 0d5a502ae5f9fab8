// What this file is: AtomicFile, on POSIX calls (open, write, fsync, rename), because the C++
// streams can neither fsync nor say which OS error stopped them.
#include "core/io/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace bnlab {
namespace fs = std::filesystem;

namespace {

std::string folder_of(const std::string& path) {
  const fs::path parent = fs::path(path).parent_path();
  return parent.empty() ? std::string(".") : parent.string();
}

// fsync of the folder makes the rename durable. Some file systems cannot fsync a folder (EINVAL):
// the rename itself has happened, so that is not a failed save.
int sync_folder(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return errno;
  const int r = ::fsync(fd) == 0 || errno == EINVAL || errno == EROFS ? 0 : errno;
  ::close(fd);
  return r;
}

}  // namespace

AtomicFile::AtomicFile(std::string path, ErrorKind kind) : path_(std::move(path)), tmp_(path_ + ".tmp"), kind_(kind) {
  std::error_code ec;
  if (fs::is_directory(path_, ec)) throw Error(kind_, path_ + ": cannot write it: it is a folder");
  fd_ = ::open(tmp_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd_ < 0) {
    const int e = errno;
    throw Error(kind_, path_ + ": cannot write it: cannot create " + tmp_ + ": " + std::strerror(e));
  }
}

AtomicFile::~AtomicFile() {
  if (fd_ < 0) return;
  ::close(fd_);
  ::unlink(tmp_.c_str());
}

void AtomicFile::fail(const std::string& what, int os_error) {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  ::unlink(tmp_.c_str());
  throw Error(kind_, path_ + ": cannot write it: " + what + ": " + std::strerror(os_error));
}

void AtomicFile::write(const void* bytes, size_t n) {
  if (fd_ < 0) throw Error(ErrorKind::internal, path_ + ": written after commit");
  const char* p = static_cast<const char*>(bytes);
  while (n > 0) {
    const ssize_t w = ::write(fd_, p, n);
    const int e = w < 0 ? errno : ENOSPC;  // read before anything else may change errno
    if (w < 0 && e == EINTR) continue;
    if (w <= 0) fail("writing " + tmp_, e);
    p += w;
    n -= static_cast<size_t>(w);
  }
}

void AtomicFile::commit() {
  if (fd_ < 0) throw Error(ErrorKind::internal, path_ + ": committed twice");
  if (::fsync(fd_) != 0) {
    const int e = errno;
    fail("flushing " + tmp_ + " to disk", e);
  }
  const int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) {
    const int e = errno;
    ::unlink(tmp_.c_str());
    throw Error(kind_, path_ + ": cannot write it: closing " + tmp_ + ": " + std::strerror(e));
  }
  if (::rename(tmp_.c_str(), path_.c_str()) != 0) {
    const int e = errno;
    ::unlink(tmp_.c_str());
    throw Error(kind_, path_ + ": cannot write it: renaming " + tmp_ + " into place: " + std::strerror(e));
  }
  if (const int e = sync_folder(folder_of(path_)))
    throw Error(kind_, path_ + ": written, but its folder could not be flushed to disk: " + std::strerror(e));
}

void write_file_atomically(const std::string& path, std::string_view contents) {
  AtomicFile f(path);
  f.write(contents);
  f.commit();
}

void check_writable(const std::string& path, ErrorKind kind) {
  if (path.empty()) throw Error(kind, "an output path is empty");
  AtomicFile probe(path, kind);  // its destructor removes the temporary again
}

void check_writable_folder(const std::string& dir, ErrorKind kind) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw Error(kind, dir + ": cannot create this folder: " + ec.message());
  const std::string probe = (fs::path(dir) / ".bnlab-write-check.tmp").string();
  const int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd < 0) {
    const int e = errno;
    throw Error(kind, dir + ": cannot write files in this folder: " + std::strerror(e));
  }
  ::close(fd);
  ::unlink(probe.c_str());
}

}  // namespace bnlab
