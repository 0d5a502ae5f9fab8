// What this file is: reading and writing settings.json.
#include "ui/settings.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/io/atomic_file.h"
#include "core/io/json_text.h"

namespace bnlab::ui {

namespace fs = std::filesystem;

namespace {

// A number from the file, clamped while still a double: 1e10 converted to int first would be
// undefined behaviour. Anything that is not a finite number keeps the default.
double clamped(const nlohmann::json& j, const char* key, double fallback, double lo, double hi) {
  const auto it = j.find(key);
  if (it == j.end() || !it->is_number()) return fallback;
  const double v = it->get<double>();
  return std::isfinite(v) ? std::clamp(v, lo, hi) : fallback;
}

}  // namespace

std::string Settings::path() { return directory() + "/settings.json"; }

std::string Settings::set_aside(const std::string& file, bool copy) {
  std::error_code ec;
  for (int n = 1; n < 1000; ++n) {
    const std::string kept = file + ".broken" + (n == 1 ? "" : "-" + std::to_string(n));
    if (fs::exists(kept, ec)) continue;  // an earlier damaged file: never overwritten
    if (copy) fs::copy_file(file, kept, ec);
    else fs::rename(file, kept, ec);
    return ec ? "" : kept;
  }
  return "";
}

std::string Settings::directory() {
  if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg && *xdg) return std::string(xdg) + "/bnlab";
  const char* home = std::getenv("HOME");
  return std::string(home ? home : ".") + "/.config/bnlab";
}

Settings Settings::load(std::string* warning) {
  Settings s;
  const char* home = std::getenv("HOME");
  s.export_dir = std::string(home ? home : ".") + "/bnlab-exports";
  const std::string path = Settings::path();
  std::ifstream in(path);
  if (!in) return s;
  try {
    const auto j = read_json_file(path);  // not JSON, or past its limits: an Error with the line
    s.theme = j.value("theme", s.theme);
    s.language = j.value("language", s.language);
    s.font_size = static_cast<float>(clamped(j, "font_size", s.font_size, 10.0, 48.0));
    s.window_width = static_cast<int>(clamped(j, "window_width", s.window_width, 640, 8192));
    s.window_height = static_cast<int>(clamped(j, "window_height", s.window_height, 480, 8192));
    s.export_dir = j.value("export_dir", s.export_dir);
    s.last_config = j.value("last_config", s.last_config);
    s.focused_panel = j.value("focused_panel", s.focused_panel);
    s.sidebar = j.value("sidebar", s.sidebar);
    s.welcomed = j.value("welcomed", s.welcomed);
    if (j.contains("panels") && j["panels"].is_object())
      for (auto it = j["panels"].begin(); it != j["panels"].end(); ++it)
        if (it->is_boolean()) s.panels[it.key()] = it->get<bool>();
  } catch (const std::exception& e) {
    in.close();
    Settings fresh;
    fresh.export_dir = s.export_dir;
    fresh.damage = e.what();
    fresh.set_aside_as = set_aside(path, false);
    if (warning) *warning = path + " was damaged (" + fresh.damage + "); kept as " + fresh.set_aside_as + ", defaults used";
    return fresh;
  }
  return s;
}

void Settings::save(std::string* warning) const {
  nlohmann::json j = {{"theme", theme},           {"language", language},       {"font_size", font_size},
                      {"window_width", window_width}, {"window_height", window_height}, {"export_dir", export_dir},
                      {"last_config", last_config}, {"panels", panels}, {"focused_panel", focused_panel},
                      {"sidebar", sidebar}, {"welcomed", welcomed}};
  std::error_code ec;
  fs::create_directories(directory(), ec);
  try {
    write_file_atomically(directory() + "/settings.json", j.dump(2) + "\n");
  } catch (const Error& e) {
    if (warning) *warning = e.what();
  }
}

}  // namespace bnlab::ui
