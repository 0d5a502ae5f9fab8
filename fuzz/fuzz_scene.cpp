// What this file is: the scene harness. The input is a scene file, loaded as `bnlab scene check`
// and the window's Scenes menu load it, with the shipped examples/ as the experiments a scene
// may name.
#include <cstdint>

#include "fuzz_input.h"
#include "scene/scene.h"

using namespace bnlab;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = fuzz::write_input(data, size, "scene.json");
  fuzz::expect_only_bnlab_errors([&] {
    const Scene scene = load_scene(path, BNLAB_EXAMPLES_DIR);
    if (scene.steps.empty()) fuzz::fail("a scene with no steps loaded");
    for (const SceneStep& step : scene.steps)
      if (step.layout.empty() || step.layout.size() > 4 || step.config.model.blocks.empty())
        fuzz::fail("step " + step.id + " loaded with " + std::to_string(step.layout.size()) + " panels and " +
                   std::to_string(step.config.model.blocks.size()) + " blocks");
  });
  return 0;
}
