// What this file is: the landscape measures as series over training (landscape_series.h).
#include "core/probes/landscape_series.h"

#include <algorithm>

namespace bnlab {

MeasureSeries ics_series(const FrameList& frames, int block, IcsQuantity q) {
  MeasureSeries s;
  for (const auto& f : frames) {
    if (block < 0 || block >= static_cast<int>(f->ics.size())) continue;
    const IcsMeasure& m = f->ics[block];
    const float v = q == IcsQuantity::cosine ? m.cosine : m.grad_diff_norm;
    s.steps.push_back(static_cast<float>(f->step));
    s.lo.push_back(v);
    s.hi.push_back(v);
  }
  return s;
}

MeasureSeries smoothness_series(const FrameList& frames, SmoothnessQuantity q) {
  MeasureSeries s;
  for (const auto& f : frames) {
    if (f->smoothness.empty()) continue;
    const SmoothnessMeasure& m = f->smoothness.back();
    float lo = m.beta_smoothness, hi = m.beta_smoothness;
    if (q != SmoothnessQuantity::beta) {
      const std::vector<float>& v = q == SmoothnessQuantity::loss ? m.losses : m.grad_diffs;
      if (v.empty()) continue;
      const auto [mn, mx] = std::minmax_element(v.begin(), v.end());
      lo = *mn;
      hi = *mx;
    }
    s.steps.push_back(static_cast<float>(f->step));
    s.lo.push_back(lo);
    s.hi.push_back(hi);
  }
  return s;
}

std::shared_ptr<const ProbeFrame> latest_smoothness(const FrameList& frames) {
  for (auto it = frames.rbegin(); it != frames.rend(); ++it)
    if (!(*it)->smoothness.empty()) return *it;
  return nullptr;
}

int ics_blocks(const FrameList& frames) {
  for (auto it = frames.rbegin(); it != frames.rend(); ++it)
    if (!(*it)->ics.empty()) return static_cast<int>((*it)->ics.size());
  return 0;
}

}  // namespace bnlab
