// A lab panel's background job (app/panels/lab_job.h): results arrive, a new start cancels the
// job before it, and a cancelled job leaves the last finished result in place.
#include <gtest/gtest.h>

#include "panels/lab_job.h"
#include "test_helpers.h"

namespace bnlab {
namespace {

TEST(LabJob, ResultsArriveAndANewStartCancelsTheOneBefore) {
  LabJob<int> job;
  EXPECT_EQ(job.result(), nullptr);
  job.start([](const std::atomic<bool>&) { return std::make_shared<const int>(7); });
  ASSERT_TRUE(wait_for([&] { return job.finished() == 1; })) << "the job never finished";
  EXPECT_EQ(*job.result(), 7);
  // A job that works until cancelled: the next start stops it, and its result is never kept.
  std::atomic<bool> was_cancelled{false};
  job.start([&](const std::atomic<bool>& cancel) -> std::shared_ptr<const int> {
    while (!cancel) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    was_cancelled = true;
    return std::make_shared<const int>(-1);
  });
  EXPECT_TRUE(job.running());
  job.start([](const std::atomic<bool>&) { return std::make_shared<const int>(9); });
  EXPECT_TRUE(was_cancelled);
  ASSERT_TRUE(wait_for([&] { return job.finished() == 2; })) << "the third job never finished";
  EXPECT_EQ(*job.result(), 9);
  // A job that throws keeps the window alive and the last result in place.
  job.start([](const std::atomic<bool>&) -> std::shared_ptr<const int> { throw std::runtime_error("no"); });
  ASSERT_TRUE(wait_for([&] { return !job.running(); })) << "the throwing job never ended";
  EXPECT_EQ(*job.result(), 9);
  EXPECT_EQ(job.finished(), 2);
}

}  // namespace
}  // namespace bnlab
