// What this file is: the commands a Trainer takes (trainer.h), one type each, so that a command
// carries exactly the values it needs and the trainer applies it with std::visit: a new command
// that the trainer does not handle is a compile error, not a silently ignored slot.
#pragma once

#include <cstdint>
#include <variant>

#include "core/io/config.h"
#include "core/layers/norm_kind.h"

namespace bnlab {

// Where every norm sits in a block: the paper's h = φ(BN(Wx)), or after the activation.
enum class NormPosition { before_activation, after_activation };

inline const char* norm_position_name(NormPosition p) {
  return p == NormPosition::after_activation ? "after_activation" : "before_activation";
}

namespace cmd {

struct Pause {};
struct Resume {};
struct Step {};                     // one step, then paused
struct RunTo { int64_t step = 0; }; // train until this step, then pause (a scene's "to_step")
struct Reset {};                    // back to step 0 with the same seed
struct SetTrain { TrainConfig train; };  // replaces the config's train section
// Block `block` (-1: every block but the output) gets norm `kind`, live, its op's weights kept.
// group takes the block's `groups` if they divide its channels (units), else default_groups;
// instance on a dense block is refused (the snapshot's error says why).
struct SetNorm { int block = -1; NormKind kind = NormKind::batch; };
struct SetNormPosition { NormPosition position = NormPosition::before_activation; };
struct SetBnMomentum { double momentum = 0.1; };  // in [0, 1]; BN alone has running statistics
struct SetSpeed { double steps_per_second = 0.0; };  // 0: as fast as possible
// For the labs of issue #12 (beyond-ics: ICS, smoothness and the loss slice, live for runs A
// and B); nothing in the window sends them yet.
struct SetIcsEvery { int steps = 0; };         // steps between ICS measurements (Santurkar); 0: none
struct SetSmoothnessEvery { int steps = 0; };  // steps between smoothness measurements; 0: none
struct SetUnitPercentiles { bool on = false; };  // probe frames carry each unit's percentiles
struct LossSlice { int size = 31; };           // a 2-D slice of the loss now, size × size (3..201)

}  // namespace cmd

using Command = std::variant<cmd::Pause, cmd::Resume, cmd::Step, cmd::RunTo, cmd::Reset, cmd::SetTrain, cmd::SetNorm,
                             cmd::SetNormPosition, cmd::SetBnMomentum, cmd::SetSpeed, cmd::SetIcsEvery,
                             cmd::SetSmoothnessEvery, cmd::SetUnitPercentiles, cmd::LossSlice>;

// How many kinds there are (the random stress test sends every one).
inline constexpr int kCommandKinds = static_cast<int>(std::variant_size_v<Command>);

// What switching a block to `kind` live makes of its config, the same for the trainer, the
// window's session and scenes: group keeps the block's `groups` if they divide its channels
// (units), else takes default_groups. Instance norm on a dense block is no switch at all: false,
// and the block is left as it was.
bool switch_block_norm(BlockConfig& block, NormKind kind);

}  // namespace bnlab
