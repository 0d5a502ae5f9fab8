// What this file is: the config's rules for the norms (#11): `norm` takes batch, layer, group,
// instance and none; a group norm needs `groups` dividing its block's units or channels; instance
// is for conv blocks; each refusal names the block's field, in English and in Chinese; `groups`
// survives a save and reload; a model made in code meets the same rules instead of crashing; and
// the memory footprint counts each norm's γ and β as the model has them.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "test_paths.h"
#include "core/io/config.h"
#include "core/io/json_fields.h"
#include "core/model/footprint.h"
#include "core/model/model.h"
#include "expect_error.h"
#include "ui/problems.h"
#include "ui/text.h"

namespace bnlab {
namespace {

using nlohmann::json;

// A conv block and two dense blocks; the test sets the norms of blocks[1] (dense, 6 units) and
// blocks[0] (conv, 4 channels).
json base() {
  return json::parse(R"({
    "model": {"blocks": [
      {"op": "conv", "channels": 4, "kernel": 3, "activation": "relu"},
      {"op": "dense", "units": 6, "activation": "tanh"},
      {"op": "dense", "units": 2}]}
  })");
}

json with(int block, const json& fields) {
  json j = base();
  for (const auto& [k, v] : fields.items()) j["model"]["blocks"][block][k] = v;
  return j;
}

// The refusal of `j`, said in `lang` as the window says it.
std::string said(const json& j, const char* lang) {
  try {
    parse_config(j);
  } catch (const std::exception& e) {
    ui::text.load(BNLAB_ASSETS_DIR);
    ui::text.set_language(lang);
    const std::string s = ui::say(ui::config_problem("c.json", e));
    ui::text.set_language("en");
    return s;
  }
  return "(accepted)";
}

TEST(NormConfig, EveryKindIsAcceptedWhereItApplies) {
  for (const char* norm : {"batch", "layer", "group", "instance", "none"}) {
    const json j = with(0, {{"norm", norm}, {"groups", 2}});
    EXPECT_EQ(norm_name(parse_config(j).model.blocks[0].norm), std::string(norm));
  }
  for (const char* norm : {"batch", "layer", "group", "none"}) {
    const json j = with(1, {{"norm", norm}, {"groups", 3}});
    EXPECT_EQ(norm_name(parse_config(j).model.blocks[1].norm), std::string(norm));
  }
  expect_config_error([] { parse_config(with(1, {{"norm", "batchnorm"}})); },
                      {"model.blocks[1].norm", "batchnorm", "batch, layer, group, instance, none"});
}

TEST(NormConfig, GroupsMustDivideTheBlocksUnitsOrChannels) {
  expect_config_error([] { parse_config(with(1, {{"norm", "group"}})); },
                      {"model.blocks[1].groups", "required for norm group", "6 units"});
  expect_config_error([] { parse_config(with(1, {{"norm", "group"}, {"groups", 4}})); },
                      {"model.blocks[1].groups", "4 does not divide", "6 units"});
  expect_config_error([] { parse_config(with(0, {{"norm", "group"}, {"groups", 3}})); },
                      {"model.blocks[0].groups", "3 does not divide", "4 channels"});
  expect_config_error([] { parse_config(with(0, {{"norm", "group"}, {"groups", 8}})); },
                      {"model.blocks[0].groups", "8 does not divide", "4 channels"});
  expect_config_error([] { parse_config(with(1, {{"norm", "group"}, {"groups", 0}})); },
                      {"model.blocks[1].groups", "between 1 and 4096"});
  for (int g : {1, 2, 3, 6}) EXPECT_EQ(parse_config(with(1, {{"norm", "group"}, {"groups", g}})).model.blocks[1].groups, g);
}

TEST(NormConfig, InstanceIsRefusedOnADenseBlock) {
  expect_config_error([] { parse_config(with(1, {{"norm", "instance"}})); },
                      {"model.blocks[1].norm", "instance norm is for conv blocks only"});
}

// Kept, as the lead chose: a block that was group and is switched to another norm keeps its
// groups, so switching back finds them; and a config with them unused still loads. They are not
// checked against the units there, so changing a BN block's units in the editor never fails on
// a field that block does not use; a group norm checks them when it is chosen.
TEST(NormConfig, GroupsOnAnotherNormAreKeptAndRoundTrip) {
  const Config c = parse_config(with(1, {{"norm", "batch"}, {"groups", 4}}));
  EXPECT_EQ(c.model.blocks[1].groups, 4);
  EXPECT_EQ(parse_config(to_json(c)).model.blocks[1].groups, 4);
  EXPECT_FALSE(to_json(c)["model"]["blocks"][0].contains("groups")) << "unset groups are not written";
  const Config g = parse_config(with(0, {{"norm", "group"}, {"groups", 2}}));
  EXPECT_EQ(parse_config(to_json(g)).model.blocks[0].groups, 2);
  EXPECT_EQ(to_json(parse_config(to_json(g))), to_json(g));
  // The same block switched to group with its kept groups: checked then.
  Config switched = c;
  switched.model.blocks[1].norm = NormKind::group;
  expect_config_error([&] { check_config(switched); }, {"model.blocks[1].groups", "4 does not divide", "6 units"});
}

TEST(NormConfig, RefusalsAreSaidInBothLanguages) {
  const struct {
    json config;
    std::string en, zh;
  } cases[] = {
      {with(1, {{"norm", "group"}}),
       "model.blocks[1].groups is missing: norm group needs a number of groups that divides the block's 6 units",
       "缺少字段 model.blocks[1].groups：组归一化需要一个能整除该块 6 个神经元的组数"},
      {with(0, {{"norm", "group"}, {"groups", 3}}),
       "model.blocks[0].groups: 3 groups do not divide the block's 4 channels",
       "model.blocks[0].groups：组数 3 不能整除该块的 4 个通道"},
      {with(1, {{"norm", "instance"}}), "model.blocks[1].norm: \"instance\" is for conv blocks only",
       "model.blocks[1].norm：“instance”只能用于卷积块"},
  };
  for (const auto& c : cases) {
    EXPECT_NE(said(c.config, "en").find(c.en), std::string::npos) << said(c.config, "en");
    EXPECT_NE(said(c.config, "zh").find(c.zh), std::string::npos) << said(c.config, "zh");
  }
}

// The window and live switches build models from configs made in code: a group norm whose groups
// are unset or do not divide is a config error naming the block, not a division by zero.
TEST(NormConfig, AModelMadeInCodeMeetsTheSameRules) {
  Config c = parse_config(base());
  c.model.blocks[1].norm = NormKind::group;
  for (int groups : {0, 4}) {
    c.model.blocks[1].groups = groups;
    expect_config_error([&] { Model(c.model, {1, 8, 8}, 2, 1); }, {"model.blocks[1].groups", "does not divide", "6 units"});
  }
  c.model.blocks[1].norm = NormKind::instance;
  expect_config_error([&] { Model(c.model, {1, 8, 8}, 2, 1); }, {"model.blocks[1].norm", "conv blocks only"});
}

// The footprint counts γ and β as the model has them: LN after a conv has C·H·W of each, GN and
// IN C. The optimizer's state under SGD is one float per parameter, so it gives the count.
TEST(NormConfig, TheFootprintCountsEachNormsGammaAndBeta) {
  TrainConfig sgd;
  sgd.optimizer = "sgd";
  for (const char* norm : {"layer", "group", "instance", "batch", "none"}) {
    for (const char* position : {"before_activation", "after_activation"}) {
      for (bool affine : {true, false}) {
        json j = with(0, {{"norm", norm}, {"groups", 2}});
        j["model"]["blocks"][1]["norm"] = std::string(norm) == "instance" ? "layer" : norm;
        j["model"]["blocks"][1]["groups"] = 3;
        j["model"]["bn"] = {{"position", position}, {"affine", affine}};
        const Config c = parse_config(j);
        Model model(c.model, {1, 8, 8}, 2, 1);
        const Footprint f = model_footprint(c.model, {1, 8, 8}, 2, &sgd);
        EXPECT_EQ(f.optimizer / 4, model.parameter_count()) << norm << " " << position << (affine ? " affine" : "");
      }
    }
  }
  // LN on the conv's 4×6×6 output: 2·144 values of γ and β, against GN's 2·4.
  json ln = with(0, {{"norm", "layer"}}), gn = with(0, {{"norm", "group"}, {"groups", 2}});
  EXPECT_EQ(model_footprint(parse_config(ln).model, {1, 8, 8}, 2, &sgd).optimizer -
                model_footprint(parse_config(gn).model, {1, 8, 8}, 2, &sgd).optimizer,
            4 * 2 * (144 - 4));
}

}  // namespace
}  // namespace bnlab
