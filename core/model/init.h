// What this file is: weight initialization schemes (torch.nn.init), then × init.scale.
//   xavier_uniform  U(±√(6/(fan_in+fan_out)))     xavier_normal  N(0, 2/(fan_in+fan_out))
//   he_normal       N(0, 2/fan_in)  (kaiming_normal_, fan_in mode, ReLU gain)
//   normal          N(0, std²)
//   torch_default   Linear/Conv2d's reset_parameters(): kaiming_uniform_(a=√5) = U(±1/√fan_in)
//                   for the weight, and U(±1/√fan_in) for the bias
// Biases are zero except under torch_default. fan = channels · k · k for convolutions.
#pragma once

#include "core/io/config.h"
#include "core/rng.h"

namespace bnlab {

void init_weights(const InitConfig& cfg, int fan_in, int fan_out, float* weight, int64_t weight_size,
                  float* bias, int64_t bias_size, Rng& rng);

}  // namespace bnlab
