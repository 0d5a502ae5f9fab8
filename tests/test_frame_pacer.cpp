// What this file is: the rules of when the window draws (app/ui/frame_pacer.h).
#include <gtest/gtest.h>

#include <algorithm>

#include "ui/frame_pacer.h"

namespace bnlab::ui {
namespace {

TEST(FramePacer, IdleWindowDrawsNothing) {
  FramePacer p;
  p.drew(0.0, 0.01);
  EXPECT_FALSE(p.should_draw(5.0, false, false));
  EXPECT_DOUBLE_EQ(p.wait(5.0, false, false), 0.1);  // sleeps on events, looks again now and then
}

TEST(FramePacer, InputDrawsAtSixtyFramesPerSecondAndLingers) {
  FramePacer p(0.1, 1.0 / 60.0, 0.5);
  p.drew(0.0, 0.012);  // an expensive frame: input still gets 60 per second
  p.input(0.001);
  EXPECT_FALSE(p.should_draw(0.010, false, false));  // too soon after the last start
  EXPECT_TRUE(p.should_draw(1.0 / 60.0, false, false));
  EXPECT_TRUE(p.should_draw(0.45, false, false));  // hover highlights settle after the last event
  EXPECT_FALSE(p.should_draw(0.55, false, false));
}

TEST(FramePacer, TrainingAloneKeepsDrawingWithinItsDuty) {
  const double duty = 0.1;
  FramePacer p(duty);
  // Frames that take 12 ms: 60 per second would spend 72% of the time drawing.
  double now = 0.0, drawing = 0.0;
  int frames = 0;
  while (now < 10.0) {
    if (p.should_draw(now, false, true)) {
      p.drew(now, now + 0.012);
      drawing += 0.012;
      ++frames;
      now += 0.012;
    } else {
      now += std::max(1e-4, p.wait(now, false, true));
    }
  }
  EXPECT_NEAR(drawing / now, duty, 0.01);
  EXPECT_GT(frames, 70);  // still ~8 frames per second of live plots
}

TEST(FramePacer, FramesDrawnOnSeveralThreadsCountTheirProcessorTime) {
  // 10 ms on the clock, but 25 ms of processor time (llvmpipe rasterizing on two cores): the
  // duty holds for the processor time, which is what the trainers lose.
  FramePacer p(0.1);
  double now = 0.0, cpu = 0.0;
  while (now < 10.0) {
    if (p.should_draw(now, false, true)) {
      p.drew(now, now + 0.010, 0.025);
      cpu += 0.025;
      now += 0.010;
    } else {
      now += std::max(1e-4, p.wait(now, false, true));
    }
  }
  EXPECT_NEAR(cpu / now, 0.1, 0.01);
}

TEST(FramePacer, CheapFramesWhileTrainingRunAtTheFrameRateCap) {
  FramePacer p(0.1, 1.0 / 60.0);
  double now = 0.0;
  int frames = 0;
  while (now < 1.0) {
    if (p.should_draw(now, false, true)) {
      p.drew(now, now + 0.001);  // a GPU frame
      ++frames;
    }
    now += 0.0005;
  }
  EXPECT_NEAR(frames, 60, 2);
}

TEST(FramePacer, AnimationDrawsWithoutInput) {
  FramePacer p;
  p.drew(0.0, 0.005);
  EXPECT_TRUE(p.should_draw(0.02, true, false));
  EXPECT_LE(p.wait(0.005, true, false), 1.0 / 60.0);
}

}  // namespace
}  // namespace bnlab::ui
