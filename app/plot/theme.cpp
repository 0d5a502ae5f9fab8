// What this file is: theme and colour-map definitions, and the colour maps' lookup tables.
#include "plot/theme.h"

#include <algorithm>
#include <cmath>

namespace bnlab::plot {
namespace {

// Okabe and Ito's colour-blind safe set (Color Universal Design, 2008), led by the blue/orange
// pair the app's runs A and B use.
constexpr std::array<Color, 8> kPaletteDark = {
    Color::rgb8(86, 180, 233),  Color::rgb8(230, 159, 0), Color::rgb8(0, 158, 115), Color::rgb8(240, 228, 66),
    Color::rgb8(204, 121, 167), Color::rgb8(213, 94, 0),  Color::rgb8(0, 114, 178), Color::rgb8(200, 200, 200)};
constexpr std::array<Color, 8> kPaletteLight = {
    Color::rgb8(0, 114, 178),  Color::rgb8(213, 94, 0),  Color::rgb8(0, 158, 115), Color::rgb8(204, 121, 167),
    Color::rgb8(86, 180, 233), Color::rgb8(230, 159, 0), Color::rgb8(150, 130, 0), Color::rgb8(60, 60, 60)};

// Samples of matplotlib's viridis at t = 0, 1/8, ..., 1 (van der Walt and Smith, 2015),
// interpolated linearly in between.
constexpr std::array<Color, 9> kViridis = {
    Color::rgb8(68, 1, 84),    Color::rgb8(71, 44, 122),  Color::rgb8(59, 81, 139),
    Color::rgb8(44, 113, 142), Color::rgb8(33, 144, 141), Color::rgb8(39, 173, 129),
    Color::rgb8(92, 200, 99),  Color::rgb8(170, 220, 50), Color::rgb8(253, 231, 37)};
constexpr std::array<Color, 5> kDiverging = {Color::rgb8(33, 102, 172), Color::rgb8(146, 197, 222),
                                             Color::rgb8(247, 247, 247), Color::rgb8(244, 165, 130),
                                             Color::rgb8(178, 24, 43)};
constexpr std::array<Color, 2> kGreys = {Color::rgb8(20, 20, 20), Color::rgb8(240, 240, 240)};

template <size_t N>
Color sample(const std::array<Color, N>& stops, float t) {
  const float s = std::clamp(t, 0.0f, 1.0f) * static_cast<float>(N - 1);
  const size_t i = std::min(static_cast<size_t>(s), N - 2);
  return mix(stops[i], stops[i + 1], s - static_cast<float>(i));
}

}  // namespace

PlotTheme dark_theme() {
  PlotTheme t;
  t.background = Color::rgb8(30, 31, 36);
  t.plot_background = Color::rgb8(22, 23, 27);
  t.frame = Color::rgb8(110, 112, 120);
  t.grid = Color{1, 1, 1, 0.10f};
  t.grid_minor = Color{1, 1, 1, 0.04f};
  t.text = Color::rgb8(225, 226, 230);
  t.legend_background = Color::rgb8(30, 31, 36).with_alpha(0.85f);
  t.palette = kPaletteDark;
  return t;
}

PlotTheme light_theme() {
  PlotTheme t;
  t.background = Color::rgb8(246, 246, 248);
  t.plot_background = Color::rgb8(255, 255, 255);
  t.frame = Color::rgb8(120, 120, 128);
  t.grid = Color{0, 0, 0, 0.10f};
  t.grid_minor = Color{0, 0, 0, 0.04f};
  t.text = Color::rgb8(30, 30, 34);
  t.legend_background = Color::rgb8(255, 255, 255).with_alpha(0.88f);
  t.palette = kPaletteLight;
  return t;
}

PlotTheme projector_theme() {
  PlotTheme t = light_theme();
  t.background = Color::rgb8(255, 255, 255);
  t.frame = Color::rgb8(0, 0, 0);
  t.grid = Color{0, 0, 0, 0.22f};
  t.grid_minor = Color{0, 0, 0, 0.08f};
  t.text = Color::rgb8(0, 0, 0);
  t.legend_background = Color::rgb8(255, 255, 255).with_alpha(0.95f);
  return t;
}

PlotTheme print_theme() {
  PlotTheme t;
  t.background = Color::rgb8(255, 255, 255);
  t.plot_background = Color::rgb8(255, 255, 255);
  t.frame = Color::rgb8(0, 0, 0);
  // Opaque greys: some printers and PDF viewers drop or band translucent hairlines.
  t.grid = Color::rgb8(200, 200, 200);
  t.grid_minor = Color::rgb8(235, 235, 235);
  t.text = Color::rgb8(0, 0, 0);
  t.legend_background = Color::rgb8(255, 255, 255);
  // The light palette's first three (blue, vermillion, green) stay apart in greyscale too; its
  // pale sky blue and yellow-orange wash out on paper, so darker shades take their places.
  t.palette = kPaletteLight;
  t.palette[4] = Color::rgb8(0, 60, 120);
  t.palette[5] = Color::rgb8(150, 80, 0);
  return t;
}

PlotTheme theme_by_name(const std::string& name) {
  if (name == "light") return light_theme();
  if (name == "projector") return projector_theme();
  if (name == "print") return print_theme();
  return dark_theme();
}

Color colormap_at(Colormap map, float t) {
  if (std::isnan(t)) return Color{0, 0, 0, 0};
  switch (map) {
    case Colormap::viridis:
      return sample(kViridis, t);
    case Colormap::diverging:
      return sample(kDiverging, t);
    case Colormap::greys:
      return sample(kGreys, t);
  }
  return sample(kViridis, t);
}

std::vector<Color> colormap_table(Colormap map, int n) {
  std::vector<Color> table(static_cast<size_t>(std::max(n, 2)));
  const float last = static_cast<float>(table.size() - 1);
  for (size_t i = 0; i < table.size(); ++i) table[i] = colormap_at(map, static_cast<float>(i) / last);
  return table;
}

}  // namespace bnlab::plot
