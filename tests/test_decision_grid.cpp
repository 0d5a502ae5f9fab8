// What this file is: the decision grid of panel 7. Each node holds the softmax of what the
// network answers at that point; a trained network's grid classifies the neighbourhood of its
// training points; and computing grids between steps, directly or by a Trainer every step,
// leaves training bit for bit as it is without them (weights, BN running statistics, dropout).
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <memory>
#include <thread>

#include "core/data/dataset.h"
#include "core/error.h"
#include "core/probes/decision_grid.h"
#include "core/train/trainer.h"
#include "test_helpers.h"

namespace bnlab {
namespace {

// Two blobs, BN and dropout in the hidden block: every piece of state the grid must not touch.
Config blobs_config() {
  Config c;
  c.seed = 7;
  c.data.dataset = "gaussians";
  c.data.n = 400;
  c.data.noise = 0.1f;
  c.model = one_hidden_block(16, "batch", "tanh", 2);
  c.model.blocks[0].dropout = 0.2f;
  c.model.init.scheme = "torch_default";
  c.train.batch_size = 32;
  c.train.lr = 0.1f;
  return c;
}

// Every parameter and buffer of `m`, in order, as one list of floats.
std::vector<float> state_of(Model& m) {
  std::vector<float> v;
  for (const Param& p : m.params()) v.insert(v.end(), p.value, p.value + p.size);
  for (const NamedBuffer& b : m.named_buffers()) v.insert(v.end(), b.buffer.value, b.buffer.value + b.buffer.size);
  return v;
}

// The grid node nearest to (x, y).
int nearest_node(const DecisionGrid& g, float x, float y) {
  const int i = static_cast<int>(std::lround((x - g.box.x0) / (g.box.x1 - g.box.x0) * (g.nx - 1)));
  const int j = static_cast<int>(std::lround((y - g.box.y0) / (g.box.y1 - g.box.y0) * (g.ny - 1)));
  return std::clamp(j, 0, g.ny - 1) * g.nx + std::clamp(i, 0, g.nx - 1);
}

TEST(DecisionGrid, EachNodeIsTheSoftmaxOfTheNetworkAtThatPoint) {
  Model model(one_hidden_block(8, "batch", "relu", 3), Shape{2, 1, 1}, 3, 11);
  const PlaneBox box{-2.0, 1.0, -0.5, 3.5};
  const DecisionGrid g = decision_grid(model, box, 5, 4, Mode::infer_running, 3);  // chunks cut rows
  ASSERT_TRUE(g.complete);
  ASSERT_EQ(g.classes, 3);
  Tensor point;
  point.resize(Shape{2, 1, 1}, 1);
  for (int j = 0; j < 4; ++j) {
    for (int i = 0; i < 5; ++i) {
      const int node = j * 5 + i;
      point.data(0, 0) = static_cast<float>(box.x0 + (box.x1 - box.x0) * i / 4);  // corners on the box
      point.data(1, 0) = static_cast<float>(box.y0 + (box.y1 - box.y0) * j / 3);
      const Vector logits = model.forward(point, Mode::infer_running).data.col(0);  // (classes)
      const Vector p = (logits.array() - logits.maxCoeff()).exp().matrix();
      Eigen::Index best = 0;
      logits.maxCoeff(&best);
      float sum = 0.0f;
      for (int k = 0; k < 3; ++k) {
        EXPECT_NEAR(g.field(k)[node], p(k) / p.sum(), 1e-5f) << "node " << node << " class " << k;
        sum += g.field(k)[node];
      }
      EXPECT_NEAR(sum, 1.0f, 1e-5f);
      EXPECT_EQ(g.predicted[node], best);
      EXPECT_EQ(g.confidence[node], g.field(g.predicted[node])[node]);
    }
  }
}

TEST(DecisionGrid, RefusesATrainingPassAndNonPlanarInputs) {
  Model model(one_hidden_block(4, "batch", "relu", 2), Shape{2, 1, 1}, 2, 1);
  EXPECT_THROW(decision_grid(model, {}, 4, 4, Mode::train), Error);
  EXPECT_THROW(decision_grid(model, {}, 4, 4, Mode::collect_population), Error);
  Model wide(one_hidden_block(4, "none", "relu", 2), Shape{3, 1, 1}, 2, 1);
  EXPECT_THROW(decision_grid(wide, {}, 4, 4), Error);
}

TEST(DecisionGrid, BoxHoldsEveryPointWithAMargin) {
  const Config c = blobs_config();
  const auto data = loaded_data(c);
  const PlaneBox box = plane_box(*data, 0.1);
  const double x_lo = std::min(data->train.x.row(0).minCoeff(), data->test.x.row(0).minCoeff());
  const double x_hi = std::max(data->train.x.row(0).maxCoeff(), data->test.x.row(0).maxCoeff());
  EXPECT_NEAR(box.x0, x_lo - 0.1 * (x_hi - x_lo), 1e-6);
  EXPECT_NEAR(box.x1, x_hi + 0.1 * (x_hi - x_lo), 1e-6);
  for (const Dataset* d : {&data->train, &data->test})
    for (int n = 0; n < d->size(); ++n) {
      EXPECT_GT(d->x(1, n), box.y0);
      EXPECT_LT(d->x(1, n), box.y1);
    }
  EXPECT_TRUE(is_planar(data->train));
  Dataset images;
  images.sample_shape = Shape{1, 2, 1};  // two pixels are an image, not a plane
  EXPECT_FALSE(is_planar(images));
}

TEST(DecisionGrid, ATrainedNetworkClassifiesItsTrainingPointsNeighbourhoods) {
  Config c = blobs_config();
  c.model.blocks[0].dropout = 0.0f;
  const auto data = loaded_data(c);
  bnlab::Run run(c, data);
  for (int s = 0; s < 400; ++s) run.step();
  const DecisionGrid g = decision_grid(run.model(), plane_box(*data), 64, 64);
  ASSERT_TRUE(g.complete);
  // The blobs overlap a little (std 0.5 at ±1), so a few points sit on the wrong side of any
  // boundary: the Bayes error is about 2.3%.
  int agree = 0;
  for (int n = 0; n < data->train.size(); ++n)
    agree += g.predicted[nearest_node(g, data->train.x(0, n), data->train.x(1, n))] == data->train.y[n];
  EXPECT_GT(agree, 0.93 * data->train.size());
  // Sure at the blobs' centres, and the boundary crosses y = 0 between them.
  EXPECT_LT(g.field(1)[nearest_node(g, -1.0f, 0.0f)], 0.1f);
  EXPECT_GT(g.field(1)[nearest_node(g, 1.0f, 0.0f)], 0.9f);
  const float left = g.field(1)[nearest_node(g, -0.4f, 0.0f)], right = g.field(1)[nearest_node(g, 0.4f, 0.0f)];
  EXPECT_LT(left, 0.5f);
  EXPECT_GT(right, 0.5f);
}

TEST(DecisionGrid, GridsBetweenStepsLeaveTrainingExactlyAsItWas) {
  const Config c = blobs_config();
  const auto data = loaded_data(c);
  bnlab::Run with_grids(c, data), without(c, data);
  for (int s = 0; s < 60; ++s) {
    const StepRecord a = with_grids.step(), b = without.step();
    ASSERT_EQ(a.loss, b.loss) << "step " << s;  // the dropout masks and the weights agree
    decision_grid(with_grids.model(), plane_box(*data), 16, 16);
  }
  EXPECT_EQ(state_of(with_grids.model()), state_of(without.model()));  // running statistics too
  EXPECT_EQ(with_grids.evaluate("test", Mode::infer_running).loss, without.evaluate("test", Mode::infer_running).loss);
}

// ----- In the Trainer -----------------------------------------------------------------------

std::vector<float> series(const Trainer& t, History::Series s, int64_t steps) {
  std::vector<float> v;
  for (const SeriesPoint& p : t.history().query(s, 0, steps, static_cast<int>(steps) + 1)) v.push_back(p.mean);
  return v;
}

TEST(Trainer, DecisionGridEveryStepChangesNothingInTraining) {
  const Config c = blobs_config();
  const auto data = loaded_data(c);
  TrainerOptions on, off;
  on.decision_grid_every = 1;
  on.decision_grid_seconds = 0.0;  // every step, whatever the clock says
  off.decision_grid_every = 0;
  on.eval_every = off.eval_every = 5;  // the test loss reads the running statistics
  constexpr int64_t kSteps = 300;
  Trainer a(c, data, on), b(c, data, off);
  for (Trainer* t : {&a, &b}) {
    for (int64_t s = 0; s < kSteps; ++s) t->step_once();  // exactly kSteps, then paused
    t->start();
  }
  ASSERT_TRUE(wait_for([&] { return a.snapshot()->step == kSteps && b.snapshot()->step == kSteps; })) << "timed out waiting";
  ASSERT_EQ(a.snapshot()->step, kSteps);
  ASSERT_EQ(b.snapshot()->step, kSteps);
  ASSERT_EQ(series(a, History::train_loss, kSteps).size(), static_cast<size_t>(kSteps));  // one point per step
  EXPECT_EQ(series(a, History::train_loss, kSteps), series(b, History::train_loss, kSteps));
  EXPECT_EQ(series(a, History::test_loss, kSteps), series(b, History::test_loss, kSteps));
  EXPECT_EQ(series(a, History::test_accuracy, kSteps), series(b, History::test_accuracy, kSteps));
  ASSERT_NE(a.snapshot()->decision_grid, nullptr);
  EXPECT_EQ(a.snapshot()->decision_grid_step, kSteps);
  EXPECT_EQ(b.snapshot()->decision_grid, nullptr);
}

TEST(Trainer, DecisionGridEveryNStepsAfterResetAndOnlyForPlanarData) {
  const Config c = blobs_config();
  TrainerOptions opt;
  opt.decision_grid_every = 50;
  opt.decision_grid_seconds = 0.0;
  opt.decision_grid_size = 20;
  opt.start_paused = false;
  Trainer t(c, loaded_data(c), opt);
  ASSERT_NE(t.snapshot()->decision_grid, nullptr);  // the untrained boundary, from the start
  EXPECT_EQ(t.snapshot()->decision_grid_step, 0);
  EXPECT_EQ(t.snapshot()->decision_grid->nx, 20);
  EXPECT_EQ(t.snapshot()->data->train.size(), c.data.n);
  t.start();
  ASSERT_TRUE(wait_for([&] { return t.snapshot()->step >= 120; })) << "timed out waiting";
  t.pause();
  ASSERT_TRUE(wait_for([&] { return t.snapshot()->paused; })) << "timed out waiting";
  const auto s = t.snapshot();
  EXPECT_EQ(s->decision_grid_step, s->step / 50 * 50);
  t.post(cmd::Reset{});
  ASSERT_TRUE(wait_for([&] { return t.snapshot()->step == 0 && t.snapshot()->decision_grid_step == 0; })) << "timed out waiting";
  EXPECT_EQ(t.snapshot()->decision_grid_step, 0);  // paused, so recomputed at once
  EXPECT_NE(t.snapshot()->data, nullptr);          // the reset keeps the data
  t.step_once();
  ASSERT_TRUE(wait_for([&] { return t.snapshot()->step == 1; })) << "timed out waiting";
  EXPECT_EQ(t.snapshot()->decision_grid_step, 1);  // a single step shows its boundary

  // Three features: there is no plane to draw, and nothing is computed.
  auto wide = std::make_shared<DataSplit>();
  for (Dataset* d : {&wide->train, &wide->test}) {
    d->sample_shape = Shape{3, 1, 1};
    d->classes = 2;
    d->x = random_tensor(Shape{3, 1, 1}, 64, 5).data;
    for (int n = 0; n < 64; ++n) d->y.push_back(n % 2);
  }
  Config w = c;
  w.model.blocks[0].dropout = 0.0f;
  Trainer t3(w, wide, opt);
  t3.start();
  ASSERT_TRUE(wait_for([&] { return t3.snapshot()->step >= 60; })) << "timed out waiting";
  EXPECT_EQ(t3.snapshot()->decision_grid, nullptr);
  EXPECT_EQ(t3.snapshot()->decision_grid_step, -1);
}

}  // namespace
}  // namespace bnlab
