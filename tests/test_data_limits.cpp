// What this file is: hostile data files (#10, defect 6). An IDX header is checked against what
// its file can hold before any buffer is made (a gzip bomb claimed 10⁷ images and ran to 4.1 GB);
// CSV data is finite as 32-bit floats after loading, or refused naming the line and column; a
// first row holding a number is never dropped as a header; standardize cannot overflow.
#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "test_paths.h"
#include "core/data/dataset.h"
#include "core/error.h"
#include "expect_error.h"

namespace bnlab {
namespace {

namespace fs = std::filesystem;

class DataLimits : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("bnlab_data_limits_" + std::to_string(::getpid()) + "_" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  // An IDX images header (n, rows, cols) followed by `payload` zero bytes, plain or gzipped.
  std::string write_idx(const std::string& name, uint32_t n, uint32_t rows, uint32_t cols, size_t payload, bool gz) {
    std::vector<uint8_t> bytes;
    for (uint32_t v : {0x803u, n, rows, cols})
      for (int shift = 24; shift >= 0; shift -= 8) bytes.push_back(static_cast<uint8_t>(v >> shift));
    bytes.resize(bytes.size() + payload, 0);
    const std::string p = path(name);
    if (gz) {
      gzFile f = gzopen(p.c_str(), "wb9");
      gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size()));
      gzclose(f);
    } else {
      std::ofstream(p, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    }
    return p;
  }
  std::string write_text(const std::string& name, const std::string& text) {
    std::ofstream(path(name)) << text;
    return path(name);
  }

  fs::path dir_;
};

// Runs f, which must throw an Error with exit code `code` whose message contains every word.
TEST_F(DataLimits, AnIdxHeaderIsCheckedAgainstThePlainFilesSize) {
  // 300,000 images of 28×28 announced, 1,000 bytes there.
  const std::string p = write_idx("big-idx3-ubyte", 300000, 28, 28, 1000, false);
  expect_error([&] { read_idx_images(p, nullptr); }, 3, {p, "235200000 bytes", "the file holds 1000"});
}

TEST_F(DataLimits, AGzipBombIsRefusedBeforeItIsDecompressed) {
  // 300,000 images announced in a gzip file of a few kilobytes: deflate expands at most 1032:1,
  // so the file cannot hold them, and nothing is decompressed to find out.
  const std::string p = write_idx("bomb-idx3-ubyte.gz", 300000, 28, 28, 4 << 20, true);
  ASSERT_LT(fs::file_size(p), 100000u);
  expect_error([&] { read_idx_images(p, nullptr); }, 3, {p, "235200000 bytes", "at most"});
  // The bomb claimed 10⁷ images: past the limit on values, whatever the file.
  const std::string big = write_idx("claim-idx3-ubyte.gz", 10000000, 28, 28, 4 << 20, true);
  expect_error([&] { read_idx_images(big, nullptr); }, 3, {big, "7840000000 bytes", "limit"});
  // What it can hold is read, and still reported short.
  const std::string q = write_idx("short-idx3-ubyte.gz", 10, 28, 28, 5000, true);
  expect_error([&] { read_idx_images(q, nullptr); }, 3, {q, "truncated", "got 5000"});
  // An honest gzip file still reads.
  const std::string ok = write_idx("ok-idx3-ubyte.gz", 300, 28, 28, 300 * 784, true);
  EXPECT_EQ(read_idx_images(ok, nullptr).cols(), 300);
}

TEST_F(DataLimits, AnIdxFileLargerThanTheLimitIsRefusedFromItsHeader) {
  const std::string p = write_idx("huge-idx3-ubyte", 9000000, 64, 64, 0, false);
  expect_error([&] { read_idx_images(p, nullptr); }, 3, {p, "limit"});
}

TEST_F(DataLimits, CsvValuesBeyondAFloatAreRefusedNamingLineAndColumn) {
  const std::string f = write_text("big.csv", "1,2,0\n3,1e39,1\n");
  expect_error([&] { read_csv(f); }, 3, {f, "line 2", "column 2", "1e39"});
  const std::string g = write_text("neg.csv", "1,2,0\n-3.5e38,1,1\n");
  expect_error([&] { read_csv(g); }, 3, {g, "line 2", "column 1"});
  const std::string h = write_text("inf.csv", "x,y,label\n1,2,0\n1,inf,1\n");
  expect_error([&] { read_csv(h); }, 3, {h, "line 3", "column 2", "inf"});
}

// h-fuzz's finding: -7·10¹²⁷ on row 7 loaded as -inf.
TEST_F(DataLimits, FuzzFindingCsvFloatOverflow) {
  const std::string f = std::string(BNLAB_TEST_DATA_DIR) + "/fuzz/csv-float-overflow.csv";
  expect_error([&] { read_csv(f); }, 3, {f, "line 7", "column 2", "beyond a 32-bit float"});
}

TEST_F(DataLimits, AFirstRowWithANumberIsDataNotAHeader) {
  // 'nan' is a number (not a header word), and then refused as not finite.
  const std::string f = write_text("nan.csv", "nan,1.5,0\n1,2,1\n3,4,0\n");
  expect_error([&] { read_csv(f); }, 3, {f, "line 1", "column 1", "nan"});
  // A header with one number-like name is refused, not dropped with the data it might be.
  const std::string g = write_text("mixed.csv", "x,2,label\n1,2,1\n");
  expect_error([&] { read_csv(g); }, 3, {g, "line 1", "'x'"});
  // A header is a row in which nothing is a number.
  const std::string h = write_text("header.csv", "x, y ,label\n1,2,1\n3,4,0\n");
  const Dataset d = read_csv(h);
  EXPECT_EQ(d.size(), 2);
  EXPECT_EQ(d.x(1, 1), 4.0f);
}

TEST_F(DataLimits, StandardizeDoesNotOverflow) {
  // ±3·10³⁸ are floats, but their difference is not.
  std::string text;
  for (int i = 0; i < 10; ++i) text += std::string(i % 4 ? "3e38" : "-3e38") + "," + std::to_string(i) + "," + std::to_string(i % 2) + "\n";
  DataConfig cfg;
  cfg.dataset = "csv";
  cfg.path = write_text("wide.csv", text);
  cfg.normalize = "standardize";
  const DataSplit s = load_data(cfg, 1);
  ASSERT_TRUE(s.train.x.allFinite());
  ASSERT_TRUE(s.test.x.allFinite());
  const double mean = s.train.x.row(0).cast<double>().mean();
  EXPECT_NEAR(mean, 0.0, 1e-5);
  EXPECT_NEAR((s.train.x.row(0).cast<double>().array() - mean).square().mean(), 1.0, 1e-5);
}

TEST_F(DataLimits, StandardizedValuesBeyondAFloatAreRefusedNamingExampleAndColumn) {
  // The training rows vary by 10⁻³⁰; the test row is 10³⁰ away: 10⁶⁰ standard deviations.
  DataConfig cfg;
  cfg.dataset = "csv";
  cfg.path = write_text("train.csv", "0,1,0\n1e-30,2,1\n0,3,0\n1e-30,4,1\n");
  cfg.test_path = write_text("test.csv", "1,1,0\n1e30,2,1\n");
  cfg.normalize = "standardize";
  expect_error([&] { load_data(cfg, 1); }, 3, {cfg.test_path, "row 2", "column 1"});
}

}  // namespace
}  // namespace bnlab
