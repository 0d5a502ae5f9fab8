// What this file is: checkpoints as safetensors files (an 8-byte little-endian header length,
// a JSON header, then raw little-endian tensor data), holding the state_dict() of the
// equivalent torch.nn.Sequential, so PyTorch's load_state_dict(strict=True) accepts them.
// The config rides along in __metadata__["bnlab_config"].
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/io/config.h"

namespace bnlab {

class Model;

struct StoredTensor {
  std::string dtype;            // "F32" or "I64"
  std::vector<int64_t> shape;
  std::vector<float> f32;       // when dtype is F32
  std::vector<int64_t> i64;     // when dtype is I64
};

struct SafeTensors {
  std::map<std::string, StoredTensor> tensors;
  std::map<std::string, std::string> metadata;
};

// Raw file I/O. Writes go through AtomicFile (a temporary beside the file, fsync'ed and renamed
// into place), so a crash or a kill never leaves half a checkpoint. Reading validates the header (length, JSON, dtypes, shapes, offsets within the
// file) and throws Error(data) naming the file.
void write_safetensors(const std::string& path, const SafeTensors& st);
SafeTensors read_safetensors(const std::string& path);

// Model <-> checkpoint. load_checkpoint checks every name and shape against the model and
// throws Error(data) naming the first tensor that is missing, unexpected or of the wrong shape.
void save_checkpoint(const std::string& path, Model& model, const Config& config);
void load_checkpoint(const std::string& path, Model& model);

}  // namespace bnlab
