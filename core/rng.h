// What this file is: the seeded random source of every run. Our own distributions (not the
// standard library's, whose output differs between implementations) so a seed means one run.
#pragma once

#include <cstdint>
#include <random>
#include <vector>

namespace bnlab {

class Rng {
 public:
  explicit Rng(uint64_t seed = 1) : engine_(seed) {}
  uint64_t next() { return engine_(); }
  // Uniform in [0, 1) with 24 random bits, so every float value is exactly representable.
  float uniform() { return static_cast<float>(engine_() >> 40) * (1.0f / 16777216.0f); }
  float uniform(float lo, float hi) { return lo + (hi - lo) * uniform(); }
  double uniform_double() { return static_cast<double>(engine_() >> 11) * (1.0 / 9007199254740992.0); }
  float normal(float mean = 0.0f, float std = 1.0f);  // Box-Muller
  uint64_t below(uint64_t n) { return engine_() % n; }  // bias < 2^-40 for our n
  void shuffle(std::vector<int>& v);                    // Fisher-Yates

 private:
  std::mt19937_64 engine_;
  bool has_spare_ = false;
  double spare_ = 0.0;
};

}  // namespace bnlab
