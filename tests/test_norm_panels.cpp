// What this file is: the panels that show what each norm computes (#11). The norm-axes picture's
// counts (panels/norm_axes.h) against what the norm layers really compute, for dense and conv
// blocks, every norm and several batch sizes; the γ/β panel's points for LN, GN and IN (one per
// sample and group) and an LN's per-channel summary (panels/norm_statistics.h); and both panels
// rendered headless (scene/render.h) in English and Chinese at the projector's 1280x720, checked
// on the data they drew.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "test_paths.h"
#include "core/model/model.h"
#include "core/rng.h"
#include "panels/norm_axes.h"
#include "panels/norm_statistics.h"
#include "scene/render.h"
#include "plot_csv_rows.h"
#include "test_helpers.h"

namespace bnlab {
namespace {

namespace fs = std::filesystem;

// A block and the dense output block after it; `groups` 2 (used by GN, kept by the others).
Config one_block(BlockConfig first, NormKind norm, int batch) {
  Config c;
  first.norm = norm;
  first.groups = 2;
  first.activation = "relu";
  BlockConfig out;
  out.units = 3;
  c.model.blocks = {first, out};
  c.train.batch_size = batch;
  return c;
}

// The statistics the norm of block 0 computes on a batch of `batch` random inputs, in training.
NormStatistics computed(Model& model, Shape input, int batch) {
  Tensor x;
  x.resize(input, batch);
  Rng rng(7);
  for (Eigen::Index i = 0; i < x.data.size(); ++i) x.data.data()[i] = rng.normal();
  model.forward(x, Mode::train);
  return model.norm(model.blocks()[0])->statistics();
}

// For a block of each kind and each batch size, the picture's row of the block's own norm says
// as many statistics, over as many values each, as the layer computes; and the other rows follow
// from the same N, C, H·W.
TEST(NormAxes, CountsAreWhatEachNormComputesForDenseAndConvBlocks) {
  BlockConfig dense;
  dense.units = 12;
  BlockConfig conv;
  conv.op = "conv";
  conv.channels = 4;
  conv.kernel = 3;
  conv.padding = 1;
  const std::vector<std::pair<BlockConfig, Shape>> cases = {{dense, Shape{5, 1, 1}}, {conv, Shape{1, 8, 8}}};
  for (const auto& [block, input] : cases)
    for (NormKind norm : {NormKind::batch, NormKind::layer, NormKind::group, NormKind::instance})
      for (int batch : {1, 2, 7}) {
        if (norm == NormKind::instance && block.op == "dense") continue;  // the config refuses it
        const Config c = one_block(block, norm, batch);
        const std::string where = block.op + " " + norm_name(norm) + " N=" + std::to_string(batch);
        const std::optional<NormAxes> a = norm_axes(c, input, 0);
        ASSERT_TRUE(a) << where;
        EXPECT_EQ(a->n, batch) << where;
        EXPECT_EQ(a->own, norm) << where;
        Model model(c.model, input, 3, 1);
        const NormStatistics s = computed(model, input, batch);
        const NormAxesRow& own = axes_row(*a, norm);
        EXPECT_TRUE(own.applies) << where;
        EXPECT_EQ(own.statistics, static_cast<int64_t>(s.mean.size())) << where;
        EXPECT_EQ(own.values_each, s.count) << where;
        if (norm != NormKind::batch) {
          EXPECT_EQ(own.groups, s.groups) << where;
        }
        // Every norm's statistics together cover the N·C·H·W values once.
        for (const NormAxesRow& r : a->rows)
          if (r.applies) {
            EXPECT_EQ(r.statistics * r.values_each, int64_t{batch} * a->c * a->hw()) << where;
          }
      }
}

TEST(NormAxes, TheShapeIsTheOpsOutputAtTheConfigsBatchSize) {
  // Conv 4×3×3 (padding 1) on 1×8×8, avg pool 2, then conv 6×3×3 (no padding): 6×2×2.
  Config c;
  BlockConfig a;
  a.op = "conv";
  a.channels = 4;
  a.kernel = 3;
  a.padding = 1;
  a.norm = NormKind::batch;
  a.pool.type = "avg";
  a.pool.size = 2;
  BlockConfig b = a;
  b.channels = 6;
  b.padding = 0;
  b.norm = NormKind::group;
  b.groups = 3;
  b.pool.type = "none";
  BlockConfig out;
  out.units = 10;
  c.model.blocks = {a, b, out};
  c.train.batch_size = 32;
  const std::optional<NormAxes> second = norm_axes(c, Shape{1, 8, 8}, 1);
  ASSERT_TRUE(second);
  EXPECT_TRUE(second->conv);
  EXPECT_EQ(second->c, 6);
  EXPECT_EQ(second->h, 2);
  EXPECT_EQ(second->w, 2);
  const NormAxesRow& gn = axes_row(*second, NormKind::group);
  EXPECT_EQ(gn.groups, 3);
  EXPECT_EQ(gn.statistics, 32 * 3);
  EXPECT_EQ(gn.values_each, 2 * 4);
  EXPECT_EQ(axes_row(*second, NormKind::batch).values_each, 32 * 4);
  EXPECT_EQ(axes_row(*second, NormKind::instance).values_each, 4);
  // The first block's BN: GN would take default_groups(4) = 2 groups of 2 channels.
  const std::optional<NormAxes> first = norm_axes(c, Shape{1, 8, 8}, 0);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->hw(), 64);
  EXPECT_EQ(axes_row(*first, NormKind::group).groups, 2);
  // The dense output block: H·W = 1, and IN does not apply.
  const std::optional<NormAxes> last = norm_axes(c, Shape{1, 8, 8}, 2);
  ASSERT_TRUE(last);
  EXPECT_FALSE(last->conv);
  EXPECT_EQ(last->hw(), 1);
  EXPECT_EQ(last->own, NormKind::none);
  EXPECT_FALSE(axes_row(*last, NormKind::instance).applies);
  EXPECT_FALSE(norm_axes(c, Shape{1, 8, 8}, 3));
}

TEST(GammaBetaPanel, SampleStatisticsAreOnePointPerSampleAndGroup) {
  BlockProbe b;
  b.norm = NormKind::group;
  b.stat_groups = 2;
  b.batch_mean = {10, 11, 20, 21, 30, 31};  // sample-major: sample s, group g at s·2 + g
  b.batch_var = {1, 2, 3, 4, 5, 6};
  const SampleGroupPoints p = sample_group_points(b);
  ASSERT_EQ(p.samples, 3);
  ASSERT_EQ(p.groups, 2);
  ASSERT_EQ(p.x.size(), 6u);
  for (int s = 0; s < 3; ++s) {
    // Sample s's groups sit around x = s, in group order, apart from the next sample's.
    EXPECT_LT(p.x[2 * s], p.x[2 * s + 1]);
    EXPECT_GE(p.x[2 * s], s - 0.4f);
    EXPECT_LE(p.x[2 * s + 1], s + 0.4f);
    EXPECT_FLOAT_EQ(p.mean[2 * s + 1], 10.0f * (s + 1) + 1);
    EXPECT_FLOAT_EQ(p.var[2 * s], 2.0f * s + 1);
  }
  // LN: one point per sample, at the sample.
  b.stat_groups = 1;
  const SampleGroupPoints ln = sample_group_points(b);
  ASSERT_EQ(ln.samples, 6);
  EXPECT_FLOAT_EQ(ln.x[4], 4.0f);
  // BN has no per-sample statistics.
  b.stat_groups = 0;
  EXPECT_EQ(sample_group_points(b).x.size(), 0u);
}

TEST(GammaBetaPanel, AnLnsPerValueParametersAreSummarizedPerChannel) {
  // C = 2 channels of H·W = 3 values, channel-major as nn.LayerNorm([C, H, W]).weight.
  EXPECT_EQ(channel_means({1, 2, 3, 10, 20, 30}, 2), (std::vector<float>{2, 20}));
  EXPECT_EQ(channel_means({4, 5}, 2), (std::vector<float>{4, 5}));  // one value a channel: itself
  EXPECT_TRUE(channel_means({1, 2, 3}, 2).empty());                 // not C·H·W: nothing made up
}

// --- headless renders ------------------------------------------------------------------------

using Row = PlotCsvRow;

std::vector<Row> rows_of(const std::string& csv) { return plot_csv_rows(csv); }

constexpr int kBatch = 5, kChannels = 4;

// Three steps on tiny8 (1×8×8 images): the γ/β panel's γ after 20 training steps of a conv block
// with `norm` (4 channels, 2 groups, 8×8 maps), then its μ (at 1280x720 it shows one plot at a
// time), then the norm-axes picture of the same block.
Scene norm_scene(const std::string& norm) {
  nlohmann::json j = nlohmann::json::parse(R"({
    "id": "norm-panels-test", "title": {"en": "Norms", "zh": "归一化"},
    "experiment": {"seed": 4, "data": {"dataset": "mnist", "normalize": "scale"},
                   "model": {"blocks": [{"op": "conv", "channels": 4, "kernel": 3, "padding": 1, "groups": 2,
                                         "activation": "relu"},
                                        {"op": "dense", "units": 10}]},
                   "train": {"batch_size": 5, "lr": 0.05}},
    "steps": [{"id": "gamma-beta", "narration": {"en": "γ and β.", "zh": "γ 与 β。"},
               "layout": [{"panel": "gamma_beta", "block": 1}], "run": {"to_step": 20}},
              {"id": "mean", "narration": {"en": "The means.", "zh": "均值。"},
               "layout": [{"panel": "gamma_beta", "block": 1, "shown": "mean"}]},
              {"id": "axes", "narration": {"en": "The axes.", "zh": "轴。"},
               "layout": [{"panel": "norm_axes", "block": 1}]}]})");
  j["experiment"]["data"]["dir"] = BNLAB_TEST_DATA_DIR "/tiny8";
  j["experiment"]["model"]["blocks"][0]["norm"] = norm;
  return parse_scene(j, "norm-panels-test.json", BNLAB_EXAMPLES_DIR);
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(NormPanels, LnGnAndInRenderHeadlessInBothLanguagesWithTheirOwnStatistics) {
  for (const auto& [norm, groups] : std::vector<std::pair<std::string, int>>{{"layer", 1}, {"group", 2}, {"instance", kChannels}}) {
    const fs::path dir = fs::temp_directory_path() / ("bnlab-norm-panels-" + std::to_string(::getpid()));
    RenderOptions o;
    o.out_dir = dir.string();
    o.langs = {"en", "zh"};
    const std::vector<RenderedStep> pages = render_scene(norm_scene(norm), o);
    ASSERT_EQ(pages.size(), 6u) << norm;
    for (const RenderedStep& page : pages) {
      const std::string png = read_file(page.path);
      EXPECT_GT(png.size(), 1000u) << page.path;
      EXPECT_EQ(png.compare(1, 3, "PNG"), 0) << page.path;
      std::map<std::string, std::string> csv;
      for (const DrawnPlot& p : page.plots) csv[p.id] = p.csv;
      const std::string where = norm + " (" + page.lang + ") " + page.path;
      if (page.path.find("gamma-beta") != std::string::npos) {
        // γ: one line per channel (an LN's 4·8·8 per-value γ summarized per channel).
        ASSERT_TRUE(csv.count("gamma")) << where;
        std::set<std::string> lines;
        for (const Row& r : rows_of(csv["gamma"])) lines.insert(r.series);
        EXPECT_EQ(lines.size(), static_cast<size_t>(kChannels)) << where;
      } else if (page.path.find("mean") != std::string::npos) {
        // μ: a point per sample and group of the last batch, each at its sample; no running statistics.
        EXPECT_FALSE(csv.count("running-vs-batch-mean")) << where;
        ASSERT_TRUE(csv.count("sample-mean")) << where;
        const std::vector<Row> points = rows_of(csv["sample-mean"]);
        EXPECT_EQ(points.size(), static_cast<size_t>(kBatch * groups)) << where;
        for (const Row& r : points) {
          EXPECT_EQ(r.kind, "scatter") << where;
          EXPECT_GE(r.x, -0.5) << where;
          EXPECT_LE(r.x, kBatch - 0.5) << where;
          EXPECT_TRUE(std::isfinite(r.y)) << where;
        }
      } else {
        // The picture's numbers: the block's own norm marked, with N·G statistics of C/G·H·W values.
        ASSERT_TRUE(csv.count("norm-axes")) << where;
        const std::string own = std::string(norm_abbreviation(*parse_norm_kind(norm))) + ",1," +
                                std::to_string(kBatch * groups) + "," + std::to_string(kChannels / groups * 64) + ",";
        EXPECT_NE(csv["norm-axes"].find(own), std::string::npos) << where << "\n" << csv["norm-axes"];
        EXPECT_NE(csv["norm-axes"].find(",1\n"), std::string::npos) << where;  // one row is the block's own
      }
    }
    fs::remove_all(dir);
  }
}

}  // namespace
}  // namespace bnlab
