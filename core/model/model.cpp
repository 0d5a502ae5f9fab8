// What this file is: building a Model from its config, and the passes over its layers.
#include "core/model/model.h"

#include "core/data/dataset.h"
#include "core/error.h"
#include "core/layers/activation.h"
#include "core/layers/batch_norm.h"
#include "core/layers/conv2d.h"
#include "core/layers/dense.h"
#include "core/layers/dropout.h"
#include "core/layers/flatten.h"
#include "core/layers/pool2d.h"
#include "core/layers/sample_norm.h"
#include "core/model/footprint.h"
#include "core/model/init.h"

namespace bnlab {
namespace {

ActivationKind activation_kind(const std::string& name) {
  if (name == "sigmoid") return ActivationKind::sigmoid;
  if (name == "tanh") return ActivationKind::tanh;
  if (name == "relu") return ActivationKind::relu;
  return ActivationKind::leaky_relu;
}

// What a norm that normalizes groups of one value is told: its block, why, and what to change.
std::string one_value_warning(const ModelConfig& cfg, const std::vector<BlockLayers>& blocks, size_t layer,
                              const Norm& norm) {
  const std::string where = "layer " + std::to_string(layer) + " (" + norm.kind() + ")";
  if (norm.norm_kind() == NormKind::batch)
    return where + " saw one value per channel: its variance is 0 and its output is beta; use a batch size of at least 2";
  size_t block = 0;
  while (block + 1 < blocks.size() && blocks[block].norm != static_cast<int>(layer)) ++block;
  const BlockConfig& b = cfg.blocks[block];
  const Shape shape = norm.output().shape;  // the norm's input and output shape
  const std::string units = b.op == "dense" ? "units" : "channels";
  std::string advice;
  if (norm.norm_kind() == NormKind::layer) {
    advice = b.op == "dense" ? "give the block more than 1 unit" : "give the block more than one value per sample";
  } else if (norm.norm_kind() == NormKind::group && shape.spatial() == 1 && b.op == "dense") {
    advice = "use fewer groups: " + std::to_string(b.groups) + " groups of " + std::to_string(shape.c) + " " + units +
             " leave one unit in each";
  } else if (norm.norm_kind() == NormKind::group) {
    advice = "each group is one channel of a 1×1 map; use fewer groups, or larger maps (less pooling or stride before it)";
  } else {
    advice = "its maps are 1×1, so each channel has one value per sample; use larger maps (less pooling or "
             "stride before it) or another norm";
  }
  return "block " + std::to_string(block + 1) + ", " + where +
         " normalizes groups of one value: their variance is 0, so its output is beta whatever the input and no "
         "gradient passes through it; " + advice;
}

}  // namespace

Model::Model(const ModelConfig& cfg, Shape input_shape, int classes, uint64_t seed)
    : cfg_(cfg), input_shape_(input_shape), classes_(classes) {
  // Every shape is formed and the parameters counted before any layer allocates: a config error
  // names the block that does not fit.
  model_footprint(cfg, input_shape, classes, nullptr);
  Rng rng(seed);
  Shape shape = input_shape;
  auto add = [&](std::unique_ptr<Layer> layer) {
    shape = layer->output_shape(shape);
    layers_.push_back(std::move(layer));
    return static_cast<int>(layers_.size()) - 1;
  };
  for (size_t i = 0; i < cfg.blocks.size(); ++i) {
    const BlockConfig& b = cfg.blocks[i];
    BlockLayers bl;
    bl.in_shape = shape;
    const bool normed = b.norm != NormKind::none;
    const bool norm_first = normed && cfg.bn.position == "before_activation";
    const bool op_bias = op_keeps_bias(b, cfg.bn);
    int fan_in = 0, fan_out = 0;
    if (b.op == "dense") {
      if (shape.is_image()) bl.flatten = add(std::make_unique<Flatten>());
      bl.op = add(std::make_unique<Dense>(static_cast<int>(shape.size()), b.units, op_bias));
      fan_in = layers_[bl.op]->params()[0].shape[1];
      fan_out = b.units;
    } else {
      const int k = b.kernel;
      bl.op = add(std::make_unique<Conv2d>(shape, b.channels, k, b.stride, b.padding, op_bias));
      fan_in = bl.in_shape.c * k * k;
      fan_out = b.channels * k * k;
    }
    // The bias is drawn even when a norm makes it redundant and it is thrown away, so the random
    // stream, and with it every later block's weights, is the same with BN on or off.
    std::vector<Param> op_params = layers_[bl.op]->params();
    std::vector<float> unused_bias(op_params.size() > 1 ? 0 : shape.c);  // (out channels)
    float* bias = op_params.size() > 1 ? op_params[1].value : unused_bias.data();
    const int64_t bias_size = op_params.size() > 1 ? op_params[1].size : static_cast<int64_t>(unused_bias.size());
    init_weights(cfg.init, fan_in, fan_out, op_params[0].value, op_params[0].size, bias, bias_size, rng);

    auto add_norm = [&] {
      if (b.norm == NormKind::batch) bl.norm = add(std::make_unique<BatchNorm>(shape, cfg.bn.momentum, cfg.bn.eps, cfg.bn.affine));
      else bl.norm = add(std::make_unique<SampleNorm>(b.norm, shape, b.groups, cfg.bn.eps, cfg.bn.affine));
    };
    if (norm_first) add_norm();
    if (b.activation != "none") bl.activation = add(std::make_unique<Activation>(activation_kind(b.activation)));
    if (normed && !norm_first) add_norm();
    if (b.pool.type != "none") {
      bl.pool = add(std::make_unique<Pool2d>(shape, b.pool.type == "avg" ? PoolType::avg : PoolType::max, b.pool.size));
    }
    if (b.dropout > 0.0f) bl.dropout = add(std::make_unique<Dropout>(b.dropout, seed * 7919 + i + 1));
    bl.out_shape = shape;
    blocks_.push_back(bl);
  }
  warned_degenerate_.assign(layers_.size(), false);
  bn_with_activation_.assign(layers_.size(), false);
  bn_with_pool_.assign(layers_.size(), false);
  for (const BlockLayers& bl : blocks_) {
    if (bl.norm < 0 || bl.activation != bl.norm + 1 || !dynamic_cast<BatchNorm*>(layers_[bl.norm].get())) continue;
    bn_with_activation_[bl.norm] = true;
    bn_with_pool_[bl.norm] = bl.pool == bl.activation + 1;
  }
  while (first_trained_ < layers_.size() && layers_[first_trained_]->params().empty()) ++first_trained_;
  if (first_trained_ < layers_.size()) layers_[first_trained_]->set_input_grad(false);
}

const Tensor& Model::forward(const Tensor& x, Mode mode, Taps taps) {
  const Tensor* h = &x;
  for (size_t i = 0; i < layers_.size(); ++i) {
    if (bn_with_activation_[i]) {
      auto& act = static_cast<Activation&>(*layers_[i + 1]);
      auto* pool = bn_with_pool_[i] ? &static_cast<Pool2d&>(*layers_[i + 2]) : nullptr;
      h = &static_cast<BatchNorm&>(*layers_[i]).forward_activated(*h, mode, &act, pool, taps);
    } else {
      h = &layers_[i]->forward(*h, mode);
    }
    if (mode == Mode::train) {
      auto* norm = dynamic_cast<Norm*>(layers_[i].get());
      if (norm && norm->degenerate() && !warned_degenerate_[i]) {
        warned_degenerate_[i] = true;
        warnings_.push_back(one_value_warning(cfg_, blocks_, i, *norm));
      }
    }
    if (bn_with_activation_[i]) i += bn_with_pool_[i] ? 2 : 1;  // the activation's and pool's outputs are written
  }
  return *h;
}

void Model::backward(const Tensor& grad_out) {
  const Tensor* g = &grad_out;
  auto bn = [&](size_t i) -> BatchNorm& { return static_cast<BatchNorm&>(*layers_[i]); };
  auto act = [&](size_t i) { return &static_cast<const Activation&>(*layers_[i]); };
  for (size_t i = layers_.size(); i-- > first_trained_;) {
    // A BatchNorm's activation, and the pool after it, are differentiated in the BN's passes.
    if (i >= 2 && bn_with_pool_[i - 2]) {
      g = &bn(i - 2).backward_activated(*g, act(i - 1), &static_cast<const Pool2d&>(*layers_[i]));
      i -= 2;
    } else if (i >= 1 && bn_with_activation_[i - 1]) {
      g = &bn(i - 1).backward_activated(*g, act(i));
      i -= 1;
    } else {
      g = &layers_[i]->backward(*g);
    }
  }
}

void Model::zero_grad() {
  for (auto& l : layers_) l->zero_grad();
}

std::vector<NamedParam> Model::named_params() {
  std::vector<NamedParam> out;
  for (size_t i = 0; i < layers_.size(); ++i)
    for (Param& p : layers_[i]->params()) out.push_back({std::to_string(i) + "." + p.name, p});
  return out;
}

std::vector<Param> Model::params() {
  std::vector<Param> out;
  for (auto& l : layers_)
    for (Param& p : l->params()) out.push_back(p);
  return out;
}

std::vector<NamedBuffer> Model::named_buffers() {
  std::vector<NamedBuffer> out;
  for (size_t i = 0; i < layers_.size(); ++i)
    for (Buffer& b : layers_[i]->buffers()) out.push_back({std::to_string(i) + "." + b.name, b});
  return out;
}

std::vector<Norm*> Model::norms() {
  std::vector<Norm*> out;
  for (const BlockLayers& b : blocks_)
    if (b.norm >= 0) out.push_back(norm(b));
  return out;
}

Norm* Model::norm(const BlockLayers& b) const {
  return b.norm >= 0 ? static_cast<Norm*>(layers_[b.norm].get()) : nullptr;
}

int64_t Model::parameter_count() {
  int64_t n = 0;
  for (const Param& p : params()) n += p.size;
  return n;
}

void Model::collect_population(const Dataset& train, int batch_size, const std::atomic<bool>* cancel) {
  const auto all = norms();
  for (Norm* n : all) n->begin_population();
  BatchStream stream(train, batch_size, /*shuffle=*/false, 0);
  Tensor x;
  std::vector<int> y;
  for (int b = 0; b < stream.batches_per_epoch(); ++b) {
    if (cancel && cancel->load(std::memory_order_relaxed)) break;
    stream.next(x, y);
    forward(x, Mode::collect_population);
  }
  for (Norm* n : all) n->finish_population();
}

BlockTaps Model::taps(int block) const {
  const BlockLayers& b = blocks_[block];
  BlockTaps t;
  t.z = &layers_[b.op]->output();
  t.normalized = b.norm >= 0 ? &layers_[b.norm]->output() : t.z;
  t.activated = b.activation >= 0 ? &layers_[b.activation]->output() : t.normalized;
  return t;
}

void copy_shared_weights(Model& from, Model& to) {
  const size_t n = std::min(from.blocks().size(), to.blocks().size());
  for (size_t i = 0; i < n; ++i) {
    const BlockLayers& a = from.blocks()[i];
    const BlockLayers& b = to.blocks()[i];
    std::vector<Param> pa = from.layer(a.op).params(), pb = to.layer(b.op).params();
    for (size_t k = 0; k < std::min(pa.size(), pb.size()); ++k)
      if (pa[k].name == pb[k].name && pa[k].shape == pb[k].shape) std::copy(pa[k].value, pa[k].value + pa[k].size, pb[k].value);
    if (pb.size() > pa.size()) std::fill(pb[1].value, pb[1].value + pb[1].size, 0.0f);  // a bias a norm made redundant
    Norm* na = from.norm(a);
    Norm* nb = to.norm(b);
    if (!na || !nb) continue;
    // Each takes what has its own size: γ, β between BN, GN and IN, or LN and LN; running
    // statistics between BNs of the same channels.
    nb->set_affine(na->gamma(), na->beta());
    if (auto running = na->running()) nb->set_running(*running);
  }
}

std::vector<std::string> Model::take_warnings() {
  std::vector<std::string> out;
  out.swap(warnings_);
  return out;
}

}  // namespace bnlab
