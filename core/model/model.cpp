// What this file is: building a Model from its config, and the passes over its layers.
#include "core/model/model.h"

#include "core/data/dataset.h"
#include "core/error.h"
#include "core/layers/activation.h"
#include "core/layers/conv2d.h"
#include "core/layers/dense.h"
#include "core/layers/dropout.h"
#include "core/layers/flatten.h"
#include "core/layers/pool2d.h"
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
    const bool bn = b.norm == "batch";
    const bool bn_first = bn && cfg.bn.position == "before_activation";
    int fan_in = 0, fan_out = 0;
    if (b.op == "dense") {
      if (shape.is_image()) bl.flatten = add(std::make_unique<Flatten>());
      bl.op = add(std::make_unique<Dense>(static_cast<int>(shape.size()), b.units, !bn_first));
      fan_in = layers_[bl.op]->params()[0].shape[1];
      fan_out = b.units;
    } else {
      const int k = b.kernel;
      bl.op = add(std::make_unique<Conv2d>(shape, b.channels, k, b.stride, b.padding, !bn_first));
      fan_in = bl.in_shape.c * k * k;
      fan_out = b.channels * k * k;
    }
    // The bias is drawn even when BN makes it redundant and it is thrown away, so the random
    // stream, and with it every later block's weights, is the same with BN on or off.
    std::vector<Param> op_params = layers_[bl.op]->params();
    std::vector<float> unused_bias(op_params.size() > 1 ? 0 : shape.c);  // (out channels)
    float* bias = op_params.size() > 1 ? op_params[1].value : unused_bias.data();
    const int64_t bias_size = op_params.size() > 1 ? op_params[1].size : static_cast<int64_t>(unused_bias.size());
    init_weights(cfg.init, fan_in, fan_out, op_params[0].value, op_params[0].size, bias, bias_size, rng);

    auto add_norm = [&] { bl.norm = add(std::make_unique<BatchNorm>(shape, cfg.bn.momentum, cfg.bn.eps, cfg.bn.affine)); };
    if (bn_first) add_norm();
    if (b.activation != "none") bl.activation = add(std::make_unique<Activation>(activation_kind(b.activation)));
    if (bn && !bn_first) add_norm();
    if (b.pool.type != "none") {
      bl.pool = add(std::make_unique<Pool2d>(shape, b.pool.type == "avg" ? PoolType::avg : PoolType::max, b.pool.size));
    }
    if (b.dropout > 0.0f) bl.dropout = add(std::make_unique<Dropout>(b.dropout, seed * 7919 + i + 1));
    bl.out_shape = shape;
    blocks_.push_back(bl);
  }
  warned_degenerate_.assign(layers_.size(), false);
  while (first_trained_ < layers_.size() && layers_[first_trained_]->params().empty()) ++first_trained_;
  if (first_trained_ < layers_.size()) layers_[first_trained_]->set_input_grad(false);
}

const Tensor& Model::forward(const Tensor& x, Mode mode) {
  const Tensor* h = &x;
  for (size_t i = 0; i < layers_.size(); ++i) {
    h = &layers_[i]->forward(*h, mode);
    if (mode == Mode::train) {
      auto* bn = dynamic_cast<BatchNorm*>(layers_[i].get());
      if (bn && bn->degenerate() && !warned_degenerate_[i]) {
        warned_degenerate_[i] = true;
        warnings_.push_back("layer " + std::to_string(i) + " (" + bn->kind() +
                            ") saw one value per channel: its variance is 0 and its output is beta; "
                            "use a batch size of at least 2");
      }
    }
  }
  return *h;
}

void Model::backward(const Tensor& grad_out) {
  const Tensor* g = &grad_out;
  for (size_t i = layers_.size(); i-- > first_trained_;) g = &layers_[i]->backward(*g);
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

std::vector<BatchNorm*> Model::batch_norms() {
  std::vector<BatchNorm*> out;
  for (auto& l : layers_)
    if (auto* bn = dynamic_cast<BatchNorm*>(l.get())) out.push_back(bn);
  return out;
}

int64_t Model::parameter_count() {
  int64_t n = 0;
  for (const Param& p : params()) n += p.size;
  return n;
}

void Model::collect_population(const Dataset& train, int batch_size, const std::atomic<bool>* cancel) {
  const auto bns = batch_norms();
  for (BatchNorm* bn : bns) bn->begin_population();
  BatchStream stream(train, batch_size, /*shuffle=*/false, 0);
  Tensor x;
  std::vector<int> y;
  for (int b = 0; b < stream.batches_per_epoch(); ++b) {
    if (cancel && cancel->load(std::memory_order_relaxed)) break;
    stream.next(x, y);
    forward(x, Mode::collect_population);
  }
  for (BatchNorm* bn : bns) bn->finish_population();
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
    if (pb.size() > pa.size()) std::fill(pb[1].value, pb[1].value + pb[1].size, 0.0f);  // a bias BN made redundant
    if (a.norm < 0 || b.norm < 0) continue;
    auto& na = static_cast<BatchNorm&>(from.layer(a.norm));
    auto& nb = static_cast<BatchNorm&>(to.layer(b.norm));
    if (na.channels() != nb.channels()) continue;
    if (na.affine() && nb.affine()) {
      nb.gamma_ = na.gamma_;
      nb.beta_ = na.beta_;
    }
    nb.running_mean_ = na.running_mean_;
    nb.running_var_ = na.running_var_;
    nb.num_batches_tracked_ = na.num_batches_tracked_;
  }
}

std::vector<std::string> Model::take_warnings() {
  std::vector<std::string> out;
  out.swap(warnings_);
  return out;
}

}  // namespace bnlab
