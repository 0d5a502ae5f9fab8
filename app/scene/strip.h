// What this file is: the narration strip's layout, shared by the window (frame.cpp, measuring
// with ImGui's fonts) and the headless renderer (render.cpp, measuring with cairo): the narration
// broken to the strip's width, and beside it a right column with "step k of N" and the scene's
// title, broken to the column's width.
#pragma once

#include <string>
#include <vector>

#include "scene/scene.h"
#include "ui/text_wrap.h"

namespace bnlab {

struct StripLayout {
  std::string counter;             // "step k of N"
  std::vector<std::string> lines;  // the narration
  std::vector<std::string> title;  // the scene's title, in the right column
  float right_w = 0.0f;            // the right column's width
  float wrap_w = 0.0f;             // the narration's width
};

// `width`: the strip's; `pad`: its inner margin; `measure_ui` measures text at the UI's size,
// `measure_narration` at the narration's.
StripLayout strip_layout(const Scene& scene, int step, const std::string& lang, float width, float pad,
                         const ui::MeasureText& measure_ui, const ui::MeasureText& measure_narration);

}  // namespace bnlab
