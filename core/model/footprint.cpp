// What this file is: model_footprint, the walk over a config's blocks that forms each shape and
// adds up the bytes, in the order Model's constructor builds the layers (model.h), checking the
// budget after every block. What each layer keeps, per example, is in its header: an output
// (out_) at the inference batch, an input gradient (grad_in_) at the training batch, and the
// sample norms' x̂ and dropout's mask beside the output.
#include "core/model/footprint.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/error.h"
#include "core/layers/conv2d.h"
#include "core/layers/pool2d.h"

namespace bnlab {
namespace {

constexpr int64_t kFloat = 4;

// a·b, saturated instead of overflowing: a product this large is refused anyway.
int64_t mul(int64_t a, int64_t b) {
  int64_t r = 0;
  return __builtin_mul_overflow(a, b, &r) ? std::numeric_limits<int64_t>::max() : r;
}
int64_t add(int64_t a, int64_t b) {
  int64_t r = 0;
  return __builtin_add_overflow(a, b, &r) ? std::numeric_limits<int64_t>::max() : r;
}

// The running count of one walk: values per example that live at each batch size, and the
// batch-independent bytes.
struct Tally {
  int64_t parameter_values = 0;  // trained values (the optimizer keeps state for each)
  int64_t fixed_bytes = 0;       // parameters, their gradients, buffers that do not grow with the batch
  int64_t forward_values = 0;    // per example, at the inference batch
  int64_t backward_values = 0;   // per example, at the training batch

