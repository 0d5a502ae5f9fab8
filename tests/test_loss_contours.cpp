// What this file is: the loss-contours lesson against its closed forms: H = XᵀX/n summed by hand
// and by second differences of the data loss; eigenvalues that solve the characteristic
// polynomial with H v = λ v; κ = ratio² before standardizing and 1 after (ρ = 0); w* with zero
// gradient that matches a QR least-squares solve; gradient descent whose step count to tolerance
// is the one the eigen-decomposition predicts, and that diverges above 2/λmax; the grid against
// L(w); and the first steps of Adam, RMSProp and momentum against their update rules.
#include <gtest/gtest.h>

#include <cmath>

#include "core/error.h"
#include "core/lesson/loss_contours.h"

namespace bnlab {
namespace {

LossContourConfig make_config(double ratio, double rho, bool standardize, bool exact = true, uint64_t seed = 1) {
  LossContourConfig c;
  c.ratio = ratio;
  c.rho = rho;
  c.standardize = standardize;
  c.exact_moments = exact;
  c.seed = seed;
  return c;
}

std::vector<LossContourConfig> many_configs() {
  std::vector<LossContourConfig> v;
  for (double ratio : {1.0, 10.0, 1000.0})
    for (double rho : {0.0, 0.7, -0.95})
      for (bool standardize : {false, true})
        for (bool exact : {false, true}) v.push_back(make_config(ratio, rho, standardize, exact, 7));
  return v;
}

// The closed-form GD iterate e_k = V·diag(1 − lr·λ)^k·Vᵀe_0 (Goodfellow et al. §4.3): the first k
// with ‖e_k‖ <= target.
int predicted_gd_steps(const LossContourProblem& p, const Eigen::Vector2d& start, double lr, double target,
                       int max_steps) {
  const Eigen::Vector2d c = p.eigen().vectors.transpose() * (start - p.minimum());
  for (int k = 0; k <= max_steps; ++k) {
    const Eigen::Vector2d shrink(std::pow(1.0 - lr * p.eigen().values(0), k),
                                 std::pow(1.0 - lr * p.eigen().values(1), k));
    if ((p.eigen().vectors * shrink.cwiseProduct(c)).norm() <= target) return k;
  }
  return -1;
}

TEST(LossContours, HessianEqualsXtXOverN) {
  for (const LossContourConfig& cfg : many_configs()) {
    const LossContourProblem p(cfg);
    const auto& x = p.features();
    Eigen::Matrix2d direct = Eigen::Matrix2d::Zero();
    for (int i = 0; i < x.rows(); ++i)
      for (int r = 0; r < 2; ++r)
        for (int c = 0; c < 2; ++c) direct(r, c) += x(i, r) * x(i, c) / cfg.n;
    EXPECT_LT((p.hessian() - direct).norm(), 1e-12 * direct.norm()) << "ratio " << cfg.ratio << " rho " << cfg.rho;
    // L is quadratic, so central second differences of the data loss are exact up to rounding.
    const Eigen::Vector2d w = p.minimum() + Eigen::Vector2d(0.3, -0.2);
    const Eigen::Vector2d h(1.0 / std::sqrt(direct(0, 0)), 1.0 / std::sqrt(direct(1, 1)));
    auto at = [&](double s1, double s2) { return p.loss(w + Eigen::Vector2d(s1 * h(0), s2 * h(1))); };
    Eigen::Matrix2d fd;
    fd(0, 0) = (at(1, 0) - 2 * at(0, 0) + at(-1, 0)) / (h(0) * h(0));
    fd(1, 1) = (at(0, 1) - 2 * at(0, 0) + at(0, -1)) / (h(1) * h(1));
    fd(0, 1) = fd(1, 0) = (at(1, 1) - at(1, -1) - at(-1, 1) + at(-1, -1)) / (4 * h(0) * h(1));
    for (int r = 0; r < 2; ++r)
      for (int c = 0; c < 2; ++c) EXPECT_NEAR(fd(r, c), direct(r, c), 1e-6 * std::sqrt(direct(r, r) * direct(c, c)));
  }
}

TEST(LossContours, EigenvaluesSolveTheCharacteristicPolynomial) {
  for (const LossContourConfig& cfg : many_configs()) {
    const LossContourProblem p(cfg);
    const Eigen::Matrix2d& h = p.hessian();
    const SymmetricEigen2& e = p.eigen();
    const double tr = h.trace(), det = h.determinant(), lmax = e.values(1);
    ASSERT_LE(e.values(0), e.values(1));
    for (int i = 0; i < 2; ++i) {
      const double l = e.values(i);
      EXPECT_NEAR(l * l - tr * l + det, 0.0, 1e-12 * lmax * lmax);
      EXPECT_LT((h * e.vectors.col(i) - l * e.vectors.col(i)).norm(), 1e-12 * lmax);
      EXPECT_NEAR(e.vectors.col(i).norm(), 1.0, 1e-14);
    }
    EXPECT_NEAR(e.vectors.col(0).dot(e.vectors.col(1)), 0.0, 1e-14);
    EXPECT_NEAR(e.values(0) * e.values(1), det, 1e-12 * std::abs(det) + 1e-15 * lmax * lmax);
    const Eigen::SelfAdjointEigenSolver<Eigen::Matrix2d> ref(h);
    EXPECT_NEAR(e.values(1), ref.eigenvalues()(1), 1e-12 * lmax);
    EXPECT_NEAR(e.values(0), ref.eigenvalues()(0), 1e-10 * lmax);
    EXPECT_NEAR(p.condition_number(), e.values(1) / e.values(0), 0.0);
  }
  // Hand cases: [[2, 1], [1, 2]] has 1 on (1, −1) and 3 on (1, 1); a diagonal matrix; a negative one.
  Eigen::Matrix2d m;
  m << 2, 1, 1, 2;
  SymmetricEigen2 e = eigen_2x2(m);
  EXPECT_NEAR(e.values(0), 1.0, 1e-15);
  EXPECT_NEAR(e.values(1), 3.0, 1e-15);
  EXPECT_NEAR(std::abs(e.vectors(0, 1)), std::sqrt(0.5), 1e-15);
  EXPECT_NEAR(e.vectors(0, 1), e.vectors(1, 1), 1e-15);
  EXPECT_NEAR(e.vectors(0, 0), -e.vectors(1, 0), 1e-15);
  m << 5, 0, 0, 1;
  e = eigen_2x2(m);
  EXPECT_EQ(e.values(0), 1.0);
  EXPECT_EQ(e.values(1), 5.0);
  EXPECT_NEAR(std::abs(e.vectors(1, 0)), 1.0, 1e-15);
  m << -1, 0, 0, -3;
  e = eigen_2x2(m);
  EXPECT_NEAR(e.values(0), -3.0, 1e-15);
  EXPECT_NEAR(e.values(1), -1.0, 1e-15);
}

TEST(LossContours, ConditionNumberGrowsLikeRatioSquared) {
  for (double ratio : {1.0, 10.0, 100.0, 1000.0}) {
    const LossContourProblem exact(make_config(ratio, 0.0, false));
    EXPECT_NEAR(exact.condition_number(), ratio * ratio, 1e-9 * ratio * ratio);
    const auto& x = exact.features();
    EXPECT_NEAR(std::sqrt(x.col(1).squaredNorm() / x.rows()), ratio, 1e-12 * ratio);
    for (uint64_t seed = 1; ratio > 1.0 && seed <= 5; ++seed) {
      const LossContourProblem drawn(make_config(ratio, 0.0, false, false, seed));
      const double k = drawn.condition_number() / (ratio * ratio);
      EXPECT_TRUE(k > 0.5 && k < 2.0) << "ratio " << ratio << " seed " << seed << ": κ/ratio² " << k;
    }
  }
  // With correlation, det H = ratio²(1 − ρ²) and tr H = 1 + ratio², so κ → ratio²/(1 − ρ²).
  const LossContourProblem corr(make_config(1000.0, 0.9, false));
  EXPECT_NEAR(corr.condition_number(), 1e6 / (1 - 0.81), 2e-3 * 1e6 / (1 - 0.81));
  const auto& x = corr.features();
  EXPECT_NEAR(x.col(0).dot(x.col(1)) / x.col(0).norm() / x.col(1).norm(), 0.9, 1e-12);
}

TEST(LossContours, StandardizedFeaturesGiveCirclesWhenUncorrelated) {
  const LossContourProblem p(make_config(1000.0, 0.0, true));
  EXPECT_NEAR(p.condition_number(), 1.0, 1e-9);
  EXPECT_LT((p.hessian() - Eigen::Matrix2d::Identity()).norm(), 1e-12);
  for (uint64_t seed = 1; seed <= 5; ++seed) {  // plain draws: sample correlation ~ 1/√n
    const LossContourProblem drawn(make_config(1000.0, 0.0, true, false, seed));
    EXPECT_LT(drawn.condition_number(), 1.6) << "seed " << seed;
    EXPECT_LT((drawn.hessian().diagonal() - Eigen::Vector2d::Ones()).norm(), 1e-12);
  }
  // ρ = 0.5: H = [[1, ρ], [ρ, 1]], κ = (1 + ρ)/(1 − ρ) = 3, axes along the diagonals.
  const LossContourProblem corr(make_config(1000.0, 0.5, true));
  EXPECT_NEAR(corr.condition_number(), 3.0, 1e-9);
  for (int i = 0; i < 2; ++i)
    EXPECT_NEAR(std::abs(corr.eigen().vectors(0, i)), std::abs(corr.eigen().vectors(1, i)), 1e-9);
}

TEST(LossContours, MinimumHasZeroGradientAndSolvesTheNormalEquations) {
  for (const LossContourConfig& cfg : many_configs()) {
    const LossContourProblem p(cfg);
    const auto& x = p.features();
    const Eigen::VectorXd& y = p.targets();
    const Eigen::Vector2d w = p.minimum();
    const Eigen::Vector2d qr = x.colPivHouseholderQr().solve(y);  // least squares without forming XᵀX
    EXPECT_LT((w - qr).norm(), 1e-8 * qr.norm()) << "ratio " << cfg.ratio << " rho " << cfg.rho;
    const Eigen::Vector2d g_data = x.transpose() * (x * w - y) / cfg.n;
    const double scale = (x.transpose() * y / cfg.n).norm();
    EXPECT_LT(g_data.norm(), 1e-9 * scale);
    EXPECT_LT(p.gradient(w).norm(), 1e-9 * scale);
    EXPECT_NEAR(p.min_loss(), 0.5 * (x * w - y).squaredNorm() / cfg.n, 1e-14);
    for (double s1 : {-1e-3, 1e-3})
      for (double s2 : {-1e-3, 1e-3}) EXPECT_GT(p.loss(w + Eigen::Vector2d(s1, s2 / cfg.ratio)), p.min_loss());
  }
  LossContourConfig noiseless = make_config(100.0, 0.6, false);
  noiseless.noise = 0.0;
  const LossContourProblem p(noiseless);
  EXPECT_LT((p.minimum() - p.true_weights()).norm(), 1e-10);
  EXPECT_NEAR(p.min_loss(), 0.0, 1e-20);
}

TEST(LossContours, GradientMatchesTheDataAndFiniteDifferences) {
  const LossContourProblem p(make_config(100.0, -0.4, false));
  const Eigen::Vector2d w(0.7, 0.05);
  const Eigen::Vector2d direct = p.features().transpose() * (p.features() * w - p.targets()) / 200.0;
  EXPECT_LT((p.gradient(w) - direct).norm(), 1e-12 * direct.norm());
  for (int i = 0; i < 2; ++i) {
    Eigen::Vector2d h = Eigen::Vector2d::Zero();
    h(i) = 1e-4 / std::sqrt(p.hessian()(i, i));
    EXPECT_NEAR((p.loss(w + h) - p.loss(w - h)) / (2 * h(i)), direct(i), 1e-6 * direct.norm());
  }
  EXPECT_NEAR(p.quadratic_loss(w), p.loss(w), 1e-12 * p.loss(w));
}

TEST(LossContours, GradientDescentConvergesAtTheKappaRate) {
  PathConfig gd;
  gd.max_steps = 200000;
  gd.stop_at_tol = true;
  // The ratio-100 problem standardized (κ = 1), then ratio 10 (κ = 10²) and ratio 100 (κ = 10⁴).
  const LossContourConfig configs[] = {make_config(100.0, 0.0, true), make_config(10.0, 0.0, false),
                                       make_config(100.0, 0.0, false)};
  int steps[3] = {0, 0, 0};
  for (int c = 0; c < 3; ++c) {
    const LossContourProblem p(configs[c]);
    gd.lr = 1.0 / p.eigen().values(1);
    const Eigen::Vector2d start = p.default_start(p.default_view());
    const OptimizerPath path = run_path(p, start, gd);
    ASSERT_FALSE(path.diverged);
    ASSERT_GT(path.steps_to_tol, 0);
    EXPECT_EQ(path.points.size(), static_cast<size_t>(path.steps) + 1);
    const double target = gd.tol * std::max(1.0, p.minimum().norm());
    EXPECT_NEAR(path.steps_to_tol, predicted_gd_steps(p, start, gd.lr, target, gd.max_steps), 1) << "case " << c;
    const PathPoint& last = path.points.back();
    EXPECT_LE((Eigen::Vector2d(last.w1, last.w2) - p.minimum()).norm(), target);
    EXPECT_NEAR(p.gd_rate(gd.lr), 1.0 - 1.0 / p.condition_number(), 1e-12);
    steps[c] = path.steps_to_tol;
  }
  const int steps_well = steps[0], steps_10 = steps[1], steps_100 = steps[2];
  EXPECT_EQ(steps_well, 1);  // κ = 1 and lr = 1/λ: Newton's step, straight to w*
  EXPECT_GT(steps_10, 50 * steps_well);
  EXPECT_GT(steps_100, 50 * steps_10);  // the slow direction shrinks by 1 − 1/κ per step
}

TEST(LossContours, GradientDescentAboveTwoOverLambdaMaxDiverges) {
  const LossContourProblem p(make_config(100.0, 0.3, false));
  const Eigen::Vector2d start = p.default_start(p.default_view());
  PathConfig gd;
  gd.max_steps = 5000;
  gd.lr = 2.05 / p.eigen().values(1);
  EXPECT_GT(p.gd_rate(gd.lr), 1.0);
  OptimizerPath path = run_path(p, start, gd);
  EXPECT_TRUE(path.diverged);
  EXPECT_LT(path.steps, gd.max_steps);
  EXPECT_GT(path.points.back().loss, 1e6 * path.points.front().loss);
  EXPECT_EQ(path.steps_to_tol, -1);
  gd.lr = 1.95 / p.eigen().values(1);
  EXPECT_LT(p.gd_rate(gd.lr), 1.0);
  path = run_path(p, start, gd);
  EXPECT_FALSE(path.diverged);
  EXPECT_EQ(path.steps, gd.max_steps);
  EXPECT_LT(path.points.back().loss, path.points.front().loss);
  gd.lr = 1e300;  // overflows to inf on the second step: reported, and never appended
  path = run_path(p, start, gd);
  EXPECT_TRUE(path.diverged);
  for (const PathPoint& q : path.points)
    EXPECT_TRUE(std::isfinite(q.w1) && std::isfinite(q.w2) && std::isfinite(q.loss));
}

TEST(LossContours, GridValueIsTheLossThere) {
  const LossContourProblem p(make_config(10.0, -0.5, false));
  const LossGrid g = p.grid(-1.0, 3.0, -0.5, 0.25, 7, 5);
  ASSERT_EQ(g.loss.size(), 35u);
  for (int j = 0; j < 5; ++j)
    for (int i = 0; i < 7; ++i) {
      const Eigen::Vector2d w(-1.0 + 4.0 * i / 6, -0.5 + 0.75 * j / 4);
      EXPECT_NEAR(g.loss[j * 7 + i], p.loss(w), 1e-6 * p.loss(w)) << i << ", " << j;
      EXPECT_EQ(g.at(i, j), g.loss[j * 7 + i]);
    }
  EXPECT_THROW(p.grid(0, 1, 0, 1, 1, 5), Error);
  EXPECT_THROW(p.grid(1, 0, 0, 1, 5, 5), Error);
}

TEST(LossContours, DefaultViewShowsTheEllipsesAndLevelsLieInIt) {
  for (const LossContourConfig& cfg : many_configs()) {
    const LossContourProblem p(cfg);
    const ViewWindow v = p.default_view();
    const double hx = 0.5 * (v.w1_hi - v.w1_lo), hy = 0.5 * (v.w2_hi - v.w2_lo);
    EXPECT_NEAR(0.5 * (v.w1_lo + v.w1_hi), p.minimum()(0), 1e-12 * hx);
    EXPECT_NEAR(0.5 * (v.w2_lo + v.w2_hi), p.minimum()(1), 1e-12 * hy);
    EXPECT_LE(std::max(hx / hy, hy / hx), 10.0 * (1 + 1e-12));
    EXPECT_TRUE(v.contains(Eigen::Vector2d::Zero()));
    EXPECT_TRUE(v.contains(p.default_start(v)));
    const std::vector<double> levels = p.contour_levels(v, 12);
    ASSERT_EQ(levels.size(), 12u);
    EXPECT_GT(levels[0], p.min_loss());
    for (size_t k = 1; k < levels.size(); ++k) EXPECT_GT(levels[k], levels[k - 1]);
    const LossGrid g = p.grid(v, 64, 64);
    const float top = *std::max_element(g.loss.begin(), g.loss.end());
    EXPECT_LT(levels.back(), top);
    // The lowest level closes inside the view: its contour's bounding box fits.
    const Eigen::Matrix2d inv = p.hessian().inverse();
    const double c = levels[0] - p.min_loss();
    EXPECT_LT(std::sqrt(2 * c * inv(0, 0)), hx);
    EXPECT_LT(std::sqrt(2 * c * inv(1, 1)), hy);
  }
}

TEST(LossContours, FirstStepsFollowTheUpdateRules) {
  const LossContourProblem p(make_config(100.0, 0.0, false));
  const Eigen::Vector2d start(-0.5, 0.1);
  const Eigen::Vector2d g = p.gradient(start);
  ASSERT_GT(std::abs(g(1)), 100 * std::abs(g(0)));  // the gradients differ by orders of magnitude
  PathConfig cfg;
  cfg.lr = 0.01;
  cfg.max_steps = 2;
  auto step = [&](const OptimizerPath& path, int k) {
    return Eigen::Vector2d(path.points[k].w1 - path.points[k - 1].w1, path.points[k].w2 - path.points[k - 1].w2);
  };
  // Adam: m̂ = g and v̂ = g² after one step, so every coordinate moves by lr·g/(|g| + ε) ≈ lr.
  cfg.optimizer = PathOptimizer::adam;
  Eigen::Vector2d d = step(run_path(p, start, cfg), 1);
  for (int i = 0; i < 2; ++i) {
    EXPECT_NEAR(d(i), -cfg.lr * g(i) / (std::abs(g(i)) + cfg.eps), 1e-12 * cfg.lr);
    EXPECT_NEAR(std::abs(d(i)), cfg.lr, 1e-6 * cfg.lr);
  }
  // RMSProp: v = (1 − α)g², so the first step is lr/√(1 − α) per coordinate.
  cfg.optimizer = PathOptimizer::rmsprop;
  d = step(run_path(p, start, cfg), 1);
  for (int i = 0; i < 2; ++i) EXPECT_NEAR(std::abs(d(i)), cfg.lr / std::sqrt(1 - cfg.alpha), 1e-6 * cfg.lr);
  // Momentum: b1 = g1, b2 = β·g1 + g2.
  cfg.optimizer = PathOptimizer::momentum;
  cfg.lr = 1e-5;
  const OptimizerPath heavy = run_path(p, start, cfg);
  const Eigen::Vector2d w1 = start - cfg.lr * g;
  const Eigen::Vector2d w2 = w1 - cfg.lr * (cfg.momentum * g + p.gradient(w1));
  EXPECT_LT((step(heavy, 1) + cfg.lr * g).norm(), 1e-15);
  EXPECT_LT((Eigen::Vector2d(heavy.points[2].w1, heavy.points[2].w2) - w2).norm(), 1e-14);
  // GD: lr·g, so the steep coordinate moves ~κ^½ times more than under Adam.
  cfg.optimizer = PathOptimizer::gd;
  EXPECT_LT((step(run_path(p, start, cfg), 1) + cfg.lr * g).norm(), 1e-15);
}

TEST(LossContours, MomentumBeatsGradientDescentWhenIllConditioned) {
  const LossContourProblem p(make_config(100.0, 0.0, false));  // κ = 10⁴
  const Eigen::Vector2d start = p.default_start(p.default_view());
  PathConfig cfg;
  cfg.max_steps = 200000;
  cfg.stop_at_tol = true;
  cfg.lr = 1.0 / p.eigen().values(1);
  const int gd_steps = run_path(p, start, cfg).steps_to_tol;
  // Polyak's tuning: lr = 4/(√λmax + √λmin)², β = ((√κ − 1)/(√κ + 1))², rate (√κ − 1)/(√κ + 1).
  const double sk = std::sqrt(p.condition_number());
  cfg.optimizer = PathOptimizer::momentum;
  cfg.lr = 4.0 / std::pow(std::sqrt(p.eigen().values(1)) + std::sqrt(p.eigen().values(0)), 2);
  cfg.momentum = std::pow((sk - 1) / (sk + 1), 2);
  const int heavy_steps = run_path(p, start, cfg).steps_to_tol;
  ASSERT_GT(gd_steps, 0);
  ASSERT_GT(heavy_steps, 0);
  EXPECT_LT(10 * heavy_steps, gd_steps) << "gd " << gd_steps << ", momentum " << heavy_steps;
}

TEST(LossContours, BadParametersAreNamed) {
  EXPECT_EQ(check_config(LossContourConfig{}), "");
  EXPECT_EQ(check_config(PathConfig{}), "");
  auto message = [](LossContourConfig c) {
    try {
      LossContourProblem p(c);
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::usage);
      return std::string(e.what());
    }
    return std::string();
  };
  LossContourConfig c;
  c.ratio = 0.5;
  EXPECT_NE(message(c).find("ratio"), std::string::npos);
  c = {};
  c.ratio = std::nan("");
  EXPECT_NE(message(c).find("ratio"), std::string::npos);
  c = {};
  c.rho = 0.99;
  EXPECT_NE(message(c).find("rho"), std::string::npos);
  c = {};
  c.n = 2;
  EXPECT_NE(message(c).find("n must"), std::string::npos);
  const LossContourProblem p(LossContourConfig{});
  PathConfig bad;
  bad.lr = 0.0;
  EXPECT_NE(check_config(bad).find("lr"), std::string::npos);
  EXPECT_THROW(run_path(p, Eigen::Vector2d::Zero(), bad), Error);
  bad = {};
  bad.beta2 = 1.0;
  EXPECT_NE(check_config(bad).find("beta2"), std::string::npos);
  EXPECT_THROW(run_path(p, Eigen::Vector2d(NAN, 0.0), PathConfig{}), Error);
  PathOptimizer o = PathOptimizer::gd;
  EXPECT_TRUE(parse_path_optimizer("adam", &o));
  EXPECT_EQ(o, PathOptimizer::adam);
  EXPECT_FALSE(parse_path_optimizer("lbfgs", &o));
}

}  // namespace
}  // namespace bnlab
