// What this file is: a conv block's feature maps for one test image (feature_maps.h).
#include "core/lesson/feature_maps.h"

#include <algorithm>
#include <cmath>

#include "core/model/model.h"

namespace bnlab {

const std::vector<float>& FeatureMaps::stage(MapStage s) const {
  static const std::vector<float> none;
  for (size_t i = 0; i < stages.size(); ++i)
    if (stages[i] == s) return maps[i];
  return none;
}

FeatureMaps feature_maps(const ModelState& state, const Dataset& test, int block, int example) {
  FeatureMaps f;
  f.step = state.step;
  f.block = block;
  const auto& blocks = state.config.blocks;
  for (int i = 0; i < static_cast<int>(blocks.size()); ++i)
    if (blocks[i].op == "conv") f.conv_blocks.push_back(i);
  if (block < 0 || block >= static_cast<int>(blocks.size())) {
    f.problem = FeatureMapsProblem::no_block;
    return f;
  }
  const BlockConfig& bc = blocks[block];
  if (bc.op != "conv") {
    f.problem = FeatureMapsProblem::not_conv;
    return f;
  }
  if (test.size() == 0) {
    f.problem = FeatureMapsProblem::no_example;
    return f;
  }
  f.example = std::clamp(example, 0, test.size() - 1);
  f.label = test.y[f.example];
  f.input_shape = test.sample_shape;
  f.input.assign(test.x.col(f.example).data(), test.x.col(f.example).data() + test.x.rows());
  f.norm = bc.norm;
  f.has_activation = bc.activation != "none";
  f.after_activation = state.config.bn.position == "after_activation" && f.has_activation;

  std::unique_ptr<Model> model = rebuild_model(state);
  Tensor x;  // (input features, 1)
  x.resize(test.sample_shape, 1);
  x.data.col(0) = test.x.col(f.example);
  model->forward(x, Mode::infer_running);  // as at test time: BN with its running statistics

  const BlockTaps taps = model->taps(block);
  const Shape shape = taps.z->shape;
  f.channels = shape.c;
  f.h = shape.h;
  f.w = shape.w;
  auto column = [](const Tensor* t) { return std::vector<float>(t->data.data(), t->data.data() + t->data.rows()); };
  f.stages.push_back(MapStage::z);
  f.maps.push_back(column(taps.z));
  const bool norm = f.norm != NormKind::none;
  if (f.after_activation) {
    f.stages.push_back(MapStage::activated);
    f.maps.push_back(column(taps.activated));
    if (norm) f.stages.push_back(MapStage::normalized), f.maps.push_back(column(taps.normalized));
  } else {
    if (norm) f.stages.push_back(MapStage::normalized), f.maps.push_back(column(taps.normalized));
    if (f.has_activation) f.stages.push_back(MapStage::activated), f.maps.push_back(column(taps.activated));
  }
  if (Norm* n = model->norm(model->blocks()[block]); n && static_cast<int>(n->gamma().size()) == f.channels) {
    f.gamma.assign(n->gamma().begin(), n->gamma().end());
    f.beta.assign(n->beta().begin(), n->beta().end());
  }
  for (const auto& m : f.maps)
    for (float v : m)
      if (!std::isfinite(v)) f.problem = FeatureMapsProblem::not_finite;
  return f;
}

}  // namespace bnlab
