// What this file is: inverted dropout (PyTorch's Dropout): in training each unit is zeroed with
// probability p and the survivors scaled by 1/(1-p); in every inference mode it is the identity.
#pragma once

#include "core/layers/layer.h"
#include "core/rng.h"

namespace bnlab {

class Dropout : public Layer {
 public:
  Dropout(float p, uint64_t seed) : p_(p), rng_(seed) {}
  const Tensor& forward(const Tensor& x, Mode mode) override;
  const Tensor& backward(const Tensor& grad_out) override;
  Shape output_shape(Shape in) const override { return in; }
  std::string kind() const override { return "Dropout"; }
  float p() const { return p_; }

 private:
  float p_;
  Rng rng_;
  bool active_ = false;
  Matrix mask_;  // (features, batch): 0 or 1/(1-p)
};

}  // namespace bnlab
