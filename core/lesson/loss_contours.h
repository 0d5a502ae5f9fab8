// What this file is: the simulation behind the "why normalize inputs" lesson (DESIGN.md, lesson 1;
// issue 4, panel 9 "Loss contours"). There is no UI here; the panel draws what this computes.
//   A two-feature linear regression y = w1·x1 + w2·x2 + noise, with no intercept. Feature 1 has
//   std 1, feature 2 has std `ratio`, and the two are correlated by `rho`. Its loss
//     L(w) = 1/(2n) · ‖Xw − y‖²                       (the 1/(2n) convention, used everywhere here)
//   is a quadratic whose Hessian H = XᵀX/n does not depend on w or y. H's eigenvectors are the
//   axes of the elliptic contours, and the semi-axis along eigenvector i is ∝ 1/√λ_i. So when
//   κ = λmax/λmin is large, the contours are long, thin ellipses and gradient descent zig-zags
//   across the valley (LeCun et al. 1998, "Efficient BackProp" §4.3; Goodfellow et al.,
//   "Deep Learning" §4.3 and §8.2.1 on ill-conditioning). Standardizing the features (z-scores)
//   makes H the features' correlation matrix [[1, ρ], [ρ, 1]], whose κ = (1+|ρ|)/(1−|ρ|).
//   With ρ = 0 the contours are circles. With ρ ≠ 0 they are ellipses whose axes are the diagonals
//   (1, 1) and (1, −1), because those are the eigenvectors of [[1, ρ], [ρ, 1]].
#pragma once

#include <Eigen/Dense>
#include <cstdint>
#include <string>
#include <vector>

namespace bnlab {

struct LossContourConfig {
  int n = 200;               // number of data points, [3, 1000000]
  double ratio = 100.0;      // std of feature 2 / std of feature 1, [1, 1000] (a log slider)
  double rho = 0.0;          // correlation between the features, [−0.95, 0.95]
  double noise = 0.5;        // std of the noise added to y, [0, 100]
  bool standardize = false;  // z-score both features with the data's own mean and std (1/n)
  // true: the sample means are exactly 0, the sample stds exactly 1 and `ratio`, and the sample
  // correlation exactly `rho` (by Gram-Schmidt), so the numbers shown match the sliders exactly.
  // false: plain draws, whose sample moments are only close to these values.
  bool exact_moments = true;
  uint64_t seed = 1;
};

// "" when the configuration is valid, otherwise a message that names the bad parameter.
std::string check_config(const LossContourConfig& cfg);

// The closed-form eigen-decomposition of a symmetric 2×2 matrix [[a, b], [b, d]].
struct SymmetricEigen2 {
  Eigen::Vector2d values;   // (2): ascending, values(0) = λmin, values(1) = λmax
  Eigen::Matrix2d vectors;  // (2, 2): column i is the unit eigenvector of values(i)
};
SymmetricEigen2 eigen_2x2(const Eigen::Matrix2d& m);

struct ViewWindow {
  double w1_lo = -1.0, w1_hi = 1.0, w2_lo = -1.0, w2_hi = 1.0;
  bool contains(const Eigen::Vector2d& w) const {
    return w(0) >= w1_lo && w(0) <= w1_hi && w(1) >= w2_lo && w(1) <= w2_hi;
  }
};

struct LossGrid {
  int nx = 0, ny = 0;  // nx samples along w1 (columns), ny along w2 (rows)
  ViewWindow window;   // samples sit on the window's edges and corners (for marching squares)
  // (ny * nx): row-major, loss[j * nx + i] = L(w1_i, w2_j) with w1_i = w1_lo + i·(w1_hi − w1_lo)/(nx − 1)
  // and w2_j = w2_lo + j·(w2_hi − w2_lo)/(ny − 1); row 0 is w2_lo (the bottom of the plot).
  std::vector<float> loss;
  float at(int i, int j) const { return loss[static_cast<size_t>(j) * nx + i]; }
};

class LossContourProblem {
 public:
  explicit LossContourProblem(const LossContourConfig& cfg);  // throws config_error on bad input

  const LossContourConfig& config() const { return cfg_; }
  const Eigen::Matrix<double, Eigen::Dynamic, 2>& features() const { return x_; }  // (n, 2), as fitted
  const Eigen::VectorXd& targets() const { return y_; }                            // (n)
  const Eigen::Vector2d& true_weights() const { return w_true_; }                  // in raw feature units

  // L(w) summed over the data, O(n).
  double loss(const Eigen::Vector2d& w) const;
  // The same quadratic as L*(w) + ½(w − w*)ᵀH(w − w*), O(1) and free of cancellation near w*.
  double quadratic_loss(const Eigen::Vector2d& w) const;
  Eigen::Vector2d gradient(const Eigen::Vector2d& w) const;  // ∇L = Xᵀ(Xw − y)/n = Hw − Xᵀy/n
  const Eigen::Matrix2d& hessian() const { return h_; }      // (2, 2): XᵀX/n
  const SymmetricEigen2& eigen() const { return eig_; }
  double condition_number() const { return eig_.values(1) / eig_.values(0); }
  const Eigen::Vector2d& minimum() const { return w_star_; }  // w* = (XᵀX)⁻¹Xᵀy
  double min_loss() const { return loss_star_; }              // L(w*)

