// What this file is: plots with notes under them (lab_notes.h).
#include "panels/lab_notes.h"

#include <cmath>
#include <cstdio>

#include "panels/plot_area.h"
#include "plot/theme.h"
#include "ui/text_wrap.h"

namespace bnlab {

void plot_with_notes(PanelContext& ctx, const std::string& id, const std::vector<std::string>& notes,
                     const std::function<void(plot::Canvas&, plot::Rect)>& axes, float w, float h) {
  plot_area(
      ctx, id,
      [&](plot::Canvas& canvas, plot::Rect rect) {
        const float ts = canvas.default_text_size(), line = ts * 1.2f, pad = ts * 0.3f;
        std::vector<std::string> lines;
        for (const std::string& note : notes)
          for (std::string& l : ui::wrap_text(note, rect.width() - 2 * pad,
                                              [&](std::string_view t) { return canvas.measure_text(t, 0).x; }))
            lines.push_back(std::move(l));
        plot::Rect axes_rect = rect;
        axes_rect.y1 -= lines.empty() ? 0.0f : line * static_cast<float>(lines.size()) + 2 * pad;
        axes(canvas, axes_rect);
        const plot::PlotTheme theme = plot::theme_by_name(ctx.theme.name);
        for (size_t i = 0; i < lines.size(); ++i)
          canvas.text({rect.x0 + pad, axes_rect.y1 + pad + line * static_cast<float>(i)}, lines[i], {0, theme.text});
      },
      w, h);
}

std::string short_number(double v) {
  char s[32];
  if (v != 0.0 && std::abs(v) < 1e-3) std::snprintf(s, sizeof s, "%.2e", v);
  else std::snprintf(s, sizeof s, "%.3g", v);
  return s;
}

}  // namespace bnlab
