// What this file is: JSON → Config with strict checking. Each section is read through a Fields
// reader that knows its path ("model.blocks[2]"), so every message names the exact field, and
// any key left unread at the end of a section is reported as unknown.
#include "core/io/config.h"

#include <algorithm>

#include "core/error.h"
#include "core/io/json_fields.h"
#include "core/io/json_text.h"

namespace bnlab {
namespace {

using nlohmann::json;

constexpr double kBig = 1e9;
constexpr size_t kMaxBlocks = 1000;
// An exponential average's factor (β1, β2, RMSProp's α) below 1 as a float: at 1 the average
// never moves and Adam's bias correction divides by 1 − β^t = 0.
constexpr double kBelowOne = 0.9999999;  // 0.99999988 as a float
const std::vector<std::string> kDatasets = {"fashion-mnist", "mnist", "csv", "spiral", "circles", "xor", "gaussians", "moons"};
const std::vector<std::string> kActivations = {"sigmoid", "tanh", "relu", "leaky_relu", "none"};

void parse_data(Fields f, DataConfig& d) {
  f.choice("dataset", d.dataset, kDatasets);
  f.string("dir", d.dir);
  f.string("path", d.path);
  f.string("test_path", d.test_path);
  f.integer("train_limit", d.train_limit, 0, 100000000);
  f.integer("test_limit", d.test_limit, 0, 100000000);
  f.choice("normalize", d.normalize, {"scale", "standardize", "none"});
  f.boolean("shuffle", d.shuffle);
  f.integer("n", d.n, 4, 10000000);
  f.number("noise", d.noise, 0.0, 10.0);
  f.finish();
  if (d.dataset == "csv" && d.path.empty()) f.fail("path", "required for dataset csv");
}

void parse_block(Fields f, BlockConfig& b) {
  f.choice("op", b.op, {"dense", "conv"});
  if (b.op == "dense") {
    if (!f.get("units")) f.fail("units", "required for a dense block");
    f.integer("units", b.units, 1, 1 << 20);
  } else {
    if (!f.get("channels")) f.fail("channels", "required for a conv block");
    f.integer("channels", b.channels, 1, 4096);
    f.integer("kernel", b.kernel, 1, 64);
    f.integer("stride", b.stride, 1, 64);
    f.integer("padding", b.padding, 0, 64);
  }
  std::string norm = norm_name(b.norm);
  f.choice("norm", norm, {"batch", "layer", "group", "instance", "none"});
  b.norm = *parse_norm_kind(norm);
  f.integer("groups", b.groups, 1, 4096);
  f.choice("activation", b.activation, kActivations);
  if (f.get("bias")) {
    bool bias = false;
    f.boolean("bias", bias);
    b.bias = bias;
  }
  if (const json* p = f.get("pool")) {
    Fields pf(*p, f.name("pool"), f.source());
    pf.choice("type", b.pool.type, {"avg", "max", "none"});
    pf.integer("size", b.pool.size, 1, 64);
    pf.finish();
  }
  f.number("dropout", b.dropout, 0.0, 0.99);
  f.finish();
  if (b.op == "dense" && b.pool.type != "none") f.fail("pool", "pooling needs a conv block");
  // groups is read for every norm and kept (a block switched back to group uses it), but only a
  // group norm needs it to divide the units or channels.
  const std::string what = b.op == "dense" ? "units" : "channels";
  const int count = b.op == "dense" ? b.units : b.channels;
  if (b.norm == NormKind::instance && b.op != "conv") {
    FieldProblem p;
    p.reason = FieldProblem::Reason::conv_only;
    p.got = "instance";
    f.fail("norm", p, "instance norm is for conv blocks only: it normalizes each channel over its H×W map, "
                      "and a dense block has no map");
  }
  if (b.norm == NormKind::group && (b.groups == 0 || count % b.groups != 0)) {
    FieldProblem p;
    p.reason = b.groups == 0 ? FieldProblem::Reason::groups_missing : FieldProblem::Reason::not_divisor;
    p.got = std::to_string(b.groups);
    p.expected = std::to_string(count);
    p.detail = what;
    if (b.groups == 0)
      f.fail("groups", p, "required for norm group: a number of groups that divides the block's " + p.expected + " " + what);
    f.fail("groups", p, p.got + " does not divide the block's " + p.expected + " " + what);
  }
}

void parse_model(Fields f, ModelConfig& m) {
  const json* blocks = f.get("blocks");
  if (!blocks || !blocks->is_array() || blocks->empty()) f.fail("blocks", "must be a non-empty list of blocks");
  if (blocks->size() > kMaxBlocks)
    f.fail("blocks", std::to_string(blocks->size()) + " blocks is more than the limit of " + std::to_string(kMaxBlocks));
  m.blocks.clear();
  for (size_t i = 0; i < blocks->size(); ++i) {
    BlockConfig b;
    parse_block(Fields((*blocks)[i], f.name("blocks") + "[" + std::to_string(i) + "]", f.source()), b);
    m.blocks.push_back(b);
  }
  if (const json* bn = f.get("bn")) {
    Fields bf(*bn, f.name("bn"), f.source());
    bf.number("momentum", m.bn.momentum, 0.0, 1.0);
    bf.number("eps", m.bn.eps, 1e-12, 1.0);
    bf.boolean("affine", m.bn.affine);
    bf.choice("position", m.bn.position, {"before_activation", "after_activation"});
    bf.finish();
  }
  if (const json* init = f.get("init")) {
    Fields inf(*init, f.name("init"), f.source());
    inf.choice("scheme", m.init.scheme, {"xavier_uniform", "xavier_normal", "he_normal", "normal", "torch_default"});
    inf.number("scale", m.init.scale, 0.0, 1e6);
    inf.number("std", m.init.std, 0.0, 1e6);
    inf.finish();
  }
  f.finish();
}

void parse_train(Fields f, TrainConfig& t) {
  f.integer("batch_size", t.batch_size, 1, 1 << 20);
  f.choice("optimizer", t.optimizer, {"sgd", "rmsprop", "adam"});
  f.number("lr", t.lr, 0.0, kBig);
  f.number("momentum", t.momentum, 0.0, 1.0);
  f.number("alpha", t.alpha, 0.0, kBelowOne);
  f.number("beta1", t.beta1, 0.0, 0.999999);
  f.number("beta2", t.beta2, 0.0, kBelowOne);
  f.number("eps", t.eps, 1e-30, 1.0);  // 0 divides 0 by 0 wherever a gradient is exactly 0
  f.number("weight_decay", t.weight_decay, 0.0, kBig);
  f.choice("loss", t.loss, {"cross_entropy", "mse"});
  f.integer("log_every", t.log_every, 1, 1 << 30);
  f.integer("eval_every", t.eval_every, 0, 1 << 30);
  f.finish();
}

}  // namespace

Config parse_config(const json& j, const std::string& source) {
  Config c;
  Fields top(j, "", source);
  if (const json* seed = top.get("seed")) {
    if (!seed->is_number_unsigned() && !(seed->is_number_integer() && seed->get<long long>() >= 0))
      top.fail("seed", "must be a non-negative integer, got " + describe(*seed));
    c.seed = seed->get<uint64_t>();
  }
  if (const json* d = top.get("data")) parse_data(Fields(*d, "data", source), c.data);
  const json* m = top.get("model");
  if (!m) top.fail("model", "required");
  parse_model(Fields(*m, "model", source), c.model);
  if (const json* t = top.get("train")) parse_train(Fields(*t, "train", source), c.train);
  top.finish();
  return c;
}

bool op_keeps_bias(const BlockConfig& b, const BnConfig& bn) {
  if (b.bias) return *b.bias;
  const bool mean_removed = b.norm == NormKind::batch || b.norm == NormKind::instance;
  return !(mean_removed && bn.position == "before_activation");
}

int default_groups(int channels) {
  for (int g = std::min(32, channels / 2); g > 1; --g)
    if (channels % g == 0) return g;
  return 1;
}

Config load_config(const std::string& path) { return parse_config(read_json_file(path), path); }

void check_config(const Config& c) { parse_config(to_json(c)); }

json to_json(const Config& c) {
  json blocks = json::array();
  for (const BlockConfig& b : c.model.blocks) {
    json jb = {{"op", b.op}, {"norm", norm_name(b.norm)}, {"activation", b.activation}};
    if (b.groups > 0) jb["groups"] = b.groups;
    if (b.bias) jb["bias"] = *b.bias;
    if (b.op == "dense") {
      jb["units"] = b.units;
    } else {
      jb["channels"] = b.channels;
      jb["kernel"] = b.kernel;
      jb["stride"] = b.stride;
      jb["padding"] = b.padding;
      jb["pool"] = {{"type", b.pool.type}, {"size", b.pool.size}};
    }
    if (b.dropout > 0.0f) jb["dropout"] = b.dropout;
    blocks.push_back(jb);
  }
  const DataConfig& d = c.data;
  const TrainConfig& t = c.train;
  return {
      {"seed", c.seed},
      {"data", {{"dataset", d.dataset}, {"dir", d.dir}, {"path", d.path}, {"test_path", d.test_path},
                {"train_limit", d.train_limit}, {"test_limit", d.test_limit}, {"normalize", d.normalize},
                {"shuffle", d.shuffle}, {"n", d.n}, {"noise", d.noise}}},
      {"model", {{"blocks", blocks},
                 {"bn", {{"momentum", c.model.bn.momentum}, {"eps", c.model.bn.eps}, {"affine", c.model.bn.affine},
                         {"position", c.model.bn.position}}},
                 {"init", {{"scheme", c.model.init.scheme}, {"scale", c.model.init.scale}, {"std", c.model.init.std}}}}},
      {"train", {{"batch_size", t.batch_size}, {"optimizer", t.optimizer}, {"lr", t.lr}, {"momentum", t.momentum},
                 {"alpha", t.alpha}, {"beta1", t.beta1}, {"beta2", t.beta2}, {"eps", t.eps},
                 {"weight_decay", t.weight_decay}, {"loss", t.loss}, {"log_every", t.log_every},
                 {"eval_every", t.eval_every}}}};
}

}  // namespace bnlab
