// What this file is: the element-wise formulas of the activations, on any Eigen array
// expression, shared by the Activation layer and by BatchNorm's pass fused with the activation
// that follows it (core/kernels/bn_passes.h), so both compute the same floats.
//   sigmoid σ(y) = 1/(1 + e^−y), σ' = a(1 − a);  tanh, tanh' = 1 − a²;
//   ReLU max(y, 0), 1 where a > 0;  leaky ReLU y or 0.01·y (PyTorch's default slope), 1 or 0.01.
// The derivatives are written with the activation's output a, which backward keeps: for the
// ReLUs a > 0 exactly when y > 0.
#pragma once

namespace bnlab {

enum class ActivationKind { sigmoid, tanh, relu, leaky_relu };

inline constexpr float leaky_relu_slope = 0.01f;

// a = φ(y), element-wise; `a` is an Eigen array (or a Map of one) of y's size.
template <class In, class Out>
void activate(ActivationKind kind, const In& y, Out&& a) {
  switch (kind) {
    case ActivationKind::sigmoid:
      a = 1.0f / (1.0f + (-y).exp());
      break;
    case ActivationKind::tanh:
      a = y.tanh();
      break;
    case ActivationKind::relu:
      a = y.max(0.0f);
      break;
    case ActivationKind::leaky_relu:
      a = (y > 0.0f).select(y, y * leaky_relu_slope);
      break;
  }
}

// dy_in = dy_out · φ'(y), from the saved output a = φ(y).
template <class Grad, class Out, class GradIn>
void activation_grad(ActivationKind kind, const Grad& dy, const Out& a, GradIn&& dx) {
  switch (kind) {
    case ActivationKind::sigmoid:
      dx = dy * a * (1.0f - a);
      break;
    case ActivationKind::tanh:
      dx = dy * (1.0f - a.square());
      break;
    case ActivationKind::relu:
      dx = (a > 0.0f).select(dy, 0.0f);
      break;
    case ActivationKind::leaky_relu:
      dx = (a > 0.0f).select(dy, dy * leaky_relu_slope);
      break;
  }
}

}  // namespace bnlab
