// What this file is: central-difference gradient checks of every layer, both losses and a whole
// model: the analytic backward must agree with (f(x+h) − f(x−h)) / 2h for inputs and parameters.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <memory>

#include "core/layers/activation.h"
#include "core/layers/batch_norm.h"
#include "core/layers/conv2d.h"
#include "core/layers/dense.h"
#include "core/layers/dropout.h"
#include "core/layers/flatten.h"
#include "core/layers/pool2d.h"
#include "core/layers/sample_norm.h"
#include "core/losses/loss.h"
#include "core/model/model.h"
#include "core/rng.h"
#include "test_helpers.h"

namespace bnlab {
namespace {

constexpr float kStep = 1e-2f;

// Moves every value at least `gap` away from zero, so ReLU's kink is never crossed by ±h.
void keep_off_zero(Tensor& t, float gap) {
  for (Eigen::Index i = 0; i < t.data.size(); ++i) {
    float& v = t.data.data()[i];
    if (std::abs(v) < gap) v = v < 0 ? v - gap : v + gap;
  }
}

// f(x) = Σ r ⊙ layer(x), in double so the difference quotient is not float rounding.
double projected(Layer& layer, const Tensor& x, const Tensor& r, Mode mode) {
  const Tensor& y = layer.forward(x, mode);
  return (y.data.cast<double>().array() * r.data.cast<double>().array()).sum();
}

void expect_close(double analytic, double numeric, const std::string& what) {
  EXPECT_NEAR(analytic, numeric, 3e-3 + 3e-2 * std::abs(numeric)) << what;
}

// Checks d/dx and d/dparams of Σ r ⊙ layer(x) against central differences.
void check_layer(Layer& layer, Tensor x, Mode mode, const std::string& name) {
  const Tensor r = random_tensor(layer.output_shape(x.shape), x.batch(), 99);
  layer.zero_grad();
  layer.forward(x, mode);
  const Matrix dx = layer.backward(r).data;  // (features, batch)
  ASSERT_EQ(dx.rows(), x.data.rows()) << name;
  for (Eigen::Index i = 0; i < x.data.size(); ++i) {
    float& v = x.data.data()[i];
    const float saved = v;
    v = saved + kStep;
    const double plus = projected(layer, x, r, mode);
    v = saved - kStep;
    const double minus = projected(layer, x, r, mode);
    v = saved;
    expect_close(dx.data()[i], (plus - minus) / (2 * kStep), name + " input " + std::to_string(i));
  }
  for (const Param& p : layer.params()) {
    std::vector<float> grad(p.grad, p.grad + p.size);
    for (int64_t i = 0; i < p.size; ++i) {
      const float saved = p.value[i];
      p.value[i] = saved + kStep;
      const double plus = projected(layer, x, r, mode);
      p.value[i] = saved - kStep;
      const double minus = projected(layer, x, r, mode);
      p.value[i] = saved;
      expect_close(grad[i], (plus - minus) / (2 * kStep), name + " " + p.name + " " + std::to_string(i));
    }
  }
}

TEST(GradientCheck, Dense) {
  Dense layer(7, 5, true);
  Rng rng(3);
  for (const Param& p : layer.params())
    for (int64_t i = 0; i < p.size; ++i) p.value[i] = rng.normal(0.0f, 0.5f);
  check_layer(layer, random_tensor({7, 1, 1}, 4, 1), Mode::train, "dense");
}

TEST(GradientCheck, DenseWithoutBias) {
  Dense layer(6, 3, false);
  Rng rng(4);
  for (const Param& p : layer.params())
    for (int64_t i = 0; i < p.size; ++i) p.value[i] = rng.normal(0.0f, 0.5f);
  EXPECT_EQ(layer.params().size(), 1u);
  check_layer(layer, random_tensor({6, 1, 1}, 3, 2), Mode::train, "dense no bias");
}

struct ConvCase {
  int in_c, size, out_c, kernel, stride, padding;
  bool bias;
};

TEST(GradientCheck, Conv2dStrideAndPadding) {
  for (const ConvCase& c : {ConvCase{2, 6, 3, 3, 1, 0, true}, ConvCase{2, 7, 2, 3, 2, 1, true},
                            ConvCase{1, 5, 2, 3, 1, 2, false}, ConvCase{3, 6, 2, 2, 2, 0, true}}) {
    Conv2d layer({c.in_c, c.size, c.size}, c.out_c, c.kernel, c.stride, c.padding, c.bias);
    Rng rng(5);
    for (const Param& p : layer.params())
      for (int64_t i = 0; i < p.size; ++i) p.value[i] = rng.normal(0.0f, 0.4f);
    check_layer(layer, random_tensor({c.in_c, c.size, c.size}, 2, 6), Mode::train,
                "conv k" + std::to_string(c.kernel) + " s" + std::to_string(c.stride) + " p" + std::to_string(c.padding));
  }
}

TEST(GradientCheck, AvgPool) {
  Pool2d layer({2, 6, 6}, PoolType::avg, 2);
  check_layer(layer, random_tensor({2, 6, 6}, 2, 7), Mode::train, "avg pool");
}

TEST(GradientCheck, MaxPoolWithOddInput) {
  // Values on a grid 0.1 apart (shuffled), so ±h never changes which element is the max.
  Tensor x;
  x.resize({2, 5, 5}, 2);
  std::vector<int> order(x.data.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int>(i);
  Rng rng(8);
  rng.shuffle(order);
  for (size_t i = 0; i < order.size(); ++i) x.data.data()[i] = 0.1f * static_cast<float>(order[i]) - 5.0f;
  Pool2d layer({2, 5, 5}, PoolType::max, 2);
  EXPECT_EQ(layer.output_shape({}), (Shape{2, 2, 2}));
  check_layer(layer, x, Mode::train, "max pool");
}

TEST(GradientCheck, Flatten) {
  Flatten layer;
  check_layer(layer, random_tensor({2, 3, 3}, 2, 9), Mode::train, "flatten");
}

TEST(GradientCheck, EveryActivation) {
  for (auto kind : {ActivationKind::sigmoid, ActivationKind::tanh, ActivationKind::relu, ActivationKind::leaky_relu}) {
    Activation layer(kind);
    Tensor x = random_tensor({6, 1, 1}, 4, 10, 1.5f);
    keep_off_zero(x, 0.05f);
    check_layer(layer, x, Mode::train, layer.kind());
  }
}

TEST(GradientCheck, BatchNormEveryModeAndShape) {
  for (bool image : {false, true}) {
    for (bool affine : {true, false}) {
      for (Mode mode : {Mode::train, Mode::infer_running, Mode::infer_batch}) {
        const Shape shape = image ? Shape{3, 3, 3} : Shape{5, 1, 1};
        BatchNorm layer(shape, 0.1f, 1e-5f, affine);
        Rng rng(11);
        std::vector<float> gamma(shape.c), beta(shape.c);
        RunningStatistics running{Vector(shape.c), Vector(shape.c), 0};
        for (int c = 0; c < shape.c; ++c) {
          gamma[c] = rng.uniform(0.5f, 1.5f);
          beta[c] = rng.normal();
          running.mean(c) = rng.normal(0.0f, 0.3f);
          running.var(c) = rng.uniform(0.5f, 2.0f);
        }
        layer.set_affine(gamma, beta);
        layer.set_running(running);
        Tensor x = random_tensor(shape, 4, 12, 2.0f);
        x.data.array() += 1.0f;  // a non-zero mean, as real pre-activations have
        check_layer(layer, x, mode,
                    std::string(layer.kind()) + (affine ? " affine" : " plain") + " mode " +
                        std::to_string(static_cast<int>(mode)));
      }
    }
  }
}

// LayerNorm, GroupNorm (groups 1, a middle value, C) and InstanceNorm2d, on a dense block's units
// and on conv channels, affine on and off, in every mode: none has running statistics, so every
// mode is the same function (tests/test_sample_norm.cpp asserts the outputs are equal).
TEST(GradientCheck, SampleNormEveryKindShapeAndMode) {
  struct Case {
    NormKind kind;
    Shape shape;
    int groups;
  };
  const Case cases[] = {
      {NormKind::layer, {5, 1, 1}, 0},  {NormKind::layer, {3, 3, 3}, 0},  {NormKind::group, {6, 1, 1}, 1},
      {NormKind::group, {6, 1, 1}, 3},  {NormKind::group, {6, 1, 1}, 6},  {NormKind::group, {4, 2, 3}, 1},
      {NormKind::group, {4, 2, 3}, 2},  {NormKind::group, {4, 2, 3}, 4},  {NormKind::instance, {3, 3, 3}, 0},
  };
  for (const Case& c : cases) {
    for (bool affine : {true, false}) {
      for (Mode mode : {Mode::train, Mode::infer_running, Mode::infer_batch, Mode::infer_population,
                        Mode::collect_population}) {
        SampleNorm layer(c.kind, c.shape, c.groups, 1e-5f, affine);
        Rng rng(31);
        std::vector<float> gamma(layer.gamma().size()), beta(layer.beta().size());
        for (float& g : gamma) g = rng.uniform(0.5f, 1.5f);
        for (float& b : beta) b = rng.normal();
        layer.set_affine(gamma, beta);
        Tensor x = random_tensor(c.shape, 3, 32, 2.0f);
        x.data.array() += 1.0f;
        check_layer(layer, x, mode,
                    layer.kind() + " " + c.shape.str() + " groups " + std::to_string(layer.groups()) +
                        (affine ? " affine" : " plain") + " mode " + std::to_string(static_cast<int>(mode)));
      }
    }
  }
}

TEST(GradientCheck, DropoutWithAFixedMask) {
  // A fresh layer with the same seed draws the same mask, so f is a fixed function of x.
  const Tensor x0 = random_tensor({8, 1, 1}, 3, 13);
  const Tensor r = random_tensor({8, 1, 1}, 3, 14);
  auto f = [&](const Tensor& x) {
    Dropout d(0.4f, 77);
    return projected(d, x, r, Mode::train);
  };
  Dropout layer(0.4f, 77);
  layer.forward(x0, Mode::train);
  const Matrix dx = layer.backward(r).data;
  int zeros = 0;
  Tensor x = x0;
  for (Eigen::Index i = 0; i < x.data.size(); ++i) {
    const float saved = x.data.data()[i];
    x.data.data()[i] = saved + kStep;
    const double plus = f(x);
    x.data.data()[i] = saved - kStep;
    const double minus = f(x);
    x.data.data()[i] = saved;
    expect_close(dx.data()[i], (plus - minus) / (2 * kStep), "dropout " + std::to_string(i));
    zeros += dx.data()[i] == 0.0f;
  }
  EXPECT_GT(zeros, 0);  // some units were dropped
  EXPECT_LT(zeros, x.data.size());
  // Inference: the identity.
  Dropout inference(0.4f, 77);
  EXPECT_TRUE(inference.forward(x0, Mode::infer_running).data.isApprox(x0.data));
}

TEST(GradientCheck, Losses) {
  for (LossKind kind : {LossKind::cross_entropy, LossKind::mse}) {
    Tensor z = random_tensor({4, 1, 1}, 5, 15, 2.0f);
    const std::vector<int> labels = {0, 3, 1, 2, 3};
    Loss loss(kind);
    loss.forward(z, labels);
    const Matrix dz = loss.backward().data;
    for (Eigen::Index i = 0; i < z.data.size(); ++i) {
      const float saved = z.data.data()[i];
      z.data.data()[i] = saved + kStep;
      const double plus = Loss(kind).forward(z, labels);
      z.data.data()[i] = saved - kStep;
      const double minus = Loss(kind).forward(z, labels);
      z.data.data()[i] = saved;
      expect_close(dz.data()[i], (plus - minus) / (2 * kStep), "loss " + std::to_string(i));
    }
  }
}

// A whole model (conv + BN + pool, dense + BN after the activation, dropout off): the gradient
// of the loss with respect to every parameter.
// Backpropagates the cross-entropy of (x, labels) through `model` in training mode, then checks
// every parameter's gradient against the central difference of that loss at `step`.
void check_model_params(Model& model, const Tensor& x, const std::vector<int>& labels, float step, const std::string& label) {
  Loss loss(LossKind::cross_entropy);
  model.zero_grad();
  loss.forward(model.forward(x, Mode::train), labels);
  model.backward(loss.backward());
  auto f = [&] { return static_cast<double>(Loss(LossKind::cross_entropy).forward(model.forward(x, Mode::train), labels)); };
  for (const NamedParam& np : model.named_params()) {
    const Param& p = np.param;
    std::vector<float> grad(p.grad, p.grad + p.size);
    for (int64_t i = 0; i < p.size; ++i) {
      const float saved = p.value[i];
      p.value[i] = saved + step;
      const double plus = f();
      p.value[i] = saved - step;
      const double minus = f();
      p.value[i] = saved;
      expect_close(grad[i], (plus - minus) / (2 * step), label + " " + np.name + "[" + std::to_string(i) + "]");
    }
  }
}

TEST(GradientCheck, WholeModel) {
  for (const char* position : {"before_activation", "after_activation"}) {
    ModelConfig cfg;
    BlockConfig conv;
    conv.op = "conv";
    conv.channels = 2;
    conv.kernel = 3;
    conv.padding = 1;
    conv.norm = NormKind::batch;
    conv.activation = "tanh";
    conv.pool = {"max", 2};
    BlockConfig hidden;
    hidden.units = 5;
    hidden.norm = NormKind::batch;
    hidden.activation = "sigmoid";
    BlockConfig out;
    out.units = 3;
    cfg.blocks = {conv, hidden, out};
    cfg.bn.position = position;
    cfg.init.scheme = "xavier_normal";
    Model model(cfg, {1, 4, 4}, 3, 21);
    const Tensor x = random_tensor({1, 4, 4}, 4, 22);
    const std::vector<int> labels = {0, 2, 1, 2};
    check_model_params(model, x, labels, kStep, position);
  }
}

// A whole model mixing every norm (conv + GN + pool, conv + IN, dense + LN, dense + BN, dense +
// GN) on 8×8 inputs, each norm before and after its activation: the gradient of the loss for
// every parameter.
TEST(GradientCheck, WholeModelMixingNorms) {
  for (const char* position : {"before_activation", "after_activation"}) {
    ModelConfig cfg;
    auto conv = [](NormKind norm, int groups, const char* activation) {
      BlockConfig b;
      b.op = "conv";
      b.channels = 4;
      b.kernel = 3;
      b.padding = 1;
      b.norm = norm;
      b.groups = groups;
      b.activation = activation;
      return b;
    };
    auto dense = [](int units, NormKind norm, int groups, const char* activation) {
      BlockConfig b;
      b.units = units;
      b.norm = norm;
      b.groups = groups;
      b.activation = activation;
      return b;
    };
    BlockConfig first = conv(NormKind::group, 2, "tanh");
    first.pool = {"avg", 2};
    cfg.blocks = {first,
                  conv(NormKind::instance, 0, "sigmoid"),
                  dense(5, NormKind::layer, 0, "tanh"),
                  dense(6, NormKind::batch, 0, "sigmoid"),
                  dense(6, NormKind::group, 3, "tanh"),
                  dense(3, NormKind::none, 0, "none")};
    cfg.bn.position = position;
    cfg.init.scheme = "xavier_normal";
    Model model(cfg, {1, 8, 8}, 3, 23);
    ASSERT_EQ(model.norms().size(), 5u);
    const Tensor x = random_tensor({1, 8, 8}, 4, 24);
    const std::vector<int> labels = {0, 2, 1, 2};
    // IN and GN over 16 tanh values bend sharply: at the other tests' step of 1e-2 the central
    // difference is off by up to 60% for the second conv's weights; at 1e-3 it agrees.
    const float step = 1e-3f;
    check_model_params(model, x, labels, step, position);
  }
}

}  // namespace
}  // namespace bnlab
