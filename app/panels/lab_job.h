// What this file is: the background job of a lab panel. A lab that computes with the live
// network (inference three ways, μ_B over many batches, a loss slice) rebuilds a model from the
// trainer's ModelState and works on its own thread, so the window never waits: the panel starts
// the job, reads the last finished result each frame, and cancels it when its inputs change.
// The work checks `cancel` between pieces (a batch, a grid row) and returns nullptr when set.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#ifdef __linux__
#include <sys/resource.h>
#include <unistd.h>
#endif

namespace bnlab {

template <class Result>
class LabJob {
 public:
  using Work = std::function<std::shared_ptr<const Result>(const std::atomic<bool>& cancel)>;

  LabJob() = default;
  LabJob(const LabJob&) = delete;
  LabJob& operator=(const LabJob&) = delete;
  ~LabJob() { stop(); }

  // Cancels and joins the job before (within one piece of its work), then starts `work`.
  void start(Work work) {
    stop();
    cancel_ = false;
    running_ = true;
    thread_ = std::thread([this, work = std::move(work)] {
#ifdef __linux__
      // As the trainers: a lower priority, so the window gets the cores first.
      setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), 10);
#endif
      std::shared_ptr<const Result> r;
      try {
        r = work(cancel_);
      } catch (...) {
        r = nullptr;  // a lab's work reports its problems in its result; nothing may escape a thread
      }
      if (r && !cancel_) {
        std::lock_guard lock(mutex_);
        result_ = std::move(r);
        ++finished_;
      }
      running_ = false;
    });
  }
  void cancel() { cancel_ = true; }
  // Cancels, joins, and keeps the last finished result.
  void stop() {
    cancel_ = true;
    if (thread_.joinable()) thread_.join();
    running_ = false;
  }
  bool running() const { return running_; }
  // The last result a job finished (nullptr before the first), and how many have finished.
  std::shared_ptr<const Result> result() const {
    std::lock_guard lock(mutex_);
    return result_;
  }
  int finished() const {
    std::lock_guard lock(mutex_);
    return finished_;
  }
  void clear() {
    stop();
    std::lock_guard lock(mutex_);
    result_.reset();
  }

 private:
  std::thread thread_;
  std::atomic<bool> cancel_{false}, running_{false};
  mutable std::mutex mutex_;
  std::shared_ptr<const Result> result_;
  int finished_ = 0;
};

}  // namespace bnlab
