// What this file is: the CSV and the JSON of exactly what a plot drew last (after smoothing and
// reduction): CSV in long form, one row per point: series,kind,x,y,value (plot.h lists what each
// kind puts in which column); JSON with the same columns as arrays, one object per series.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>

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

// Calls `point(x, y, value)` for each point of `it` as the CSV lists it (plot.h): a line's
// breaks left out, a histogram's bins at their centres, a heatmap's cells at their samples.
void for_each_point(const Item& it, const std::function<void(double, double, std::optional<double>)>& point) {
  switch (it.kind) {
    case ItemKind::line:
    case ItemKind::scatter:
      for (size_t i = 0; i < it.xs.size(); ++i) {
        if (std::isnan(it.xs[i])) continue;  // a break in the line is not a point
        point(it.xs[i], it.ys[i], it.classes.empty() ? std::nullopt : std::optional<double>(it.classes[i]));
      }
      break;
    case ItemKind::band:
      for (size_t i = 0; i < it.xs.size(); ++i)
        if (!std::isnan(it.xs[i])) point(it.xs[i], it.ys[i], it.zs[i]);
      break;
    case ItemKind::histogram:
      for (size_t b = 0; b < it.ys.size(); ++b)
        point(0.5 * (it.xs[b] + it.xs[b + 1]), it.ys[b], it.xs[b + 1] - it.xs[b]);
      break;
    case ItemKind::ridgeline:
      for (size_t r = 0; r < it.starts.size(); ++r) {
        const size_t begin = it.starts[r], end = r + 1 < it.starts.size() ? it.starts[r + 1] : it.xs.size();
        for (size_t i = begin + 1; i + 1 < end; ++i)  // skip the two baseline end points
          point(it.xs[i], it.zs[i], it.counts[i]);
      }
      break;
    case ItemKind::heatmap: {
      const double sx = it.cols > 1 ? (it.bounds.x1 - it.bounds.x0) / (it.cols - 1) : 0.0;
      const double sy = it.rows > 1 ? (it.bounds.y1 - it.bounds.y0) / (it.rows - 1) : 0.0;
      for (int r = 0; r < it.rows; ++r)
        for (int c = 0; c < it.cols; ++c)
          point(it.bounds.x0 + c * sx, it.bounds.y0 + r * sy, it.zs[static_cast<size_t>(r) * it.cols + c]);
      break;
    }
    case ItemKind::contour:
      for (size_t i = 0; i < it.xs.size(); ++i) point(it.xs[i], it.ys[i], it.zs[i]);
      break;
  }
}

std::string series_name(const Item& it) {
  return !it.name.empty() ? it.name : !it.csv_name.empty() ? it.csv_name : std::string("(unnamed)");
}

const ViewState* drawn(const std::string& id) {
  const auto found = context().views.find(id);
  return found == context().views.end() || !found->second.drawn ? nullptr : &found->second;
}

// A float as JSON shows it: the shortest decimal that reads back as the same float (0.6, not
// 0.60000002384185791), and null for what JSON cannot hold.
nlohmann::json json_number(double v) {
  if (!std::isfinite(v)) return nullptr;
  return std::strtod(number(v).c_str(), nullptr);
}

}  // namespace

std::string LastPlotCsv(const std::string& id) {
  const ViewState* view = drawn(id);
  if (!view) return {};
  std::string out = "series,kind,x,y,value\n";
  for (const Item& it : view->items) {
    const std::string prefix = csv_field(series_name(it)) + "," + kind_name(it.kind) + ",";
    for_each_point(it, [&](double x, double y, std::optional<double> value) {
      out += prefix + number(x) + "," + number(y) + "," + (value ? number(*value) : std::string()) + "\n";
    });
  }
  return out;
}

std::string LastPlotJson(const std::string& id) {
  const ViewState* view = drawn(id);
  if (!view) return {};
  nlohmann::json series = nlohmann::json::array();
  for (const Item& it : view->items) {
    nlohmann::json xs = nlohmann::json::array(), ys = nlohmann::json::array(), values = nlohmann::json::array();
    bool has_value = false;
    for_each_point(it, [&](double x, double y, std::optional<double> value) {
      xs.push_back(json_number(x));
      ys.push_back(json_number(y));
      has_value |= value.has_value();
      values.push_back(value ? json_number(*value) : nlohmann::json());
    });
    nlohmann::json s = {
        {"name", series_name(it)}, {"kind", kind_name(it.kind)}, {"x", std::move(xs)}, {"y", std::move(ys)}};
    if (has_value) s["value"] = std::move(values);
    series.push_back(std::move(s));
  }
  // Compact: a series holds thousands of numbers. Names come from the panels' UTF-8; a malformed
  // byte is replaced rather than thrown on.
  const nlohmann::json doc = {{"plot", id}, {"series", std::move(series)}};
  return doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace bnlab::plot
