// What this file is: a libFuzzer custom mutator for fuzz_idx_gz. Random edits of a gzip stream
// mostly break its deflate blocks, so they test zlib more than bnlab. This one inflates the
// input, lets libFuzzer edit the IDX bytes inside, and deflates them again; one time in eight it
// edits the compressed bytes themselves, so damaged streams and tails are still tried.
#include <zlib.h>

#include <cstdint>
#include <cstring>
#include <vector>

extern "C" size_t LLVMFuzzerMutate(uint8_t* data, size_t size, size_t max_size);

namespace {

constexpr size_t kMaxInflated = size_t{1} << 20;

// The gzip member's content, up to kMaxInflated bytes; empty when it is not gzip at all.
std::vector<uint8_t> inflate_gzip(const uint8_t* data, size_t size) {
  std::vector<uint8_t> out(kMaxInflated);
  z_stream z{};
  if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) return {};
  z.next_in = const_cast<uint8_t*>(data);
  z.avail_in = static_cast<uInt>(size);
  z.next_out = out.data();
  z.avail_out = static_cast<uInt>(out.size());
  const int r = inflate(&z, Z_FINISH);
  out.resize(r == Z_STREAM_END || r == Z_BUF_ERROR ? z.total_out : 0);
  inflateEnd(&z);
  return out;
}

// `plain` as one gzip member; empty when it does not fit `max_size`.
std::vector<uint8_t> deflate_gzip(const uint8_t* plain, size_t size, size_t max_size) {
  z_stream z{};
  if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK) return {};
  std::vector<uint8_t> out(deflateBound(&z, size));
  z.next_in = const_cast<uint8_t*>(plain);
  z.avail_in = static_cast<uInt>(size);
  z.next_out = out.data();
  z.avail_out = static_cast<uInt>(out.size());
  const bool done = deflate(&z, Z_FINISH) == Z_STREAM_END;
  out.resize(done ? z.total_out : 0);
  deflateEnd(&z);
  return out.size() <= max_size ? out : std::vector<uint8_t>{};
}

}  // namespace

extern "C" size_t LLVMFuzzerCustomMutator(uint8_t* data, size_t size, size_t max_size, unsigned seed) {
  if (seed % 8 == 0) return LLVMFuzzerMutate(data, size, max_size);
  std::vector<uint8_t> plain = inflate_gzip(data, size);
  const size_t plain_size = plain.size();
  plain.resize(kMaxInflated);
  const size_t mutated = LLVMFuzzerMutate(plain.data(), plain_size, kMaxInflated);
  const std::vector<uint8_t> gz = deflate_gzip(plain.data(), mutated, max_size);
  if (gz.empty()) return LLVMFuzzerMutate(data, size, max_size);
  std::memcpy(data, gz.data(), gz.size());
  return gz.size();
}
