// What this file is: a network built from the config's blocks, laid out exactly as the
// equivalent torch.nn.Sequential (DESIGN.md "Checkpoints"), so layer i is module i.
// Per block: [Flatten] op [BatchNorm] [activation] [BatchNorm after activation] [pool] [Dropout].
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/io/config.h"
#include "core/layers/batch_norm.h"
#include "core/layers/layer.h"

namespace bnlab {

struct Dataset;

// Where a block's parts sit in the layer list (-1: absent).
struct BlockLayers {
  int flatten = -1, op = -1, norm = -1, activation = -1, pool = -1, dropout = -1;
  Shape in_shape, out_shape;
};

// A parameter or buffer with its checkpoint name, "{index}.weight".
struct NamedParam {
  std::string name;
  Param param;
};
struct NamedBuffer {
  std::string name;
  Buffer buffer;
};

class Model {
 public:
  // Throws a config error naming the block when the blocks do not fit the input or the classes.
  Model(const ModelConfig& cfg, Shape input_shape, int classes, uint64_t seed);

  const Tensor& forward(const Tensor& x, Mode mode);  // (classes, batch)
  void backward(const Tensor& grad_out);
  void zero_grad();

  std::vector<NamedParam> named_params();
  std::vector<Param> params();  // the same, unnamed, for the optimizer
  std::vector<NamedBuffer> named_buffers();
  std::vector<BatchNorm*> batch_norms();

  // The paper's Algorithm 2: population statistics from one pass over `train` in file order.
  void collect_population(const Dataset& train, int batch_size);

  // Warnings raised since the last call (e.g. a BN layer that saw one value per channel).
  std::vector<std::string> take_warnings();

  const std::vector<std::unique_ptr<Layer>>& layers() const { return layers_; }
  const std::vector<BlockLayers>& blocks() const { return blocks_; }
  const ModelConfig& config() const { return cfg_; }
  Shape input_shape() const { return input_shape_; }
  int classes() const { return classes_; }
  int64_t parameter_count();

 private:
  ModelConfig cfg_;
  Shape input_shape_;
  int classes_;
  std::vector<std::unique_ptr<Layer>> layers_;
  std::vector<BlockLayers> blocks_;
  std::vector<std::string> warnings_;
  std::vector<bool> warned_degenerate_;  // per layer, so a warning is raised once
};

}  // namespace bnlab
