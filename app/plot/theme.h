// What this file is: the plot module's colours: a theme (background, grid, text, a palette for
// series that do not name their colour) for dark, light, projector and print, and the colour
// maps of heatmaps. Plain structs, so an export renders without ImGui.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "plot/canvas.h"

namespace bnlab::plot {

struct PlotTheme {
  Color background{};          // whole plot rectangle
  Color plot_background{};     // inside the axes
  Color frame{};               // the axes' box
  Color grid{}, grid_minor{};  // lines at major and minor ticks
  Color text{};                // title, labels, tick labels
  Color legend_background{};
  std::array<Color, 8> palette{};  // series colours in call order, and scatter class colours
};

PlotTheme dark_theme();
PlotTheme light_theme();
// Light, high contrast, darker grid: survives a washed-out projector.
PlotTheme projector_theme();
// For paper: white everywhere, black text and frame, grey grid lines, colours that stay apart
// in print. Exports only; the window has no print theme.
PlotTheme print_theme();
// "dark", "light", "projector", "print" (anything else: dark), matching ui::Theme's names.
PlotTheme theme_by_name(const std::string& name);
inline constexpr const char* kPlotThemeNames[] = {"dark", "light", "projector", "print"};

enum class Colormap {
  viridis,    // sequential, perceptually even, readable in grey and by most colour-blind readers
  diverging,  // blue – white – red, for values around a centre (a classifier's output)
  greys,
};

inline constexpr Colormap kColormaps[] = {Colormap::viridis, Colormap::diverging, Colormap::greys};

// The colour at t in [0, 1] (clamped; NaN gives transparent).
Color colormap_at(Colormap map, float t);

// Entries in a colour map's lookup table (the GPU heatmap's): 257 puts an entry on t = k/256,
// so on every stop of every map (eighths for viridis, quarters, ends), and interpolating
// linearly between neighbouring entries gives exactly colormap_at's piecewise-linear colours.
inline constexpr int kColormapTableSize = 257;

// colormap_at(map, i / (n − 1)) for i = 0 … n − 1.
std::vector<Color> colormap_table(Colormap map, int n = kColormapTableSize);

}  // namespace bnlab::plot
