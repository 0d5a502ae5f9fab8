// What this file is: the CSV harness. The input is a CSV file loaded as a dataset would be
// (load_data: the reader, the 80/20 split, each normalization). What loads must be usable for
// training: every value finite, every label a class, the split's shapes agreeing.
#include <cmath>
#include <cstdint>

#include "core/data/dataset.h"
#include "fuzz_input.h"

using namespace bnlab;

namespace {

void check_loaded(const DataSplit& s, const std::string& normalize) {
  const std::string how = "load_data(csv, normalize " + normalize + "): ";
  for (const Dataset* d : {&s.train, &s.test}) {
    if (d->size() == 0 || d->x.cols() != d->size() || d->x.rows() != s.train.x.rows() ||
        d->x.rows() != d->sample_shape.size())
      fuzz::fail(how + std::to_string(d->x.rows()) + "x" + std::to_string(d->x.cols()) + " values for " +
                 std::to_string(d->size()) + " labels of shape " + d->sample_shape.str());
    if (!d->x.allFinite()) fuzz::fail(how + "a value that is not finite was loaded");
    for (int label : d->y)
      if (label < 0 || label >= d->classes)
        fuzz::fail(how + "label " + std::to_string(label) + " outside " + std::to_string(d->classes) + " classes");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  DataConfig cfg;
  cfg.dataset = "csv";
  cfg.path = fuzz::write_input(data, size, "input.csv");
  for (const char* normalize : {"none", "standardize"}) {
    cfg.normalize = normalize;
    fuzz::expect_only_bnlab_errors([&] { check_loaded(load_data(cfg, 1), normalize); });
  }
  return 0;
}
