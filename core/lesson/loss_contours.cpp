// What this file is: the data, closed forms, contour grid and optimizer paths of the loss-contours
// lesson (see loss_contours.h for the model, the loss convention and the references).
#include "core/lesson/loss_contours.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <sstream>

#include "core/error.h"
#include "core/rng.h"

namespace bnlab {
namespace {

// "" when lo <= v <= hi (NaN fails), else "<what>: <name> must be in [lo, hi] (got v)".
std::string range_error(const char* what, const char* name, double v, double lo, double hi, bool hi_open = false) {
  if (v >= lo && (hi_open ? v < hi : v <= hi)) return "";
  std::ostringstream s;
  s << what << ": " << name << " must be in [" << lo << ", " << hi << (hi_open ? ")" : "]") << " (got " << v << ")";
  return s.str();
}

std::string positive_error(const char* what, const char* name, double v) {
  if (v > 0.0 && std::isfinite(v)) return "";
  std::ostringstream s;
  s << what << ": " << name << " must be a finite number > 0 (got " << v << ")";
  return s.str();
}

// Population mean and std (1/n), as BN's batch statistics.
void mean_std(const Eigen::VectorXd& v, double* mean, double* std) {
  *mean = v.mean();
  *std = std::sqrt((v.array() - *mean).square().mean());
}

Eigen::Matrix2d inverse_2x2(const Eigen::Matrix2d& m) {
  const double det = m(0, 0) * m(1, 1) - m(0, 1) * m(1, 0);
  Eigen::Matrix2d inv;
  inv << m(1, 1), -m(0, 1), -m(1, 0), m(0, 0);
  return inv / det;
}

}  // namespace

std::string check_config(const LossContourConfig& c) {
  const char* what = "loss contours";
  for (const std::string& e :
       {range_error(what, "n", c.n, 3, 1000000), range_error(what, "ratio", c.ratio, 1, 1000),
        range_error(what, "rho", c.rho, -0.95, 0.95), range_error(what, "noise", c.noise, 0, 100)})
    if (!e.empty()) return e;
  return "";
}

// λ solves the characteristic polynomial λ² − (a + d)λ + (ad − b²) = 0. The root of larger
// magnitude comes from the formula, the other from λ1·λ2 = det, which avoids the cancellation of
// (a + d)/2 − r when κ is large. The eigenvector of λ is (b, λ − a) or (λ − d, b), whichever is
// longer (both are exact; the longer one has less rounding).
SymmetricEigen2 eigen_2x2(const Eigen::Matrix2d& m) {
  const double a = m(0, 0), d = m(1, 1), b = 0.5 * (m(0, 1) + m(1, 0));
  const double half_trace = 0.5 * (a + d), r = std::hypot(0.5 * (a - d), b), det = a * d - b * b;
  double lo, hi;
  if (half_trace >= 0.0) {
    hi = half_trace + r;
    lo = hi != 0.0 ? det / hi : 0.0;
  } else {
    lo = half_trace - r;
    hi = det / lo;
  }
  const Eigen::Vector2d c1(b, hi - a), c2(hi - d, b);
  Eigen::Vector2d v_hi = c1.norm() >= c2.norm() ? c1 : c2;
  v_hi = v_hi.norm() > 0.0 ? Eigen::Vector2d(v_hi.normalized()) : Eigen::Vector2d(0.0, 1.0);  // a·I: any basis
  SymmetricEigen2 e;
  e.values << lo, hi;
  e.vectors.col(0) = Eigen::Vector2d(v_hi(1), -v_hi(0));  // symmetric: the eigenvectors are orthogonal
  e.vectors.col(1) = v_hi;
  return e;
}

LossContourProblem::LossContourProblem(const LossContourConfig& cfg) : cfg_(cfg) {
  if (std::string e = check_config(cfg); !e.empty()) throw config_error(e);
  const int n = cfg.n;
  Rng rng(cfg.seed);
  Eigen::VectorXd z1(n), z2(n), noise(n);  // (n) each
  for (int i = 0; i < n; ++i) z1(i) = rng.normal();
  for (int i = 0; i < n; ++i) z2(i) = rng.normal();
  for (int i = 0; i < n; ++i) noise(i) = rng.normal();
  if (cfg.exact_moments) {
    // Gram-Schmidt on centred vectors: mean 0, (1/n)·z1ᵀz1 = (1/n)·z2ᵀz2 = 1, z1ᵀz2 = 0.
    z1.array() -= z1.mean();
    z1 /= std::sqrt(z1.squaredNorm() / n);
    z2.array() -= z2.mean();
    z2 -= (z1.dot(z2) / n) * z1;
    z2 /= std::sqrt(z2.squaredNorm() / n);
  }
  // x2 = ratio·(ρ·z1 + √(1 − ρ²)·z2) has std `ratio` and correlation ρ with x1 = z1.
  x_.resize(n, 2);
  x_.col(0) = z1;
  x_.col(1) = cfg.ratio * (cfg.rho * z1 + std::sqrt(1.0 - cfg.rho * cfg.rho) * z2);
  // Each feature contributes a comparable share of y, so w* ≈ (1.5, −1) after standardizing and
  // ≈ (1.5, −1/ratio) before, both inside the default view and far from the origin.
  w_true_ << 1.5, -1.0 / cfg.ratio;
  // In two statements: as one expression, GCC 12 without -march=native reports a false
  // use-after-free inside Eigen's product temporary (-Werror stopped the portable build).
  y_.noalias() = x_ * w_true_;
  y_ += cfg.noise * noise;
  if (cfg.standardize) {
    for (int j = 0; j < 2; ++j) {
      double mean = 0.0, std = 0.0;
      mean_std(x_.col(j), &mean, &std);
      if (!(std > 0.0)) throw Error(ErrorKind::internal, "loss contours: a generated feature is constant");
      x_.col(j) = (x_.col(j).array() - mean) / std;
    }
  }
  // H = XᵀX/n is the Hessian of L = 1/(2n)‖Xw − y‖²; setting ∇L = (XᵀXw − Xᵀy)/n to 0 gives the
  // normal equations XᵀX w* = Xᵀy (Goodfellow et al. §5.1.4, eq. 5.12).
  h_ = x_.transpose() * x_ / n;
  xty_ = x_.transpose() * y_ / n;
  const double det = h_(0, 0) * h_(1, 1) - h_(0, 1) * h_(1, 0);
  if (!(det > 0.0)) throw Error(ErrorKind::internal, "loss contours: XᵀX is singular for this seed");
  eig_ = eigen_2x2(h_);
  w_star_ = inverse_2x2(h_) * xty_;
  loss_star_ = loss(w_star_);
}

double LossContourProblem::loss(const Eigen::Vector2d& w) const {
  return 0.5 * (x_ * w - y_).squaredNorm() / static_cast<double>(x_.rows());
}

// Exact for a quadratic: L(w) = L(w*) + ∇L(w*)ᵀd + ½dᵀHd with ∇L(w*) = 0 (Goodfellow §4.3, eq. 4.8).
double LossContourProblem::quadratic_loss(const Eigen::Vector2d& w) const {
  const Eigen::Vector2d d = w - w_star_;
  return loss_star_ + 0.5 * d.dot(h_ * d);
}

Eigen::Vector2d LossContourProblem::gradient(const Eigen::Vector2d& w) const { return h_ * w - xty_; }

// GD on a quadratic moves the error along eigenvector i by (1 − lr·λ_i) each step
// (Goodfellow §4.3, §8.2.1): stable iff lr < 2/λmax, and then as slow as (1 − lr·λmin).
double LossContourProblem::gd_rate(double lr) const {
  return std::max(std::abs(1.0 - lr * eig_.values(0)), std::abs(1.0 - lr * eig_.values(1)));
}

LossGrid LossContourProblem::grid(double w1_lo, double w1_hi, double w2_lo, double w2_hi, int nx, int ny) const {
  const char* what = "loss grid";
  if (!(w1_lo < w1_hi) || !std::isfinite(w1_lo) || !std::isfinite(w1_hi))
    throw config_error("loss grid: w1_lo must be < w1_hi, both finite");
  if (!(w2_lo < w2_hi) || !std::isfinite(w2_lo) || !std::isfinite(w2_hi))
    throw config_error("loss grid: w2_lo must be < w2_hi, both finite");
  for (const std::string& e : {range_error(what, "nx", nx, 2, 16777216), range_error(what, "ny", ny, 2, 16777216)})
    if (!e.empty()) throw config_error(e);
  if (static_cast<int64_t>(nx) * ny > 16777216) throw config_error("loss grid: nx·ny must be at most 16777216");
  LossGrid g;
  g.nx = nx;
  g.ny = ny;
  g.window = ViewWindow{w1_lo, w1_hi, w2_lo, w2_hi};
  g.loss.resize(static_cast<size_t>(nx) * ny);
  const double dx = (w1_hi - w1_lo) / (nx - 1), dy = (w2_hi - w2_lo) / (ny - 1);
  for (int j = 0; j < ny; ++j) {
    const double w2 = j == ny - 1 ? w2_hi : w2_lo + j * dy;
    for (int i = 0; i < nx; ++i) {
      const double w1 = i == nx - 1 ? w1_hi : w1_lo + i * dx;
      g.loss[static_cast<size_t>(j) * nx + i] = static_cast<float>(quadratic_loss(Eigen::Vector2d(w1, w2)));
    }
  }
  return g;
}

// The contour ½dᵀHd = c reaches |d_i| ≤ √(2c·(H⁻¹)_ii) along axis i (the support function of an
// ellipse), so this box holds it; its semi-axes are √(2c/λ_i) along the eigenvectors.
ViewWindow LossContourProblem::default_view(double margin, double max_aspect) const {
  if (std::string e = positive_error("default view", "margin", margin); !e.empty()) throw config_error(e);
  if (!(max_aspect >= 1.0)) throw config_error("default view: max_aspect must be >= 1");
  double c = quadratic_loss(Eigen::Vector2d::Zero()) - loss_star_;
  if (!(c > 1e-12 * eig_.values(0))) c = 0.5 * eig_.values(0);  // w* at the origin: a unit long semi-axis
  const Eigen::Matrix2d h_inv = inverse_2x2(h_);
  double hx = margin * std::sqrt(2.0 * c * h_inv(0, 0)), hy = margin * std::sqrt(2.0 * c * h_inv(1, 1));
  hy = std::max(hy, hx / max_aspect);
  hx = std::max(hx, hy / max_aspect);
  return ViewWindow{w_star_(0) - hx, w_star_(0) + hx, w_star_(1) - hy, w_star_(1) + hy};
}

std::vector<double> LossContourProblem::contour_levels(const ViewWindow& v, int count) const {
  if (std::string e = range_error("contour levels", "count", count, 1, 1000); !e.empty()) throw config_error(e);
  if (!(v.w1_lo < v.w1_hi && v.w2_lo < v.w2_hi)) throw config_error("contour levels: the view window is empty");
  const double a = h_(0, 0), b = h_(0, 1), d = h_(1, 1);
  auto excess = [&](double w1, double w2) { return quadratic_loss(Eigen::Vector2d(w1, w2)) - loss_star_; };
  // Highest: the largest excess at a corner (a convex quadratic peaks over a box at a corner).
  double top = 0.0;
  for (double w1 : {v.w1_lo, v.w1_hi})
    for (double w2 : {v.w2_lo, v.w2_hi}) top = std::max(top, excess(w1, w2));
  // The smallest excess on the boundary is the largest contour that closes inside the window. On
  // an edge with w1 fixed the excess is least at d2 = −b·d1/d, clamped to the edge (and mirrored).
  double inside = top;
  for (double w1 : {v.w1_lo, v.w1_hi}) {
    const double w2 = std::clamp(w_star_(1) - b * (w1 - w_star_(0)) / d, v.w2_lo, v.w2_hi);
    inside = std::min(inside, excess(w1, w2));
  }
  for (double w2 : {v.w2_lo, v.w2_hi}) {
    const double w1 = std::clamp(w_star_(0) - b * (w2 - w_star_(1)) / a, v.w1_lo, v.w1_hi);
    inside = std::min(inside, excess(w1, w2));
  }
  if (!(top > 0.0)) top = 1.0;  // a window of a single point: any levels will do
  double bottom = inside / 100.0;
  if (!(bottom > 0.0 && bottom < top)) bottom = top * 1e-6;
  // Geometric spacing: equal steps in log(L − L*), i.e. the contours' sizes grow by a constant factor.
  std::vector<double> levels(count);
  const double q = std::pow(top / bottom, 1.0 / count);
  for (int k = 0; k < count; ++k) levels[k] = loss_star_ + bottom * std::pow(q, k);
  return levels;
}

Eigen::Vector2d LossContourProblem::default_start(const ViewWindow& v) const {
  return Eigen::Vector2d(v.w1_lo + 0.1 * (v.w1_hi - v.w1_lo), v.w2_lo + 0.85 * (v.w2_hi - v.w2_lo));
}

// ---- Optimizer paths ----------------------------------------------------------------------------

const char* path_optimizer_name(PathOptimizer o) {
  switch (o) {
    case PathOptimizer::gd:
      return "gd";
    case PathOptimizer::momentum:
      return "momentum";
    case PathOptimizer::rmsprop:
      return "rmsprop";
    case PathOptimizer::adam:
      return "adam";
  }
  return "?";
}

bool parse_path_optimizer(const std::string& name, PathOptimizer* out) {
  for (PathOptimizer o : {PathOptimizer::gd, PathOptimizer::momentum, PathOptimizer::rmsprop, PathOptimizer::adam})
    if (name == path_optimizer_name(o)) {
      *out = o;
      return true;
    }
  return false;
}

std::string check_config(const PathConfig& c) {
  const char* what = "optimizer path";
  const int kind = static_cast<int>(c.optimizer);
  if (kind < 0 || kind > 3) return "optimizer path: optimizer must be gd, momentum, rmsprop or adam";
  for (const std::string& e :
       {positive_error(what, "lr", c.lr), range_error(what, "max_steps", c.max_steps, 0, 1000000),
        range_error(what, "momentum", c.momentum, 0, 1, true), range_error(what, "alpha", c.alpha, 0, 1, true),
        range_error(what, "beta1", c.beta1, 0, 1, true), range_error(what, "beta2", c.beta2, 0, 1, true),
        positive_error(what, "eps", c.eps), positive_error(what, "tol", c.tol)})
    if (!e.empty()) return e;
  return "";
}

OptimizerPath run_path(const LossContourProblem& p, const Eigen::Vector2d& start, const PathConfig& c) {
  if (std::string e = check_config(c); !e.empty()) throw config_error(e);
  if (!start.allFinite()) throw config_error("optimizer path: the start point must be finite");
  OptimizerPath path;
  path.points.reserve(static_cast<size_t>(c.max_steps) + 1);
  Eigen::Vector2d w = start;
  const double loss0 = p.quadratic_loss(w);
  // 1e6 × the start's loss; the floor keeps a start at the minimum of noiseless data (L = 0) from
  // calling rounding noise a divergence.
  const double blow_up = 1e6 * std::max(loss0, 1e-9 * p.quadratic_loss(Eigen::Vector2d::Zero()));
  const double target = c.tol * std::max(1.0, p.minimum().norm());
  path.points.push_back({w(0), w(1), loss0});
  if ((w - p.minimum()).norm() <= target) {
    path.steps_to_tol = 0;
    if (c.stop_at_tol) return path;
  }
  Eigen::Vector2d first = Eigen::Vector2d::Zero(), second = Eigen::Vector2d::Zero();  // (2): b or m; v
  for (int t = 1; t <= c.max_steps; ++t) {
    const Eigen::Vector2d g = p.gradient(w);  // (2)
    switch (c.optimizer) {
      case PathOptimizer::gd:
        w -= c.lr * g;
        break;
      case PathOptimizer::momentum:
        first = t == 1 ? g : Eigen::Vector2d(c.momentum * first + g);
        w -= c.lr * first;
        break;
      case PathOptimizer::rmsprop:
        second = c.alpha * second + (1.0 - c.alpha) * g.cwiseAbs2();
        w -= c.lr * (g.array() / (second.array().sqrt() + c.eps)).matrix();
        break;
      case PathOptimizer::adam: {
        first = c.beta1 * first + (1.0 - c.beta1) * g;
        second = c.beta2 * second + (1.0 - c.beta2) * g.cwiseAbs2();
        const double bias1 = 1.0 - std::pow(c.beta1, t), bias2 = 1.0 - std::pow(c.beta2, t);
        w -= (c.lr / bias1) * (first.array() / (second.array().sqrt() / std::sqrt(bias2) + c.eps)).matrix();
        break;
      }
    }
    const double l = p.quadratic_loss(w);
    if (!w.allFinite() || !std::isfinite(l)) {
      path.diverged = true;
      break;
    }
    path.points.push_back({w(0), w(1), l});
    path.steps = t;
    if (l > blow_up) {
      path.diverged = true;
      break;
    }
    if (path.steps_to_tol < 0 && (w - p.minimum()).norm() <= target) {
      path.steps_to_tol = t;
      if (c.stop_at_tol) break;
    }
  }
  return path;
}

}  // namespace bnlab
