// What this file is: the numbers the beyond-ICS labs show, against direct computations (#12 §5):
// smoothness's L(w − ηg), ‖∇L(w) − ∇L(w − ηg)‖ and β ratio by hand on a copy of the model; the
// loss slice's directions (filter-normalized, the same draws for A and B) and a node of the grid
// as the loss at w + s·δ₁ + t·δ₂ by hand; the slice of a published ModelState equal, bit for bit,
// to the trainer's slice of its live model; the series the panels plot equal to the frames'
// measures; and a cancelled slice job that stops and leaves the last complete slice.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "core/data/dataset.h"
#include "core/probes/landscape.h"
#include "core/probes/landscape_series.h"
#include "core/probes/slice_pair.h"
#include "core/train/trainer.h"
#include "panels/lab_job.h"
#include "test_helpers.h"

namespace bnlab {
namespace {

// Two blocks: dense 6 + BN + tanh, then the dense output of 3.
Model two_blocks(uint64_t seed) { return Model(one_hidden_block(6, "batch", "tanh", 3), {4, 1, 1}, 3, seed); }

double loss_at(Model& m, const Tensor& x, const std::vector<int>& y, Mode mode) {
  return Loss(LossKind::cross_entropy).forward(m.forward(x, mode), y);
}

TEST(LandscapeLab, SmoothnessIsTheLossAndGradientAtTheSteppedWeightsByHand) {
  const Tensor x = random_tensor({4, 1, 1}, 12, 21);
  const std::vector<int> y = {0, 1, 2, 0, 1, 2, 0, 1, 2, 2, 1, 0};
  Model model = two_blocks(5);
  Loss loss(LossKind::cross_entropy);
  model.zero_grad();
  loss.forward(model.forward(x, Mode::train), y);
  model.backward(loss.backward());
  std::vector<std::vector<float>> g;
  double g_norm = 0.0;
  for (const Param& p : model.params()) {
    g.emplace_back(p.grad, p.grad + p.size);
    for (int64_t k = 0; k < p.size; ++k) g_norm += static_cast<double>(p.grad[k]) * p.grad[k];
  }
  g_norm = std::sqrt(g_norm);
  const std::vector<float> etas = {0.05f, 0.2f, 1.0f};
  const SmoothnessMeasure m = measure_smoothness(model, x, y, LossKind::cross_entropy, etas);
  ASSERT_EQ(m.losses.size(), etas.size());
  float lmin = INFINITY, lmax = -INFINITY, dmin = INFINITY, dmax = -INFINITY, ratio_max = 0;
  for (size_t e = 0; e < etas.size(); ++e) {
    // By hand: a copy with the same start, moved to w − ηg, its loss and gradient with the batch's
    // statistics (as the step that measured), and the gradient difference.
    Model hand = two_blocks(5);
    const std::vector<Param> hp = hand.params();
    for (size_t i = 0; i < hp.size(); ++i)
      for (int64_t k = 0; k < hp[i].size; ++k) hp[i].value[k] -= etas[e] * g[i][k];
    hand.zero_grad();
    const float l = loss.forward(hand.forward(x, Mode::infer_batch), y);
    hand.backward(loss.backward());
    double diff = 0.0;
    for (size_t i = 0; i < hp.size(); ++i)
      for (int64_t k = 0; k < hp[i].size; ++k) diff += std::pow(static_cast<double>(g[i][k]) - hp[i].grad[k], 2);
    diff = std::sqrt(diff);
    EXPECT_NEAR(m.losses[e], l, 1e-6) << "η " << etas[e];
    EXPECT_NEAR(m.grad_diffs[e], diff, 1e-5 * (1 + diff)) << "η " << etas[e];
    EXPECT_NEAR(m.ratios[e], diff / (etas[e] * g_norm), 1e-4 * (1 + m.ratios[e])) << "η " << etas[e];
    lmin = std::min(lmin, l);
    lmax = std::max(lmax, l);
    dmin = std::min<float>(dmin, diff);
    dmax = std::max<float>(dmax, diff);
    ratio_max = std::max<float>(ratio_max, diff / (etas[e] * g_norm));
  }
  EXPECT_NEAR(m.loss_range, lmax - lmin, 1e-5);
  EXPECT_NEAR(m.grad_diff_range, dmax - dmin, 1e-5);
  EXPECT_NEAR(m.beta_smoothness, ratio_max, 1e-4 * ratio_max);
  EXPECT_GT(m.loss_range, 0.0f);  // the step sizes do move the loss
}

Dataset small_set(int n, uint64_t seed) {
  Dataset set;
  set.sample_shape = {4, 1, 1};
  set.classes = 3;
  set.x = random_tensor({4, 1, 1}, n, seed).data;
  for (int i = 0; i < n; ++i) set.y.push_back(i % 3);
  return set;
}

TEST(LandscapeLab, SliceDirectionsAreFilterNormalizedAndTheSameDrawsForAnyWeights) {
  Model a = two_blocks(3), b = two_blocks(8);
  const SliceDirections da = slice_directions(a, 17), db = slice_directions(b, 17);
  const std::vector<Param> pa = a.params(), pb = b.params();
  ASSERT_EQ(da.delta.size(), pa.size());
  for (size_t i = 0; i < pa.size(); ++i) {
    if (!pa[i].is_weight) {  // biases, γ and β stay where they are
      for (float v : da.delta[i]) EXPECT_EQ(v, 0.0f);
      continue;
    }
    const int64_t rows = pa[i].shape[0], cols = pa[i].size / rows;
    for (int64_t r = 0; r < rows; ++r) {
      double dn = 0, wn = 0, ea = 0, eb = 0, wa = 0, wb = 0, dot = 0;
      for (int64_t c = 0; c < cols; ++c) {
        const size_t k = static_cast<size_t>(r * cols + c);
        dn += std::pow(da.delta[i][k], 2);
        wn += std::pow(pa[i].value[k], 2);
        ea += std::pow(da.eta[i][k], 2);
        eb += std::pow(db.eta[i][k], 2);
        wa += std::pow(pa[i].value[k], 2);
        wb += std::pow(pb[i].value[k], 2);
        dot += static_cast<double>(da.eta[i][k]) * db.eta[i][k];
      }
      EXPECT_NEAR(std::sqrt(dn), std::sqrt(wn), 1e-4 * std::sqrt(wn));  // ‖δ row‖ = ‖W row‖
      EXPECT_NEAR(std::sqrt(ea), std::sqrt(wa), 1e-4 * std::sqrt(wa));
      EXPECT_NEAR(std::sqrt(eb), std::sqrt(wb), 1e-4 * std::sqrt(wb));
      // Two networks, one seed: the same random row, scaled to each network's weights.
      EXPECT_NEAR(dot, std::sqrt(ea * eb), 1e-4 * std::sqrt(ea * eb));
    }
  }
}

TEST(LandscapeLab, ASliceNodeIsTheLossAtTheDisplacedWeightsByHand) {
  Model model = two_blocks(4);
  model.forward(random_tensor({4, 1, 1}, 20, 6), Mode::train);  // running statistics of its own
  const Dataset set = small_set(30, 9);
  const int size = 5;
  const float extent = 0.8f;
  const LossSlice s = loss_slice(model, set, LossKind::cross_entropy, size, extent, 23);
  ASSERT_TRUE(s.complete);
  const SliceDirections d = slice_directions(model, 23);
  Tensor x;
  x.resize(set.sample_shape, set.size());
  x.data = set.x;
  for (auto [row, col] : {std::pair{1, 3}, std::pair{4, 0}, std::pair{2, 2}}) {
    const float sv = -extent + 2 * extent * row / (size - 1), tv = -extent + 2 * extent * col / (size - 1);
    Model hand = two_blocks(4);
    hand.forward(random_tensor({4, 1, 1}, 20, 6), Mode::train);
    const std::vector<Param> hp = hand.params();
    for (size_t i = 0; i < hp.size(); ++i)
      for (int64_t k = 0; k < hp[i].size; ++k) hp[i].value[k] += sv * d.delta[i][k] + tv * d.eta[i][k];
    EXPECT_NEAR(s.loss[row * size + col], loss_at(hand, x, set.y, Mode::infer_running), 1e-5)
        << "node " << row << "," << col;
  }
}

TEST(LandscapeLab, TheSliceOfAPublishedStateIsTheTrainersSliceOfItsLiveModel) {
  const Config cfg = moons_two_blocks_config();
  auto data = loaded_data(cfg);
  Trainer t(cfg, data, {});
  t.start();
  t.post(cmd::RunTo{40});
  ASSERT_TRUE(wait_for([&] { return t.snapshot()->step == 40 && t.snapshot()->paused; }));
  ASSERT_TRUE(wait_for([&] { return t.snapshot()->model_state && t.snapshot()->model_state->step == 40; }));
  t.post(cmd::LossSlice{7});
  ASSERT_TRUE(wait_for([&] { return t.snapshot()->loss_slice != nullptr; })) << "the trainer computed no slice";
  const auto snap = t.snapshot();
  ASSERT_EQ(snap->loss_slice_step, 40);
  SliceRequest r;
  r.size = 7;
  r.extent = snap->loss_slice->extent;
  r.seed = cfg.seed;  // what the trainer's slice uses
  r.probe_examples = TrainerOptions{}.probe_set_size;
  const LossSlice mine = slice_from_state(*snap->model_state, fixed_probe_set(data->train, r.probe_examples), r);
  ASSERT_TRUE(mine.complete);
  EXPECT_EQ(mine.loss, snap->loss_slice->loss);
  // And the pair: A and B from the same state give the same slice, and one colour scale over it.
  std::atomic<bool> cancel{false};
  std::atomic<int> rows{0};
  const auto pair = slice_pair(snap->model_state, snap->model_state, data->train, r, cancel, &rows);
  ASSERT_TRUE(pair && pair->a && pair->b);
  EXPECT_EQ(pair->a->loss, mine.loss);
  EXPECT_EQ(pair->b->loss, mine.loss);
  EXPECT_EQ(rows.load(), 14);
  EXPECT_EQ(pair->lo, *std::min_element(mine.loss.begin(), mine.loss.end()));
  EXPECT_EQ(pair->hi, *std::max_element(mine.loss.begin(), mine.loss.end()));
}

TEST(LandscapeLab, ACancelledSliceStopsAndLeavesTheLastCompleteOne) {
  Model model = two_blocks(2);
  auto state = std::make_shared<const ModelState>(capture_model_state(model, 7));
  const Dataset train = small_set(400, 3);
  SliceRequest small;
  small.size = 5;
  LabJob<SlicePair> job;
  std::atomic<int> rows{0};
  job.start([&](const std::atomic<bool>& cancel) { return slice_pair(state, state, train, small, cancel, &rows); });
  ASSERT_TRUE(wait_for([&] { return job.finished() == 1; })) << "the small slice did not finish";
  const std::shared_ptr<const SlicePair> first = job.result();
  ASSERT_TRUE(first && first->complete());
  // A large one, cancelled as soon as its first row is done.
  SliceRequest large;
  large.size = 201;
  rows = 0;
  job.start([&](const std::atomic<bool>& cancel) { return slice_pair(state, state, train, large, cancel, &rows); });
  ASSERT_TRUE(wait_for([&] { return rows.load() >= 1; })) << "the large slice did not start";
  job.cancel();
  job.stop();  // joins: the work saw the cancel
  EXPECT_FALSE(job.running());
  EXPECT_LT(rows.load(), 2 * 201);  // it stopped before the end
  EXPECT_EQ(job.finished(), 1);
  EXPECT_EQ(job.result(), first);  // the last complete slice is still the one shown
}

TEST(LandscapeLab, TheSeriesThePanelsPlotAreTheFramesMeasures) {
  const Config cfg = moons_two_blocks_config();
  TrainerOptions o;
  o.ics_every = 10;
  o.smoothness_every = 20;
  Trainer t(cfg, loaded_data(cfg), o);
  t.start();
  t.post(cmd::RunTo{60});
  ASSERT_TRUE(wait_for([&] { return t.snapshot()->step == 60 && t.snapshot()->paused; }));
  const FrameList frames = t.shared_history()->frames(0, INT64_MAX, 0);
  ASSERT_EQ(frames.size(), 6u);
  const MeasureSeries diff = ics_series(frames, 1, IcsQuantity::grad_diff), cosine = ics_series(frames, 2, IcsQuantity::cosine);
  ASSERT_EQ(diff.steps.size(), 6u);
  ASSERT_EQ(cosine.steps.size(), 6u);
  for (size_t i = 0; i < frames.size(); ++i) {
    ASSERT_EQ(frames[i]->ics.size(), 3u);
    EXPECT_EQ(diff.steps[i], static_cast<float>(frames[i]->step));
    EXPECT_EQ(diff.lo[i], frames[i]->ics[1].grad_diff_norm);
    EXPECT_EQ(cosine.lo[i], frames[i]->ics[2].cosine);
    EXPECT_GT(frames[i]->ics[1].grad_diff_norm, 0.0f);
  }
  EXPECT_EQ(ics_blocks(frames), 3);
  // Smoothness every 20 steps: frames 20, 40, 60.
  const MeasureSeries loss = smoothness_series(frames, SmoothnessQuantity::loss),
                      beta = smoothness_series(frames, SmoothnessQuantity::beta);
  ASSERT_EQ(loss.steps, (std::vector<float>{20, 40, 60}));
  for (size_t i = 0; i < 3; ++i) {
    const SmoothnessMeasure& m = frames[2 * i + 1]->smoothness.back();
    // Eight step sizes, lr/16 to 8·lr (there was one: the loop that filled them stopped after lr/16).
    ASSERT_EQ(m.etas.size(), 8u);
    for (int k = 0; k < 8; ++k) EXPECT_FLOAT_EQ(m.etas[k], cfg.train.lr * std::ldexp(1.0f, k - 4));
    EXPECT_GT(m.loss_range, 0.0f);
    EXPECT_EQ(loss.lo[i], *std::min_element(m.losses.begin(), m.losses.end()));
    EXPECT_EQ(loss.hi[i], *std::max_element(m.losses.begin(), m.losses.end()));
    EXPECT_EQ(beta.lo[i], m.beta_smoothness);
  }
  EXPECT_EQ(latest_smoothness(frames)->step, 60);
}

}  // namespace
}  // namespace bnlab
