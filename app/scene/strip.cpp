// What this file is: the narration strip's layout (strip.h).
#include "scene/strip.h"

#include <algorithm>
#include <cstdio>

#include "ui/text.h"

namespace bnlab {

StripLayout strip_layout(const Scene& scene, int step, const std::string& lang, float width, float pad,
                         const ui::MeasureText& measure_ui, const ui::MeasureText& measure_narration) {
  StripLayout l;
  char counter[96];
  std::snprintf(counter, sizeof counter, ui::tr("scene.step_of"), step + 1, static_cast<int>(scene.steps.size()));
  l.counter = counter;
  const std::string& title = scene.title.in(lang);
  // At most a quarter of the width; a longer title wraps.
  l.right_w = std::min(width * 0.25f, std::max(measure_ui(l.counter), measure_ui(title)) + pad * 2);
  l.wrap_w = width - l.right_w - pad * 2;
  l.title = ui::wrap_text(title, l.right_w - pad, measure_ui);
  l.lines = ui::wrap_text(scene.steps[static_cast<size_t>(step)].narration.in(lang), l.wrap_w, measure_narration);
  return l;
}

}  // namespace bnlab
