// What this file is: the gather step of `summarize`'s exact percentiles. Of a tap's values,
// binned into fine bins, only the few bins that hold a wanted rank are kept; this finds those
// values without a branch or a table lookup per value (AVX-512 or AVX2 when built for them).
#pragma once

#include <cstdint>

namespace bnlab {

inline constexpr int kGatherBins = 1024;  // the fine bins `gather_bins` can test

// For each i in [0, n) whose bin `bins[i]` (in [0, kGatherBins)) has slot[bins[i]] >= 0, in
// order of i: out[fill[slot]++] = values[i].
void gather_bins(const int* bins, const float* values, int64_t n, const int* slot, int64_t* fill, float* out);

}  // namespace bnlab
