// What this file is: datasets in memory and the batches drawn from them.
// Loaders: IDX (MNIST / Fashion-MNIST, gzip or plain), CSV (last column the label), and the
// generated 2-D sets spiral, circles, xor, gaussians, moons. Every bad file ends in an
// Error(ErrorKind::data) that names the file and what is wrong with it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/io/config.h"
#include "core/rng.h"
#include "core/tensor.h"

namespace bnlab {

struct Dataset {
  std::string name;
  Matrix x;            // (features, examples): column i is example i, C-major
  std::vector<int> y;  // (examples): class labels in [0, classes)
  Shape sample_shape;  // (1, 28, 28) for MNIST-format images, (features) otherwise
  int classes = 0;
  int size() const { return static_cast<int>(y.size()); }
};

struct DataSplit {
  Dataset train, test;
};

// Loads and normalizes as `cfg` says; generated sets draw from `seed`.
DataSplit load_data(const DataConfig& cfg, uint64_t seed);

// IDX files: magic 0x00000803 (images, uint8) or 0x00000801 (labels, uint8), big-endian sizes.
// Returns images as (rows*cols, n) floats 0..255, unnormalized.
Matrix read_idx_images(const std::string& path, Shape* sample_shape);
std::vector<int> read_idx_labels(const std::string& path);

// The other loaders behind load_data, public so the tests can reach them directly.
// CSV: numeric features then an integer label >= 0 per row; a first row holding any
// non-number is a header. sample_shape is (features); classes is max label + 1.
Dataset read_csv(const std::string& path);
// Generated 2-D sets (spiral, circles, xor, gaussians, moons): n points with labels
// alternating 0, 1, 0, ... so the classes are balanced; sample_shape (2).
bool is_generated_dataset(const std::string& name);
Dataset make_generated(const std::string& name, int n, float noise, uint64_t seed);

// Mini-batches over a dataset. Shuffled with a seeded RNG each epoch, or in file order;
// the last incomplete batch of an epoch is dropped either way, so every batch has `batch_size`.
class BatchStream {
 public:
  BatchStream(const Dataset& data, int batch_size, bool shuffle, uint64_t seed);
  // Fills the next batch; moves to the next epoch when the current one is used up.
  void next(Tensor& x, std::vector<int>& y);
  int epoch() const { return epoch_; }                 // epochs completed
  int batches_per_epoch() const { return per_epoch_; }
  int position() const { return cursor_; }             // batches taken in this epoch

 private:
  void start_epoch();
  const Dataset& data_;
  int batch_size_;
  bool shuffle_;
  Rng rng_;
  std::vector<int> order_;
  int per_epoch_ = 0, cursor_ = 0, epoch_ = 0;
};

}  // namespace bnlab