  void parameters(int64_t n) {
    parameter_values = add(parameter_values, n);
    fixed_bytes = add(fixed_bytes, mul(2 * kFloat, n));  // value and gradient
  }
};

}  // namespace

std::string bytes_str(int64_t bytes) {
  const double b = static_cast<double>(bytes);
  const bool gib = b >= 1024.0 * 1024 * 1024, mib = b >= 1024.0 * 1024;
  const double v = gib ? b / (1024.0 * 1024 * 1024) : mib ? b / (1024.0 * 1024) : std::max(1.0, b / 1024.0);
  char buf[32];
  std::snprintf(buf, sizeof buf, v == std::floor(v) || !mib ? "%.0f %s" : "%.1f %s", v, gib ? "GiB" : mib ? "MiB" : "KiB");
  return buf;
}

Footprint model_footprint(const ModelConfig& model, Shape input, int classes, const TrainConfig* train) {
  if (model.blocks.empty()) throw config_error("config: model.blocks: at least one block is needed");
  const int batch = train ? std::max(1, train->batch_size) : 1;
  const int inference = train ? std::max(batch, kInferenceBatch) : 1;
  const int optimizer_copies = !train ? 0 : train->optimizer == "sgd" ? 1 : 2;

  Tally t;
  // The input batch: the run's copy of each training batch, and each evaluation batch's.
  t.forward_values = input.size();
  t.backward_values = input.size();
  Footprint f;
  auto tally = [&](int64_t extra_values_at_inference) {
    f.parameters = t.fixed_bytes;
    f.optimizer = mul(mul(kFloat, t.parameter_values), optimizer_copies);
    f.activations = add(mul(kFloat * inference, add(t.forward_values, extra_values_at_inference)),
                        mul(kFloat * batch, t.backward_values));
    return f.total();
  };

  Shape shape = input;
  for (size_t i = 0; i < model.blocks.size(); ++i) {
    const BlockConfig& b = model.blocks[i];
    const std::string where = "config: model.blocks[" + std::to_string(i) + "]";
    const bool normed = b.norm != NormKind::none;
    const bool op_bias = op_keeps_bias(b, model.bn);
    const int64_t in_values = shape.size();
    if (b.op == "dense") {
      if (b.units < 1) throw config_error(where + ".units: must be at least 1, got " + std::to_string(b.units));
      t.parameters(add(mul(in_values, b.units), op_bias ? b.units : 0));
      shape = Shape{b.units, 1, 1};
    } else {
      if (b.channels < 1) throw config_error(where + ".channels: must be at least 1, got " + std::to_string(b.channels));
      if (b.kernel < 1 || b.stride < 1 || b.padding < 0)
        throw config_error(where + ": kernel and stride must be at least 1 and padding at least 0");
      if (!shape.is_image() && shape.size() > 1)
        throw config_error(where + ".op: a conv block needs an image-shaped input, got " + shape.str());
      if (shape.h + 2 * int64_t{b.padding} < b.kernel || shape.w + 2 * int64_t{b.padding} < b.kernel)
        throw config_error(where + ".kernel: " + std::to_string(b.kernel) + " is larger than the padded input " + shape.str());
      const Shape out = conv2d_output_shape(shape, b.channels, b.kernel, b.stride, b.padding);
      const int64_t patch = mul(mul(shape.c, b.kernel), b.kernel);
      t.parameters(add(mul(b.channels, patch), op_bias ? b.channels : 0));
      t.fixed_bytes = add(t.fixed_bytes, mul(2 * kFloat, mul(patch, out.spatial())));  // im2col, col2im
      if (b.stride == 1 && b.padding > 0) {  // Im2col's zero-bordered image and its gradient (im2col.h)
        const int64_t padded = mul(mul(shape.c, add(shape.h, 2 * int64_t{b.padding})), add(shape.w, 2 * int64_t{b.padding}));
        t.fixed_bytes = add(t.fixed_bytes, mul(2 * kFloat, padded));
      }
      shape = out;
    }
    t.forward_values = add(t.forward_values, shape.size());  // the op's output
    t.backward_values = add(t.backward_values, in_values);   // its input gradient
    const int64_t norm_values = normed ? shape.size() : 0;
    if (normed) {
      // A config made in code (a live switch) meets the parser's rules here, before SampleNorm
      // would divide by its groups.
      if (b.norm == NormKind::group && (b.groups < 1 || shape.c % b.groups != 0))
        throw config_error(where + ".groups: " + std::to_string(b.groups) + " does not divide the block's " +
                           std::to_string(shape.c) + (b.op == "dense" ? " units" : " channels"));
      if (b.norm == NormKind::instance && b.op != "conv")
        throw config_error(where + ".norm: instance norm is for conv blocks only");
      if (model.bn.affine) t.parameters(2 * (b.norm == NormKind::layer ? shape.size() : int64_t{shape.c}));
      // Statistics: BN's per channel; the others' per sample and group, at most one per value.
      if (b.norm == NormKind::batch) t.fixed_bytes = add(t.fixed_bytes, mul(12 * kFloat, shape.c));
      else t.forward_values = add(t.forward_values, 3 * std::min<int64_t>(shape.c, norm_values));
      // The output, and x̂ for the sample norms (BatchNorm recomputes its x̂ in backward).
      t.forward_values = add(t.forward_values, (b.norm == NormKind::batch ? 1 : 2) * norm_values);
      t.backward_values = add(t.backward_values, norm_values);
    }
    if (b.activation != "none") {
      t.forward_values = add(t.forward_values, shape.size());
      t.backward_values = add(t.backward_values, shape.size());
    }
    if (b.pool.type != "none") {
      if (!shape.is_image()) throw config_error(where + ".pool: pooling needs an image-shaped input");
      if (b.pool.size < 1 || shape.h < b.pool.size || shape.w < b.pool.size)
        throw config_error(where + ".pool.size: " + std::to_string(b.pool.size) + " is larger than its input " + shape.str());
      const int64_t pooled_in = shape.size();
      shape = pool2d_output_shape(shape, b.pool.size);
      t.forward_values = add(t.forward_values, shape.size() * (b.pool.type == "max" ? 2 : 1));  // output, argmax
      t.backward_values = add(t.backward_values, pooled_in);
    }
    if (b.dropout > 0.0f) {
      t.forward_values = add(t.forward_values, 2 * shape.size());  // output and mask
      t.backward_values = add(t.backward_values, shape.size());
    }
    const bool last = i + 1 == model.blocks.size();
    // The loss keeps the logits' softmax and gradient: (classes, batch) twice.
    if (tally(last ? 2 * int64_t{classes} : 0) > kMemoryBudget) {
      std::string parts = "parameters " + bytes_str(f.parameters);
      if (train) parts += ", " + train->optimizer + " state " + bytes_str(f.optimizer);
      parts += ", layer buffers " + bytes_str(f.activations);
      parts += !train ? " for one example"
               : inference > batch ? " at batch size " + std::to_string(batch) + " and " + std::to_string(inference) + " for evaluation"
                                   : " at batch size " + std::to_string(batch);
      throw config_error(where + ": too large: the network needs " + bytes_str(f.total()) + " up to this block, more than the " +
                         bytes_str(kMemoryBudget) + " a run may use (" + parts + ")");
    }
  }
  if (shape.is_image() || shape.size() != classes)
    throw config_error("config: model.blocks[" + std::to_string(model.blocks.size() - 1) +
                       "]: the last block must be dense with " + std::to_string(classes) +
                       " units (one per class), got output " + shape.str());
  return f;
}

}  // namespace bnlab
