// What this file is: tests of the dataset loaders and BatchStream: IDX files written here
// (gzip and plain) read back exactly, every bad input named by file and problem, CSV, the
// generated sets, normalization, limits, batch order, and the installed Fashion-MNIST.
#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "core/data/dataset.h"
#include "core/error.h"
#include "expect_error.h"

using namespace bnlab;
namespace fs = std::filesystem;

namespace {

struct TempDir {
  fs::path path;
  TempDir() {
    static int counter = 0;
    path = fs::temp_directory_path() /
           ("bnlab_datasets_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
  std::string operator/(const std::string& name) const { return (path / name).string(); }
};

std::vector<uint8_t> idx_bytes(uint32_t magic, std::vector<uint32_t> dims,
                               std::vector<uint8_t> data) {
  std::vector<uint8_t> b;
  dims.insert(dims.begin(), magic);
  for (uint32_t v : dims)
    for (int shift = 24; shift >= 0; shift -= 8) b.push_back(static_cast<uint8_t>(v >> shift));
  b.insert(b.end(), data.begin(), data.end());
  return b;
}

void write_file(const std::string& path, const std::vector<uint8_t>& bytes, bool gz) {
  if (gz) {
    gzFile f = gzopen(path.c_str(), "wb");
    ASSERT_TRUE(f);
    ASSERT_EQ(gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size())),
              static_cast<int>(bytes.size()));
    gzclose(f);
  } else {
    std::ofstream(path, std::ios::binary)
        .write(reinterpret_cast<const char*>(bytes.data()),
               static_cast<std::streamsize>(bytes.size()));
  }
}

void write_text(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

// n images of rows x cols with pixel k of image i = (i * 37 + k * 13) % 256, labels i % 10.
std::vector<uint8_t> pixels(int n, int rows, int cols) {
  std::vector<uint8_t> p;
  for (int i = 0; i < n; ++i)
    for (int k = 0; k < rows * cols; ++k)
      p.push_back(static_cast<uint8_t>((i * 37 + k * 13) % 256));
  return p;
}
std::vector<uint8_t> labels(int n) {
  std::vector<uint8_t> l;
  for (int i = 0; i < n; ++i) l.push_back(static_cast<uint8_t>(i % 10));
  return l;
}

void write_idx_dir(const TempDir& dir, int train_n, int train_labels_n, int test_n) {
  write_file(dir / "train-images-idx3-ubyte.gz",
             idx_bytes(0x803, {uint32_t(train_n), 2, 3}, pixels(train_n, 2, 3)), true);
  write_file(dir / "train-labels-idx1-ubyte",
             idx_bytes(0x801, {uint32_t(train_labels_n)}, labels(train_labels_n)), false);
  write_file(dir / "t10k-images-idx3-ubyte",
             idx_bytes(0x803, {uint32_t(test_n), 2, 3}, pixels(test_n, 2, 3)), false);
  write_file(dir / "t10k-labels-idx1-ubyte.gz",
             idx_bytes(0x801, {uint32_t(test_n)}, labels(test_n)), true);
}

Dataset counting_set(int n) {  // x = (0, 1, ..., n-1) as one feature, y = the same index
  Dataset d;
  d.x = Matrix(1, n);
  for (int i = 0; i < n; ++i) d.x(0, i) = static_cast<float>(i), d.y.push_back(i);
  d.sample_shape = Shape{1, 1, 1};
  d.classes = n;
  return d;
}

}  // namespace

TEST(Datasets, IdxRoundTripGzipAndPlain) {
  TempDir dir;
  for (bool gz : {true, false}) {
    const std::string images = dir / (gz ? "im.gz" : "im"), lab = dir / (gz ? "lab.gz" : "lab");
    write_file(images, idx_bytes(0x803, {4, 2, 3}, pixels(4, 2, 3)), gz);
    write_file(lab, idx_bytes(0x801, {4}, labels(4)), gz);
    Shape shape;
    const Matrix x = read_idx_images(images, &shape);  // (6, 4)
    EXPECT_EQ(shape, (Shape{1, 2, 3}));
    ASSERT_EQ(x.rows(), 6);
    ASSERT_EQ(x.cols(), 4);
    const std::vector<uint8_t> p = pixels(4, 2, 3);
    for (int i = 0; i < 4; ++i)
      for (int k = 0; k < 6; ++k) EXPECT_EQ(x(k, i), static_cast<float>(p[i * 6 + k]));
    EXPECT_EQ(read_idx_labels(lab), (std::vector<int>{0, 1, 2, 3}));
  }
}

TEST(Datasets, IdxBadFilesNameTheFileAndTheProblem) {
  TempDir dir;
  const std::string f = dir / "bad-idx3-ubyte";
  write_file(f, idx_bytes(0x801, {4, 2, 3}, pixels(4, 2, 3)), false);
  expect_error([&] { read_idx_images(f, nullptr); }, 3, {f, "bad magic", "0x00000801"});
  write_file(f, idx_bytes(0x803, {4, 2, 3}, pixels(3, 2, 3)), false);
  expect_error([&] { read_idx_images(f, nullptr); }, 3,
               {f, "truncated: expected 24 bytes of pixel data, the file holds 18"});
  write_file(f, idx_bytes(0x801, {5}, labels(4)), true);
  expect_error([&] { read_idx_labels(f); }, 3, {f, "truncated", "label data"});
  write_file(f, idx_bytes(0x803, {4, 2, 3}, pixels(5, 2, 3)), true);
  expect_error([&] { read_idx_images(f, nullptr); }, 3, {f, "trailing data"});
  write_file(f, idx_bytes(0x803, {4, 0, 3}, {}), false);
  expect_error([&] { read_idx_images(f, nullptr); }, 3, {f, "dimension 1 is 0"});
  write_file(f, idx_bytes(0x803, {4, 2048, 2048}, {}), false);
  expect_error([&] { read_idx_images(f, nullptr); }, 3, {f, "limit"});
  write_file(f, {0, 0, 8}, false);
  expect_error([&] { read_idx_labels(f); }, 3, {f, "truncated"});
  expect_error([&] { read_idx_labels(dir / "missing"); }, 3, {dir / "missing", "cannot open"});

  // A gzip stream cut short reads as a short file, not as garbage.
  write_file(f, idx_bytes(0x803, {40, 8, 8}, pixels(40, 8, 8)), true);
  fs::resize_file(f, fs::file_size(f) - 40);
  expect_error([&] { read_idx_images(f, nullptr); }, 3, {f, "truncated"});
}

TEST(Datasets, LoadIdxDirectoryWithGzipAndPlainFiles) {
  TempDir dir;
  write_idx_dir(dir, 7, 7, 3);
  DataConfig cfg;
  cfg.dataset = "mnist";
  cfg.dir = dir.path.string();
  const DataSplit s = load_data(cfg, 1);
  EXPECT_EQ(s.train.size(), 7);
  EXPECT_EQ(s.test.size(), 3);
  EXPECT_EQ(s.train.sample_shape, (Shape{1, 2, 3}));
  EXPECT_EQ(s.train.classes, 10);
  EXPECT_EQ(s.test.name, "mnist");
  EXPECT_EQ(s.train.x(5, 6), static_cast<float>((6 * 37 + 5 * 13) % 256) / 255.0f);
  EXPECT_LE(s.train.x.maxCoeff(), 1.0f);

  cfg.train_limit = 4;
  cfg.test_limit = 2;
  cfg.normalize = "none";
  const DataSplit limited = load_data(cfg, 1);
  ASSERT_EQ(limited.train.size(), 4);
  EXPECT_EQ(limited.test.size(), 2);
  EXPECT_EQ(limited.train.x, s.train.x.leftCols(4) * 255.0f);
  EXPECT_EQ(limited.train.y, (std::vector<int>{0, 1, 2, 3}));
}

TEST(Datasets, LoadIdxMismatchedOrMissingFiles) {
  TempDir dir;
  DataConfig cfg;
  cfg.dir = dir.path.string();
  expect_error([&] { load_data(cfg, 1); }, 3,
               {cfg.dir, "train-images-idx3-ubyte[.gz]", "dataset-fashion-mnist"});
  write_idx_dir(dir, 7, 6, 3);
  expect_error([&] { load_data(cfg, 1); }, 3,
               {"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte", "7 images", "6 labels"});
}

TEST(Datasets, CsvWithHeaderBlankLinesAndSplit) {
  TempDir dir;
  std::string text = "a, b ,label\r\n\n";
  for (int i = 0; i < 10; ++i)
    text += std::to_string(i) + ",-" + std::to_string(i) + ".5," + std::to_string(i % 3) + "\r\n";
  write_text(dir / "d.csv", text + "\n  \n");
  DataConfig cfg;
  cfg.dataset = "csv";
  cfg.path = dir / "d.csv";
  const DataSplit s = load_data(cfg, 1);  // "scale" leaves CSV values alone
  ASSERT_EQ(s.train.size(), 8);
  ASSERT_EQ(s.test.size(), 2);
  EXPECT_EQ(s.train.sample_shape, (Shape{2, 1, 1}));
  EXPECT_EQ(s.train.classes, 3);
  EXPECT_EQ(s.test.classes, 3);
  EXPECT_EQ(s.train.x(1, 3), -3.5f);
  EXPECT_EQ(s.test.x(0, 1), 9.0f);
  EXPECT_EQ(s.test.y, (std::vector<int>{2, 0}));

  write_text(dir / "t.csv", "1,2,4\n");
  cfg.test_path = dir / "t.csv";
  const DataSplit with_test = load_data(cfg, 1);
  EXPECT_EQ(with_test.train.size(), 10);
  EXPECT_EQ(with_test.test.size(), 1);
  EXPECT_EQ(with_test.train.classes, 5);
}

TEST(Datasets, CsvBadInputsNameFileLineAndProblem) {
  TempDir dir;
  const std::string f = dir / "bad.csv";
  write_text(f, "1,2,0\n\n1,2\n");
  expect_error([&] { read_csv(f); }, 3, {f, "line 3", "ragged"});
  write_text(f, "x,y,label\n1,2,0\n1,abc,1\n");
  expect_error([&] { read_csv(f); }, 3, {f, "line 3", "non-numeric", "abc"});
  write_text(f, "1,2,0\n1,2,-1\n");
  expect_error([&] { read_csv(f); }, 3, {f, "line 2", "bad label", "-1"});
  write_text(f, "1,2,1.5\n");
  expect_error([&] { read_csv(f); }, 3, {f, "line 1", "bad label"});
  write_text(f, "a,b\n\n");
  expect_error([&] { read_csv(f); }, 3, {f, "no data rows"});
  expect_error([&] { read_csv(dir / "nope.csv"); }, 3, {dir / "nope.csv", "cannot open"});

  DataConfig cfg;
  cfg.dataset = "csv";
  expect_error([&] { load_data(cfg, 1); }, 2, {"config: data.path: required for dataset csv"});
}

TEST(Datasets, UnknownNamesAreConfigErrors) {
  DataConfig cfg;
  cfg.dataset = "cifar";
  expect_error([&] { load_data(cfg, 1); }, 2, {"data.dataset", "'cifar'", "moons"});
  cfg.dataset = "xor";
  cfg.normalize = "minmax";
  expect_error([&] { load_data(cfg, 1); }, 2, {"data.normalize", "'minmax'"});
}

TEST(Datasets, StandardizeUsesTrainStatistics) {
  TempDir dir;
  std::string text;
  for (int i = 0; i < 50; ++i)
    text += std::to_string(1000 + 37 * (i % 7)) + ",0.001,3," + std::to_string(i % 2) + "\n";
  write_text(dir / "s.csv", text);
  DataConfig cfg;
  cfg.dataset = "csv";
  cfg.path = dir / "s.csv";
  cfg.normalize = "standardize";
  const DataSplit s = load_data(cfg, 1);
  const Matrix& x = s.train.x;  // (3, 40)
  for (int r = 0; r < 2; ++r) {
    const double mean = x.row(r).cast<double>().mean();
    const double var = (x.row(r).cast<double>().array() - mean).square().mean();
    EXPECT_NEAR(mean, 0.0, 1e-5) << "feature " << r;
    // The constant feature has std 0: divided by 1, so it stays at 0 rather than NaN.
    EXPECT_NEAR(var, r == 1 ? 0.0 : 1.0, 1e-5) << "feature " << r;
  }
  EXPECT_TRUE(s.test.x.allFinite());
}

TEST(Datasets, BatchStreamInFileOrderDropsTheLastBatch) {
  const Dataset d = counting_set(10);
  BatchStream stream(d, 3, false, 1);
  EXPECT_EQ(stream.batches_per_epoch(), 3);
  Tensor x;
  std::vector<int> y;
  for (int b = 0; b < 3; ++b) {
    stream.next(x, y);
    EXPECT_EQ(y, (std::vector<int>{3 * b, 3 * b + 1, 3 * b + 2}));
    EXPECT_EQ(x.data(0, 2), static_cast<float>(3 * b + 2));
  }
  EXPECT_EQ(stream.epoch(), 0);
  stream.next(x, y);
  EXPECT_EQ(stream.epoch(), 1);
  EXPECT_EQ(stream.position(), 1);
  EXPECT_EQ(y, (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(x.shape, (Shape{1, 1, 1}));
  EXPECT_EQ(x.batch(), 3);

  expect_error([&] { BatchStream(d, 0, false, 1); }, 2, {"train.batch_size", "at least 1"});
  expect_error([&] { BatchStream(d, 11, true, 1); }, 2,
               {"train.batch_size: 11 is larger than the training set (10 examples)"});
}

TEST(Datasets, BatchStreamShuffleIsSeededAndAPermutation) {
  const Dataset d = counting_set(10);
  const auto epochs = [&](uint64_t seed) {
    BatchStream stream(d, 2, true, seed);
    std::vector<std::vector<int>> out(3);
    Tensor x;
    std::vector<int> y;
    for (int e = 0; e < 3; ++e)
      for (int b = 0; b < 5; ++b) {
        stream.next(x, y);
        for (int j = 0; j < 2; ++j) EXPECT_EQ(x.data(0, j), static_cast<float>(y[j]));
        out[e].insert(out[e].end(), y.begin(), y.end());
      }
    return out;
  };
  const auto a = epochs(7);
  EXPECT_EQ(a, epochs(7));
  EXPECT_NE(a, epochs(8));
  EXPECT_NE(a[0], a[1]);
  for (const auto& epoch : a) EXPECT_EQ(std::set<int>(epoch.begin(), epoch.end()).size(), 10u);
}

TEST(Datasets, GeneratedSetsHaveCountsShapesClassesAndSeeds) {
  for (const char* name : {"spiral", "circles", "xor", "gaussians", "moons"}) {
    DataConfig cfg;
    cfg.dataset = name;
    cfg.n = 101;
    const DataSplit s = load_data(cfg, 3);
    EXPECT_EQ(s.train.size(), 101) << name;
    EXPECT_EQ(s.test.size(), 50) << name;
    EXPECT_EQ(s.train.sample_shape, (Shape{2, 1, 1})) << name;
    EXPECT_EQ(s.train.x.rows(), 2) << name;
    EXPECT_EQ(s.train.classes, 2) << name;
    EXPECT_EQ(std::count(s.train.y.begin(), s.train.y.end(), 1), 50) << name;
    EXPECT_EQ(std::count(s.test.y.begin(), s.test.y.end(), 0), 25) << name;
    EXPECT_TRUE(s.train.x.allFinite()) << name;
    EXPECT_EQ(s.train.x, load_data(cfg, 3).train.x) << name;
    EXPECT_NE(s.train.x, load_data(cfg, 4).train.x) << name;
    EXPECT_NE(s.train.x.leftCols(50), s.test.x) << name;
  }
}

TEST(Datasets, FashionMnistFromTheDebianPackage) {
  const std::string dir = "/usr/share/datasets/fashion-mnist";
  if (!fs::is_directory(dir)) return;  // only where Debian's dataset-fashion-mnist is installed
  DataConfig cfg;
  const DataSplit s = load_data(cfg, 1);
  EXPECT_EQ(s.train.size(), 60000);
  EXPECT_EQ(s.test.size(), 10000);
  EXPECT_EQ(s.train.sample_shape, (Shape{1, 28, 28}));
  EXPECT_EQ(s.train.classes, 10);
  EXPECT_LE(s.train.x.maxCoeff(), 1.0f);
  EXPECT_EQ(s.train.x.maxCoeff(), 1.0f);  // some pixel is white
  EXPECT_GE(s.test.x.minCoeff(), 0.0f);
  EXPECT_EQ(*std::max_element(s.test.y.begin(), s.test.y.end()), 9);
}
