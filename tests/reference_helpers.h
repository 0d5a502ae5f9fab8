// What this file is: what the PyTorch reference tests share: reading a fixture written by
// tests/reference/make_fixtures.py, a fixture batch as bnlab's (features, batch) matrix, and the
// comparison at 1e-4 relative tolerance that names the worst mismatch.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "test_paths.h"
#include "core/model/model.h"
#include "core/tensor.h"

namespace bnlab::reference {

using nlohmann::json;

inline const std::string kFixtures = BNLAB_FIXTURES_DIR;
// Relative 1e-4 against the larger of the value and a tenth of its tensor's RMS: a value near
// zero is usually a sum of much larger terms (a convolution, x - μ), whose float32 rounding
// error scales with the terms, not with the small result.
constexpr double kRelTol = 1e-4;
constexpr double kRmsFraction = 0.1;

inline json read_fixture(const std::string& name) {
  std::ifstream in(kFixtures + "/" + name);
  if (!in) throw std::runtime_error(kFixtures + "/" + name + ": cannot open (run tests/reference/make_fixtures.py)");
  return json::parse(in);
}

// A fixture tensor {"shape", "data"}: its values, PyTorch's row-major order.
inline std::vector<float> values(const json& t) { return t.at("data").get<std::vector<float>>(); }

inline int64_t element_count(const json& t) {
  int64_t n = 1;
  for (const auto& d : t.at("shape")) n *= d.get<int64_t>();
  return n;
}

// A batch (N, ...) from the fixture as bnlab's (features, batch): column n is sample n, which is
// exactly the row-major data read column-major.
inline Tensor batch(const json& t, Shape shape) {
  const std::vector<float> v = values(t);
  const int n = t.at("shape")[0].get<int>();
  Tensor x;
  x.resize(shape, n);
  EXPECT_EQ(static_cast<int64_t>(v.size()), static_cast<int64_t>(shape.size()) * n);
  x.data = Eigen::Map<const Matrix>(v.data(), shape.size(), n);
  return x;
}

// Compares `got` to the fixture tensor `want` (see kRelTol); on failure names the tensor, its
// size, the number of mismatches and the worst one (index, expected, got).
inline ::testing::AssertionResult close(const std::string& name, const float* got, int64_t size, const json& want) {
  const std::vector<float> w = values(want);
  if (static_cast<int64_t>(w.size()) != size || element_count(want) != size)
    return ::testing::AssertionFailure() << name << ": bnlab has " << size << " values, the fixture "
                                         << w.size();
  double sum_sq = 0.0;
  for (float b : w) sum_sq += static_cast<double>(b) * b;
  const double floor = kRmsFraction * std::sqrt(sum_sq / std::max<double>(1.0, static_cast<double>(size)));
  int64_t bad = 0, worst = -1;
  double worst_ratio = 0.0;
  for (int64_t i = 0; i < size; ++i) {
    const double a = got[i], b = w[static_cast<size_t>(i)];
    const double tol = kRelTol * std::max(std::abs(b), floor) + 1e-12;  // 1e-12: exact zeros
    const double ratio = std::isfinite(a) ? std::abs(a - b) / tol : INFINITY;
    if (ratio > 1.0) ++bad;
    if (ratio > worst_ratio || worst < 0) {
      worst_ratio = ratio;
      worst = i;
    }
  }
  if (bad == 0) return ::testing::AssertionSuccess();
  std::ostringstream s;
  s.precision(9);
  s << name << ": " << bad << " of " << size << " values differ from PyTorch; worst at [" << worst
    << "]: expected " << w[static_cast<size_t>(worst)] << ", got " << got[worst] << " (|diff| "
    << std::abs(static_cast<double>(got[worst]) - w[static_cast<size_t>(worst)]) << ", "
    << worst_ratio << "x the tolerance)";
  return ::testing::AssertionFailure() << s.str();
}

inline ::testing::AssertionResult close(const std::string& name, const Matrix& got, const json& want) {
  return close(name, got.data(), got.size(), want);
}
inline ::testing::AssertionResult close(const std::string& name, const Vector& got, const json& want) {
  return close(name, got.data(), got.size(), want);
}
inline ::testing::AssertionResult close(const std::string& name, const RowMatrix& got, const json& want) {
  return close(name, got.data(), got.size(), want);
}

// Every parameter, running statistic and num_batches_tracked of `model` against a state_dict.
inline void expect_state(Model& model, const json& state) {
  size_t checked = 0;
  for (const NamedParam& p : model.named_params()) {
    ASSERT_TRUE(state.contains(p.name)) << p.name << " is not in the fixture's state_dict";
    EXPECT_TRUE(close(p.name, p.param.value, p.param.size, state.at(p.name)));
    EXPECT_EQ(state.at(p.name).at("shape").get<std::vector<int64_t>>(), p.param.shape) << p.name;
    ++checked;
  }
  for (const NamedBuffer& b : model.named_buffers()) {
    ASSERT_TRUE(state.contains(b.name)) << b.name << " is not in the fixture's state_dict";
    EXPECT_TRUE(close(b.name, b.buffer.value, b.buffer.size, state.at(b.name)));
    ++checked;
  }
  for (const BlockLayers& b : model.blocks()) {
    const Norm* norm = model.norm(b);
    if (!norm || !norm->running()) continue;
    const std::string name = std::to_string(b.norm) + ".num_batches_tracked";
    ASSERT_TRUE(state.contains(name)) << name << " is not in the fixture's state_dict";
    EXPECT_EQ(norm->running()->batches_tracked, state.at(name).at("data")[0].get<int64_t>()) << name;
    ++checked;
  }
  EXPECT_EQ(checked, state.size()) << "the fixture's state_dict has tensors bnlab does not";
}

// A fixture's optimizer and its hyperparameters ("hyper": optimizer, lr, weight_decay, and
// momentum for SGD or beta1, beta2, eps for Adam) into `train`.
inline void set_fixture_optimizer(TrainConfig& train, const nlohmann::json& hp) {
  train.optimizer = hp.at("optimizer").get<std::string>();
  train.lr = hp.at("lr").get<float>();
  train.weight_decay = hp.at("weight_decay").get<float>();
  if (train.optimizer == "sgd") {
    train.momentum = hp.at("momentum").get<float>();
  } else {
    train.beta1 = hp.at("beta1").get<float>();
    train.beta2 = hp.at("beta2").get<float>();
    train.eps = hp.at("eps").get<float>();
  }
}

}  // namespace bnlab::reference
