// What this file is: an export as the user asks for it from a plot's menu: a format, a size in
// the file's own units (pixels for PNG, points for SVG and PDF) and a theme, drawn by the same
// function that draws the plot on screen. The export menu (panels/plot_area.cpp) and the tests
// both call export_drawing.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "plot/cairo_canvas.h"
#include "plot/plot.h"

namespace bnlab::plot {

struct ExportRequest {
  Format format = Format::png;
  float width = 0.0f, height = 0.0f;  // PNG: pixels; SVG and PDF: points
  // The plot's size on screen. A PNG larger than it is drawn at up to 4 device pixels per screen
  // pixel (the smaller of the two ratios), so text and lines keep their size relative to the
  // plot instead of shrinking in a big image; SVG and PDF lay the plot out at width × height.
  float screen_width = 0.0f, screen_height = 0.0f;
  std::optional<Restyle> restyle;  // another theme than the screen's; none: as on screen
  ExportFont font;
};

// The canvas size the drawing is laid out at, and device pixels per canvas unit.
struct ExportLayout {
  float width = 0.0f, height = 0.0f, scale = 1.0f;
};
ExportLayout export_layout(const ExportRequest& request);

// Draws `draw` (given the canvas and the rectangle to fill) into `path` as `request` says,
// atomically (export_plot). False with a message in *error on failure.
bool export_drawing(const std::string& path, const ExportRequest& request,
                    const std::function<void(Canvas&, Rect)>& draw, std::string* error);

}  // namespace bnlab::plot
