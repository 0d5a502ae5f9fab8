// What this file is: export_drawing: an export request turned into export_plot's canvas size and
// scale, with the requested theme in force while the plot is drawn.
#include "plot/plot_export.h"

#include <algorithm>

namespace bnlab::plot {

ExportLayout export_layout(const ExportRequest& request) {
  ExportLayout out{request.width, request.height, 1.0f};
  if (request.format != Format::png || !(request.screen_width > 0.0f) || !(request.screen_height > 0.0f)) return out;
  out.scale =
      std::clamp(std::min(request.width / request.screen_width, request.height / request.screen_height), 1.0f, 4.0f);
  out.width = request.width / out.scale;
  out.height = request.height / out.scale;
  return out;
}

bool export_drawing(const std::string& path, const ExportRequest& request,
                    const std::function<void(Canvas&, Rect)>& draw, std::string* error) {
  const ExportLayout layout = export_layout(request);
  // The restyle lives exactly as long as the drawing: the next frame on screen is the screen's.
  std::optional<ScopedRestyle> restyled;
  if (request.restyle) restyled.emplace(*request.restyle);
  return export_plot(
      path, request.format, layout.width, layout.height, layout.scale,
      [&](Canvas& canvas) {
        draw(canvas, Rect{0.0f, 0.0f, layout.width, layout.height});
      },
      error, request.font);
}

}  // namespace bnlab::plot
