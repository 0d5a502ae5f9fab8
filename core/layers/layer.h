// What this file is: the interface every layer implements.
// forward(input, mode) returns the output and keeps what backward needs as named members;
// backward(grad_out) returns the gradient with respect to the input and accumulates parameter
// gradients. Outputs and gradients live in member buffers reused from step to step, so a
// steady-state training step does not allocate.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/tensor.h"

namespace bnlab {

// How a forward pass treats batch-dependent layers (BN, dropout).
enum class Mode {
  train,             // BN: batch statistics, running statistics updated; dropout active
  infer_running,     // BN: running statistics (PyTorch's eval())
  infer_batch,       // BN: the current batch's statistics, nothing updated
  infer_population,  // BN: population statistics collected by collect_population
  collect_population // BN: batch statistics, and each batch's mean and biased var accumulated
};

inline bool is_training(Mode m) { return m == Mode::train; }

// Whether a forward stores what only the probes read: a norm's output y when an activation
// follows it, and the activation's output when a pool follows that (the pool takes each run
// while it is in cache, and backward makes it again from the norm's input). A training step that
// no probe looks at skips them, which saves full-size writes and reads (issue 13); the results
// are the same floats either way.
enum class Taps { kept, skipped };

// A view of one parameter tensor, so an optimizer is one short loop over spans.
struct Param {
  std::string name;            // "weight" or "bias", as PyTorch names them
  float* value = nullptr;
  float* grad = nullptr;
  int64_t size = 0;
  std::vector<int64_t> shape;  // PyTorch's shape, for checkpoints
  bool is_weight = false;      // the op's weight matrix (not a bias, γ or β)
};

// A non-trained tensor saved in checkpoints (BN running statistics).
struct Buffer {
  std::string name;  // "running_mean", "running_var"
  float* value = nullptr;
  int64_t size = 0;
};

class Layer {
 public:
  virtual ~Layer() = default;
  virtual const Tensor& forward(const Tensor& x, Mode mode) = 0;
  virtual const Tensor& backward(const Tensor& grad_out) = 0;
  virtual Shape output_shape(Shape in) const = 0;
  virtual std::string kind() const = 0;  // PyTorch's module name: "Linear", "BatchNorm1d", ...
  virtual std::vector<Param> params() { return {}; }
  virtual std::vector<Buffer> buffers() { return {}; }
  virtual void zero_grad() {}
  // The output of the last forward, for probes.
  const Tensor& output() const { return out_; }
  // The first layer with parameters need not compute the gradient of the network's input:
  // backward then only accumulates parameter gradients (as PyTorch skips inputs without
  // requires_grad), and returns an empty tensor.
  void set_input_grad(bool needed) { input_grad_ = needed; }

 protected:
  bool input_grad_ = true;
  Tensor out_;      // (out_features, batch)
  Tensor grad_in_;  // (in_features, batch)
};

}  // namespace bnlab
