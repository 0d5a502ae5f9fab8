// What this file is: a network built from the config's blocks, laid out exactly as the
// equivalent torch.nn.Sequential (DESIGN.md "Checkpoints"), so layer i is module i.
// Per block: [Flatten] op [norm] [activation] [norm after activation] [pool] [Dropout], where the
// norm is BatchNorm, LayerNorm, GroupNorm or InstanceNorm2d (core/layers/norm.h).
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "core/io/config.h"
#include "core/layers/layer.h"
#include "core/layers/norm.h"

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

// The three probe taps of a block after a forward: the op's output z (pre-norm), the
// normalized value (the norm's output; z when the block has no norm), and the activation's
// output (the normalized value when the block has no activation). With the norm after the
// activation, "normalized" is the norm's output and "activated" the activation's, before it.
struct BlockTaps {
  const Tensor* z = nullptr;
  const Tensor* normalized = nullptr;
  const Tensor* activated = nullptr;
};

class Model {
 public:
  // Throws a config error naming the block when the blocks do not fit the input or the classes.
  Model(const ModelConfig& cfg, Shape input_shape, int classes, uint64_t seed);

  // (classes, batch). With Taps::skipped, taps() is not up to date after it.
  const Tensor& forward(const Tensor& x, Mode mode, Taps taps = Taps::kept);
  void backward(const Tensor& grad_out);
  void zero_grad();

  std::vector<NamedParam> named_params();
  std::vector<Param> params();  // the same, unnamed, for the optimizer
  std::vector<NamedBuffer> named_buffers();
  std::vector<Norm*> norms();                   // every block's norm, in order
  Norm* norm(const BlockLayers& block) const;  // null when the block has none

  // The paper's Algorithm 2: population statistics from one pass over `train` in file order.
  void collect_population(const Dataset& train, int batch_size, const std::atomic<bool>* cancel = nullptr);

  // Warnings raised since the last call (e.g. a BN layer that saw one value per channel).
  std::vector<std::string> take_warnings();

  BlockTaps taps(int block) const;
  Layer& layer(int index) { return *layers_[index]; }

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
  size_t first_trained_ = 0;             // backward stops at the first layer with parameters
  // Per layer: a BatchNorm whose activation comes next, computed in the same passes
  // (BatchNorm::forward_activated): one read of z writes y and φ(y); and one whose activation a
  // pool follows, which pools each run of φ(y) while it is in cache, and whose backward takes
  // the pool's gradient run by run, so the activation's full-size gradient is never stored.
  std::vector<bool> bn_with_activation_, bn_with_pool_;
};

// Copies what two models share, block by block: the op's weight (and its bias when both have
// one); the norms' γ and β where they have the same size, and BN's running statistics when both
// blocks have one. Used when the network changes live (a norm switched on, off or to another
// kind): a norm added starts at γ = 1, β = 0 (BN: mean 0, var 1); an op that loses its bias to a
// norm and gets it back gains a zero bias.
void copy_shared_weights(Model& from, Model& to);

}  // namespace bnlab
