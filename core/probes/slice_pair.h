// What this file is: the loss-slice lab's computation (the `loss_slice` panel): the filter-
// normalized 2-D slice (Li et al. 2018, "Visualizing the Loss Landscape of Neural Nets", §4) of
// runs A and B, each taken from the ModelState its trainer published, on a model rebuilt from it,
// so it runs on the panel's own thread while training goes on. Both slices use the same seed, so
// the same random draws (the two networks have the same weight shapes), each scaled to its own
// network's weights, on the same probe set (the first N training examples), and are drawn on one
// colour scale.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "core/data/dataset.h"
#include "core/model/model_state.h"
#include "core/probes/landscape.h"

namespace bnlab {

struct SliceRequest {
  int size = 25;             // nodes per side (the panel offers 21-41; a scene may ask for fewer)
  float extent = 1.0f;       // α and β over [−extent, extent]
  uint64_t seed = 1;         // the random directions
  int probe_examples = 500;  // the first training examples
  LossKind loss = LossKind::cross_entropy;
};

struct SlicePair {
  SliceRequest request;
  std::optional<LossSlice> a, b;  // nullopt: that run had no network to slice
  int64_t step_a = -1, step_b = -1;
  int probe_examples = 0;  // the probe set's size (fewer than asked if the set is smaller)
  // The lowest and highest finite loss of both slices: one colour scale for A and B.
  float lo = 0.0f, hi = 0.0f;
  bool complete() const { return (!a || a->complete) && (!b || b->complete); }
};

// The slice of one run: `state` rebuilt, sliced with BN's running statistics. `rows_done` counts
// the finished grid rows. Cancelled: the slice comes back with complete = false.
LossSlice slice_from_state(const ModelState& state, const Dataset& probe_set, const SliceRequest& request,
                           const std::atomic<bool>* cancel = nullptr, std::atomic<int>* rows_done = nullptr);

// Both runs' slices (either state may be null), A first. Returns nullptr if cancelled, so a
// LabJob keeps the last complete pair.
std::shared_ptr<const SlicePair> slice_pair(std::shared_ptr<const ModelState> a, std::shared_ptr<const ModelState> b,
                                            const Dataset& train, const SliceRequest& request,
                                            const std::atomic<bool>& cancel, std::atomic<int>* rows_done = nullptr);

}  // namespace bnlab
