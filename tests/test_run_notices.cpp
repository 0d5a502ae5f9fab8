// What this file is: what the window says above the plots about a run (ui/run_notices.h), from
// real trainers: a dense BN at batch size 1 is said, with why (σ² = 0, the output is β, no
// gradient before it), in English and Chinese, and a conv BN at batch size 1 is not (#10, defect
// 5); of twin runs in lock-step, the one that diverges pauses at that step with a notice naming
// it while the other goes on; a loss that stays far above its start is said and training goes
// on (#10, defect 6).
#include <gtest/gtest.h>

#include "test_paths.h"
#include "core/train/twin_runs.h"
#include "test_helpers.h"
#include "ui/run_notices.h"
#include "ui/text.h"

namespace bnlab::ui {
namespace {

// The UI's words, in `lang` for the test's life.
struct Language {
  explicit Language(const char* lang) {
    text.load(BNLAB_ASSETS_DIR);
    text.set_language(lang);
  }
  ~Language() { text.set_language("en"); }
};

Config tiny_images(const std::string& op) {
  Config c;
  c.seed = 2;
  c.data.dataset = "mnist";
  c.data.dir = BNLAB_TEST_DATA_DIR "/tiny8";
  BlockConfig first, out;
  first.op = op;
  first.units = 16;
  first.channels = 4;
  first.kernel = 3;
  first.norm = NormKind::batch;
  first.activation = "relu";
  out.units = 10;
  c.model.blocks = {first, out};
  c.train.batch_size = 1;
  return c;
}

std::shared_ptr<const TrainerSnapshot> after_steps(Trainer& t, int steps) {
  for (int i = 0; i < steps; ++i) t.step_once();
  EXPECT_TRUE(wait_for([&] { return t.snapshot()->step >= steps; }));
  return t.snapshot();
}

TEST(RunNotices, DenseBnAtBatchSizeOneIsSaidWithWhyAndConvBnIsNot) {
  Language en("en");
  const Config dense = tiny_images("dense");
  Trainer d(dense, loaded_data(dense));
  d.start();
  auto snap = after_steps(d, 2);
  EXPECT_EQ(snap->one_value_norms, std::vector<int>{0});
  std::vector<RunNotice> notices = run_notices(snap.get(), nullptr);
  ASSERT_EQ(notices.size(), 1u);
  EXPECT_EQ(notices[0].kind, RunNotice::Kind::bn_one_value);
  EXPECT_EQ(notices[0].run, 'A');
  for (const char* why : {"Run A, block 1", "σ² is 0", "(x − μ)/√(σ² + ε) = 0", "β alone", "no gradient", "batch size of 2", "H·W"})
    EXPECT_NE(notices[0].text.find(why), std::string::npos) << why << " not in: " << notices[0].text;
  {
    Language zh("zh");
    const std::string said = run_notices(snap.get(), nullptr).at(0).text;
    for (const char* why : {"运行 A，第 1 块", "方差 σ² 为 0", "每个值都等于均值", "只输出 β", "批量大小设为 2"})
      EXPECT_NE(said.find(why), std::string::npos) << why << " not in: " << said;
  }
  // Back to a batch of 2: the notice goes at once.
  cmd::SetTrain set{dense.train};
  set.train.batch_size = 2;
  d.post(set);
  ASSERT_TRUE(wait_for([&] { return d.snapshot()->config->train.batch_size == 2; }));
  EXPECT_TRUE(run_notices(d.snapshot().get(), nullptr).empty());

  // A conv BN at batch size 1: 6·6 values per channel, nothing to say.
  const Config conv = tiny_images("conv");
  Trainer c(conv, loaded_data(conv));
  c.start();
  snap = after_steps(c, 2);
  EXPECT_TRUE(snap->one_value_norms.empty());
  EXPECT_TRUE(run_notices(nullptr, snap.get()).empty());
}

// LN over one unit and GN with one unit per group normalize groups of one value at any batch
// size: the model warns (its own words, tests/test_sample_norm.cpp), but the notice above the
// plots is about BN's batch, so it stays silent, at batch size 1 and above.
TEST(RunNotices, ANormOverGroupsOfOneValueIsNotTheBatchSizeOneNotice) {
  for (int batch : {1, 4}) {
    for (NormKind kind : {NormKind::layer, NormKind::group}) {
      Config c = tiny_images("dense");
      c.model.blocks[0].units = kind == NormKind::layer ? 1 : 4;
      c.model.blocks[0].norm = kind;
      c.model.blocks[0].groups = 4;
      c.train.batch_size = batch;
      Trainer t(c, loaded_data(c));
      t.start();
      auto snap = after_steps(t, 2);
      EXPECT_TRUE(snap->one_value_norms.empty()) << norm_name(kind) << " at batch size " << batch;
      EXPECT_TRUE(run_notices(snap.get(), nullptr).empty()) << norm_name(kind) << " at batch size " << batch;
      ASSERT_EQ(snap->warnings.size(), 1u) << norm_name(kind);
      EXPECT_NE(snap->warnings[0].find("groups of one value"), std::string::npos) << snap->warnings[0];
    }
  }
}

// A linear network under MSE with a learning rate far past 2/λ_max grows to inf (as the CLI's
// divergence test); its twin, at a sane rate, learns.
Config linear(float lr) {
  Config c;
  c.seed = 3;
  c.data.dataset = "spiral";
  c.data.n = 240;
  BlockConfig h, out;
  h.units = 16;
  out.units = 2;
  c.model.blocks = {h, out};
  c.train.batch_size = 20;
  c.train.loss = "mse";
  c.train.lr = lr;
  return c;
}

TEST(RunNotices, OnlyTheDivergedTwinPausesWithANoticeNamingTheStepAndTheOtherGoesOn) {
  Language en("en");
  TrainerOptions opt;
  opt.probe_every = 0;
  const Config a = linear(100.0f);
  TwinRuns twins(a, linear(0.01f), loaded_data(a), opt, /*lockstep=*/true);
  twins.post_both(cmd::Resume{});
  ASSERT_TRUE(wait_for([&] { return twins.a().snapshot()->diverged; }));
  const int64_t at = twins.a().snapshot()->diverged_at;
  ASSERT_GT(at, 0);
  // B goes on well past it; A stays where it stopped.
  ASSERT_TRUE(wait_for([&] { return twins.b().snapshot()->step > at + 200; }));
  const auto sa = twins.a().snapshot(), sb = twins.b().snapshot();
  EXPECT_EQ(sa->step, at);
  EXPECT_TRUE(sa->paused);
  EXPECT_FALSE(sb->diverged);
  EXPECT_FALSE(sb->paused);
  const std::vector<RunNotice> notices = run_notices(sa.get(), sb.get());
  ASSERT_EQ(notices.size(), 1u);
  EXPECT_EQ(notices[0].kind, RunNotice::Kind::diverged);
  EXPECT_EQ(notices[0].run, 'A');
  EXPECT_EQ(notices[0].step, at);
  EXPECT_NE(notices[0].text.find("Run A diverged at step " + std::to_string(at)), std::string::npos) << notices[0].text;
  Language zh("zh");
  EXPECT_NE(run_notices(sa.get(), sb.get()).at(0).text.find("在第 " + std::to_string(at) + " 步发散"), std::string::npos);
}

// lr 1000 with ReLU and cross-entropy: a finite loss far above its start, for good.
TEST(RunNotices, ALossFarAboveItsStartIsSaidAndTrainingGoesOn) {
  Language en("en");
  Config c = linear(1000.0f);
  c.train.loss = TrainConfig{}.loss;  // cross-entropy
  c.model.blocks[0].activation = "relu";
  TrainerOptions opt;
  opt.start_paused = false;
  opt.probe_every = 0;
  Trainer t(c, loaded_data(c), opt);
  t.start();
  ASSERT_TRUE(wait_for([&] { return t.snapshot()->loss_alarm.raised() || t.snapshot()->diverged; }));
  const auto raised = t.snapshot();
  ASSERT_FALSE(raised->diverged) << "the loss was meant to stay finite";
  ASSERT_TRUE(wait_for([&] { return t.snapshot()->step > raised->step + 500; }));  // still training
  const auto later = t.snapshot();
  EXPECT_FALSE(later->paused);
  ASSERT_TRUE(later->loss_alarm.raised());
  const std::vector<RunNotice> notices = run_notices(later.get(), nullptr);
  ASSERT_EQ(notices.size(), 1u);
  EXPECT_EQ(notices[0].kind, RunNotice::Kind::loss_high);
  EXPECT_NE(notices[0].text.find("above 10× its start since step " + std::to_string(later->loss_alarm.since)), std::string::npos)
      << notices[0].text;
}

// The notices' and the problems' sentences share one fill: a translation puts its places in its
// own order, may use one twice, and a brace that names no value stays as written.
TEST(RunNotices, FillPutsEachValueInEveryPlaceNamedForItInTheSentencesOrder) {
  EXPECT_EQ(fill("{step} 步时 {run} 发散（{run}）", {{"run", "A"}, {"step", "120"}}), "120 步时 A 发散（A）");
  EXPECT_EQ(fill("{a}{b} {c} {", {{"a", "{b}"}, {"b", "x"}}), "{b}x {c} {");
  EXPECT_EQ(fill("", {{"a", "x"}}), "");
}

}  // namespace
}  // namespace bnlab::ui
