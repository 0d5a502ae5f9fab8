// What this file is: the normal distribution and shuffle of Rng.
#include "core/rng.h"

#include <cmath>
#include <utility>

namespace bnlab {

float Rng::normal(float mean, float std) {
  if (has_spare_) {
    has_spare_ = false;
    return mean + std * static_cast<float>(spare_);
  }
  double u1 = 0.0;
  while (u1 <= 1e-300) u1 = uniform_double();
  const double u2 = uniform_double();
  const double r = std::sqrt(-2.0 * std::log(u1));
  spare_ = r * std::sin(2.0 * M_PI * u2);
  has_spare_ = true;
  return mean + std * static_cast<float>(r * std::cos(2.0 * M_PI * u2));
}

void Rng::shuffle(std::vector<int>& v) {
  for (size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[below(i)]);
}

}  // namespace bnlab
