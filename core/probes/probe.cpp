// What this file is: taking a probe frame from a model after a training step.
#include "core/probes/probe.h"

#include <algorithm>
#include <cmath>

#include "core/layers/activation.h"
#include "core/model/model.h"

namespace bnlab {
namespace {

std::vector<float> to_vector(const Vector& v) { return {v.data(), v.data() + v.size()}; }

float norm(const float* v, int64_t n) { return Eigen::Map<const Vector>(v, n).norm(); }

// The fraction of a sigmoid or tanh layer's values in the saturated region, from its output y:
// σ' = y(1 − y) (max 1/4), tanh' = 1 − y² (max 1). For the ReLUs, the fraction of dead units: the
// features (conv: channels, over every position) whose output is positive for no example of the
// batch (y > 0 exactly when z > 0).
float saturation(const Activation& act, const Tensor& y, float threshold) {
  const auto a = y.data.array();
  switch (act.activation()) {
    case ActivationKind::sigmoid:
      return static_cast<float>((a * (1.0f - a) < threshold * 0.25f).count()) / static_cast<float>(a.size());
    case ActivationKind::tanh:
      return static_cast<float>((1.0f - a.square() < threshold).count()) / static_cast<float>(a.size());
    case ActivationKind::relu:
    case ActivationKind::leaky_relu: {
      const int channels = y.shape.c, per_channel = y.shape.spatial();  // rows of a channel: c·H·W order
      if (channels <= 0 || y.batch() == 0) return 0.0f;
      int dead = 0;
      for (int c = 0; c < channels; ++c)
        dead += !(y.data.middleRows(static_cast<Eigen::Index>(c) * per_channel, per_channel).array() > 0.0f).any();
      return static_cast<float>(dead) / static_cast<float>(channels);
    }
  }
  return -1.0f;
}

// Each feature's (conv: channel's) percentiles: its rows of the (C·H·W, batch) matrix, every column.
std::vector<std::array<float, 3>> per_unit_percentiles(const Tensor& t, std::vector<float>& scratch) {
  const int channels = t.shape.c;
  const int64_t per_channel = t.shape.spatial();
  std::vector<std::array<float, 3>> out(static_cast<size_t>(std::max(channels, 0)));
  if (t.batch() == 0 || per_channel * channels != t.data.rows()) return {};
  for (int c = 0; c < channels; ++c) {
    const auto rows = t.data.middleRows(static_cast<Eigen::Index>(c) * per_channel, per_channel);  // (H·W, batch)
    scratch.resize(static_cast<size_t>(rows.size()));
    Eigen::Map<Matrix>(scratch.data(), rows.rows(), rows.cols()) = rows;
    out[static_cast<size_t>(c)] = unit_percentiles(scratch);
  }
  return out;
}

}  // namespace

size_t ProbeFrame::bytes() const {
  size_t b = sizeof(ProbeFrame);
  for (const BlockProbe& bp : blocks) {
    b += sizeof(BlockProbe);
    for (const TapProbe& t : bp.taps)
      b += t.histogram.bins.capacity() * sizeof(uint32_t) + t.units.capacity() * sizeof(t.units.front());
    for (const auto* v : {&bp.gamma, &bp.beta, &bp.running_mean, &bp.running_var, &bp.batch_mean, &bp.batch_var})
      b += v->capacity() * sizeof(float);
  }
  return b;
}

std::vector<std::vector<float>> copy_op_weights(Model& model) {
  std::vector<std::vector<float>> out;
  for (const BlockLayers& b : model.blocks()) {
    const Param w = model.layer(b.op).params()[0];
    out.emplace_back(w.value, w.value + w.size);
  }
  return out;
}

std::shared_ptr<ProbeFrame> Prober::take(Model& model, int64_t step,
                                               const std::vector<std::vector<float>>& weights_before) {
  auto frame = std::make_shared<ProbeFrame>();
  frame->step = step;
  const size_t n_blocks = model.blocks().size();
  if (ranges_.size() != n_blocks) {
    ranges_.assign(n_blocks, {});
    for (auto& r : ranges_) r.fill({INFINITY, -INFINITY});
    previous_.reset();
  }
  frame->blocks.resize(n_blocks);
  for (size_t i = 0; i < n_blocks; ++i) {
    const BlockLayers& bl = model.blocks()[i];
    BlockProbe& bp = frame->blocks[i];
    const BlockTaps taps = model.taps(static_cast<int>(i));
    const Tensor* tensors[kTapCount] = {taps.z, taps.normalized, taps.activated};
    for (int t = 0; t < kTapCount; ++t) {
      const float* v = tensors[t]->data.data();
      const int64_t n = tensors[t]->data.size();
      TapProbe& tp = bp.taps[t];
      if (t > 0 && tensors[t] == tensors[t - 1]) {  // the block has no BN, or no activation
        tp = bp.taps[t - 1];
        tp.shift = 0.0f;
      } else {
        auto& [lo, hi] = ranges_[i][t];
        tp.histogram.lo = lo;
        tp.histogram.hi = hi;
        tp.histogram.bins.assign(settings_.bins, 0u);
        tp.summary = summarize(v, n, scratch_, &tp.histogram);
        lo = tp.histogram.lo;
        hi = tp.histogram.hi;
        if (settings_.unit_percentiles) tp.units = per_unit_percentiles(*tensors[t], scratch_);
      }
      if (previous_ && previous_->blocks.size() == n_blocks)
        tp.shift = static_cast<float>(wasserstein1(previous_->blocks[i].taps[t].histogram, tp.histogram));
    }
    if (bl.activation >= 0) {
      auto& act = static_cast<Activation&>(model.layer(bl.activation));
      bp.activation = act.activation();
      bp.activation_input = bl.norm >= 0 && bl.norm < bl.activation ? tap_normalized : tap_z;
      bp.saturation = saturation(act, act.output(), settings_.saturation_threshold);
    }
    const Param w = model.layer(bl.op).params()[0];
    bp.grad_norm = norm(w.grad, w.size);
    bp.weight_norm = norm(w.value, w.size);
    if (i < weights_before.size() && static_cast<int64_t>(weights_before[i].size()) == w.size && bp.weight_norm > 0) {
      const Eigen::Map<const Vector> now(w.value, w.size), before(weights_before[i].data(), w.size);
      bp.update_ratio = (now - before).norm() / bp.weight_norm;
    }
    if (const Norm* n = model.norm(bl)) {
      bp.norm = n->norm_kind();
      bp.gamma.assign(n->gamma().begin(), n->gamma().end());
      bp.beta.assign(n->beta().begin(), n->beta().end());
      if (const auto running = n->running()) {
        bp.running_mean = to_vector(running->mean);
        bp.running_var = to_vector(running->var);
      }
      const NormStatistics stats = n->statistics();
      bp.batch_mean.assign(stats.mean.begin(), stats.mean.end());
      bp.batch_var.assign(stats.var.begin(), stats.var.end());
      bp.stat_groups = stats.groups;
      bp.stat_count = stats.count;
    }
  }
  previous_ = frame;
  return frame;
}

}  // namespace bnlab
