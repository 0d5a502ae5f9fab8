// What this file is: capturing a model's state and rebuilding a model from it (model_state.h).
#include "core/model/model_state.h"

#include <algorithm>

#include "core/model/model.h"

namespace bnlab {

ModelState capture_model_state(Model& model, int64_t step) {
  ModelState s;
  s.step = step;
  s.config = model.config();
  s.input_shape = model.input_shape();
  s.classes = model.classes();
  for (const NamedParam& p : model.named_params())
    s.params.emplace_back(p.param.value, p.param.value + p.param.size);
  for (const Norm* norm : model.norms()) s.running.push_back(norm->running());
  return s;
}

std::unique_ptr<Model> rebuild_model(const ModelState& state) {
  // The seed only draws initial weights, which the copy below overwrites.
  auto model = std::make_unique<Model>(state.config, state.input_shape, state.classes, 0);
  std::vector<NamedParam> params = model->named_params();
  for (size_t i = 0; i < params.size() && i < state.params.size(); ++i)
    std::copy_n(state.params[i].data(), std::min<int64_t>(params[i].param.size, state.params[i].size()),
                params[i].param.value);
  std::vector<Norm*> norms = model->norms();
  for (size_t i = 0; i < norms.size() && i < state.running.size(); ++i)
    if (state.running[i]) norms[i]->set_running(*state.running[i]);
  return model;
}

}  // namespace bnlab
