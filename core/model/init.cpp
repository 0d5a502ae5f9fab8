// What this file is: the initialization schemes.
#include "core/model/init.h"

#include <cmath>

#include "core/error.h"

namespace bnlab {

void init_weights(const InitConfig& cfg, int fan_in, int fan_out, float* weight, int64_t weight_size,
                  float* bias, int64_t bias_size, Rng& rng) {
  const std::string& s = cfg.scheme;
  const float fi = static_cast<float>(fan_in), fo = static_cast<float>(fan_out);
  for (int64_t i = 0; i < weight_size; ++i) {
    float w = 0.0f;
    if (s == "xavier_uniform") {
      const float bound = std::sqrt(6.0f / (fi + fo));
      w = rng.uniform(-bound, bound);
    } else if (s == "xavier_normal") {
      w = rng.normal(0.0f, std::sqrt(2.0f / (fi + fo)));
    } else if (s == "he_normal") {
      w = rng.normal(0.0f, std::sqrt(2.0f / fi));
    } else if (s == "normal") {
      w = rng.normal(0.0f, cfg.std);
    } else if (s == "torch_default") {
      const float bound = 1.0f / std::sqrt(fi);
      w = rng.uniform(-bound, bound);
    } else {
      throw config_error("config: model.init.scheme: unknown scheme '" + s + "'");
    }
    weight[i] = w * cfg.scale;
  }
  const float bias_bound = s == "torch_default" ? 1.0f / std::sqrt(fi) : 0.0f;
  for (int64_t i = 0; i < bias_size; ++i) bias[i] = bias_bound > 0.0f ? rng.uniform(-bias_bound, bias_bound) : 0.0f;
}

}  // namespace bnlab