  // Per-step contraction of plain gradient descent, max_i |1 − lr·λ_i|; below 1 ⇔ lr < 2/λmax.
  double gd_rate(double lr) const;
  // 2/(λmin + λmax): the learning rate with the smallest gd_rate, (κ − 1)/(κ + 1).
  double optimal_gd_lr() const { return 2.0 / (eig_.values(0) + eig_.values(1)); }

  // Throws config_error unless lo < hi, 2 ≤ nx, ny and nx·ny ≤ 16M.
  LossGrid grid(double w1_lo, double w1_hi, double w2_lo, double w2_hi, int nx, int ny) const;
  LossGrid grid(const ViewWindow& v, int nx, int ny) const { return grid(v.w1_lo, v.w1_hi, v.w2_lo, v.w2_hi, nx, ny); }
  // A window centred on w* that holds the contour through the origin (w = 0, the usual start),
  // enlarged by `margin`. The side that would be more than `max_aspect` times shorter than the
  // other is widened, so that both the long and the short axis of the ellipses show; drawn in a
  // square plot an ellipse then looks at most max_aspect:1, its true elongation being √κ.
  ViewWindow default_view(double margin = 1.3, double max_aspect = 10.0) const;
  // `count` levels L* + Δ_k with Δ_k spaced geometrically from 1/100 of the largest excess loss
  // whose contour closes inside `view` to the largest excess at a corner of `view`.
  std::vector<double> contour_levels(const ViewWindow& view, int count = 12) const;
  // The upper-left part of `view`, off the valley floor, so that the zig-zag shows.
  Eigen::Vector2d default_start(const ViewWindow& view) const;

 private:
  LossContourConfig cfg_;
  Eigen::Matrix<double, Eigen::Dynamic, 2> x_;  // (n, 2)
  Eigen::VectorXd y_;                           // (n)
  Eigen::Vector2d w_true_;                      // (2)
  Eigen::Matrix2d h_;                           // (2, 2): XᵀX/n
  Eigen::Vector2d xty_;                         // (2): Xᵀy/n
  SymmetricEigen2 eig_;
  Eigen::Vector2d w_star_;  // (2)
  double loss_star_ = 0.0;
};

// ---- Optimizer paths from a start point ---------------------------------------------------------

enum class PathOptimizer { gd, momentum, rmsprop, adam };
const char* path_optimizer_name(PathOptimizer o);                        // "gd", "momentum", ...
bool parse_path_optimizer(const std::string& name, PathOptimizer* out);  // false on an unknown name

// Update rules as PyTorch 1.13's torch.optim (and core/optim/optimizer.h), g = ∇L(w):
//   gd:       w −= lr·g
//   momentum: b = β·b + g (b = g on step 1); w −= lr·b      (heavy ball, Polyak 1964)
//   rmsprop:  v = α·v + (1−α)·g²; w −= lr·g/(√v + ε)
//   adam:     m = β1·m + (1−β1)·g; v = β2·v + (1−β2)·g²; w −= (lr/(1−β1ᵗ))·m/(√v/√(1−β2ᵗ) + ε)
struct PathConfig {
  PathOptimizer optimizer = PathOptimizer::gd;
  double lr = 0.01;          // > 0
  int max_steps = 1000;      // [0, 1000000]
  double momentum = 0.9;     // heavy ball β, [0, 1)
  double alpha = 0.99;       // RMSProp's ρ (PyTorch calls it alpha), [0, 1)
  double beta1 = 0.9;        // Adam, [0, 1)
  double beta2 = 0.999;      // Adam, [0, 1)
  double eps = 1e-8;         // RMSProp and Adam, > 0
  double tol = 1e-3;         // reached when ‖w − w*‖ ≤ tol·max(1, ‖w*‖), > 0
  bool stop_at_tol = false;  // false: run all max_steps (to show Adam circling the minimum)
};

std::string check_config(const PathConfig& cfg);

struct PathPoint {
  double w1 = 0.0, w2 = 0.0, loss = 0.0;
};

struct OptimizerPath {
  std::vector<PathPoint> points;  // (steps + 1): the start, then the weights after each step
  int steps = 0;                  // updates taken
  bool diverged = false;          // a step gave a non-finite value (not appended), or a loss > 1e6 × the start's
  int steps_to_tol = -1;          // the first step count at which the tolerance held (0: the start), −1: never
};

// Throws config_error on a bad PathConfig or a non-finite start.
OptimizerPath run_path(const LossContourProblem& problem, const Eigen::Vector2d& start, const PathConfig& cfg);

}  // namespace bnlab
