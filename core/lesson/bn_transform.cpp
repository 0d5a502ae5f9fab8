// What this file is: the BN transform lab's numbers (bn_transform.h): a batch through a copy of
// the live network, and BN's stages for one feature or channel of it.
#include "core/lesson/bn_transform.h"

#include <algorithm>
#include <cmath>

#include "core/model/model.h"
#include "core/rng.h"

namespace bnlab {

std::vector<int> pick_examples(int dataset_size, int m, uint64_t seed) {
  std::vector<int> picked;
  m = std::min(m, dataset_size);
  Rng rng(seed);
  // m ≤ 16 out of thousands: drawing again on a repeat costs less than shuffling the whole set.
  while (static_cast<int>(picked.size()) < m) {
    const int i = static_cast<int>(rng.below(static_cast<uint64_t>(dataset_size)));
    if (std::find(picked.begin(), picked.end(), i) == picked.end()) picked.push_back(i);
  }
  return picked;
}

BnBatch bn_batch(const ModelState& state, const Dataset& train, int block, int feature, int m, uint64_t seed) {
  BnBatch b;
  b.step = state.step;
  b.block = block;
  const auto& blocks = state.config.blocks;
  if (block < 0 || block >= static_cast<int>(blocks.size())) {
    b.problem = BnTransformProblem::no_block;
    return b;
  }
  const BlockConfig& bc = blocks[block];
  b.activation = bc.activation;
  b.after_activation = state.config.bn.position == "after_activation" && bc.activation != "none";
  b.eps = state.config.bn.eps;
  b.affine = state.config.bn.affine;
  if (bc.norm == NormKind::none) {
    b.problem = BnTransformProblem::no_norm;
    return b;
  }
  if (bc.norm != NormKind::batch) {
    b.problem = BnTransformProblem::not_batch;
    return b;
  }
  if (train.size() < 2 || m < 2) {
    b.problem = BnTransformProblem::too_few;
    return b;
  }
  std::unique_ptr<Model> model = rebuild_model(state);
  Norm* norm = model->norm(model->blocks()[block]);
  b.examples = pick_examples(train.size(), m, seed);
  b.m = static_cast<int>(b.examples.size());
  Tensor x;  // (input features, m)
  x.resize(train.sample_shape, b.m);
  for (int n = 0; n < b.m; ++n) x.data.col(n) = train.x.col(b.examples[n]);
  model->forward(x, Mode::train);  // as a training step's forward: BN with this batch's statistics

  const BlockTaps taps = model->taps(block);
  const Tensor& in = b.after_activation ? *taps.activated : *taps.z;  // (C·p·q, m): the norm's input
  const Tensor& out = *taps.normalized;                                // (C·p·q, m): its output
  const Shape shape = in.shape;
  b.conv = shape.is_image();
  b.features = shape.c;
  b.map_h = shape.h;
  b.map_w = shape.w;
  b.positions = static_cast<int>(shape.spatial());
  b.feature = std::clamp(feature, 0, b.features - 1);
  const int p = b.positions;
  b.z.resize(static_cast<size_t>(b.count()));
  b.layer_y.resize(b.z.size());
  bool finite = true;
  for (int n = 0; n < b.m; ++n)
    for (int s = 0; s < p; ++s) {
      const int row = b.feature * p + s;
      const size_t i = static_cast<size_t>(n) * p + s;
      b.z[i] = in.data(row, n);
      b.layer_y[i] = out.data(row, n);
      finite = finite && std::isfinite(b.z[i]) && std::isfinite(b.layer_y[i]);
    }
  if (b.affine && !norm->gamma().empty()) {
    b.layer_gamma = norm->gamma()[b.feature];
    b.layer_beta = norm->beta()[b.feature];
  }
  finite = finite && std::isfinite(b.layer_gamma) && std::isfinite(b.layer_beta);
  if (!finite) b.problem = BnTransformProblem::not_finite;
  return b;
}

BnStages bn_stages(const BnBatch& batch, float gamma, float beta) {
  BnStages st;
  st.gamma = gamma;
  st.beta = beta;
  const size_t n = batch.z.size();
  if (n == 0) return st;
  double sum = 0.0;
  for (float v : batch.z) sum += v;
  st.mean = static_cast<float>(sum / static_cast<double>(n));
  double sq = 0.0;
  for (float v : batch.z) sq += (static_cast<double>(v) - st.mean) * (static_cast<double>(v) - st.mean);
  st.var = static_cast<float>(sq / static_cast<double>(n));  // biased: divided by m (m·p·q), not m − 1
  const float inv_std = 1.0f / std::sqrt(st.var + batch.eps);
  st.std_eps = std::sqrt(st.var + batch.eps);
  st.centred.resize(n);
  st.x_hat.resize(n);
  st.y.resize(n);
  double xs = 0.0, xss = 0.0;
  for (size_t i = 0; i < n; ++i) {
    st.centred[i] = batch.z[i] - st.mean;
    st.x_hat[i] = st.centred[i] * inv_std;
    st.y[i] = gamma * st.x_hat[i] + beta;
    xs += st.x_hat[i];
    xss += static_cast<double>(st.x_hat[i]) * st.x_hat[i];
    st.max_abs_y_minus_z = std::max(st.max_abs_y_minus_z, std::abs(st.y[i] - batch.z[i]));
  }
  st.x_hat_mean = xs / static_cast<double>(n);
  st.x_hat_var = xss / static_cast<double>(n) - st.x_hat_mean * st.x_hat_mean;
  return st;
}

BnStages bn_undo(const BnBatch& batch) {
  const BnStages plain = bn_stages(batch, 1.0f, 0.0f);
  return bn_stages(batch, plain.std_eps, plain.mean);
}

int centre_position(const BnBatch& batch) { return (batch.map_h / 2) * batch.map_w + batch.map_w / 2; }

}  // namespace bnlab
