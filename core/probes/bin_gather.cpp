// What this file is: gather_bins, with the test "is this value's bin wanted" made on 16 (AVX-512)
// or 8 (AVX2) values at once: the wanted bins are a bitmap of 1024 bits, 32 words that fit in
// two (or four) registers, and a permute picks each value's word.
#include "core/probes/bin_gather.h"

#include <immintrin.h>

#include <bit>

namespace bnlab {
namespace {

// Lanes [0, 32) of `hits` (bit k: value at + k is in a wanted bin), taken in order.
inline void take(uint32_t hits, int64_t at, const int* bins, const float* values, const int* slot, int64_t* fill,
                 float* out) {
  for (; hits != 0; hits &= hits - 1) {
    const int64_t i = at + std::countr_zero(hits);
    out[fill[slot[bins[i]]]++] = values[i];
  }
}

// Bit k set where bins[at + k] is a wanted bin, k in [0, count): a table lookup per value.
inline uint32_t wanted_lanes(const int* bins, const int* slot, int64_t at, int count) {
  uint32_t hits = 0;
  for (int k = 0; k < count; ++k) hits |= static_cast<uint32_t>(slot[bins[at + k]] >= 0) << k;
  return hits;
}

}  // namespace

void gather_bins(const int* bins, const float* values, int64_t n, const int* slot, int64_t* fill, float* out) {
  alignas(64) uint32_t wanted[kGatherBins / 32] = {};
  for (int b = 0; b < kGatherBins; ++b)
    if (slot[b] >= 0) wanted[b / 32] |= 1u << (b % 32);
  int64_t i = 0;
#if defined(__AVX512F__)
  const __m512i low = _mm512_load_si512(wanted), high = _mm512_load_si512(wanted + 16);
  const __m512i bit_of = _mm512_set1_epi32(31), one = _mm512_set1_epi32(1);
  for (; i + 16 <= n; i += 16) {
    const __m512i b = _mm512_loadu_si512(bins + i);
    const __m512i word = _mm512_permutex2var_epi32(low, _mm512_srli_epi32(b, 5), high);
    const __m512i bit = _mm512_srlv_epi32(word, _mm512_and_si512(b, bit_of));
    take(_mm512_test_epi32_mask(bit, one), i, bins, values, slot, fill, out);
  }
#elif defined(__AVX2__)
  __m256i words[4];
  for (int q = 0; q < 4; ++q) words[q] = _mm256_load_si256(reinterpret_cast<const __m256i*>(wanted + 8 * q));
  const __m256i bit_of = _mm256_set1_epi32(31);
  auto pick = [](__m256i a, __m256i b, __m256i sign) {  // b where the lane's sign bit is set
    return _mm256_castps_si256(_mm256_blendv_ps(_mm256_castsi256_ps(a), _mm256_castsi256_ps(b), _mm256_castsi256_ps(sign)));
  };
  for (; i + 8 <= n; i += 8) {
    const __m256i b = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(bins + i));
    const __m256i w = _mm256_srli_epi32(b, 5);  // the word: its low 3 bits pick a lane, bits 3 and 4 the register
    const __m256i odd = _mm256_slli_epi32(w, 28), upper = _mm256_slli_epi32(w, 27);
    const __m256i low = pick(_mm256_permutevar8x32_epi32(words[0], w), _mm256_permutevar8x32_epi32(words[1], w), odd);
    const __m256i high = pick(_mm256_permutevar8x32_epi32(words[2], w), _mm256_permutevar8x32_epi32(words[3], w), odd);
    const __m256i bit = _mm256_srlv_epi32(pick(low, high, upper), _mm256_and_si256(b, bit_of));
    take(static_cast<uint32_t>(_mm256_movemask_ps(_mm256_castsi256_ps(_mm256_slli_epi32(bit, 31)))), i, bins, values,
         slot, fill, out);
  }
#else
  for (; i + 16 <= n; i += 16)  // 16 table lookups, and one branch for the 16
    take(wanted_lanes(bins, slot, i, 16), i, bins, values, slot, fill, out);
#endif
  if (i < n) take(wanted_lanes(bins, slot, i, static_cast<int>(n - i)), i, bins, values, slot, fill, out);
}

}  // namespace bnlab
