// What this file is: a scene (docs/SCENES.md): a lesson as data. A scene has an id, a title in
// English and Chinese, an experiment, how run B differs from run A, and steps; each step has
// narration, a layout of 1-4 panels with their settings, settings to apply (norms per block of
// A and B among them), controls to hide
// or lock, how far to train and what to highlight. parse_scene() checks all of it as strictly
// as the experiment config and names the file, the step and the field of any problem.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/io/config.h"

namespace bnlab {

struct Bilingual {
  std::string en, zh;
  const std::string& in(const std::string& lang) const { return lang == "zh" ? zh : en; }
};

struct ScenePanel {
  std::string id;            // "curves", ... (panel_settings.h)
  nlohmann::json settings;   // an object of checked settings, without "panel"
};

struct RunSpec {
  enum class Kind { paused, to_step, until };
  Kind kind = Kind::paused;
  int64_t to_step = 0;       // to_step: the step both runs stop at; until: at most this step
  std::string metric;        // until: train_loss, test_loss, train_accuracy, test_accuracy
  bool at_least = true;      // until: metric >= value (else <=)
  double value = 0.0;
};

struct SceneStep {
  std::string id;
  Bilingual narration;
  std::optional<Bilingual> notes;
  std::vector<ScenePanel> layout;           // 1-4
  nlohmann::json set;                       // merge patch of the config; null: none
  bool rebuilds = false;                    // `set` changes more than the live settings
  nlohmann::json set_b;                     // patch of B's train section; null: none
  // Norms per block but the output, from bn_a / norm_a and bn_b / norm_b (scene_norms.h).
  std::optional<std::vector<NormKind>> norms_a, norms_b;
  std::optional<double> speed;
  std::vector<std::string> hide, lock;
  RunSpec run;
  std::vector<std::string> highlight;       // panel ids of the layout
  int block = -1, tap = -1;                 // the selection the layout asks for (0-based); -1: none
  // What the runs are once this step's settings apply: run A's experiment (`set` and its norms
  // applied), run B's norm per block, and B's own learning settings (none: B follows A).
  Config config;
  std::vector<NormKind> norms_b_state;
  std::optional<TrainConfig> train_b_state;
  int64_t end_step = 0;                     // the latest step the runs can be at when this step ends
};

struct Scene {
  std::string id, source;                   // source: the file it came from
  Bilingual title;
  int order = 1000;                         // where the lesson lists it (smaller first; then by id)
  Config experiment;                        // run A at the start
  std::vector<NormKind> norms_b;            // run B's norm per block (but the output) at the start
  std::optional<TrainConfig> train_b;       // B's own learning settings at the start; none: A's
  std::vector<SceneStep> steps;
};

// `examples_dir` holds the experiments a scene may name. Throws Error(usage) naming the source,
// the step and the field.
Scene parse_scene(const nlohmann::json& j, const std::string& source, const std::string& examples_dir);
Scene load_scene(const std::string& path, const std::string& examples_dir);  // a missing file: Error(data)

// The scene files in `scenes_dir`, sorted by name; and scenes put in the lesson's order (`order`,
// then as they came).
std::vector<std::string> scene_files(const std::string& scenes_dir);
void sort_in_lesson_order(std::vector<Scene>& scenes);

// The shipped scenes in the lesson's order (`order`, then id), from `scenes_dir` (assets/scenes).
std::vector<Scene> load_all_scenes(const std::string& scenes_dir, const std::string& examples_dir);
// An id of a shipped scene, or a path to a scene file.
Scene find_scene(const std::string& id_or_path, const std::string& scenes_dir, const std::string& examples_dir);

}  // namespace bnlab
