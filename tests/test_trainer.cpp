// What this file is: the live engine on worker threads: commands posted while training leave
// every snapshot consistent, live norm switches equal a run built with that norm, and trainers
// stop promptly. Twin runs and sweeps have their own files.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <set>
#include <thread>
#include <utility>
#include <variant>

#include "core/data/dataset.h"
#include "core/error.h"
#include "core/probes/landscape.h"
#include "core/train/sweep.h"
#include "core/train/twin_runs.h"
#include "test_helpers.h"

namespace bnlab {
namespace {

using Clock = std::chrono::steady_clock;

// The n-th kind of command (command.h), default-constructed: every kind, however many there are.
template <size_t... I>
Command nth_command(size_t n, std::index_sequence<I...>) {
  Command c;
  ((n == I ? (c = std::variant_alternative_t<I, Command>{}, 0) : 0), ...);
  return c;
}

template <class... F>
struct Visitor : F... {
  using F::operator()...;
};
template <class... F>
Visitor(F...) -> Visitor<F...>;

// A command of the n-th kind with random values, as a person (or a scene) could send them, and
// some that the trainer must refuse (instance norm on a dense block).
Command random_command(Rng& rng, const Config& cfg, size_t n) {
  Command c = nth_command(n, std::make_index_sequence<std::variant_size_v<Command>>{});
  std::visit(Visitor{
                 [&](cmd::RunTo& r) { r.step = static_cast<int64_t>(rng.below(20)); },
                 [&](cmd::SetTrain& r) {
                   r.train = cfg.train;
                   r.train.lr = rng.uniform(0.001f, 0.2f);
                   r.train.batch_size = 8 + static_cast<int>(rng.below(3)) * 8;
                   r.train.optimizer = std::vector<std::string>{"sgd", "rmsprop", "adam"}[rng.below(3)];
                 },
                 [&](cmd::SetNorm& r) {
                   r.block = static_cast<int>(rng.below(4)) - 1;
                   r.kind = kNormKinds[rng.below(kNormKinds.size())];
                 },
                 [&](cmd::SetNormPosition& r) {
                   r.position = rng.below(2) ? NormPosition::after_activation : NormPosition::before_activation;
                 },
                 [&](cmd::SetBnMomentum& r) { r.momentum = rng.uniform(0.0f, 1.0f); },
                 [&](cmd::SetSpeed& r) { r.steps_per_second = rng.below(2) ? 0.0 : 5000.0; },
                 [&](cmd::SetIcsEvery& r) { r.steps = static_cast<int>(rng.below(20)); },
                 [&](cmd::SetSmoothnessEvery& r) { r.steps = static_cast<int>(rng.below(20)); },
                 [&](cmd::LossSlice& r) { r.size = 3 + static_cast<int>(rng.below(3)); },  // small grids
                 [](auto&) {},
             },
             c);
  return c;
}

TEST(Trainer, RandomCommandsLeaveEverySnapshotConsistent) {
  const Config cfg = moons_two_blocks_config();
  TrainerOptions opt;
  opt.start_paused = false;
  opt.probe_every = 3;
  opt.eval_every = 7;
  Trainer t(cfg, loaded_data(cfg), opt);
  t.start();
  std::atomic<bool> done{false};
  std::atomic<int> bad{0}, seen{0};
  std::thread reader([&] {
    uint64_t last_version = 0;
    while (!done) {
      auto s = t.snapshot();
      ++seen;
      if (s->version < last_version) bad |= 64;
      last_version = s->version;
      if (s->step > 0 && s->last.step != s->step) bad |= 1;
      if (!s->config || s->config->model.blocks.size() != 3) bad |= 2;
      if (s->probe && s->probe->step > s->step) bad |= 4;
      if (s->probe && s->probe->blocks.size() != 3) bad |= 8;
      if (s->test_step > s->step) bad |= 16;
      const auto frames = t.history().frames(0, s->step, 50);
      for (const auto& f : frames)
        for (size_t i = 0; i < f->blocks.size(); ++i) {
          const auto& b = f->blocks[i];
          const size_t units = i < 2 ? 12u : 2u;
          if (!b.gamma.empty() && b.gamma.size() != units) bad |= 32;
          if (!b.running_var.empty() && (b.norm != NormKind::batch || b.running_var.size() != units)) bad |= 32;
          for (const TapProbe& tap : b.taps)
            if (tap.histogram.bins.size() != 64u) bad |= 128;
        }
    }
  });
  Rng rng(123);
  std::set<size_t> sent;
  for (int i = 0; i < 3000; ++i) {
    const Command c = random_command(rng, cfg, rng.below(kCommandKinds));
    sent.insert(c.index());
    t.post(c);
    if (i % 100 == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  t.resume();
  const int64_t at = t.snapshot()->step;
  // EXPECT, not ASSERT: the reader thread must still be stopped and joined below.
  EXPECT_TRUE(wait_for([&] { return t.snapshot()->step > at + 20 || t.snapshot()->diverged; }))
      << "timed out waiting: step " << t.snapshot()->step << " (from " << at << "), paused " << t.snapshot()->paused
      << ", error '" << t.snapshot()->error << "'";
  done = true;
  reader.join();
  EXPECT_EQ(bad.load(), 0);
  EXPECT_GT(seen.load(), 100);
  EXPECT_EQ(static_cast<int>(sent.size()), kCommandKinds) << "the stress test leaves a command kind out";
  const std::string error = t.snapshot()->error;  // the last command refused, if any
  EXPECT_TRUE(error.empty() || error.find("model.") != std::string::npos) << error;
}

TEST(Trainer, StopsPromptlyMidEpoch) {
  Config cfg = moons_two_blocks_config();
  cfg.data.n = 20000;  // long epochs, and a long evaluation
  TrainerOptions opt;
  opt.start_paused = false;
  auto t = std::make_unique<Trainer>(cfg, loaded_data(cfg), opt);
  t->start();
  ASSERT_TRUE(wait_for([&] { return t->snapshot()->step > 50; })) << "timed out waiting";
  const auto start = Clock::now();
  t.reset();
  const double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  EXPECT_LT(ms, 1000.0);  // the target is 100 ms; the bound leaves room for sanitizer builds
}

TEST(Trainer, PauseStepAndSpeed) {
  const Config cfg = moons_two_blocks_config();
  Trainer t(cfg, loaded_data(cfg), {});
  t.start();
  EXPECT_TRUE(t.snapshot()->paused);
  for (int i = 0; i < 5; ++i) t.step_once();
  ASSERT_TRUE(wait_for([&] { return t.snapshot()->step == 5; })) << "timed out waiting";
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(t.snapshot()->step, 5);  // single steps, then paused again
  t.post(cmd::SetSpeed{100});
  t.resume();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  t.pause();
  ASSERT_TRUE(wait_for([&] { return t.snapshot()->paused; })) << "timed out waiting";
  const int64_t steps = t.snapshot()->step - 5;
  EXPECT_GT(steps, 5);
  EXPECT_LT(steps, 90);  // about 30 at 100 steps/s; far below the unthrottled thousands
}

TEST(Trainer, LiveBatchNormSwitchEqualsARunBuiltWithIt) {
  Config plain = moons_two_blocks_config();
  plain.model.blocks[0].norm = NormKind::none;
  Config with_bn = moons_two_blocks_config();
  auto data = loaded_data(plain);
  bnlab::Run a(plain, data), b(with_bn, data);
  for (int i = 0; i < 3; ++i) {
    a.step();
    b.step();
  }
  a.set_model_config(with_bn.model);  // BN switched on live in block 0
  copy_shared_weights(a.model(), b.model());
  b.optimizer().reset();
  // The new BN starts as PyTorch's does.
  const Norm* bn = a.model().norms()[0];
  ASSERT_EQ(bn->norm_kind(), NormKind::batch);
  EXPECT_TRUE(Eigen::Map<const Vector>(bn->gamma().data(), bn->gamma().size()).isOnes());
  EXPECT_TRUE(Eigen::Map<const Vector>(bn->beta().data(), bn->beta().size()).isZero());
  EXPECT_TRUE(bn->running()->mean.isZero());
  EXPECT_TRUE(bn->running()->var.isOnes());
  const StepRecord ra = a.step(), rb = b.step();
  EXPECT_EQ(ra.loss, rb.loss);
  const auto pa = a.model().named_params(), pb = b.model().named_params();
  ASSERT_EQ(pa.size(), pb.size());
  for (size_t i = 0; i < pa.size(); ++i) {
    ASSERT_EQ(pa[i].name, pb[i].name);
    for (int64_t k = 0; k < pa[i].param.size; ++k) ASSERT_EQ(pa[i].param.value[k], pb[i].param.value[k]) << pa[i].name;
  }
  // Switching it off again keeps the weights of the op.
  const std::vector<float> w(a.model().params()[0].value, a.model().params()[0].value + a.model().params()[0].size);
  a.set_model_config(plain.model);
  EXPECT_EQ(std::vector<float>(a.model().params()[0].value, a.model().params()[0].value + w.size()), w);
  EXPECT_TRUE(a.model().norms().size() == 1u);  // block 1 keeps its own BN
}

TEST(Trainer, LiveSwitchThroughCommands) {
  Config cfg = moons_two_blocks_config();
  cfg.model.blocks[1].groups = 5;  // does not divide its 12 units
  Trainer t(cfg, loaded_data(cfg), {});
  t.start();
  t.post(cmd::SetNorm{-1, NormKind::none});
  t.step_once();
  ASSERT_TRUE(wait_for([&] { return t.snapshot()->step == 1; })) << "timed out waiting";
  for (const BlockConfig& b : t.snapshot()->config->model.blocks) EXPECT_EQ(b.norm, NormKind::none);
  t.post(cmd::SetNorm{-1, NormKind::group});  // every block but the output
  t.step_once();
  ASSERT_TRUE(wait_for([&] { return t.snapshot()->step == 2; })) << "timed out waiting";
  auto blocks = t.snapshot()->config->model.blocks;
  EXPECT_EQ(blocks[0].norm, NormKind::group);
  EXPECT_EQ(blocks[0].groups, default_groups(12));  // none set
  EXPECT_EQ(blocks[1].groups, default_groups(12));  // 5 does not divide 12
  EXPECT_EQ(blocks[2].norm, NormKind::none);
  EXPECT_TRUE(t.snapshot()->error.empty()) << t.snapshot()->error;
  t.post(cmd::SetNorm{1, NormKind::instance});  // a dense block: refused, the run goes on as it was
  t.step_once();
  ASSERT_TRUE(wait_for([&] { return t.snapshot()->step == 3; })) << "timed out waiting";
  EXPECT_NE(t.snapshot()->error.find("model.blocks[1].norm: instance norm is for conv blocks only"), std::string::npos)
      << t.snapshot()->error;
  EXPECT_EQ(t.snapshot()->config->model.blocks[1].norm, NormKind::group);
  t.post(cmd::SetNorm{9, NormKind::batch});
  t.step_once();
  ASSERT_TRUE(wait_for([&] { return t.snapshot()->step == 4; })) << "timed out waiting";
  EXPECT_NE(t.snapshot()->error.find("no block 9"), std::string::npos);
}

// Live switches from kind to kind (through switch_block_norm, as the trainer's SetNorm does)
// keep every op's weight, and the run then trains exactly as one built with that config from the
// same weights: the switch leaves nothing behind from the norm it replaced but what
// copy_shared_weights says it carries.
TEST(Trainer, LiveSwitchesBetweenEveryNormEqualARunBuiltWithEach) {
  Config cfg = moons_two_blocks_config();  // dense 12 (BN), dense 12 (BN), dense 2
  cfg.train.momentum = 0.9f;
  const auto data = loaded_data(cfg);
  bnlab::Run a(cfg, data);
  int64_t steps = 0;
  for (; steps < 3; ++steps) a.step();
  for (NormKind kind : {NormKind::layer, NormKind::group, NormKind::none, NormKind::batch}) {
    SCOPED_TRACE(norm_name(kind));
    for (int b = 0; b < 2; ++b) ASSERT_TRUE(switch_block_norm(cfg.model.blocks[b], kind));
    std::vector<std::vector<float>> ops;
    for (const BlockLayers& bl : a.model().blocks()) {
      const Param w = a.model().layer(bl.op).params()[0];
      ops.emplace_back(w.value, w.value + w.size);
    }
    a.set_model_config(cfg.model);
    for (size_t b = 0; b < ops.size(); ++b) {
      const Param w = a.model().layer(a.model().blocks()[b].op).params()[0];
      EXPECT_EQ(std::vector<float>(w.value, w.value + w.size), ops[b]) << "block " << b;
      const Norm* n = a.model().norm(a.model().blocks()[b]);
      EXPECT_EQ(n ? n->norm_kind() : NormKind::none, cfg.model.blocks[b].norm) << "block " << b;
    }
    bnlab::Run built(cfg, data);  // the same seed: the same batches once it has taken as many steps
    for (int64_t i = 0; i < steps; ++i) built.step();
    copy_shared_weights(a.model(), built.model());
    built.optimizer().reset();
    for (int i = 0; i < 2; ++i, ++steps) {
      const StepRecord ra = a.step(), rb = built.step();
      EXPECT_EQ(ra.loss, rb.loss);
    }
    const auto pa = a.model().named_params(), pb = built.model().named_params();
    ASSERT_EQ(pa.size(), pb.size());
    for (size_t i = 0; i < pa.size(); ++i) {
      ASSERT_EQ(pa[i].name, pb[i].name);
      for (int64_t k = 0; k < pa[i].param.size; ++k) ASSERT_EQ(pa[i].param.value[k], pb[i].param.value[k]) << pa[i].name;
    }
  }
}

// Kept for the labs (#12's beyond-ics: "the 2-D loss slice around the current weights,
// recomputed on request"): on request the snapshot gets the slice of the current weights, the
// same as one computed directly.
TEST(Trainer, LossSliceOnRequestIsTheCurrentWeightsSlice) {
  const Config cfg = moons_two_blocks_config();
  const auto data = loaded_data(cfg);
  TrainerOptions opt;  // paused at step 0
  opt.probe_set_size = 100;
  Trainer t(cfg, data, opt);
  t.start();
  t.post(cmd::LossSlice{5});
  ASSERT_TRUE(wait_for([&] { return t.snapshot()->loss_slice != nullptr; }));
  const auto s = t.snapshot();
  EXPECT_EQ(s->loss_slice_step, 0);
  bnlab::Run direct(cfg, data);
  Dataset set = data->train;  // the probe set: the first examples, in file order
  set.x = data->train.x.leftCols(100);
  set.y.resize(100);
  const LossSlice want = loss_slice(direct.model(), set, direct.loss().kind(), 5, 1.0f, cfg.seed);
  ASSERT_EQ(s->loss_slice->loss.size(), 25u);
  for (size_t i = 0; i < want.loss.size(); ++i) EXPECT_FLOAT_EQ(s->loss_slice->loss[i], want.loss[i]) << i;
}

}  // namespace
}  // namespace bnlab

namespace bnlab {
namespace {

TEST(Trainer, LongRunKeepsItsHistoryBounded) {
  Config cfg;
  cfg.seed = 2;
  cfg.data.dataset = "xor";
  cfg.data.n = 400;
  cfg.model = one_hidden_block(4, "batch", "tanh", 2);
  cfg.train.batch_size = 4;
  cfg.train.lr = 0.01f;
  TrainerOptions opt;
  opt.start_paused = false;
  opt.eval_every = 10000;
  Trainer t(cfg, loaded_data(cfg), opt);
  t.start();
  ASSERT_TRUE(wait_for([&] { return t.snapshot()->step >= 200000; }, 600.0)) << "timed out waiting";
  t.pause();
  ASSERT_TRUE(wait_for([&] { return t.snapshot()->paused; })) << "timed out waiting";
  const int64_t steps = t.snapshot()->step;
  ASSERT_GE(steps, 200000);
  EXPECT_LT(t.history().bytes(), 100u << 20);
  const auto all = t.history().query(History::train_loss, 1, steps, 1000);
  ASSERT_FALSE(all.empty());
  EXPECT_EQ(all.front().step_lo, 1);
  EXPECT_EQ(all.back().step_hi, steps);
  float lo = INFINITY, hi = -INFINITY;
  for (const SeriesPoint& p : all) {
    lo = std::min(lo, p.min);
    hi = std::max(hi, p.max);
  }
  for (const SeriesPoint& p : t.history().query(History::train_loss, steps - 999, steps, 4000)) {
    EXPECT_GE(p.min, lo);
    EXPECT_LE(p.max, hi);
  }
  const auto frames = t.history().frames(0, steps, 0);
  EXPECT_LE(frames.size(), 1024u);
  EXPECT_EQ(frames.back()->step, steps - steps % 10);
}

}  // namespace
}  // namespace bnlab
