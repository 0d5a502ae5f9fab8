// What this file is: the LibTorch training loop and the interleaved timing of it beside bnlab's.
#include "side_by_side.h"

#include <cmath>
#include <ctime>

#include "core/cpu_time.h"
#include "torch_net.h"

namespace bnlab {
namespace {

// Thread and process CPU seconds, read together.
struct CpuTime {
  double thread = 0.0, process = 0.0;
};
CpuTime cpu_now() { return {cpu_seconds(CLOCK_THREAD_CPUTIME_ID), cpu_seconds(CLOCK_PROCESS_CPUTIME_ID)}; }

// Steps a loop for `n` steps and adds its thread and process CPU time to `total`.
template <class Step>
void timed(Step&& step, int n, CpuTime& total) {
  const CpuTime start = cpu_now();
  for (int i = 0; i < n; ++i) step();
  const CpuTime end = cpu_now();
  total.thread += end.thread - start.thread;
  total.process += end.process - start.process;
}

constexpr double kWarmUpSeconds = 0.15, kChunkSeconds = 0.3;

// Warm-up: at least 3 steps and kWarmUpSeconds; returns the steps of a kChunkSeconds chunk.
template <class Step>
int warm_up(Step&& step) {
  CpuTime spent;
  int n = 0;
  while (n < 3 || spent.thread < kWarmUpSeconds) timed(step, 1, spent), ++n;
  return std::max(1, static_cast<int>(std::lround(kChunkSeconds * n / spent.thread)));
}

}  // namespace

torch::Tensor torch_batch(const Tensor& x) {
  const Shape s = x.shape;
  const int64_t n = x.batch();
  auto* values = const_cast<float*>(x.data.data());  // from_blob takes a mutable pointer; clone() copies
  if (s.is_image()) return torch::from_blob(values, {n, s.c, s.h, s.w}).clone();
  return torch::from_blob(values, {n, s.size()}).clone();
}

torch::Tensor torch_labels(const std::vector<int>& y) {
  return torch::from_blob(const_cast<int*>(y.data()), {static_cast<int64_t>(y.size())}, torch::kInt).to(torch::kLong);
}

TorchLoop::TorchLoop(const Config& cfg, std::shared_ptr<const DataSplit> data)
    : data_(std::move(data)), batch_(cfg.train.batch_size) {
  check_translatable(cfg);
  const Dataset& train = data_->train;
  const Shape s = train.sample_shape;
  const int64_t n = train.size();
  // The dataset's memory, not a copy: index_select only reads it, and data_ keeps it alive.
  auto* values = const_cast<float*>(train.x.data());
  samples_ = s.is_image() ? torch::from_blob(values, {n, s.c, s.h, s.w}) : torch::from_blob(values, {n, s.size()});
  labels_ = torch_labels(train.y);
  net_ = make_torch_net(cfg.model, s);
  sgd_ = std::make_unique<torch::optim::SGD>(net_->parameters(), torch_sgd_options(cfg.train));
}

float TorchLoop::step() {
  const torch::Tensor pick = torch::randint(samples_.size(0), {batch_}, torch::kLong);
  return step_on(samples_.index_select(0, pick), labels_.index_select(0, pick));
}

float TorchLoop::step_on(const torch::Tensor& x, const torch::Tensor& y) {
  net_->train();
  sgd_->zero_grad();
  torch::Tensor loss = torch::nn::functional::cross_entropy(net_->forward(x), y);
  loss.backward();
  sgd_->step();
  return loss.item<float>();
}

SideBySide side_by_side(Run& bnlab, TorchLoop& torch, int rounds, int steps) {
  auto bnlab_step = [&bnlab] { bnlab.step(nullptr, Taps::skipped); };  // no probe reads the taps
  auto torch_step = [&torch] { torch.step(); };
  SideBySide r;
  r.bnlab_chunk = warm_up(bnlab_step);
  r.torch_chunk = warm_up(torch_step);
  if (steps > 0) r.bnlab_chunk = r.torch_chunk = steps;
  CpuTime bnlab_total, torch_total;
  for (int round = 0; round < rounds; ++round) {
    CpuTime b, t;
    if (round % 2 == 0) timed(bnlab_step, r.bnlab_chunk, b);
    timed(torch_step, r.torch_chunk, t);
    if (round % 2 == 1) timed(bnlab_step, r.bnlab_chunk, b);
    r.bnlab_ms.push_back(1e3 * b.thread / r.bnlab_chunk);
    r.torch_ms.push_back(1e3 * t.thread / r.torch_chunk);
    bnlab_total.thread += b.thread, bnlab_total.process += b.process;
    torch_total.thread += t.thread, torch_total.process += t.process;
  }
  r.bnlab_hidden = bnlab_total.process / bnlab_total.thread - 1.0;
  r.torch_hidden = torch_total.process / torch_total.thread - 1.0;
  return r;
}

}  // namespace bnlab
