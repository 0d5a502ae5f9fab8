// What this file is: the IDX reader (MNIST / Fashion-MNIST files, gzip or plain).
// Format: 4-byte magic 0x0000 TT DD (TT = 0x08 for uint8, DD = the number of dimensions),
// DD big-endian uint32 sizes, then the data in row-major order.
// The header is checked against what the file can hold before any buffer is made: a plain file
// must have the bytes it announces, and a gzip file cannot expand more than deflate's 1032:1 (a
// 2 MB file claiming 10^7 images once decompressed to a 4.1 GB peak before "truncated"). Then
// the data is read in chunks, so memory grows only with data actually decoded.
#include <zlib.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "core/data/dataset.h"
#include "core/error.h"

namespace bnlab {
namespace {

constexpr uint32_t kImagesMagic = 0x00000803;  // uint8, 3 dimensions (n, rows, cols)
constexpr uint32_t kLabelsMagic = 0x00000801;  // uint8, 1 dimension (n)
constexpr uint64_t kMaxExamples = 10'000'000;
constexpr uint64_t kMaxPixels = uint64_t{1} << 20;
// The values of one file: 1 GiB once they are floats (Fashion-MNIST's training set has 47·10^6).
constexpr uint64_t kMaxValues = uint64_t{1} << 28;
// Deflate cannot expand more than 1032:1 (zlib's FAQ), so a gzip file of n bytes holds at most
// 1032·n bytes of data.
constexpr uint64_t kMaxDeflateRatio = 1032;

// gzopen/gzread read plain files transparently, so one code path serves .gz and raw files.
class GzFile {
 public:
  explicit GzFile(const std::string& path) : path_(path), f_(gzopen(path.c_str(), "rb")) {
    if (!f_) throw data_error(path + ": cannot open: " + std::strerror(errno ? errno : ENOENT));
    gzbuffer(f_, 1 << 18);  // fewer syscalls on a 26 MB file
  }
  ~GzFile() { gzclose(f_); }
  GzFile(const GzFile&) = delete;
  GzFile& operator=(const GzFile&) = delete;

  // Whether the file is gzip-compressed (zlib reads a plain file through): valid after a read.
  bool compressed() const { return gzdirect(f_) == 0; }

  // Reads up to `n` bytes into `out`, stopping early only at end of file.
  uint64_t read(uint8_t* out, uint64_t n) {
    uint64_t got = 0;
    while (got < n) {
      const unsigned chunk = static_cast<unsigned>(std::min<uint64_t>(n - got, 1u << 30));
      const int r = gzread(f_, out + got, chunk);
      if (r < 0) {
        int code = 0;
        const char* msg = gzerror(f_, &code);
        throw data_error(path_ + ": read error: " + (code == Z_ERRNO ? std::strerror(errno) : msg));
      }
      if (r == 0) break;
      got += static_cast<uint64_t>(r);
    }
    return got;
  }

