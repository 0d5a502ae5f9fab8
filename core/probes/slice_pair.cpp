// What this file is: the loss-slice lab's computation (slice_pair.h).
#include "core/probes/slice_pair.h"

#include <algorithm>
#include <cmath>

#include "core/model/model.h"

namespace bnlab {

LossSlice slice_from_state(const ModelState& state, const Dataset& probe_set, const SliceRequest& request,
                           const std::atomic<bool>* cancel, std::atomic<int>* rows_done) {
  const std::unique_ptr<Model> model = rebuild_model(state);
  return loss_slice(*model, probe_set, request.loss, request.size, request.extent, request.seed, cancel, rows_done);
}

std::shared_ptr<const SlicePair> slice_pair(std::shared_ptr<const ModelState> a, std::shared_ptr<const ModelState> b,
                                            const Dataset& train, const SliceRequest& request,
                                            const std::atomic<bool>& cancel, std::atomic<int>* rows_done) {
  auto pair = std::make_shared<SlicePair>();
  pair->request = request;
  const Dataset probe = fixed_probe_set(train, request.probe_examples);
  pair->probe_examples = probe.size();
  if (a) {
    pair->a = slice_from_state(*a, probe, request, &cancel, rows_done);
    pair->step_a = a->step;
  }
  if (cancel) return nullptr;
  if (b) {
    pair->b = slice_from_state(*b, probe, request, &cancel, rows_done);
    pair->step_b = b->step;
  }
  if (cancel || !pair->complete()) return nullptr;
  float lo = INFINITY, hi = -INFINITY;
  for (const auto* s : {&pair->a, &pair->b})
    if (*s)
      for (float l : (*s)->loss)
        if (std::isfinite(l)) {
          lo = std::min(lo, l);
          hi = std::max(hi, l);
        }
  if (lo <= hi) {
    pair->lo = lo;
    pair->hi = hi;
  }
  return pair;
}

}  // namespace bnlab
