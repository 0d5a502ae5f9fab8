// What this file is: probes and history against direct computations: histograms sum to the
// count, percentiles match a sort (numpy's linear interpolation), saturation matches a count by
// hand, W1 of shifted histograms equals the shift, and the bounded history keeps its bound and
// the true min/max of a long run.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <memory>

#include "core/layers/activation.h"
#include "core/model/model.h"
#include "core/probes/bin_gather.h"
#include "core/probes/probe.h"
#include "core/probes/stats.h"
#include "core/rng.h"
#include "core/train/history.h"
#include "test_helpers.h"

namespace bnlab {
namespace {

std::vector<float> random_values(int n, uint64_t seed) {
  Rng rng(seed);
  std::vector<float> v(n);
  for (float& x : v) x = rng.normal(0.5f, 2.0f);
  return v;
}

TEST(Stats, HistogramCountsEveryValue) {
  const auto v = random_values(1001, 1);
  const Histogram h = histogram(v.data(), static_cast<int64_t>(v.size()), -1.0f, 1.0f, 64);
  EXPECT_EQ(h.total(), v.size());  // values outside the range land in the end bins
  const int inside = static_cast<int>(std::count_if(v.begin(), v.end(), [](float x) { return x >= -1 && x < 1; }));
  EXPECT_GE(h.bins.front() + h.bins.back(), v.size() - inside);
}

TEST(Stats, PercentilesMatchASort) {
  for (int n : {1, 2, 7, 100, 6000}) {
    const auto v = random_values(n, n);
    std::vector<float> scratch;
    const Summary s = summarize(v.data(), n, scratch);
    std::vector<float> sorted = v;
    std::sort(sorted.begin(), sorted.end());
    for (size_t k = 0; k < kPercentiles.size(); ++k) {
      const double pos = kPercentiles[k] / 100.0 * (n - 1);
      const size_t lo = static_cast<size_t>(std::floor(pos));
      const size_t hi = std::min<size_t>(lo + 1, n - 1);
      const double expected = sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
      EXPECT_NEAR(s.percentiles[k], expected, 1e-5) << "n " << n << " p" << kPercentiles[k];
    }
    double mean = 0;
    for (float x : v) mean += x;
    mean /= n;
    EXPECT_NEAR(s.mean, mean, 1e-4);
  }
}

TEST(Stats, TheStdIsTheSpreadOverAllValuesAcrossBlocks) {
  // summarize combines blocks of 4096 values; an offset far from zero checks that the blocks'
  // spreads combine without cancellation.
  for (int n : {1, 7, 4096, 4097, 20000})
    for (float offset : {0.0f, 1000.0f}) {
      auto v = random_values(n, static_cast<uint64_t>(n) + 7);
      for (size_t i = 0; i < v.size(); ++i) v[i] = offset + v[i] * (1.0f + static_cast<float>(i / 4096));
      double mean = 0, squares = 0;
      for (float x : v) mean += x;
      mean /= n;
      for (float x : v) squares += (x - mean) * (x - mean);
      std::vector<float> scratch;
      const Summary s = summarize(v.data(), n, scratch);
      EXPECT_NEAR(s.mean, mean, 1e-6 * (1.0 + std::abs(mean))) << n << " offset " << offset;
      EXPECT_NEAR(s.std, std::sqrt(squares / n), 1e-4 * std::sqrt(squares / n) + 1e-6) << n << " offset " << offset;
    }
}

TEST(Stats, GatherBinsTakesEveryValueOfTheWantedBinsInOrder) {
  // Bins in runs (a tap's neighbours share bins), wanted bins at the ends of the bitmap's words
  // and registers (0, 31, 32, 255, 256, 511, 512, 1023) and a few in between.
  Rng rng(11);
  std::vector<int> slot(kGatherBins, -1);
  int wanted = 0;
  for (int b : {0, 31, 32, 255, 256, 511, 512, 700, 1023, 5, 400}) slot[b] = wanted++;
  for (int n : {0, 5, 8, 16, 17, 1000, 4099}) {
    std::vector<int> bins(n);
    std::vector<float> values(n);
    for (int i = 0; i < n; ++i) {
      bins[i] = i > 0 && rng.uniform() < 0.5f ? bins[i - 1] : std::min(static_cast<int>(rng.uniform() * kGatherBins), kGatherBins - 1);
      if (rng.uniform() < 0.1f) bins[i] = i % 3 == 0 ? 1023 : i % 3 == 1 ? 0 : 512;
      values[i] = static_cast<float>(i);
    }
    std::vector<std::vector<float>> expected(wanted);
    for (int i = 0; i < n; ++i)
      if (slot[bins[i]] >= 0) expected[slot[bins[i]]].push_back(values[i]);
    std::vector<int64_t> offset(wanted + 1, 0), fill(wanted);
    for (int j = 0; j < wanted; ++j) offset[j + 1] = offset[j] + static_cast<int64_t>(expected[j].size());
    std::copy(offset.begin(), offset.end() - 1, fill.begin());
    std::vector<float> out(static_cast<size_t>(offset.back()), -1.0f);
    gather_bins(bins.data(), values.data(), n, slot.data(), fill.data(), out.data());
    for (int j = 0; j < wanted; ++j) {
      EXPECT_EQ(fill[j], offset[j + 1]) << "n " << n << " slot " << j;
      EXPECT_EQ(std::vector<float>(out.begin() + offset[j], out.begin() + offset[j + 1]), expected[j]) << "n " << n << " slot " << j;
    }
  }
}

TEST(Stats, TheHistogramASummaryFillsIsTheHistogramOfItsRangeAndItsPercentilesStayExact) {
  // 64 and 128 bins share summarize's count of its 1024 fine bins; 50 bins are counted apart. The
  // running range starts wider than the values, or empty; values on a 1/8 grid make ties.
  for (const int bins : {64, 128, 50})
    for (const bool wide : {false, true}) {
      auto v = random_values(5000, static_cast<uint64_t>(bins) + wide);
      for (size_t i = 0; i < v.size(); i += 3) v[i] = std::round(v[i] * 8.0f) / 8.0f;
      Histogram h;
      h.lo = wide ? -40.0f : 0.0f;
      h.hi = wide ? 25.0f : 0.0f;
      h.bins.assign(bins, 0u);
      std::vector<float> scratch;
      const Summary s = summarize(v.data(), static_cast<int64_t>(v.size()), scratch, &h);
      const std::string name = std::to_string(bins) + (wide ? " bins, wide range" : " bins");
      const auto [lo, hi] = std::minmax_element(v.begin(), v.end());
      EXPECT_EQ(h.lo, wide ? -40.0f : std::min(0.0f, *lo)) << name;
      EXPECT_EQ(h.hi, wide ? 25.0f : *hi) << name;
      EXPECT_EQ(h.bins, histogram(v.data(), static_cast<int64_t>(v.size()), h.lo, h.hi, bins).bins) << name;
      std::vector<float> sorted = v;
      std::sort(sorted.begin(), sorted.end());
      for (size_t k = 0; k < kPercentiles.size(); ++k) {
        const double pos = kPercentiles[k] / 100.0 * (sorted.size() - 1);
        const size_t r = static_cast<size_t>(std::floor(pos)), r1 = std::min(r + 1, sorted.size() - 1);
        const double expected = sorted[r] + (pos - r) * (static_cast<double>(sorted[r1]) - sorted[r]);
        EXPECT_NEAR(s.percentiles[k], expected, 1e-6 * (1.0 + std::abs(expected))) << name << " p" << kPercentiles[k];
      }
    }
}

TEST(Stats, WassersteinOfAShiftIsTheShift) {
  Histogram a, b;
  a.lo = 0.0f;
  a.hi = 1.0f;
  a.bins = {0, 10, 0, 0};  // mass spread over [0.25, 0.5)
  b = a;
  b.lo = 0.5f;
  b.hi = 1.5f;  // the same shape moved right by 0.5
  EXPECT_NEAR(wasserstein1(a, b), 0.5, 1e-9);
  EXPECT_NEAR(wasserstein1(a, a), 0.0, 1e-12);
  Histogram c = a;
  c.bins = {0, 0, 0, 10};  // [0.75, 1): moved by 0.5 within the same range
  EXPECT_NEAR(wasserstein1(a, c), 0.5, 1e-9);
}

TEST(Probe, FrameMatchesDirectComputation) {
  Model model(one_hidden_block(20, "batch", "sigmoid", 3), {6, 1, 1}, 3, 5);
  model.norms()[0]->set_affine(std::vector<float>(20, 6.0f), std::vector<float>(20, 0.0f));  // wide pre-activations: many saturate
  Tensor x;
  x.resize({6, 1, 1}, 32);
  Rng rng(6);
  for (Eigen::Index i = 0; i < x.data.size(); ++i) x.data.data()[i] = rng.normal();
  model.forward(x, Mode::train);
  Prober prober;
  const auto frame = prober.take(model, 10, {});
  ASSERT_EQ(frame->blocks.size(), 2u);
  const BlockProbe& b = frame->blocks[0];
  for (const TapProbe& t : b.taps) EXPECT_EQ(t.histogram.total(), 20u * 32u);
  // Saturation by hand on the activation's output.
  const Matrix& y = model.layer(model.blocks()[0].activation).output().data;
  int saturated = 0;
  for (Eigen::Index i = 0; i < y.size(); ++i) saturated += y.data()[i] * (1 - y.data()[i]) < 0.025f;
  EXPECT_FLOAT_EQ(b.saturation, static_cast<float>(saturated) / y.size());
  EXPECT_GT(b.saturation, 0.1f);
  // BN's post-norm tap: each feature has batch mean β = 0 and std γ (up to ε).
  EXPECT_NEAR(b.taps[tap_normalized].summary.mean, 0.0f, 1e-4);
  EXPECT_NEAR(b.taps[tap_normalized].summary.std, 6.0f, 1e-2);
  ASSERT_EQ(b.gamma.size(), 20u);
  EXPECT_FLOAT_EQ(b.gamma[3], 6.0f);
  EXPECT_EQ(frame->blocks[1].saturation, -1.0f);  // no activation
  EXPECT_TRUE(frame->blocks[1].gamma.empty());
  // The next frame after a change of the input measures a shift.
  x.data.array() += 3.0f;
  model.forward(x, Mode::train);
  const auto next = prober.take(model, 20, {});
  EXPECT_GT(next->blocks[0].taps[tap_z].shift, 0.5f);
  EXPECT_NEAR(next->blocks[0].taps[tap_normalized].shift, 0.0f, 0.2f);  // BN removes the shift
}

// A batch of random inputs through `model`, then a probe frame.
std::shared_ptr<ProbeFrame> probe_random_batch(Model& model, Shape in, int batch, uint64_t seed) {
  Tensor x;
  x.resize(in, batch);
  Rng rng(seed);
  for (Eigen::Index i = 0; i < x.data.size(); ++i) x.data.data()[i] = rng.normal();
  model.forward(x, Mode::train);
  Prober prober;
  return prober.take(model, 1, {});
}

// With BN after the activation, the normalized tap is BN(φ(z)): the activation reads z, and the
// frame says so (the saturation panel draws the histogram of what the activation reads).
TEST(Probe, TheActivationsInputIsZWhenBnComesAfterIt) {
  for (const char* position : {"before_activation", "after_activation"}) {
    ModelConfig cfg = one_hidden_block(20, "batch", "sigmoid", 3);
    cfg.bn.position = position;
    cfg.init.scale = 4.0f;
    Model model(cfg, {6, 1, 1}, 3, 5);
    const auto frame = probe_random_batch(model, {6, 1, 1}, 32, 6);
    const BlockProbe& b = frame->blocks[0];
    ASSERT_EQ(b.activation, ActivationKind::sigmoid);
    const bool after = std::string(position) == "after_activation";
    EXPECT_EQ(b.activation_input, after ? tap_z : tap_normalized) << position;
    // What the activation read, as the frame has it, against the activation layer's input.
    const BlockLayers& bl = model.blocks()[0];
    const Matrix& input = model.layer(after ? bl.op : bl.norm).output().data;
    const TapProbe& t = b.taps[b.activation_input];
    EXPECT_NEAR(t.summary.mean, input.mean(), 1e-4) << position;
    EXPECT_EQ(t.histogram.total(), static_cast<uint64_t>(input.size()));
    if (after) {
      EXPECT_NEAR(b.taps[tap_normalized].summary.mean, 0.0f, 1e-4);  // BN(σ(z)): β = 0
    }
  }
  ModelConfig plain = one_hidden_block(20, "none", "tanh", 3);
  Model model(plain, {6, 1, 1}, 3, 5);
  EXPECT_EQ(probe_random_batch(model, {6, 1, 1}, 32, 6)->blocks[0].activation_input, tap_z);
}

// Each activation's own saturation, counted by hand on the activation's output: tanh where
// 1 − y² < 0.1; ReLU and leaky ReLU the features (conv: channels) positive for no example.
TEST(Probe, EachActivationHasItsOwnSaturation) {
  {
    ModelConfig cfg = one_hidden_block(20, "none", "tanh", 3);
    cfg.init.scale = 3.0f;
    Model model(cfg, {6, 1, 1}, 3, 5);
    const auto frame = probe_random_batch(model, {6, 1, 1}, 32, 7);
    const Matrix& y = model.layer(model.blocks()[0].activation).output().data;
    const float by_hand = static_cast<float>((1.0f - y.array().square() < 0.1f).count()) / y.size();
    EXPECT_EQ(frame->blocks[0].activation, ActivationKind::tanh);
    EXPECT_FLOAT_EQ(frame->blocks[0].saturation, by_hand);
    EXPECT_GT(by_hand, 0.05f);
  }
  for (const char* kind : {"relu", "leaky_relu"}) {
    // Negative biases kill some units for the whole batch.
    ModelConfig cfg = one_hidden_block(40, "none", kind, 3);
    Model model(cfg, {6, 1, 1}, 3, 5);
    Param bias = model.layer(model.blocks()[0].op).params()[1];
    for (int64_t i = 0; i < bias.size; ++i) bias.value[i] = i % 3 == 0 ? -20.0f : 0.0f;
    const auto frame = probe_random_batch(model, {6, 1, 1}, 32, 8);
    const Matrix& y = model.layer(model.blocks()[0].activation).output().data;  // (40, 32)
    int dead = 0;
    for (Eigen::Index f = 0; f < y.rows(); ++f) dead += (y.row(f).array() > 0.0f).count() == 0;
    EXPECT_GE(dead, 14) << kind;  // the 14 units with bias −20, and any others that never fire
    EXPECT_FLOAT_EQ(frame->blocks[0].saturation, static_cast<float>(dead) / 40.0f) << kind;
  }
  {
    // Conv: a channel is dead when no position of any example is positive.
    ModelConfig cfg;
    BlockConfig conv, out;
    conv.op = "conv";
    conv.channels = 6;
    conv.kernel = 3;
    conv.activation = "relu";
    out.units = 3;
    cfg.blocks = {conv, out};
    Model model(cfg, {1, 6, 6}, 3, 5);
    Param bias = model.layer(model.blocks()[0].op).params()[1];
    for (int64_t c = 0; c < bias.size; ++c) bias.value[c] = c < 2 ? -50.0f : 0.0f;
    const auto frame = probe_random_batch(model, {1, 6, 6}, 8, 9);
    const Matrix& y = model.layer(model.blocks()[0].activation).output().data;  // (6·4·4, 8)
    int dead = 0;
    for (int c = 0; c < 6; ++c) dead += (y.middleRows(c * 16, 16).array() > 0.0f).count() == 0;
    EXPECT_EQ(dead, 2);
    EXPECT_FLOAT_EQ(frame->blocks[0].saturation, 2.0f / 6.0f);
  }
}

TEST(History, BoundedAndExactMinMaxOverALongRun) {
  History h;
  Rng rng(9);
  float lo = INFINITY, hi = -INFINITY;
  const int64_t steps = 300000;
  for (int64_t s = 1; s <= steps; ++s) {
    const float loss = 2.0f * std::exp(-s / 50000.0f) + 0.1f * rng.normal();
    lo = std::min(lo, loss);
    hi = std::max(hi, loss);
    h.add_step(s, loss, 0.5f, 0.1f);
    if (s % 10 == 0) {
      auto f = std::make_shared<ProbeFrame>();
      f->step = s;
      f->blocks.resize(4);
      for (auto& b : f->blocks)
        for (auto& t : b.taps) t.histogram.bins.assign(64, 1);
      h.add_frame(f);
    }
  }
  EXPECT_LT(h.bytes(), 100u << 20);
  const auto all = h.query(History::train_loss, 1, steps, 800);
  ASSERT_FALSE(all.empty());
  EXPECT_LE(all.size(), 800u);
  float qlo = INFINITY, qhi = -INFINITY;
  for (const SeriesPoint& p : all) {
    qlo = std::min(qlo, p.min);
    qhi = std::max(qhi, p.max);
  }
  EXPECT_EQ(qlo, lo);
  EXPECT_EQ(qhi, hi);
  EXPECT_EQ(all.front().step_lo, 1);
  EXPECT_EQ(all.back().step_hi, steps);
  // Recent data stays at full resolution.
  const auto recent = h.query(History::train_loss, steps - 99, steps, 1000);
  EXPECT_EQ(recent.size(), 100u);
  // Frames: thinned but spanning the run, recent ones dense.
  const auto frames = h.frames(0, steps, 0);
  EXPECT_LE(frames.size(), 1024u);
  EXPECT_LT(frames.front()->step, steps / 10);
  EXPECT_EQ(frames.back()->step, steps);
  EXPECT_EQ(frames[frames.size() - 2]->step, steps - 10);
  // The older frames are evenly spread: no gap wider than 1/64 of the run (repeatedly halving
  // only the older half left a first gap of thousands of steps), and at least 128 of them.
  int64_t widest = 0;
  for (size_t i = 1; i < frames.size(); ++i) widest = std::max(widest, frames[i]->step - frames[i - 1]->step);
  EXPECT_LE(widest, steps / 64);
  EXPECT_GE(frames.size(), 512u + 128u);
  // A plot asks for 400 over the whole run: spread over the steps, so the dense recent half
  // (the last ~2% of the steps here) does not take half of them.
  const auto spread = h.frames(0, steps, 400);
  EXPECT_LE(spread.size(), 400u);
  EXPECT_GE(spread.size(), 128u);
  EXPECT_EQ(spread.front(), frames.front());
  EXPECT_EQ(spread.back(), frames.back());
  const auto recent_picks = std::count_if(spread.begin(), spread.end(), [&](const auto& f) { return f->step > steps - steps / 50; });
  EXPECT_LE(recent_picks, 20);
}

}  // namespace
}  // namespace bnlab
