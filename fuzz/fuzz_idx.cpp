// What this file is: the IDX harness. The input is one IDX file (images or labels, plain or
// gzip: the reader takes both through one path) read as images and as labels; of the two,
// the magic number lets at most one succeed. Built twice: fuzz_idx mutates the file's bytes,
// fuzz_idx_gz (with gzip_mutator.cpp) the IDX bytes inside a gzip stream.
#include <cstdint>

#include "core/data/dataset.h"
#include "fuzz_input.h"

using namespace bnlab;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = fuzz::write_input(data, size, "input-idx3-ubyte");
  fuzz::expect_only_bnlab_errors([&] {
    Shape shape{0, 0, 0};
    const Matrix x = read_idx_images(path, &shape);  // (pixels, images)
    if (x.rows() != static_cast<Eigen::Index>(shape.c) * shape.h * shape.w || x.cols() == 0)
      fuzz::fail("read_idx_images: " + std::to_string(x.rows()) + "x" + std::to_string(x.cols()) +
                 " values for images of shape " + shape.str());
    if (x.minCoeff() < 0.0f || x.maxCoeff() > 255.0f) fuzz::fail("read_idx_images: a pixel outside 0..255");
  });
  fuzz::expect_only_bnlab_errors([&] {
    if (read_idx_labels(path).empty()) fuzz::fail("read_idx_labels: no labels and no error");
  });
  return 0;
}
