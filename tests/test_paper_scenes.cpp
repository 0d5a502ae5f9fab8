// What this file is: the paper reproductions (issue #12 §8). The probe's per-unit percentiles
// (Figure 1(b, c) follows one sigmoid's input) against a sort of that unit's values; the two
// scenes' configs against the paper's and the book's setups, so nobody changes them quietly; and
// a capped render (RenderOptions::step_limit) whose percentile plot has the 15/50/85 series of
// one unit for runs A and B.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <map>
#include <string>

#include "test_paths.h"
#include "core/lesson/epoch_summary.h"
#include "core/lesson/published.h"
#include "core/model/model.h"
#include "core/probes/probe.h"
#include "plot_csv_rows.h"
#include "scene/render.h"
#include "scene/scene.h"
#include "test_helpers.h"
#include "ui/lab.h"

namespace bnlab {
namespace {

namespace fs = std::filesystem;

struct TempDir {
  fs::path path = fs::temp_directory_path() / ("bnlab-papers-" + std::to_string(::getpid()) + "-" + std::to_string(rand()));
  TempDir() { fs::create_directories(path); }
  ~TempDir() { fs::remove_all(path); }
};

// numpy.percentile(values, p) with its default linear interpolation.
double numpy_percentile(std::vector<float> v, double p) {
  std::sort(v.begin(), v.end());
  const double pos = p / 100.0 * static_cast<double>(v.size() - 1);
  const size_t lo = static_cast<size_t>(std::floor(pos)), hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (pos - static_cast<double>(lo)) * (static_cast<double>(v[hi]) - v[lo]);
}

// Every tap of every block: unit u's percentiles are those of its rows of the tap's tensor.
void expect_units_match(Model& model, const ProbeFrame& frame) {
  for (size_t b = 0; b < frame.blocks.size(); ++b) {
    const BlockTaps taps = model.taps(static_cast<int>(b));
    const Tensor* tensors[kTapCount] = {taps.z, taps.normalized, taps.activated};
    for (int t = 0; t < kTapCount; ++t) {
      const Tensor& x = *tensors[t];
      const auto& units = frame.blocks[b].taps[t].units;
      ASSERT_EQ(static_cast<int>(units.size()), x.shape.c) << "block " << b << " tap " << t;
      const int64_t per = x.shape.spatial();
      for (int u = 0; u < x.shape.c; ++u) {
        std::vector<float> values;  // the unit's values: its H·W rows, every sample
        for (int64_t r = u * per; r < (u + 1) * per; ++r)
          for (int n = 0; n < x.batch(); ++n) values.push_back(x.data(r, n));
        for (size_t k = 0; k < kUnitPercentiles.size(); ++k)
          EXPECT_NEAR(units[u][k], numpy_percentile(values, kUnitPercentiles[k]), 1e-5)
              << "block " << b << " tap " << t << " unit " << u << " p" << kUnitPercentiles[k];
      }
    }
  }
}

TEST(UnitPercentiles, EachDenseUnitsPercentilesAreThoseOfItsBatch) {
  Model model(one_hidden_block(20, "batch", "sigmoid", 3), {6, 1, 1}, 3, 5);
  model.norms()[0]->set_affine(std::vector<float>(20, 2.0f), std::vector<float>(20, 0.5f));
  const Tensor x = random_tensor({6, 1, 1}, 60, 7);
  model.forward(x, Mode::train);
  Prober prober(ProbeSettings{.unit_percentiles = true});
  const auto frame = prober.take(model, 10, {});
  expect_units_match(model, *frame);
  // Not the pooled percentiles: one unit's band is its own.
  const TapProbe& z = frame->blocks[0].taps[tap_z];
  EXPECT_NE(z.units[0][1], z.summary.percentiles[5]);
}

TEST(UnitPercentiles, EachConvChannelsPercentilesAreOverTheBatchAndPositions) {
  ModelConfig cfg;
  BlockConfig conv, out;
  conv.op = "conv";
  conv.channels = 3;
  conv.kernel = 3;
  conv.norm = NormKind::batch;
  conv.activation = "sigmoid";
  out.units = 4;
  cfg.blocks = {conv, out};
  Model model(cfg, {2, 6, 6}, 4, 3);
  model.forward(random_tensor({2, 6, 6}, 5, 9), Mode::train);
  Prober prober(ProbeSettings{.unit_percentiles = true});
  const auto frame = prober.take(model, 10, {});
  expect_units_match(model, *frame);
}

// Off unless asked (the distributions panel asks while it follows a unit): a frame then has no
// unit percentiles, and the rest of the frame is the same.
TEST(UnitPercentiles, AProberMeasuresThemOnlyWhenAsked) {
  Model model(one_hidden_block(20, "batch", "sigmoid", 3), {6, 1, 1}, 3, 5);
  model.forward(random_tensor({6, 1, 1}, 60, 7), Mode::train);
  Prober plain, with_units(ProbeSettings{.unit_percentiles = true});
  const auto a = plain.take(model, 10, {});
  const auto b = with_units.take(model, 10, {});
  for (int t = 0; t < kTapCount; ++t) {
    EXPECT_TRUE(a->blocks[0].taps[t].units.empty()) << t;
    EXPECT_EQ(b->blocks[0].taps[t].units.size(), 20u) << t;
    EXPECT_EQ(a->blocks[0].taps[t].summary.percentiles, b->blocks[0].taps[t].summary.percentiles) << t;
  }
  plain.set_unit_percentiles(true);
  EXPECT_EQ(plain.take(model, 20, {})->blocks[0].taps[tap_z].units.size(), 20u);
}

TEST(UnitPercentiles, ValuesThatAreNotFiniteAreLeftOut) {
  std::vector<float> v = {NAN, 1, 2, INFINITY, 3, 4, 5};
  const auto p = unit_percentiles(v);
  EXPECT_NEAR(p[1], 3.0f, 1e-6);  // the median of 1..5
  std::vector<float> none = {NAN};
  EXPECT_TRUE(std::isnan(unit_percentiles(none)[0]));
}

Scene shipped(const std::string& id) { return find_scene(id, ui::scenes_dir(), ui::examples_dir()); }

// Ioffe & Szegedy 2015, section 4.1: 3 fully-connected hidden layers of 100 sigmoids, small
// Gaussian weights, mini-batches of 60, cross-entropy; BN in A, none in B.
TEST(PaperScenes, FigureOneIsThePapersNetwork) {
  const Scene s = shipped("bn-paper-figure-1");
  const Config& c = s.experiment;
  ASSERT_EQ(c.model.blocks.size(), 4u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(c.model.blocks[i].op, "dense");
    EXPECT_EQ(c.model.blocks[i].units, 100);
    EXPECT_EQ(c.model.blocks[i].activation, "sigmoid");
    EXPECT_EQ(c.model.blocks[i].norm, NormKind::batch);
    EXPECT_EQ(s.norms_b[i], NormKind::none);
  }
  EXPECT_EQ(c.model.blocks[3].units, 10);
  EXPECT_EQ(c.model.bn.position, "before_activation");
  EXPECT_EQ(c.model.init.scheme, "normal");
  EXPECT_GE(c.model.init.std, 0.01f);
  EXPECT_LE(c.model.init.std, 0.1f);
  EXPECT_EQ(c.model.init.scale, 1.0f);
  EXPECT_EQ(c.train.batch_size, 60);
  EXPECT_EQ(c.train.optimizer, "sgd");
  EXPECT_EQ(c.train.loss, "cross_entropy");
  EXPECT_FALSE(s.train_b.has_value());  // B learns exactly as A
  // Figure 1(b, c): one sigmoid's input in the last hidden layer.
  bool one_unit = false;
  for (const SceneStep& step : s.steps)
    for (const auto& p : step.layout)
      if (p.id == "distributions") {
        EXPECT_EQ(p.settings.at("block"), 3);
        EXPECT_EQ(p.settings.at("tap"), "normalized");
        one_unit = p.settings.value("unit", 0) >= 1;
      }
  EXPECT_TRUE(one_unit);
}

// d2l's LeNet with BN after each conv and dense layer: English edition (1.0) lr 0.1, batch 128;
// Chinese edition (2.0) lr 1.0, batch 256; 10 epochs each, Xavier-uniform weights.
TEST(PaperScenes, TheLeNetIsTheBooks) {
  const Scene s = shipped("d2l-lenet-bn");
  const Config& c = s.experiment;
  ASSERT_EQ(c.model.blocks.size(), 5u);
  const int width[5] = {6, 16, 120, 84, 10};
  for (int i = 0; i < 5; ++i) {
    const BlockConfig& b = c.model.blocks[i];
    EXPECT_EQ(b.op, i < 2 ? "conv" : "dense") << i;
    EXPECT_EQ(i < 2 ? b.channels : b.units, width[i]) << i;
    EXPECT_EQ(b.activation, i < 4 ? "sigmoid" : "none") << i;
    EXPECT_EQ(b.norm, i < 4 ? NormKind::batch : NormKind::none) << i;
    if (i < 4) {
      EXPECT_EQ(s.norms_b[i], NormKind::batch) << i;
    }
    if (i < 2) {
      EXPECT_EQ(b.kernel, 5);
      EXPECT_EQ(b.padding, 0);
      EXPECT_EQ(b.pool.type, "avg");
      EXPECT_EQ(b.pool.size, 2);
    }
  }
  EXPECT_EQ(c.model.init.scheme, "xavier_uniform");
  EXPECT_EQ(c.train.optimizer, "sgd");
  EXPECT_FLOAT_EQ(c.train.lr, 0.1f);
  EXPECT_EQ(c.train.batch_size, 128);
  ASSERT_TRUE(s.train_b.has_value());
  EXPECT_FLOAT_EQ(s.train_b->lr, 1.0f);
  EXPECT_EQ(s.train_b->batch_size, 256);
  // The table's published runs are these two editions, trained as the scene trains A and B.
  const PublishedRun* en = published_run("d2l_en");
  const PublishedRun* zh = published_run("d2l_zh");
  ASSERT_TRUE(en && zh);
  EXPECT_FLOAT_EQ(en->lr, c.train.lr);
  EXPECT_EQ(en->batch_size, c.train.batch_size);
  EXPECT_FLOAT_EQ(zh->lr, s.train_b->lr);
  EXPECT_EQ(zh->batch_size, s.train_b->batch_size);
  EXPECT_EQ(s.steps[1].run.to_step, zh->epochs * (60000 / zh->batch_size));
  EXPECT_EQ(s.steps.back().run.to_step, en->epochs * (60000 / en->batch_size));
  // Ten epochs of each, in steps (a full batch each: 60,000 / 256 and / 128, rounded down).
  ASSERT_EQ(s.steps.size(), 4u);
  EXPECT_EQ(s.steps[1].run.to_step, 10 * (60000 / 256));
  EXPECT_EQ(s.steps.back().run.to_step, 10 * (60000 / 128));
}

// What d2l's train_ch6 prints after an epoch, from the history: the means over that epoch's
// batches and the test accuracy at its end, against the same sums done here. 4,680 steps, as
// run A of d2l-lenet-bn: its last epoch is within the history's full-resolution window.
TEST(EpochSummary, IsTheMeanOverTheEpochsBatchesAndTheTestAtItsEnd) {
  History h;
  constexpr int kPerEpoch = 468, kEpochs = 10;
  std::vector<double> loss(kPerEpoch * kEpochs + 1), acc(loss.size());
  for (int step = 1; step <= kPerEpoch * kEpochs; ++step) {
    loss[step] = 2.0 / (1.0 + 0.01 * step) + 0.1 * std::sin(step);
    acc[step] = 0.9 - 0.5 / (1.0 + 0.01 * step) + 0.05 * std::cos(3.0 * step);
    h.add_step(step, static_cast<float>(loss[step]), static_cast<float>(acc[step]), 0.1f);
    if (step % kPerEpoch == 0) h.add_eval(step, 0.5f, 0.80f + 0.001f * static_cast<float>(step / kPerEpoch));
  }
  for (int epoch : {1, 9, 10}) {
    const EpochSummary e = epoch_summary(h, kPerEpoch, epoch);
    double l = 0, a = 0;
    for (int step = (epoch - 1) * kPerEpoch + 1; step <= epoch * kPerEpoch; ++step) {
      l += loss[step];
      a += acc[step];
    }
    EXPECT_EQ(e.first_step, (epoch - 1) * kPerEpoch + 1);
    EXPECT_EQ(e.last_step, epoch * kPerEpoch);
    EXPECT_TRUE(e.trained);
    if (epoch == 1) continue;  // long past: the history keeps it in buckets, not step by step
    EXPECT_NEAR(e.train_loss, l / kPerEpoch, 1e-5) << epoch;
    EXPECT_NEAR(e.train_accuracy, a / kPerEpoch, 1e-5) << epoch;
    ASSERT_TRUE(e.tested);
    EXPECT_FLOAT_EQ(e.test_accuracy, 0.80f + 0.001f * epoch);
  }
  // An epoch the run has not finished: not trained, no test.
  const EpochSummary later = epoch_summary(h, kPerEpoch, 11);
  EXPECT_FALSE(later.trained);
  EXPECT_FALSE(later.tested);
  EXPECT_FALSE(epoch_summary(h, 0, 1).trained);
}

// A capped render: every step stops at the cap, and the one-unit plot has the 15/50/85 series of
// runs A and B, in order at every probe.
TEST(PaperScenes, ACappedRenderOfFigureOneHasOneUnitsPercentiles) {
  const Scene s = shipped("bn-paper-figure-1");
  TempDir dir;
  RenderOptions o;
  o.out_dir = dir.path.string();
  o.format = "csv";
  o.step_limit = 60;
  const std::vector<RenderedStep> pages = render_scene(s, o);
  ASSERT_EQ(pages.size(), s.steps.size());
  const DrawnPlot* bands = nullptr;
  for (const DrawnPlot& p : pages[2].plots)
    if (p.id == "distributions-bands") bands = &p;
  ASSERT_NE(bands, nullptr);
  std::map<std::string, std::map<double, double>> series;  // name -> step -> value
  for (const PlotCsvRow& r : plot_csv_rows(bands->csv)) series[r.series][r.x] = r.y;
  for (const char* run : {"A ", "B "}) {
    const auto& lo = series[std::string(run) + "15%"];
    const auto& mid = series[std::string(run) + "50%"];
    const auto& hi = series[std::string(run) + "85%"];
    ASSERT_EQ(lo.size(), 6u) << run << bands->csv.substr(0, 400);  // probes at steps 10..60
    EXPECT_EQ(lo.rbegin()->first, 60.0);                           // the cap, not step 10,000
    for (const auto& [step, v] : lo) {
      EXPECT_LE(v, mid.at(step)) << run << step;
      EXPECT_LE(mid.at(step), hi.at(step)) << run << step;
    }
  }
  EXPECT_NE(series["A 50%"], series["B 50%"]);
}

// `bnlab scene render --step-limit N`: a bad N is refused naming the flag; a good one stops the
// training there (the loss curve of the CSV ends at step 20, not at the scene's 1,000).
TEST(PaperScenes, TheStepLimitFlagCapsTheRender) {
  TempDir dir;
  int code = -1;
  std::string log = run_command(std::string("'") + BNLAB_EXE + "' scene render bn-paper-figure-1 --step-limit 0 --out '" +
                                    dir.path.string() + "'", &code);
  EXPECT_EQ(code, 2) << log;
  EXPECT_NE(log.find("--step-limit"), std::string::npos) << log;
  log = run_command(std::string("'") + BNLAB_EXE + "' scene render bn-paper-figure-1 --format csv --step-limit 20 --out '" +
                        dir.path.string() + "'", &code);
  ASSERT_EQ(code, 0) << log;
  std::ifstream in(dir.path / "02-first-epoch.csv");
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_NE(text.str().find("A 50%,line,20,"), std::string::npos) << text.str().substr(0, 300);
  EXPECT_EQ(text.str().find("A 50%,line,30,"), std::string::npos);
}

}  // namespace
}  // namespace bnlab
