// What this file is: the checkpoint harness. The input is a safetensors file, read as
// `bnlab eval --weights` and `train --init` read it and loaded into one small model with every
// kind of tensor a checkpoint holds (a conv, BN with running statistics and its int64 count, a
// dense layer, a bias), and into a model with LayerNorm, GroupNorm and InstanceNorm2d: the seeds
// in corpus/checkpoint were saved from these models. A file that
// reads must be what the format allows: its tensors cover its data bytes exactly.
#include <cstdint>
#include <cstring>

#include "core/io/checkpoint.h"
#include "core/model/model.h"
#include "fuzz_input.h"

using namespace bnlab;

namespace {

// The model of fuzz/corpus/checkpoint (fuzz/README.md says how the seeds were made).
Model& fuzz_model() {
  static Model* model = [] {
    const auto j = nlohmann::json::parse(R"({
      "model": {"blocks": [
        {"op": "conv", "channels": 2, "kernel": 3, "norm": "batch", "activation": "relu", "pool": {"type": "max", "size": 2}},
        {"op": "dense", "units": 4, "norm": "batch", "activation": "sigmoid"},
        {"op": "dense", "units": 10}]}})");
    return new Model(parse_config(j).model, Shape{1, 8, 8}, 10, 1);
  }();
  return *model;
}

// The model of corpus/checkpoint/tiny8_norms_before.safetensors: GroupNorm and InstanceNorm2d
// after convs, LayerNorm and GroupNorm after dense ops (fuzz/corpus/config/tiny8_norms_before.json).
Model& norms_model() {
  static Model* model = [] {
    const auto j = nlohmann::json::parse(R"({
      "model": {"blocks": [
        {"op": "conv", "channels": 4, "kernel": 3, "padding": 1, "norm": "group", "groups": 2, "activation": "relu", "pool": {"type": "avg", "size": 2}},
        {"op": "conv", "channels": 4, "kernel": 3, "padding": 1, "norm": "instance", "activation": "tanh"},
        {"op": "dense", "units": 6, "norm": "layer", "groups": 3, "activation": "sigmoid"},
        {"op": "dense", "units": 6, "norm": "group", "groups": 3, "activation": "leaky_relu"},
        {"op": "dense", "units": 10}]}})");
    return new Model(parse_config(j).model, Shape{1, 8, 8}, 10, 1);
  }();
  return *model;
}

uint64_t tensor_bytes(const StoredTensor& t) { return t.dtype == "F32" ? t.f32.size() * 4 : t.i64.size() * 8; }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = fuzz::write_input(data, size, "input.safetensors");
  fuzz::expect_only_bnlab_errors([&] {
    const SafeTensors st = read_safetensors(path);
    uint64_t header = 0;
    std::memcpy(&header, data, 8);  // read_safetensors checked that it is there
    uint64_t covered = 0;
    for (const auto& [name, t] : st.tensors) {
      uint64_t count = 1;
      for (int64_t d : t.shape) count *= static_cast<uint64_t>(d);
      if (count != (t.dtype == "F32" ? t.f32.size() : t.i64.size()))
        fuzz::fail("tensor '" + name + "' holds " + std::to_string(tensor_bytes(t)) + " bytes, not what its shape says");
      covered += tensor_bytes(t);
    }
    if (covered != size - 8 - header)
      fuzz::fail("the tensors cover " + std::to_string(covered) + " of the file's " + std::to_string(size - 8 - header) +
                 " data bytes: the format asks for exactly all of them");
  });
  fuzz::expect_only_bnlab_errors([&] { load_checkpoint(path, fuzz_model()); });
  fuzz::expect_only_bnlab_errors([&] { load_checkpoint(path, norms_model()); });
  return 0;
}
