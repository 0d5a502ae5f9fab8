// Renders a scene given as JSON text to CSV pages in a temporary folder and returns the pages
// (each with its plots' CSV): the render tests' shared set-up.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "test_paths.h"
#include "scene/render.h"
#include "scene/scene.h"

namespace bnlab {

inline std::vector<RenderedStep> render_csv(const std::string& scene_json, const std::string& file_name) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("bnlab-" + file_name + "-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const Scene scene = parse_scene(nlohmann::json::parse(scene_json), file_name, BNLAB_EXAMPLES_DIR);
  RenderOptions o;
  o.out_dir = dir.string();
  o.format = "csv";
  std::vector<RenderedStep> steps = render_scene(scene, o);
  fs::remove_all(dir);
  return steps;
}

}  // namespace bnlab
