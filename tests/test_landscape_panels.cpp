// What this file is: the beyond-ICS lab panels in the lab, without a window (#12 §5): showing the
// ICS and smoothness panels makes both trainers measure, every 10 steps by default, and hiding
// them stops it; the lines and bands the panels draw are the probe frames' measures; the loss
// slice computed from a scene setting is the slice of the runs' published networks, its centre
// the loss at their weights.
#include <gtest/gtest.h>
#include <cairo.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <functional>
#include <map>
#include <sstream>
#include <thread>

#include "core/probes/landscape_series.h"
#include "core/probes/slice_pair.h"
#include "lab_helpers.h"
#include "plot/cairo_canvas.h"
#include "test_helpers.h"
#include "ui/headless.h"
#include "ui/lab.h"
#include "ui/text.h"

namespace bnlab::ui {
namespace {

bool frames_until(Lab& lab, const std::function<bool()>& done) {
  for (int i = 0; i < 3000; ++i) {
    lab_frame(lab, {0, 0, 1280, 720}, "projector");
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

// series,kind,x,y,value of a plot's CSV, by series.
struct CsvPoint {
  std::string kind;
  double x = 0, y = 0, value = NAN;
};
std::map<std::string, std::vector<CsvPoint>> csv_points(const std::string& csv) {
  std::map<std::string, std::vector<CsvPoint>> out;
  std::istringstream in(csv);
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    std::istringstream f(line);
    std::string series, kind, x, y, v;
    std::getline(f, series, ',');
    std::getline(f, kind, ',');
    std::getline(f, x, ',');
    std::getline(f, y, ',');
    std::getline(f, v, ',');
    out[series].push_back({kind, std::stod(x), std::stod(y), v.empty() ? NAN : std::stod(v)});
  }
  return out;
}

// One frame drawn on a cairo canvas, as a scene page is: the plots each panel drew, by id.
std::map<std::string, std::string> drawn(Lab& lab) {
  cairo_surface_t* surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 1280, 720);
  cairo_t* cr = cairo_create(surface);
  std::map<std::string, std::string> out;
  {
    plot::CairoCanvas canvas(cr, 1.0f);
    std::vector<DrawnPlot> plots;
    lab_frame(lab, {0, 0, 1280, 720}, "projector", &canvas, &plots);
    for (const DrawnPlot& p : plots) out[p.id] = p.csv;
  }
  cairo_destroy(cr);
  cairo_surface_destroy(surface);
  return out;
}

// Two frames: the first applies what was posted (a panel shown tells the session what to
// measure), the second applies what that posted, so the trainers have it before any step that
// a later RunTo asks for.
void settle(Lab& lab) {
  lab_frame(lab, {0, 0, 1280, 720}, "projector");
  lab_frame(lab, {0, 0, 1280, 720}, "projector");
}

Lab& started(Lab& lab) {
  lab.session.start(spiral_config());
  EXPECT_TRUE(frames_until(lab, [&] { return lab.session.twins() != nullptr; })) << lab.session.error;
  return lab;
}

// The distributions panel following one unit asks both runs for each unit's percentiles; pooled
// (unit 0) or hidden, they stop.
TEST(LandscapePanels, FollowingAUnitMakesBothRunsMeasureUnitPercentilesAndOnlyThen) {
  HeadlessImGui imgui(1280, 720, 16, false);
  Settings settings;
  Lab lab(settings);
  started(lab);
  ASSERT_TRUE(lab.session.twins());
  lab.actions.post(act::SetLayout{{"panel.distributions"}});
  settle(lab);
  EXPECT_FALSE(lab.session.unit_percentiles());
  lab.actions.post(act::RunTo{20});
  ASSERT_TRUE(frames_until(lab, [&] { return lab.frame_data().a->step == 20 && lab.frame_data().b->step == 20; }));
  lab.actions.post(act::SetPanelSetting{"panel.distributions", "unit", 2});
  settle(lab);
  EXPECT_TRUE(lab.session.unit_percentiles());
  lab.actions.post(act::RunTo{40});
  ASSERT_TRUE(frames_until(lab, [&] { return lab.frame_data().a->step == 40 && lab.frame_data().b->step == 40; }));
  lab.actions.post(act::SetLayout{{"panel.curves"}});
  settle(lab);
  EXPECT_FALSE(lab.session.unit_percentiles());
  lab.actions.post(act::RunTo{60});
  ASSERT_TRUE(frames_until(lab, [&] { return lab.frame_data().a->step == 60 && lab.frame_data().b->step == 60; }));
  for (const auto& h : {lab.frame_data().history_a, lab.frame_data().history_b}) {
    const FrameList frames = h->frames(0, INT64_MAX, 0);
    ASSERT_EQ(frames.size(), 6u);
    for (const auto& f : frames) {
      const bool units = f->step > 20 && f->step <= 40;
      EXPECT_EQ(f->blocks[0].taps[tap_z].units.empty(), !units) << "step " << f->step;
    }
  }
}

TEST(LandscapePanels, ShowingIcsAndSmoothnessMakesBothRunsMeasureAndHidingStopsThem) {
  HeadlessImGui imgui(1280, 720, 16, false);
  Settings settings;
  Lab lab(settings);
  started(lab);
  ASSERT_TRUE(lab.session.twins());
  EXPECT_EQ(lab.session.ics_every(), 0);
  lab.actions.post(act::SetLayout{{"panel.ics", "panel.smoothness"}});
  settle(lab);
  lab.actions.post(act::RunTo{40});
  ASSERT_TRUE(frames_until(lab, [&] { return lab.frame_data().a->step == 40 && lab.frame_data().b->step == 40; }));
  EXPECT_EQ(lab.session.ics_every(), 10);
  EXPECT_EQ(lab.session.smoothness_every(), 10);
  for (const auto& h : {lab.frame_data().history_a, lab.frame_data().history_b}) {
    const FrameList frames = h->frames(0, INT64_MAX, 0);
    ASSERT_EQ(frames.size(), 4u);
    for (const auto& f : frames) {
      EXPECT_EQ(f->ics.size(), 4u) << "step " << f->step;  // the default network: 3 hidden blocks and the output
      EXPECT_EQ(f->smoothness.size(), 1u) << "step " << f->step;
    }
  }
  // Every 20 steps, from a scene setting.
  lab.actions.post(act::SetPanelSetting{"panel.ics", "every", 20});
  settle(lab);
  lab.actions.post(act::RunTo{80});
  ASSERT_TRUE(frames_until(lab, [&] { return lab.frame_data().a->step == 80 && lab.frame_data().b->step == 80; }));
  EXPECT_EQ(lab.session.ics_every(), 20);
  // Hidden: both stop measuring (other panels shown instead).
  lab.actions.post(act::SetLayout{{"panel.curves"}});
  settle(lab);
  lab.actions.post(act::RunTo{120});
  ASSERT_TRUE(frames_until(lab, [&] { return lab.frame_data().a->step == 120 && lab.frame_data().b->step == 120; }));
  EXPECT_EQ(lab.session.ics_every(), 0);
  EXPECT_EQ(lab.session.smoothness_every(), 0);
  for (const auto& h : {lab.frame_data().history_a, lab.frame_data().history_b}) {
    const FrameList frames = h->frames(0, INT64_MAX, 0);
    ASSERT_EQ(frames.size(), 12u);
    for (const auto& f : frames) {
      const bool ics = f->step <= 40 || (f->step <= 80 && f->step % 20 == 0);
      EXPECT_EQ(f->ics.empty(), !ics) << "step " << f->step;
      EXPECT_EQ(f->smoothness.empty(), f->step > 80) << "step " << f->step;
    }
  }
  // Shown again, then new networks (a new seed, applied by a reset): they measure from the start.
  lab.actions.post(act::SetLayout{{"panel.ics"}});
  settle(lab);
  EXPECT_EQ(lab.session.ics_every(), 20);
  Config draft = lab.session.draft();
  draft.seed += 1;
  const uint64_t builds = lab.session.builds();
  lab.actions.post(act::SetDraft{draft});
  lab.actions.post(act::Reset{});
  ASSERT_TRUE(frames_until(lab, [&] { return lab.session.builds() > builds; })) << lab.session.error;
  lab.actions.post(act::RunTo{40});
  ASSERT_TRUE(frames_until(lab, [&] { return lab.frame_data().a->step == 40 && lab.frame_data().b->step == 40; }));
  for (const auto& h : {lab.frame_data().history_a, lab.frame_data().history_b})
    for (const auto& f : h->frames(0, INT64_MAX, 0)) EXPECT_EQ(f->ics.empty(), f->step % 20 != 0) << "step " << f->step;
}

TEST(LandscapePanels, WhatTheIcsAndSmoothnessPanelsDrawIsTheFramesMeasures) {
  HeadlessImGui imgui(1280, 720, 16, false);
  Settings settings;
  Lab lab(settings);
  started(lab);
  lab.actions.post(act::SetLayout{{"panel.ics"}});
  settle(lab);
  lab.actions.post(act::RunTo{50});
  ASSERT_TRUE(frames_until(lab, [&] { return lab.frame_data().a->step == 50 && lab.frame_data().b->step == 50; }));
  std::map<std::string, std::string> plots = drawn(lab);
  ASSERT_TRUE(plots.count("ics-difference"));
  ASSERT_TRUE(plots.count("ics-cosine"));
  const FrameList runs[2] = {lab.frame_data().history_a->frames(0, INT64_MAX, 0),
                             lab.frame_data().history_b->frames(0, INT64_MAX, 0)};
  for (const auto& [id, q] : {std::pair{"ics-difference", IcsQuantity::grad_diff}, std::pair{"ics-cosine", IcsQuantity::cosine}}) {
    const auto points = csv_points(plots[id]);
    EXPECT_EQ(points.size(), 6u) << id;  // blocks 2, 3 and 4 of A and B
    for (int r = 0; r < 2; ++r)
      for (int b = 1; b < 4; ++b) {
        const std::string name = std::string(r == 0 ? "A " : "B ") + std::to_string(b + 1);
        const MeasureSeries s = ics_series(runs[r], b, q);
        ASSERT_EQ(points.count(name), 1u) << id << " " << name;
        const std::vector<CsvPoint>& p = points.at(name);
        ASSERT_EQ(p.size(), 5u) << id << " " << name;
        for (size_t i = 0; i < p.size(); ++i) {
          EXPECT_EQ(p[i].x, s.steps[i]);
          EXPECT_NEAR(p[i].y, s.lo[i], 1e-6 * std::abs(s.lo[i])) << id << " " << name;
        }
      }
  }
  // The smoothness panel alone: all four plots fit the window; its bands are the frames' ranges.
  lab.actions.post(act::SetLayout{{"panel.smoothness"}});
  settle(lab);
  lab.actions.post(act::RunTo{80});
  ASSERT_TRUE(frames_until(lab, [&] { return lab.frame_data().a->step == 80 && lab.frame_data().b->step == 80; }));
  lab.actions.post(act::SetPanelSetting{"panel.smoothness", "shown", "loss"});
  plots = drawn(lab);
  ASSERT_TRUE(plots.count("smoothness-loss"));
  const FrameList a = lab.frame_data().history_a->frames(0, INT64_MAX, 0);
  const MeasureSeries loss = smoothness_series(a, SmoothnessQuantity::loss);
  ASSERT_EQ(loss.steps, (std::vector<float>{60, 70, 80}));  // measured from when it was shown
  const auto points = csv_points(plots["smoothness-loss"]);
  ASSERT_EQ(points.at("A").size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(points.at("A")[i].kind, "band");
    EXPECT_EQ(points.at("A")[i].x, loss.steps[i]);
    EXPECT_NEAR(points.at("A")[i].y, loss.lo[i], 1e-6 * loss.lo[i]);
    EXPECT_NEAR(points.at("A")[i].value, loss.hi[i], 1e-6 * loss.hi[i]);
  }
  if (plots.count("smoothness-latest")) {
    const SmoothnessMeasure& m = latest_smoothness(a)->smoothness.back();
    std::vector<CsvPoint> line;  // the line; its points are drawn again as markers
    const auto latest = csv_points(plots["smoothness-latest"]);
    for (const CsvPoint& p : latest.at("A"))
      if (p.kind == "line") line.push_back(p);
    ASSERT_EQ(line.size(), m.etas.size());
    for (size_t i = 0; i < m.etas.size(); ++i) {
      EXPECT_NEAR(line[i].x, m.etas[i], 1e-6 * m.etas[i]);
      EXPECT_NEAR(line[i].y, m.losses[i], 1e-6 * m.losses[i]);
    }
  }
}

TEST(LandscapePanels, TheSliceFromASceneSettingIsThePublishedNetworksSlice) {
  HeadlessImGui imgui(1280, 720, 16, false);
  Settings settings;
  Lab lab(settings);
  started(lab);
  lab.actions.post(act::SetLayout{{"panel.loss_slice"}});
  lab.actions.post(act::RunTo{30});
  ASSERT_TRUE(frames_until(lab, [&] {
    const FrameData d = lab.frame_data();
    return d.a->step == 30 && d.b->step == 30 && d.a->model_state && d.a->model_state->step == 30 && d.b->model_state &&
           d.b->model_state->step == 30;
  }));
  lab.actions.post(act::SetPanelSetting{"panel.loss_slice", "size", 7});
  lab.actions.post(act::SetPanelSetting{"panel.loss_slice", "examples", 100});
  lab.actions.post(act::SetPanelSetting{"panel.loss_slice", "compute", true});
  PanelEntry* panel = lab.panel("panel.loss_slice");
  ASSERT_TRUE(panel);
  lab_frame(lab, {0, 0, 1280, 720}, "projector");  // applies the settings and starts the job
  ASSERT_TRUE(frames_until(lab, [&] { return !panel->panel->busy(); }));
  const std::map<std::string, std::string> plots = drawn(lab);
  ASSERT_TRUE(plots.count("loss-slice-a"));
  ASSERT_TRUE(plots.count("loss-slice-b"));
  const FrameData d = lab.frame_data();
  SliceRequest r;
  r.size = 7;
  r.probe_examples = 100;
  const Dataset probe = fixed_probe_set(d.a->data->train, 100);
  const LossSlice expected[2] = {slice_from_state(*d.a->model_state, probe, r), slice_from_state(*d.b->model_state, probe, r)};
  int run = 0;
  for (const char* id : {"loss-slice-a", "loss-slice-b"}) {
    const auto points = csv_points(plots.at(id));
    const std::vector<CsvPoint>& cells = points.at(tr("ics.slice_loss"));
    ASSERT_EQ(cells.size(), 49u) << id;
    // Cell (row s, column t) at x = t, y = s: the slice's loss there.
    for (int s = 0; s < 7; ++s)
      for (int t = 0; t < 7; ++t) {
        const CsvPoint& c = cells[s * 7 + t];
        EXPECT_NEAR(c.x, -1.0 + t / 3.0, 1e-6);
        EXPECT_NEAR(c.y, -1.0 + s / 3.0, 1e-6);
        EXPECT_NEAR(c.value, expected[run].loss[s * 7 + t], 1e-6 * expected[run].loss[s * 7 + t]) << id;
      }
    // Its centre is the loss of the run's weights on the probe set, with BN's running statistics.
    const auto model = rebuild_model(run == 0 ? *d.a->model_state : *d.b->model_state);
    Tensor x;
    x.resize(probe.sample_shape, probe.size());
    x.data = probe.x;
    const float centre = Loss(LossKind::cross_entropy).forward(model->forward(x, Mode::infer_running), probe.y);
    EXPECT_NEAR(cells[3 * 7 + 3].value, centre, 1e-5 * centre) << id;
    ++run;
  }
}

}  // namespace
}  // namespace bnlab::ui