 private:
  std::string path_;
  gzFile f_;
};

uint32_t big_endian(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}

std::string hex(uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08x", v);
  return buf;
}

// Reads an IDX file of `dims` dimensions whose magic must be `magic`; `what` names the
// payload in messages ("pixel data", "label data"). Returns the sizes and fills `bytes`.
std::vector<uint64_t> read_idx(const std::string& path, uint32_t magic, int dims, const char* what,
                               std::vector<uint8_t>& bytes) {
  GzFile f(path);
  std::array<uint8_t, 4> head{};
  const uint64_t got_magic = f.read(head.data(), 4);
  if (got_magic < 4)
    throw data_error(path + ": truncated: no IDX header (file has " + std::to_string(got_magic) +
                     " bytes)");
  if (big_endian(head.data()) != magic)
    throw data_error(path + ": bad magic number " + hex(big_endian(head.data())) + " (expected " +
                     hex(magic) + ")");

  std::vector<uint8_t> size_bytes(4 * static_cast<size_t>(dims));
  if (f.read(size_bytes.data(), size_bytes.size()) < size_bytes.size())
    throw data_error(path + ": truncated: header ends inside the dimension sizes");
  std::vector<uint64_t> sizes(dims);
  for (int d = 0; d < dims; ++d) {
    sizes[d] = big_endian(&size_bytes[4 * static_cast<size_t>(d)]);
    if (sizes[d] == 0) throw data_error(path + ": dimension " + std::to_string(d) + " is 0");
  }
  if (sizes[0] > kMaxExamples)
    throw data_error(path + ": " + std::to_string(sizes[0]) +
                     " examples is more than the limit of " + std::to_string(kMaxExamples));
  uint64_t per_example = 1;
  for (int d = 1; d < dims; ++d) per_example *= sizes[d];  // each size < 2^32, at most 2 of them
  if (per_example > kMaxPixels)
    throw data_error(path + ": " + std::to_string(per_example) +
                     " values per example is more than the limit of " + std::to_string(kMaxPixels));

  const uint64_t expected = sizes[0] * per_example;  // < 2^24 · 2^20: no overflow
  if (expected > kMaxValues)
    throw data_error(path + ": " + std::to_string(sizes[0]) + " examples of " + std::to_string(per_example) + " values (" +
                     std::to_string(expected) + " bytes of " + what + ") is more than the limit of " +
                     std::to_string(kMaxValues));
  std::error_code ec;
  const uint64_t file_size = std::filesystem::file_size(path, ec);
  const uint64_t header = 4 + size_bytes.size();
  if (ec) throw data_error(path + ": cannot read its size: " + ec.message());
  if (!f.compressed() && expected > file_size - header)
    throw data_error(path + ": truncated: expected " + std::to_string(expected) + " bytes of " + what +
                     ", the file holds " + std::to_string(file_size - header) + " after its header");
  if (f.compressed() && expected + header > file_size * kMaxDeflateRatio)
    throw data_error(path + ": its header announces " + std::to_string(expected) + " bytes of " + what +
                     ", more than a gzip file of " + std::to_string(file_size) + " bytes can hold (at most " +
                     std::to_string(file_size * kMaxDeflateRatio) + " once decompressed)");

  // Grow while reading rather than trusting the header with one big allocation: a gzip file
  // that holds less than it claims then ends in "truncated", having taken only what it holds.
  constexpr uint64_t kChunk = uint64_t{1} << 24;
  bytes.clear();
  uint64_t have = 0;
  while (have < expected) {
    const uint64_t want = std::min(kChunk, expected - have);
    bytes.resize(have + want);
    const uint64_t got = f.read(bytes.data() + have, want);
    have += got;
    if (got < want) break;
  }
  if (have < expected)
    throw data_error(path + ": truncated: expected " + std::to_string(expected) + " bytes of " +
                     what + ", got " + std::to_string(have));
  uint8_t extra = 0;
  if (f.read(&extra, 1) != 0)
    throw data_error(path + ": trailing data after the " + std::to_string(expected) + " bytes of " +
                     what + " that the header announces");
  return sizes;
}

}  // namespace

Matrix read_idx_images(const std::string& path, Shape* sample_shape) {
  std::vector<uint8_t> bytes;
  const std::vector<uint64_t> s = read_idx(path, kImagesMagic, 3, "pixel data", bytes);
  const auto n = static_cast<Eigen::Index>(s[0]);
  const auto pixels = static_cast<Eigen::Index>(s[1] * s[2]);
  if (sample_shape) *sample_shape = Shape{1, static_cast<int>(s[1]), static_cast<int>(s[2])};
  // Image i's pixels are contiguous in the file, so the bytes already are a column-major
  // (pixels, n) matrix.
  using ByteMatrix = Eigen::Matrix<uint8_t, Eigen::Dynamic, Eigen::Dynamic>;
  return Eigen::Map<const ByteMatrix>(bytes.data(), pixels, n).cast<float>();  // (pixels, n)
}

std::vector<int> read_idx_labels(const std::string& path) {
  std::vector<uint8_t> bytes;
  read_idx(path, kLabelsMagic, 1, "label data", bytes);
  return std::vector<int>(bytes.begin(), bytes.end());
}

}  // namespace bnlab
