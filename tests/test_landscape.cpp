// What this file is: the landscape probes against hand computations: on a quadratic loss the
// smoothness ratio is the same for every step size and the losses lie on one parabola; the ICS
// of a block equals the gradient difference computed by stepping the earlier block by hand;
// the loss slice's centre is the loss at the current weights; every probe restores the model.
#include <gtest/gtest.h>

#include <cmath>

#include "core/data/dataset.h"
#include "core/probes/landscape.h"
#include "core/rng.h"
#include "test_helpers.h"

namespace bnlab {
namespace {

std::vector<float> all_values(Model& m) {
  std::vector<float> v;
  for (const Param& p : m.params()) v.insert(v.end(), p.value, p.value + p.size);
  return v;
}

void backward_once(Model& m, const Tensor& x, const std::vector<int>& y, LossKind kind) {
  Loss loss(kind);
  m.zero_grad();
  loss.forward(m.forward(x, Mode::train), y);
  m.backward(loss.backward());
}

TEST(Landscape, SmoothnessOnAQuadraticLoss) {
  ModelConfig cfg;
  BlockConfig linear;
  linear.units = 3;  // one dense layer, no activation: MSE is quadratic in the weights
  cfg.blocks = {linear};
  cfg.init.scheme = "normal";
  cfg.init.std = 0.5f;
  Model model(cfg, {4, 1, 1}, 3, 2);
  const Tensor x = random_tensor({4, 1, 1}, 10, 3);
  const std::vector<int> y = {0, 1, 2, 0, 1, 2, 0, 1, 2, 0};
  backward_once(model, x, y, LossKind::mse);
  const std::vector<float> before = all_values(model);
  const std::vector<float> etas = {0.01f, 0.02f, 0.05f, 0.1f};
  const SmoothnessMeasure m = measure_smoothness(model, x, y, LossKind::mse, etas);
  EXPECT_EQ(all_values(model), before);
  ASSERT_EQ(m.ratios.size(), 4u);
  // ∇L(w − ηg) = g − ηHg: the ratio ‖ηHg‖ / ‖ηg‖ does not depend on η.
  for (float r : m.ratios) EXPECT_NEAR(r, m.ratios[0], 1e-3f * m.ratios[0]);
  EXPECT_FLOAT_EQ(m.beta_smoothness, *std::max_element(m.ratios.begin(), m.ratios.end()));
  // L(w − ηg) is a parabola in η: the one through the first three points predicts the fourth.
  auto quad = [&](double e) {
    const double e0 = etas[0], e1 = etas[1], e2 = etas[2];
    return m.losses[0] * (e - e1) * (e - e2) / ((e0 - e1) * (e0 - e2)) +
           m.losses[1] * (e - e0) * (e - e2) / ((e1 - e0) * (e1 - e2)) +
           m.losses[2] * (e - e0) * (e - e1) / ((e2 - e0) * (e2 - e1));
  };
  EXPECT_NEAR(m.losses[3], quad(etas[3]), 1e-4);
  EXPECT_NEAR(m.loss_range, *std::max_element(m.losses.begin(), m.losses.end()) -
                                *std::min_element(m.losses.begin(), m.losses.end()), 1e-6);
}

TEST(Landscape, IcsMatchesSteppingTheEarlierBlockByHand) {
  const ModelConfig cfg = one_hidden_block(5, "batch", "sigmoid", 3);
  TrainConfig train;
  train.lr = 0.5f;
  const Tensor x = random_tensor({4, 1, 1}, 8, 5);
  const std::vector<int> y = {0, 1, 2, 0, 1, 2, 1, 1};

  // By hand: G of the output weight, then block 0 stepped by SGD, then G′.
  Model hand(cfg, {4, 1, 1}, 3, 7);
  Loss loss(LossKind::cross_entropy);
  hand.zero_grad();
  loss.forward(hand.forward(x, Mode::infer_batch), y);
  hand.backward(loss.backward());
  const Param w_out = hand.layer(hand.blocks()[1].op).params()[0];
  const Eigen::VectorXf g(Eigen::Map<const Eigen::VectorXf>(w_out.grad, w_out.size));
  for (const NamedParam& p : hand.named_params()) {
    if (p.name.rfind("3.", 0) == 0) continue;  // layer 3 is block 1's dense layer
    for (int64_t k = 0; k < p.param.size; ++k) p.param.value[k] -= train.lr * p.param.grad[k];
  }
  hand.zero_grad();
  loss.forward(hand.forward(x, Mode::infer_batch), y);
  hand.backward(loss.backward());
  const Eigen::VectorXf g2(Eigen::Map<const Eigen::VectorXf>(w_out.grad, w_out.size));

  Model model(cfg, {4, 1, 1}, 3, 7);
  Optimizer opt(train);
  backward_once(model, x, y, LossKind::cross_entropy);
  const auto ics = step_measuring_ics(model, opt, x, y, LossKind::cross_entropy);
  ASSERT_EQ(ics.size(), 2u);
  EXPECT_NEAR(ics[1].grad_diff_norm, (g - g2).norm(), 1e-5);
  EXPECT_NEAR(ics[1].cosine, g.dot(g2) / (g.norm() * g2.norm()), 1e-5);
  EXPECT_GT(ics[1].grad_diff_norm, 0.0f);
  // The model ends as after a plain SGD step of the training gradient.
  Model reference(cfg, {4, 1, 1}, 3, 7);
  Optimizer ref_opt(train);
  backward_once(reference, x, y, LossKind::cross_entropy);
  ref_opt.step(reference.params());
  EXPECT_EQ(all_values(model), all_values(reference));
  EXPECT_EQ(model.norms()[0]->running()->mean, reference.norms()[0]->running()->mean);
}

TEST(Landscape, SliceCentreIsTheCurrentLoss) {
  Model model(one_hidden_block(6, "batch", "tanh", 2), {2, 1, 1}, 2, 11);
  const Tensor x = random_tensor({2, 1, 1}, 16, 12);
  model.forward(x, Mode::train);  // some running statistics
  Dataset set;
  set.sample_shape = {2, 1, 1};
  set.classes = 2;
  set.x = random_tensor({2, 1, 1}, 40, 13).data;
  for (int i = 0; i < 40; ++i) set.y.push_back(i % 2);
  const std::vector<float> before = all_values(model);
  const LossSlice s = loss_slice(model, set, LossKind::cross_entropy, 5, 1.0f, 3);
  EXPECT_TRUE(s.complete);
  EXPECT_EQ(all_values(model), before);
  Tensor all;
  all.resize(set.sample_shape, set.size());
  all.data = set.x;
  const float centre = Loss(LossKind::cross_entropy).forward(model.forward(all, Mode::infer_running), set.y);
  EXPECT_NEAR(s.loss[2 * 5 + 2], centre, 1e-5);
  for (float l : s.loss) EXPECT_TRUE(std::isfinite(l));
  EXPECT_NE(s.loss[0], s.loss[24]);  // the corners differ: the directions do move the weights
}

}  // namespace
}  // namespace bnlab
