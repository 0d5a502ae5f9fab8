// What this file is: the norm-axes picture's numbers (norm_axes.h): the block's shape from the
// config walked as Model builds it, and each norm's statistics over it.
#include "panels/norm_axes.h"

#include <algorithm>

#include "core/layers/conv2d.h"
#include "core/layers/pool2d.h"

namespace bnlab {

std::optional<Shape> norm_input_shape(const ModelConfig& model, Shape input, int block) {
  if (block < 0 || block >= static_cast<int>(model.blocks.size())) return std::nullopt;
  Shape shape = input;
  for (int i = 0; i <= block; ++i) {
    const BlockConfig& b = model.blocks[i];
    if (b.op == "conv") {
      // A config that does not fit was refused before any run: this only guards the arithmetic.
      if (b.channels < 1 || b.kernel < 1 || b.stride < 1 || b.padding < 0 || (!shape.is_image() && shape.size() > 1) ||
          shape.h + 2 * b.padding < b.kernel || shape.w + 2 * b.padding < b.kernel)
        return std::nullopt;
      shape = conv2d_output_shape(shape, b.channels, b.kernel, b.stride, b.padding);
    } else {
      if (b.units < 1) return std::nullopt;
      shape = Shape{b.units, 1, 1};
    }
    if (i == block) return shape;  // the norm sits on the op's output, before or after the activation
    if (b.pool.type != "none") {
      if (b.pool.size < 1 || shape.h < b.pool.size || shape.w < b.pool.size) return std::nullopt;
      shape = pool2d_output_shape(shape, b.pool.size);
    }
  }
  return std::nullopt;
}

std::optional<NormAxes> norm_axes(const Config& config, Shape input, int block) {
  const std::optional<Shape> shape = norm_input_shape(config.model, input, block);
  if (!shape) return std::nullopt;
  const BlockConfig& b = config.model.blocks[block];
  NormAxes a;
  a.block = block;
  a.conv = b.op == "conv";
  a.n = std::max(1, config.train.batch_size);
  a.c = shape->c;
  a.h = shape->h;
  a.w = shape->w;
  a.own = b.norm;
  const int64_t n = a.n, c = a.c, hw = a.hw();
  const int groups = b.groups > 0 && a.c % b.groups == 0 ? b.groups : default_groups(a.c);
  for (size_t i = 0; i < kAxesNorms.size(); ++i) {
    NormAxesRow& r = a.rows[i];
    r.kind = kAxesNorms[i];
    switch (r.kind) {
      case NormKind::batch:  // one per channel, over the batch and the feature map
        r.statistics = c;
        r.values_each = n * hw;
        break;
      case NormKind::layer:  // one per sample, over all its channels and positions
        r.groups = 1;
        r.statistics = n;
        r.values_each = c * hw;
        break;
      case NormKind::instance:  // one per sample and channel, over the feature map alone
        r.applies = a.conv;
        r.groups = a.c;
        r.statistics = n * c;
        r.values_each = hw;
        break;
      case NormKind::group:  // one per sample and group of C/G channels
        r.groups = groups;
        r.statistics = n * groups;
        r.values_each = c / groups * hw;
        break;
      case NormKind::none: break;
    }
  }
  return a;
}

const NormAxesRow& axes_row(const NormAxes& axes, NormKind kind) {
  for (const NormAxesRow& r : axes.rows)
    if (r.kind == kind) return r;
  return axes.rows[0];
}

}  // namespace bnlab
