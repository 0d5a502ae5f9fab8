// What this file is: the ICS, smoothness and loss-slice probes.
#include "core/probes/landscape.h"

#include <algorithm>
#include <cmath>

#include "core/data/dataset.h"
#include "core/rng.h"

namespace bnlab {
namespace {

using Values = std::vector<std::vector<float>>;  // one vector per parameter tensor

Values copy_values(const std::vector<Param>& params) {
  Values v;
  for (const Param& p : params) v.emplace_back(p.value, p.value + p.size);
  return v;
}
Values copy_grads(const std::vector<Param>& params) {
  Values v;
  for (const Param& p : params) v.emplace_back(p.grad, p.grad + p.size);
  return v;
}
void set_values(const std::vector<Param>& params, const Values& v) {
  for (size_t i = 0; i < params.size(); ++i) std::copy(v[i].begin(), v[i].end(), params[i].value);
}
void set_grads(const std::vector<Param>& params, const Values& v) {
  for (size_t i = 0; i < params.size(); ++i) std::copy(v[i].begin(), v[i].end(), params[i].grad);
}

// Running statistics are saved and restored around the extra passes, which use batch
// statistics (as training does) without updating anything.
struct SavedRunningStatistics {
  explicit SavedRunningStatistics(Model& m) : norms(m.norms()) {
    for (Norm* n : norms) saved.push_back(n->running());
  }
  ~SavedRunningStatistics() {
    for (size_t i = 0; i < norms.size(); ++i)
      if (saved[i]) norms[i]->set_running(*saved[i]);
  }
  std::vector<Norm*> norms;
  std::vector<std::optional<RunningStatistics>> saved;
};

float loss_and_gradient(Model& model, const Tensor& x, const std::vector<int>& y, LossKind kind) {
  Loss loss(kind);
  model.zero_grad();
  const float l = loss.forward(model.forward(x, Mode::infer_batch), y);
  model.backward(loss.backward());
  return l;
}

double squared_norm(const Values& v) {
  double s = 0.0;
  for (const auto& t : v)
    for (float x : t) s += static_cast<double>(x) * x;
  return s;
}

// The layer index where each block starts, so that parameters can be assigned to blocks.
std::vector<int> block_of_params(Model& model) {
  std::vector<int> owner;
  const auto& blocks = model.blocks();
  for (size_t layer = 0; layer < model.layers().size(); ++layer) {
    int block = 0;
    for (size_t b = 0; b < blocks.size(); ++b) {
      const int first = blocks[b].flatten >= 0 ? blocks[b].flatten : blocks[b].op;
      if (static_cast<int>(layer) >= first) block = static_cast<int>(b);
    }
    for (size_t k = 0; k < model.layers()[layer]->params().size(); ++k) owner.push_back(block);
  }
  return owner;
}

}  // namespace

SmoothnessMeasure measure_smoothness(Model& model, const Tensor& x, const std::vector<int>& y, LossKind loss,
                                     const std::vector<float>& etas) {
  SavedRunningStatistics running(model);
  const std::vector<Param> params = model.params();
  const Values w = copy_values(params), g = copy_grads(params);
  const double g_norm = std::sqrt(squared_norm(g));
  SmoothnessMeasure m;
  for (float eta : etas) {
    for (size_t i = 0; i < params.size(); ++i)
      for (int64_t k = 0; k < params[i].size; ++k) params[i].value[k] = w[i][k] - eta * g[i][k];
    const float l = loss_and_gradient(model, x, y, loss);
    double diff = 0.0;
    for (size_t i = 0; i < params.size(); ++i)
      for (int64_t k = 0; k < params[i].size; ++k) diff += std::pow(static_cast<double>(g[i][k]) - params[i].grad[k], 2);
    m.etas.push_back(eta);
    m.losses.push_back(l);
    m.grad_diffs.push_back(static_cast<float>(std::sqrt(diff)));
    m.ratios.push_back(g_norm > 0 ? static_cast<float>(std::sqrt(diff) / (eta * g_norm)) : 0.0f);
  }
  set_values(params, w);
  set_grads(params, g);
  if (!etas.empty()) {
    auto [lmin, lmax] = std::minmax_element(m.losses.begin(), m.losses.end());
    auto [dmin, dmax] = std::minmax_element(m.grad_diffs.begin(), m.grad_diffs.end());
    m.loss_range = *lmax - *lmin;
    m.grad_diff_range = *dmax - *dmin;
    m.beta_smoothness = *std::max_element(m.ratios.begin(), m.ratios.end());
  }
  return m;
}

std::vector<IcsMeasure> step_measuring_ics(Model& model, Optimizer& optimizer, const Tensor& x,
                                           const std::vector<int>& y, LossKind loss) {
  const std::vector<Param> params = model.params();
  const std::vector<int> owner = block_of_params(model);
  const Values before = copy_values(params), train_grads = copy_grads(params);
  optimizer.step(params);
  const Values after = copy_values(params);
  const size_t n_blocks = model.blocks().size();
  std::vector<IcsMeasure> out(n_blocks);
  {
    SavedRunningStatistics running(model);
    // G from the same kind of pass as G′ (batch statistics, no dropout), so they differ only
    // by the earlier blocks' step.
    set_values(params, before);
    loss_and_gradient(model, x, y, loss);
    const Values grads = copy_grads(params);
    for (size_t b = 1; b < n_blocks; ++b) {  // block 0 has no earlier blocks: G′ = G
      // Blocks before b updated, b and later as they were.
      for (size_t i = 0; i < params.size(); ++i) {
        const Values& src = owner[i] < static_cast<int>(b) ? after : before;
        std::copy(src[i].begin(), src[i].end(), params[i].value);
      }
      loss_and_gradient(model, x, y, loss);
      const Param w = model.layer(model.blocks()[b].op).params()[0];
      const size_t wi = static_cast<size_t>(std::find_if(params.begin(), params.end(),
                                                         [&](const Param& p) { return p.value == w.value; }) -
                                            params.begin());
      double dot = 0.0, gg = 0.0, hh = 0.0, diff = 0.0;
      for (int64_t k = 0; k < w.size; ++k) {
        const double g0 = grads[wi][k], g1 = w.grad[k];
        dot += g0 * g1;
        gg += g0 * g0;
        hh += g1 * g1;
        diff += (g0 - g1) * (g0 - g1);
      }
      out[b].grad_diff_norm = static_cast<float>(std::sqrt(diff));
      out[b].cosine = gg > 0 && hh > 0 ? static_cast<float>(dot / std::sqrt(gg * hh)) : 1.0f;
    }
  }
  set_values(params, after);
  set_grads(params, train_grads);
  return out;
}

SliceDirections slice_directions(Model& model, uint64_t seed) {
  // Filter-normalized: each row (one neuron's or one filter's weights) of δ gets the norm of the
  // same row of W. Biases and the norms' γ, β are not perturbed (Li et al. 2018, §4).
  Rng rng(seed);
  SliceDirections d;
  for (Values* dir : {&d.delta, &d.eta}) {
    for (const Param& p : model.params()) {
      std::vector<float> v(p.size, 0.0f);
      if (p.is_weight) {
        const int64_t rows = p.shape[0], cols = p.size / rows;
        for (int64_t r = 0; r < rows; ++r) {
          double dn = 0.0, wn = 0.0;
          for (int64_t c = 0; c < cols; ++c) {
            v[r * cols + c] = rng.normal();
            dn += std::pow(static_cast<double>(v[r * cols + c]), 2);
            wn += std::pow(static_cast<double>(p.value[r * cols + c]), 2);
          }
          const float scale = dn > 0 ? static_cast<float>(std::sqrt(wn / dn)) : 0.0f;
          for (int64_t c = 0; c < cols; ++c) v[r * cols + c] *= scale;
        }
      }
      dir->push_back(std::move(v));
    }
  }
  return d;
}

Dataset fixed_probe_set(const Dataset& train, int size) {
  Dataset d;
  const int n = std::min(size, train.size());
  d.name = train.name + " (probe set)";
  d.sample_shape = train.sample_shape;
  d.classes = train.classes;
  d.x = train.x.leftCols(n);
  d.y.assign(train.y.begin(), train.y.begin() + n);
  return d;
}

LossSlice loss_slice(Model& model, const Dataset& probe_set, LossKind kind, int size, float extent, uint64_t seed,
                     const std::atomic<bool>* cancel, std::atomic<int>* rows_done) {
  LossSlice slice;
  slice.size = size;
  slice.extent = extent;
  slice.loss.assign(static_cast<size_t>(size) * size, NAN);
  const std::vector<Param> params = model.params();
  const Values w = copy_values(params);
  const SliceDirections d = slice_directions(model, seed);
  const Values dir[2] = {d.delta, d.eta};
  Loss loss(kind);
  Tensor x;
  x.resize(probe_set.sample_shape, probe_set.size());
  x.data = probe_set.x;
  for (int a = 0; a < size; ++a) {
    if (cancel && cancel->load()) {
      set_values(params, w);
      return slice;
    }
    const float alpha = size > 1 ? -extent + 2.0f * extent * a / (size - 1) : 0.0f;
    for (int b = 0; b < size; ++b) {
      const float beta = size > 1 ? -extent + 2.0f * extent * b / (size - 1) : 0.0f;
      for (size_t i = 0; i < params.size(); ++i)
        for (int64_t k = 0; k < params[i].size; ++k)
          params[i].value[k] = w[i][k] + alpha * dir[0][i][k] + beta * dir[1][i][k];
      slice.loss[static_cast<size_t>(a) * size + b] = loss.forward(model.forward(x, Mode::infer_running), probe_set.y);
    }
    if (rows_done) ++*rows_done;
  }
  set_values(params, w);
  slice.complete = true;
  return slice;
}

}  // namespace bnlab
