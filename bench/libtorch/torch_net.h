// What this file is: a bnlab experiment config translated into LibTorch: the nn::Sequential that
// bnlab's Model builds layer for layer (same order, so the same parameter names "3.weight"), the
// SGD it trains with, and the copy of a bnlab model's parameters into it for the --check mode.
// Only what the benchmark workloads use is translated: dense and conv ops, batch norm (before or
// after the activation), sigmoid/tanh/relu/leaky_relu, max and average pooling, cross-entropy
// and SGD. Anything else is refused by name rather than timed as a different network.
#pragma once

#include <torch/torch.h>

#include <string>

#include "core/io/config.h"
#include "core/model/model.h"
#include "core/tensor.h"

namespace bnlab {

// Throws a config error naming the first field it does not translate.
void check_translatable(const Config& cfg);

// The network of `model` for samples of `input` shape, with LibTorch's own initialization
// (--check overwrites it with bnlab's).
torch::nn::Sequential make_torch_net(const ModelConfig& model, Shape input);

torch::optim::SGDOptions torch_sgd_options(const TrainConfig& train);

// Copies every parameter and BN running statistic of `from` into `to`, matched by name
// ("0.weight", "1.running_mean"); throws when a name or shape has no counterpart, so a
// translation that drifted from bnlab's network is caught rather than silently compared.
void copy_parameters(Model& from, torch::nn::Sequential& to);

// The largest |bnlab − LibTorch| over all parameters, matched by name as copy_parameters does.
double max_parameter_difference(Model& a, torch::nn::Sequential& b);

}  // namespace bnlab
