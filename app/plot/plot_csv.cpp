// What this file is: the CSV of exactly what a plot drew last (after smoothing and reduction),
// in long form, one row per point: series,kind,x,y,value (plot.h lists what each kind puts in
// which column).
#include <cmath>
#include <cstdio>

#include "plot/plot_state.h"

namespace bnlab::plot {

using namespace detail;

namespace {

// RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled.
std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

// Enough digits to read a float back exactly.
std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

const char* kind_name(ItemKind k) {
  switch (k) {
    case ItemKind::line:
      return "line";
    case ItemKind::band:
      return "band";
    case ItemKind::histogram:
      return "histogram";
    case ItemKind::ridgeline:
      return "ridgeline";
    case ItemKind::scatter:
      return "scatter";
    case ItemKind::heatmap:
      return "heatmap";
    case ItemKind::contour:
      return "contour";
  }
  return "item";
}

}  // namespace

std::string LastPlotCsv(const std::string& id) {
  const auto found = context().views.find(id);
  if (found == context().views.end() || !found->second.drawn) return {};
  std::string out = "series,kind,x,y,value\n";
  for (const Item& it : found->second.items) {
    const std::string prefix =
        csv_field(!it.name.empty() ? it.name : !it.csv_name.empty() ? it.csv_name : std::string("(unnamed)")) + "," +
        kind_name(it.kind) + ",";
    auto row = [&](double x, double y, const std::string& value) {
      out += prefix + number(x) + "," + number(y) + "," + value + "\n";
    };
    switch (it.kind) {
      case ItemKind::line:
      case ItemKind::scatter:
        for (size_t i = 0; i < it.xs.size(); ++i) {
          if (std::isnan(it.xs[i])) continue;  // a break in the line is not a point
          row(it.xs[i], it.ys[i], it.classes.empty() ? std::string() : std::to_string(it.classes[i]));
        }
        break;
      case ItemKind::band:
        for (size_t i = 0; i < it.xs.size(); ++i)
          if (!std::isnan(it.xs[i])) row(it.xs[i], it.ys[i], number(it.zs[i]));
        break;
      case ItemKind::histogram:
        for (size_t b = 0; b < it.ys.size(); ++b)
          row(0.5 * (it.xs[b] + it.xs[b + 1]), it.ys[b], number(it.xs[b + 1] - it.xs[b]));
        break;
      case ItemKind::ridgeline:
        for (size_t r = 0; r < it.starts.size(); ++r) {
          const size_t begin = it.starts[r], end = r + 1 < it.starts.size() ? it.starts[r + 1] : it.xs.size();
          for (size_t i = begin + 1; i + 1 < end; ++i)  // skip the two baseline end points
            row(it.xs[i], it.zs[i], number(it.counts[i]));
        }
        break;
      case ItemKind::heatmap: {
        const double sx = it.cols > 1 ? (it.bounds.x1 - it.bounds.x0) / (it.cols - 1) : 0.0;
        const double sy = it.rows > 1 ? (it.bounds.y1 - it.bounds.y0) / (it.rows - 1) : 0.0;
        for (int r = 0; r < it.rows; ++r)
          for (int c = 0; c < it.cols; ++c)
            row(it.bounds.x0 + c * sx, it.bounds.y0 + r * sy, number(it.zs[static_cast<size_t>(r) * it.cols + c]));
        break;
      }
      case ItemKind::contour:
        for (size_t i = 0; i < it.xs.size(); ++i) row(it.xs[i], it.ys[i], number(it.zs[i]));
        break;
    }
  }
  return out;
}

}  // namespace bnlab::plot
