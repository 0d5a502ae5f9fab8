// What this file is: hostile experiment configs (#10, defect 6). A number beyond a double, deep
// nesting and huge strings are config errors naming the field, never nlohmann's exceptions;
// ranges are checked on the 32-bit float a value becomes (Adam's β2 = 0.999999999 is 1 as a
// float, and gave NaN); and every value the parser accepts survives a save and a reload (the
// window reopens what it saved) and trains to a finite loss.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>

#include "test_paths.h"
#include "core/error.h"
#include "expect_error.h"
#include "core/io/config.h"
#include "core/train/run.h"
#include "test_helpers.h"

namespace bnlab {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

class ConfigLimits : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("bnlab_config_limits_" + std::to_string(::getpid()) + "_" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string write(const std::string& text) {
    const std::string p = (dir_ / "c.json").string();
    std::ofstream(p) << text;
    return p;
  }

  // A small net with every kind of layer a value can reach: BN, an activation and dropout.
  static json base() {
    return json::parse(R"({
      "seed": 5,
      "data": {"dataset": "spiral", "n": 200, "noise": 0.1},
      "model": {"blocks": [
        {"op": "dense", "units": 16, "norm": "batch", "activation": "sigmoid", "dropout": 0.2},
        {"op": "dense", "units": 16, "norm": "batch", "activation": "relu"},
        {"op": "dense", "units": 2}]},
      "train": {"batch_size": 20, "optimizer": "adam", "lr": 0.01}
    })");
  }

  fs::path dir_;
};

TEST_F(ConfigLimits, ANumberBeyondADoubleNamesTheFieldAndLine) {
  const std::string p = write("{\n  \"model\": {\"blocks\": [{\"op\": \"dense\", \"units\": 2}]},\n  \"train\": {\n    \"lr\": 2e308}\n}\n");
  expect_config_error([&] { load_config(p); }, {p, "train.lr", "2e308", "line 4"});
  const std::string q = write("{\"seed\": -1e999}");
  expect_config_error([&] { load_config(q); }, {q, "seed"});
}

// h-fuzz's finding: 2e308 inside broken JSON escaped load_config as nlohmann's out_of_range.
TEST_F(ConfigLimits, FuzzFindingNumberOverflow) {
  const std::string p = std::string(BNLAB_TEST_DATA_DIR) + "/fuzz/config-number-overflow.json";
  expect_config_error([&] { load_config(p); }, {p, "mactivation.data.dataset", "2e308"});
}

// fuzz_config's finding: a long string value cut to 57 bytes inside a 3-byte character (U+EEEE)
// made the message's dump() throw nlohmann's type_error 316 (invalid UTF-8) instead of saying it.
TEST_F(ConfigLimits, FuzzFindingALongValueIsCutBetweenCharacters) {
  const std::string p = std::string(BNLAB_TEST_DATA_DIR) + "/fuzz/config-cut-utf8.json";
  expect_config_error([&] { load_config(p); }, {p, "t"});
  json j = base();
  j["seed"] = std::string(56, 'a') + "\xc3\xa9\xc3\xa9\xc3\xa9";  // é is 2 bytes: the 57-byte cut falls inside the first
  expect_config_error([&] { load_config(write(j.dump())); }, {"seed", "aaaa..."});
}

TEST_F(ConfigLimits, NestingAndStringLengthAreBounded) {
  // 70,000 levels in a known field: the parse stops at the limit, naming the field.
  const std::string deep = "{\"seed\": " + std::string(70000, '[') + std::string(70000, ']') + "}";
  expect_config_error([&] { load_config(write(deep)); }, {"seed", "nested deeper"});
  json j = base();
  j["data"]["dir"] = std::string(9 << 20, 'a');
  expect_config_error([&] { load_config(write(j.dump())); }, {"data.dir", "longer than the limit"});
  // A syntax error still says where.
  expect_config_error([&] { load_config(write("{\"seed\": 1,\n \"model\": }")); }, {"not valid JSON", "line 2"});
}

