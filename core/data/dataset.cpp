// What this file is: load_data, the one entry point from a DataConfig to a train/test split:
// pick the loader, apply train_limit / test_limit, then normalize.
#include "core/data/dataset.h"

#include <Eigen/Core>
#include <algorithm>
#include <cfloat>
#include <cmath>
#include <filesystem>
#include <functional>
#include <sstream>
#include <string>

#include "core/error.h"

namespace bnlab {
namespace {

// Picks "<dir>/<base>" or "<dir>/<base>.gz". The plain file wins when both exist: it reads
// several times faster, and `gunzip -k` leaves both behind with the same content.
std::string find_idx_file(const std::string& dir, const std::string& base,
                          const std::string& hint) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path plain = fs::path(dir) / base;
  if (fs::is_regular_file(plain, ec)) return plain.string();
  const fs::path gz = fs::path(dir) / (base + ".gz");
  if (fs::is_regular_file(gz, ec)) return gz.string();
  throw data_error(dir + ": no " + base + "[.gz] (" + hint + ")");
}

Dataset load_idx_pair(const std::string& name, const std::string& images_path,
                      const std::string& labels_path) {
  Dataset d;
  d.name = name;
  d.x = read_idx_images(images_path, &d.sample_shape);
  d.y = read_idx_labels(labels_path);
  if (d.x.cols() != static_cast<Eigen::Index>(d.y.size()))
    throw data_error(images_path + " holds " + std::to_string(d.x.cols()) + " images but " +
                     labels_path + " holds " + std::to_string(d.y.size()) + " labels");
  return d;
}

DataSplit load_idx(const DataConfig& cfg) {
  const std::string hint = cfg.dataset == "fashion-mnist"
                               ? "install Debian's dataset-fashion-mnist, or set data.dir"
                               : "put the MNIST IDX files there, or set data.dir";
  const auto path = [&](const char* base) { return find_idx_file(cfg.dir, base, hint); };
  // Look all four up before reading any, so a missing file is reported without a long read.
  const std::string train_images = path("train-images-idx3-ubyte");
  const std::string train_labels = path("train-labels-idx1-ubyte");
  const std::string test_images = path("t10k-images-idx3-ubyte");
  const std::string test_labels = path("t10k-labels-idx1-ubyte");
  DataSplit s{load_idx_pair(cfg.dataset, train_images, train_labels),
              load_idx_pair(cfg.dataset, test_images, test_labels)};
  if (!(s.train.sample_shape == s.test.sample_shape))
    throw data_error(test_images + ": images are " + s.test.sample_shape.str() + " but " +
                     train_images + " has " + s.train.sample_shape.str());
  int max_label = 0;
  for (const Dataset* d : {&s.train, &s.test})
    for (int label : d->y) max_label = std::max(max_label, label);
  s.train.classes = s.test.classes = std::max(10, max_label + 1);
  return s;
}

// Keeps the first `count` examples of `d`: rows of the file, so the split stays reproducible.
void take_first(Dataset& d, int count) {
  if (d.size() <= count) return;
  d.x.conservativeResize(Eigen::NoChange, count);
  d.y.resize(count);
}

DataSplit load_csv(const DataConfig& cfg) {
  if (cfg.path.empty()) throw config_error("config: data.path: required for dataset csv");
  DataSplit s;
  s.train = read_csv(cfg.path);
  if (!cfg.test_path.empty()) {
    s.test = read_csv(cfg.test_path);
    if (s.test.x.rows() != s.train.x.rows())
      throw data_error(cfg.test_path + ": rows have " + std::to_string(s.test.x.rows()) +
                       " features but " + cfg.path + " has " + std::to_string(s.train.x.rows()));
  } else {
    const int n = s.train.size();
    if (n < 2)
      throw data_error(cfg.path +
                       ": only 1 row; the test set needs one more (or set data.test_path)");
    const int test_n = std::max(1, n / 5);  // the last 20% of rows
    s.test.sample_shape = s.train.sample_shape;
    s.test.classes = s.train.classes;
    s.test.x = s.train.x.rightCols(test_n);
    s.test.y.assign(s.train.y.end() - test_n, s.train.y.end());
    take_first(s.train, n - test_n);
  }
  // Both sets come from one label space: a class seen only in the test set still has an output.
  s.train.classes = s.test.classes = std::max(s.train.classes, s.test.classes);
  return s;
}

// z-score each feature (row) with the training set's mean and biased std, in double so 60000
// sums of pixel values keep their precision and ±3·10^38 minus its mean does not overflow. A
// value the training statistics put beyond a float (a test value 10^60 standard deviations out)
// is refused: `where(test, j)` names example j of a split ("d.csv: data row 12").
void standardize(DataSplit& s, const std::function<std::string(bool, Eigen::Index)>& where) {
  const Matrix& x = s.train.x;  // (features, examples)
  const auto n = static_cast<double>(x.cols());
  Eigen::VectorXd mean = Eigen::VectorXd::Zero(x.rows());  // (features)
  for (Eigen::Index j = 0; j < x.cols(); ++j) mean += x.col(j).cast<double>();
  mean /= n;
  Eigen::VectorXd var = Eigen::VectorXd::Zero(x.rows());  // (features)
  for (Eigen::Index j = 0; j < x.cols(); ++j)
    var += (x.col(j).cast<double>() - mean).array().square().matrix();
  var /= n;
  // A constant feature (an always-black border pixel) would divide by 0: leave its scale.
  const Eigen::VectorXd scale = var.unaryExpr([](double v) { return v > 0 ? 1.0 / std::sqrt(v) : 1.0; });  // (features)
  for (Dataset* d : {&s.train, &s.test}) {
    Matrix& m = d->x;  // (features, examples)
    for (Eigen::Index j = 0; j < m.cols(); ++j)
      for (Eigen::Index r = 0; r < m.rows(); ++r) {
        const double z = (static_cast<double>(m(r, j)) - mean(r)) * scale(r);
        if (!(std::fabs(z) <= FLT_MAX)) {
          std::ostringstream what;
          what.precision(3);
          what << ", column " << r + 1 << ": " << m(r, j) << " is " << z << " standard deviations from the training mean ("
               << mean(r) << ", std " << 1.0 / scale(r) << "): beyond a 32-bit float once standardized";
          throw data_error(where(d == &s.test, j) + what.str());
        }
        m(r, j) = static_cast<float>(z);
      }
  }
}

}  // namespace

