// What this file is: building the LibTorch twin of a bnlab network (model.cpp's Model
// constructor, block for block) and moving parameters between the two.
#include "torch_net.h"

#include <stdexcept>

#include "core/error.h"
#include "core/layers/activation.h"

namespace bnlab {
namespace {

Error untranslated(const std::string& field, const std::string& value, const std::string& known) {
  return config_error(field + " = '" + value + "' is not translated to LibTorch (only " + known + ")");
}

torch::nn::AnyModule activation(const std::string& name) {
  if (name == "sigmoid") return torch::nn::AnyModule(torch::nn::Sigmoid());
  if (name == "tanh") return torch::nn::AnyModule(torch::nn::Tanh());
  if (name == "relu") return torch::nn::AnyModule(torch::nn::ReLU());
  return torch::nn::AnyModule(
      torch::nn::LeakyReLU(torch::nn::LeakyReLUOptions().negative_slope(Activation::leaky_slope)));
}

// bnlab's layers map a (features, batch) column-major matrix: its memory is PyTorch's
// (batch, features) row-major tensor, so a Param's values are PyTorch's tensor of `shape`.
torch::Tensor as_tensor(float* values, const std::vector<int64_t>& shape) { return torch::from_blob(values, shape); }

}  // namespace

void check_translatable(const Config& cfg) {
  if (cfg.train.optimizer != "sgd") throw untranslated("train.optimizer", cfg.train.optimizer, "sgd");
  if (cfg.train.loss != "cross_entropy") throw untranslated("train.loss", cfg.train.loss, "cross_entropy");
  for (size_t i = 0; i < cfg.model.blocks.size(); ++i) {
    const BlockConfig& b = cfg.model.blocks[i];
    const std::string at = "model.blocks[" + std::to_string(i) + "].";
    if (b.op != "dense" && b.op != "conv") throw untranslated(at + "op", b.op, "dense, conv");
    if (b.norm != NormKind::none && b.norm != NormKind::batch)
      throw untranslated(at + "norm", norm_name(b.norm), "batch, none");
    const std::string& a = b.activation;
    if (a != "none" && a != "sigmoid" && a != "tanh" && a != "relu" && a != "leaky_relu")
      throw untranslated(at + "activation", a, "none, sigmoid, tanh, relu, leaky_relu");
    if (b.pool.type != "none" && (b.op != "conv" || (b.pool.type != "avg" && b.pool.type != "max")))
      throw untranslated(at + "pool.type", b.pool.type, "avg and max after a conv");
    if (b.dropout > 0.0f) throw untranslated(at + "dropout", std::to_string(b.dropout), "0");
  }
}

torch::nn::Sequential make_torch_net(const ModelConfig& model, Shape input) {
  namespace nn = torch::nn;
  nn::Sequential net;
  Shape shape = input;
  for (const BlockConfig& b : model.blocks) {
    const bool bias = op_keeps_bias(b, model.bn);
    if (b.op == "dense") {
      if (shape.is_image()) net->push_back(nn::Flatten());
      net->push_back(nn::Linear(nn::LinearOptions(shape.size(), b.units).bias(bias)));
      shape = {b.units, 1, 1};
    } else {
      net->push_back(
          nn::Conv2d(nn::Conv2dOptions(shape.c, b.channels, b.kernel).stride(b.stride).padding(b.padding).bias(bias)));
      shape = {b.channels, (shape.h + 2 * b.padding - b.kernel) / b.stride + 1,
               (shape.w + 2 * b.padding - b.kernel) / b.stride + 1};
    }
    auto add_norm = [&] {
      if (b.norm != NormKind::batch) return;
      const double momentum = model.bn.momentum, eps = model.bn.eps;
      if (b.op == "dense")
        net->push_back(
            nn::BatchNorm1d(nn::BatchNorm1dOptions(shape.c).momentum(momentum).eps(eps).affine(model.bn.affine)));
      else
        net->push_back(
            nn::BatchNorm2d(nn::BatchNorm2dOptions(shape.c).momentum(momentum).eps(eps).affine(model.bn.affine)));
    };
    const bool norm_first = model.bn.position == "before_activation";
    if (norm_first) add_norm();
    if (b.activation != "none") net->push_back(activation(b.activation));
    if (!norm_first) add_norm();
    if (b.pool.type == "max") net->push_back(nn::MaxPool2d(nn::MaxPool2dOptions(b.pool.size)));
    if (b.pool.type == "avg") net->push_back(nn::AvgPool2d(nn::AvgPool2dOptions(b.pool.size)));
    if (b.pool.type != "none") shape = {shape.c, shape.h / b.pool.size, shape.w / b.pool.size};
  }
  return net;
}

torch::optim::SGDOptions torch_sgd_options(const TrainConfig& train) {
  // bnlab's SGD is PyTorch's: dampening 0, no Nesterov, decay added to the gradient.
  return torch::optim::SGDOptions(train.lr).momentum(train.momentum).weight_decay(train.weight_decay);
}

void copy_parameters(Model& from, torch::nn::Sequential& to) {
  torch::NoGradGuard no_grad;
  auto params = to->named_parameters();
  auto buffers = to->named_buffers();
  auto copy = [](torch::OrderedDict<std::string, torch::Tensor>& dict, const std::string& name, float* values,
                 const std::vector<int64_t>& shape) {
    torch::Tensor* t = dict.find(name);
    if (!t || t->sizes() != torch::IntArrayRef(shape))
      throw std::runtime_error("bnlab_vs_libtorch: bnlab's " + name + " has no LibTorch counterpart of its shape");
    t->copy_(as_tensor(values, shape));
  };
  size_t copied = 0;
  for (NamedParam& p : from.named_params()) copy(params, p.name, p.param.value, p.param.shape), ++copied;
  if (copied != params.size())
    throw std::runtime_error("bnlab_vs_libtorch: LibTorch's net has " + std::to_string(params.size()) +
                             " parameter tensors, bnlab's " + std::to_string(copied));
  for (NamedBuffer& b : from.named_buffers()) copy(buffers, b.name, b.buffer.value, {b.buffer.size});
}

double max_parameter_difference(Model& a, torch::nn::Sequential& b) {
  auto params = b->named_parameters();
  double worst = 0.0;
  for (NamedParam& p : a.named_params()) {
    const torch::Tensor* t = params.find(p.name);
    if (!t) throw std::runtime_error("bnlab_vs_libtorch: bnlab's " + p.name + " has no LibTorch counterpart");
    worst = std::max(worst, (t->detach() - as_tensor(p.param.value, p.param.shape)).abs().max().item<double>());
  }
  return worst;
}

}  // namespace bnlab