// The value a run uses is a float: the range is checked on that float.
TEST_F(ConfigLimits, RangesAreCheckedOnTheFloatAValueBecomes) {
  struct Case {
    const char* pointer;
    double value;
  };
  for (const Case& c : {Case{"/train/beta2", 0.999999999}, Case{"/train/beta1", 0.99999999}, Case{"/model/bn/eps", 1e-50},
                        Case{"/train/alpha", 0.99999999}, Case{"/model/blocks/0/dropout", 0.999999999}}) {
    json j = base();
    j[json::json_pointer(c.pointer)] = c.value;
    std::string field = std::string(c.pointer).substr(1);
    for (char& ch : field) ch = ch == '/' ? '.' : ch;
    if (field.rfind("model.blocks.0", 0) == 0) field = "model.blocks[0]" + field.substr(14);
    expect_config_error([&] { parse_config(j); }, {field});
  }
}

// Every float field at both ends of its range, and a value that rounds as a float: accepted,
// saved and read back to the same value (as the window keeps its last experiment), and trained
// a few steps to a finite loss. A value one float beyond either end is refused.
TEST_F(ConfigLimits, EveryAcceptedValueRoundTripsAndTrains) {
  struct Field {
    const char* pointer;
    double lo, hi;
    const char* optimizer;
  };
  const std::vector<Field> fields = {
      {"/data/noise", 0.0, 10.0, "adam"},
      {"/model/blocks/0/dropout", 0.0, 0.99, "sgd"},
      {"/model/bn/momentum", 0.0, 1.0, "sgd"},
      {"/model/bn/eps", 1e-12, 1.0, "sgd"},
      {"/model/init/scale", 0.0, 1e6, "sgd"},
      {"/model/init/std", 0.0, 1e6, "sgd"},
      {"/train/lr", 0.0, 1e9, "sgd"},
      {"/train/momentum", 0.0, 1.0, "sgd"},
      {"/train/alpha", 0.0, 0.9999999, "rmsprop"},
      {"/train/beta1", 0.0, 0.999999, "adam"},
      {"/train/beta2", 0.0, 0.9999999, "adam"},
      {"/train/eps", 1e-30, 1.0, "adam"},
      {"/train/weight_decay", 0.0, 1e9, "sgd"},
  };
  for (const Field& f : fields) {
    for (double v : {f.lo, f.hi, 0.1 * f.lo + 0.9 * f.hi}) {
      SCOPED_TRACE(std::string(f.pointer) + " = " + std::to_string(v));
      json j = base();
      j["train"]["optimizer"] = f.optimizer;
      if (std::string(f.pointer) == "/model/init/std") j["model"]["init"]["scheme"] = "normal";
      j[json::json_pointer(f.pointer)] = v;
      Config c;
      ASSERT_NO_THROW(c = parse_config(j));
      const json saved = json::parse(to_json(c).dump());
      Config back;
      ASSERT_NO_THROW(back = parse_config(saved));
      EXPECT_EQ(to_json(back), to_json(c));
      bnlab::Run run(back, loaded_data(back));
      for (int s = 0; s < 3; ++s) {
        const float loss = run.step().loss;
        // A learning rate or weight decay of 10⁹ may diverge: that is what it does, not a fault
        // of the config (the run stops and says so). Everything else trains.
        if (!(std::string(f.pointer) == "/train/lr" || std::string(f.pointer) == "/train/weight_decay") || v < 1) {
          ASSERT_TRUE(std::isfinite(loss)) << "step " << s + 1;
        }
      }
    }
    for (double outside : {std::nextafter(static_cast<float>(f.lo), -1.0f), std::nextafter(static_cast<float>(f.hi), 1e30f)}) {
      json j = base();
      j[json::json_pointer(f.pointer)] = outside;
      EXPECT_THROW(parse_config(j), Error) << f.pointer << " = " << outside;
    }
  }
}

// The parser's rules hold for configs made in code too (the window's sidebar): a run refuses
// what a file could not say.
TEST_F(ConfigLimits, ARunRefusesWhatAConfigFileCouldNotSay) {
  Config c = parse_config(base());
  c.train.beta2 = 1.0f;
  expect_config_error([&] { bnlab::Run(c, loaded_data(c)); }, {"train.beta2"});
  c = parse_config(base());
  bnlab::Run run(c, loaded_data(c));
  TrainConfig t = c.train;
  t.beta2 = 1.0f;
  expect_config_error([&] { run.set_train_config(t); }, {"train.beta2"});
  EXPECT_FLOAT_EQ(run.config().train.beta2, c.train.beta2);
}

}  // namespace
}  // namespace bnlab
