// What this file is: line breaking for the narration, in English and Chinese. ImGui wraps only
// at spaces, so a Chinese sentence (no spaces) broke at the one Latin word in it and left a
// ragged, half-empty line. Here a line may break at a space, or between two Chinese characters,
// except before closing punctuation (，。、；：！？）) or after opening punctuation (（「).
// The measure is the caller's (ImGui's font, or cairo's), so the window and the headless
// renderer break the same text the same way.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace bnlab::ui {

using MeasureText = std::function<float(std::string_view)>;

// The lines of `text` no wider than `width` (a single word wider than that gets a line of its
// own); explicit newlines are kept. Spaces at a break are dropped.
std::vector<std::string> wrap_text(std::string_view text, float width, const MeasureText& measure);

}  // namespace bnlab::ui
