// The trainer's ModelState (core/model/model_state.h): a model rebuilt from it computes what the
// live model computes, bit for bit, and the trainer publishes one that follows the run.
#include <gtest/gtest.h>

#include "core/model/model_state.h"
#include "core/train/run.h"
#include "core/train/trainer.h"
#include "test_helpers.h"

namespace bnlab {
namespace {

TEST(ModelState, ARebuiltModelGivesTheSameOutputsBitForBit) {
  Config cfg = moons_two_blocks_config();
  cfg.model.blocks[1].norm = NormKind::layer;  // a BN (running statistics) and an LN (none)
  bnlab::Run run(cfg, loaded_data(cfg));
  for (int i = 0; i < 30; ++i) run.step();
  const ModelState state = capture_model_state(run.model(), run.steps_done());
  EXPECT_EQ(state.step, 30);
  ASSERT_TRUE(state.running.at(0).has_value());
  EXPECT_FALSE(state.running.at(1).has_value());
  std::unique_ptr<Model> copy = rebuild_model(state);
  Tensor x;
  x.data = run.data().test.x.leftCols(40);
  x.shape = run.data().test.sample_shape;
  for (Mode mode : {Mode::infer_running, Mode::train}) {
    const Matrix live = run.model().forward(x, mode).data;
    const Matrix rebuilt = copy->forward(x, mode).data;
    ASSERT_EQ(live.cols(), rebuilt.cols());
    EXPECT_EQ(0, std::memcmp(live.data(), rebuilt.data(), sizeof(float) * live.size()));
  }
}

TEST(ModelState, TheTrainerPublishesTheNetworkOfTheStepItStoppedAt) {
  const Config cfg = moons_two_blocks_config();
  TrainerOptions o;
  o.probe_every = 10;
  Trainer t(cfg, loaded_data(cfg), o);
  t.start();
  ASSERT_TRUE(wait_for([&] { return t.snapshot()->model_state != nullptr; })) << "no state before the first step";
  EXPECT_EQ(t.snapshot()->model_state->step, 0);
  for (int i = 0; i < 3; ++i) t.step_once();
  ASSERT_TRUE(wait_for([&] {
    auto s = t.snapshot();
    return s->step == 3 && s->model_state && s->model_state->step == 3;
  })) << "the state did not follow single steps: at " << t.snapshot()->model_state->step;
  // Against a run trained alone to the same step: the same weights.
  bnlab::Run alone(cfg, loaded_data(cfg));
  for (int i = 0; i < 3; ++i) alone.step();
  const ModelState expected = capture_model_state(alone.model(), 3);
  EXPECT_EQ(t.snapshot()->model_state->params, expected.params);
  // While it trains, one comes with every probe frame.
  t.post(cmd::RunTo{57});
  ASSERT_TRUE(wait_for([&] { return t.snapshot()->step == 57 && t.snapshot()->paused; })) << "did not reach 57";
  ASSERT_TRUE(wait_for([&] { return t.snapshot()->model_state->step == 57; })) << "the pause did not refresh it";
  // A norm switched: the state's config follows.
  t.post(cmd::SetNorm{0, NormKind::none});
  ASSERT_TRUE(wait_for([&] { return t.snapshot()->model_state->config.blocks[0].norm == NormKind::none; }))
      << "the state kept the old network";
  EXPECT_EQ(t.snapshot()->model_state->running.size(), 1u);  // block 2's BN alone
}

}  // namespace
}  // namespace bnlab