DataSplit load_data(const DataConfig& cfg, uint64_t seed) {
  // Checked before any loading so a typo fails at once, not after reading 60 MB.
  if (cfg.normalize != "scale" && cfg.normalize != "standardize" && cfg.normalize != "none")
    throw config_error("config: data.normalize: unknown value '" + cfg.normalize +
                       "' (expected scale, standardize, none)");
  if (cfg.train_limit < 0)
    throw config_error("config: data.train_limit: must be >= 0, got " +
                       std::to_string(cfg.train_limit));
  if (cfg.test_limit < 0)
    throw config_error("config: data.test_limit: must be >= 0, got " +
                       std::to_string(cfg.test_limit));

  DataSplit s;
  const bool idx = cfg.dataset == "fashion-mnist" || cfg.dataset == "mnist";
  int csv_train_rows = 0;  // rows of cfg.path before the test rows that follow them
  if (idx) {
    s = load_idx(cfg);
  } else if (cfg.dataset == "csv") {
    s = load_csv(cfg);
    csv_train_rows = s.train.size();
  } else if (is_generated_dataset(cfg.dataset)) {
    if (cfg.n < 2)
      throw config_error("config: data.n: must be at least 2 (the test set has n/2), got " +
                         std::to_string(cfg.n));
    // A fixed constant moves the test set to its own stream of the same distribution.
    s.train = make_generated(cfg.dataset, cfg.n, cfg.noise, seed);
    s.test = make_generated(cfg.dataset, cfg.n / 2, cfg.noise, seed ^ 0x5bd1e9955bd1e995ull);
  } else {
    throw config_error(
        "config: data.dataset: unknown dataset '" + cfg.dataset +
        "' (expected fashion-mnist, mnist, csv, spiral, circles, xor, gaussians, moons)");
  }
  s.train.name = s.test.name = cfg.dataset;

  if (cfg.train_limit > 0) take_first(s.train, cfg.train_limit);
  if (cfg.test_limit > 0) take_first(s.test, cfg.test_limit);

  // "scale" maps the IDX pixel range 0..255 onto 0..1. CSV and generated features have no
  // known range, so for them "scale" leaves the values as they are (use "standardize").
  if (cfg.normalize == "scale" && idx) {
    s.train.x /= 255.0f;  // divided, not multiplied by 1/255, to match torchvision's ToTensor
    s.test.x /= 255.0f;
  } else if (cfg.normalize == "standardize") {
    standardize(s, [&](bool test, Eigen::Index j) {
      const std::string row = std::to_string(j + 1 + (test && cfg.test_path.empty() ? csv_train_rows : 0));
      if (cfg.dataset != "csv") return cfg.dataset + ": " + (test ? "test" : "training") + " example " + std::to_string(j + 1);
      return (test && !cfg.test_path.empty() ? cfg.test_path : cfg.path) + ": data row " + row;
    });
  }
  return s;
}

}  // namespace bnlab
