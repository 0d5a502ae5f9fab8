// What this file is: building twin runs with shared initial weights.
#include "core/train/twin_runs.h"

namespace bnlab {

Config without_norms(Config cfg) {
  for (BlockConfig& b : cfg.model.blocks) b.norm = NormKind::none;
  return cfg;
}

TwinRuns::TwinRuns(const Config& a, const Config& b, std::shared_ptr<const DataSplit> data, TrainerOptions options,
                   bool lockstep) {
  if (lockstep) gate_ = std::make_shared<StepGate>();
  Config b_cfg = b;
  b_cfg.seed = a.seed;  // one seed: the same batch order
  a_ = std::make_unique<Trainer>(a, data, options, gate_, 0);
  b_ = std::make_unique<Trainer>(b_cfg, data, options, gate_, 1);
  // One seed builds both models with the same draws (Model draws a bias even where BN drops
  // it), so the layers they share start identical, and stay so after a reset.
  a_->start();
  b_->start();
}

void TwinRuns::post_both(const Command& c) {
  a_->post(c);
  b_->post(c);
}

}  // namespace bnlab
