// What this file is: the generated 2-D classification sets of the small lessons (spiral,
// circles, xor, gaussians, moons). Each draws a clean shape, then adds Gaussian noise of std
// `noise` to both coordinates, so `noise` means the same thing in every set.
#include <cmath>
#include <string>

#include "core/data/dataset.h"
#include "core/error.h"

namespace bnlab {
namespace {

constexpr float kPi = 3.14159265358979f;

// SplitMix64 finalizer. The caller may seed the batch shuffler with the same seed; mixing
// keeps the points from being drawn with the very numbers that later order them.
uint64_t mix(uint64_t z) {
  z += 0x9e3779b97f4a7c15ull;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

struct Point {
  float x, y;
};

// Two arms of 1.5 turns each, the second rotated by half a turn; radius grows with the angle.
Point spiral(int label, Rng& rng) {
  const float t = rng.uniform();
  const float r = 0.05f + 0.95f * t;
  const float angle = 3.0f * kPi * t + kPi * static_cast<float>(label);
  return {r * std::cos(angle), r * std::sin(angle)};
}

// Class 0 fills the disk of radius 0.5, class 1 the ring 0.75..1; sqrt keeps the density
// uniform over the area instead of crowding the centre.
Point circles(int label, Rng& rng) {
  const float angle = rng.uniform(0.0f, 2.0f * kPi);
  const float r =
      label == 0 ? 0.5f * std::sqrt(rng.uniform()) : std::sqrt(rng.uniform(0.5625f, 1.0f));
  return {r * std::cos(angle), r * std::sin(angle)};
}

// Class 0: x and y of the same sign; class 1: opposite signs. Drawn by class, not labelled
// after the fact, so the classes stay exactly balanced.
Point xor_point(int label, Rng& rng) {
  const float sx = rng.uniform() < 0.5f ? -1.0f : 1.0f;
  const float sy = label == 0 ? sx : -sx;
  return {sx * rng.uniform(), sy * rng.uniform()};
}

// Blobs of std 0.5 at (-1, 0) and (1, 0): they touch at the tails even without noise.
Point gaussians(int label, Rng& rng) {
  const float cx = label == 0 ? -1.0f : 1.0f;
  const float x = rng.normal(cx, 0.5f);
  return {x, rng.normal(0.0f, 0.5f)};
}

// sklearn's make_moons, with the angle drawn at random rather than on a grid: the upper half
// circle, and the lower one shifted to (1, 0.5) so the two interleave.
Point moons(int label, Rng& rng) {
  const float angle = rng.uniform(0.0f, kPi);
  if (label == 0) return {std::cos(angle), std::sin(angle)};
  return {1.0f - std::cos(angle), 0.5f - std::sin(angle)};
}

using Shape2d = Point (*)(int, Rng&);

Shape2d find_shape(const std::string& name) {
  if (name == "spiral") return spiral;
  if (name == "circles") return circles;
  if (name == "xor") return xor_point;
  if (name == "gaussians") return gaussians;
  if (name == "moons") return moons;
  return nullptr;
}

}  // namespace

bool is_generated_dataset(const std::string& name) { return find_shape(name) != nullptr; }

Dataset make_generated(const std::string& name, int n, float noise, uint64_t seed) {
  const Shape2d shape = find_shape(name);
  if (!shape) throw config_error("config: data.dataset: '" + name + "' is not a generated dataset");
  if (n < 1) throw config_error("config: data.n: must be at least 1, got " + std::to_string(n));
  if (!(noise >= 0.0f) || !std::isfinite(noise))
    throw config_error("config: data.noise: must be a finite number >= 0, got " +
                       std::to_string(noise));

  Rng rng(mix(seed));
  Dataset d;
  d.name = name;
  d.x.resize(2, n);  // (2, n)
  d.y.resize(n);
  d.sample_shape = Shape{2, 1, 1};
  d.classes = 2;
  for (int i = 0; i < n; ++i) {
    // Alternating labels keep the classes balanced, and balanced within every unshuffled batch.
    const int label = i % 2;
    const Point p = shape(label, rng);
    d.x(0, i) = p.x + rng.normal(0.0f, noise);
    d.x(1, i) = p.y + rng.normal(0.0f, noise);
    d.y[i] = label;
  }
  return d;
}

}  // namespace bnlab
