// What this file is: `bnlab scene render`: a scene played without a window and without OpenGL.
// The lab runs as in the window (the same actions, panels and player), with an ImGui context
// that only lays things out; each step's page is drawn through the cairo canvas: the step's
// panels where the window puts them, their titles, and the narration strip. One file per step,
// DIR/NN-<step-id>.<format>; the same command gives byte-identical files (the runs stop at exact
// steps, and nothing drawn depends on the clock).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "panels/panel.h"
#include "scene/scene.h"

namespace bnlab {

struct RenderOptions {
  std::string out_dir;
  // en, zh. With more than one, each step is trained once and drawn in each language, into
  // out_dir/<lang>/ (the tests render every scene in both languages this way).
  std::vector<std::string> langs = {"en"};
  std::string theme = "projector";   // dark, light, projector, print
  std::string format = "png";        // png, svg, pdf, csv (the data behind every plot of the step)
  int width = 1280, height = 720;    // pixels (points for SVG and PDF)
  // > 0: no step trains past this step (a quick look at a long scene, as the tests take one);
  // 0: every step trains as far as it says.
  int64_t step_limit = 0;
};

// One step's file as written: its path, and every plot on its page (id, where, the data).
struct RenderedStep {
  std::string path, lang;
  std::vector<DrawnPlot> plots;
};

// Writes every step's file; `progress` (if given) hears each path.
// Throws Error: usage for bad options, data when a file cannot be written or the data is missing.
std::vector<RenderedStep> render_scene(const Scene& scene, const RenderOptions& options,
                                       const std::function<void(const std::string&)>& progress = nullptr);

}  // namespace bnlab
