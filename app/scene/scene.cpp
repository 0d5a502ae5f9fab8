// What this file is: reading and checking scene files (scene.h, docs/SCENES.md). Sections:
//   1. small readers: bilingual text, ids
//   2. one step: layout, settings, norms, controls, run, highlight
//   3. the scene, and finding scene files
#include "scene/scene.h"

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "core/error.h"
#include "core/io/json_fields.h"
#include "core/io/json_text.h"
#include "panels/panel_settings.h"
#include "scene/scene_norms.h"

namespace bnlab {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

// --- 1. small readers ------------------------------------------------------------------------

// Lower-case letters and digits in words joined by single hyphens: [a-z0-9]+(-[a-z0-9]+)*.
bool valid_id(const std::string& id) {
  if (id.empty() || id.size() > 64 || id.front() == '-' || id.back() == '-') return false;
  for (size_t i = 0; i < id.size(); ++i) {
    const char c = id[i];
    if (c == '-' ? id[i - 1] == '-' : !((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) return false;
  }
  return true;
}

void read_id(Fields& f, const std::string& key, std::string& out) {
  if (!f.get(key)) f.fail(key, "required");
  f.string(key, out);
  if (!valid_id(out)) f.fail(key, "must be lower-case letters, digits and '-', got " + describe(json(out)));
}

Bilingual read_bilingual(Fields& parent, const std::string& key) {
  const json* v = parent.get(key);
  if (!v) parent.fail(key, "required, with both \"en\" and \"zh\"");
  Fields f(*v, parent.name(key), parent.source());
  Bilingual b;
  for (const auto& [lang, out] : {std::pair{"en", &b.en}, std::pair{"zh", &b.zh}}) {
    f.string(lang, *out);
    if (out->find_first_not_of(" \t\n") == std::string::npos) f.fail(lang, "required, and not empty");
  }
  f.finish();
  return b;
}

std::vector<std::string> read_words(Fields& f, const std::string& key, const std::vector<std::string>& allowed) {
  std::vector<std::string> out;
  const json* v = f.get(key);
  if (!v) return out;
  if (!v->is_array()) f.fail(key, "must be a list of " + join(allowed) + ", got " + describe(*v));
  for (size_t i = 0; i < v->size(); ++i) {
    const json& w = (*v)[i];
    const std::string name = key + "[" + std::to_string(i) + "]";
    if (!w.is_string() || std::find(allowed.begin(), allowed.end(), w.get<std::string>()) == allowed.end())
      f.fail(name, "expected one of " + join(allowed) + ", got " + describe(w));
    if (std::find(out.begin(), out.end(), w.get<std::string>()) != out.end()) f.fail(name, "listed twice");
    out.push_back(w.get<std::string>());
  }
  return out;
}

// A config is 5 levels deep (model.blocks[i].pool); a patch far deeper is refused, measured
// without recursion, before it is copied or merged, which both recurse once per level.
constexpr int kMaxPatchNesting = 32;
void check_nesting(Fields& f, const std::string& key, const json& patch) {
  std::vector<std::pair<const json*, int>> todo{{&patch, 0}};  // (value, its depth)
  while (!todo.empty()) {
    const auto [v, depth] = todo.back();
    todo.pop_back();
    if (!v->is_structured()) continue;
    if (depth == kMaxPatchNesting)
      f.fail(key, "nested more than " + std::to_string(kMaxPatchNesting) + " levels deep (a config has 5)");
    for (const json& child : *v) todo.push_back({&child, depth + 1});
  }
}

// A config patched by a merge patch, checked as strictly as a config file.
Config patched(const Config& c, Fields& f, const std::string& key, const json& patch) {
  if (!patch.is_object()) f.fail(key, "must be an object (a merge patch of the experiment config), got " + describe(patch));
  check_nesting(f, key, patch);
  json j = to_json(c);
  j.merge_patch(patch);
  return parse_config(j, f.source() + ": " + f.name(key));
}

// Only the learning settings, BN's momentum and its position change live; anything else builds
// the runs again.
bool needs_rebuild(const Config& before, const Config& after) {
  json x = to_json(before), y = to_json(after);
  for (json* j : {&x, &y}) {
    j->erase("train");
    (*j)["model"]["bn"].erase("momentum");
    (*j)["model"]["bn"].erase("position");
  }
  return x != y;
}

// --- 2. one step -----------------------------------------------------------------------------

// A step's norms for run `run` ("a" or "b"): bn_<run> (BN or none per block) or norm_<run>
// (kinds), not both; none if the step has neither.
std::optional<std::vector<NormKind>> read_step_norms(Fields& f, const std::string& run, const Config& cfg) {
  const int blocks = static_cast<int>(cfg.model.blocks.size());
  const json *bn = f.get("bn_" + run), *norm = f.get("norm_" + run);
  if (bn && norm) f.fail("norm_" + run, "give one of \"bn_" + run + "\" and \"norm_" + run + "\", not both");
  if (bn) return read_bn_blocks(f, "bn_" + run, *bn, blocks);
  if (norm) return read_norm_blocks(f, "norm_" + run, *norm, cfg);
  return std::nullopt;
}

void read_panel_settings(Fields& f, const PanelInfo& info, int blocks, SceneStep& step, ScenePanel& panel) {
  panel.settings = json::object();
  for (const SettingSpec& s : info.settings) {
    const json* v = f.get(s.name);
    if (!v) continue;
    using K = SettingSpec::Kind;
    switch (s.kind) {
      case K::boolean: {
        bool b = false;
        f.boolean(s.name, b);
        panel.settings[s.name] = b;
        break;
      }
      case K::number: {
        double d = 0;
        f.number(s.name, d, s.lo, s.hi);
        panel.settings[s.name] = d;
        break;
      }
      case K::integer: {
        int64_t i = 0;
        f.integer(s.name, i, static_cast<long long>(s.lo), static_cast<long long>(s.hi));
        panel.settings[s.name] = i;
        break;
      }
      case K::choice: {
        std::string c;
        f.choice(s.name, c, s.choices);
        panel.settings[s.name] = c;
        break;
      }
      case K::block: {
        int64_t b = 0;
        f.integer(s.name, b, 1, blocks);
        if (step.block >= 0 && step.block != b - 1)
          f.fail(s.name, "another panel of this step looks at block " + std::to_string(step.block + 1) +
                             "; the window has one selection");
        step.block = static_cast<int>(b - 1);
        panel.settings[s.name] = b;
        break;
      }
      case K::tap: {
        std::string t;
        f.choice(s.name, t, tap_names());
        const int tap = static_cast<int>(std::find(tap_names().begin(), tap_names().end(), t) - tap_names().begin());
        if (step.tap >= 0 && step.tap != tap)
          f.fail(s.name, "another panel of this step looks at tap \"" + tap_names()[step.tap] + "\"; the window has one selection");
        step.tap = tap;
        panel.settings[s.name] = t;
        break;
      }
    }
  }
  f.finish();
}

std::vector<ScenePanel> read_layout(Fields& f, int blocks, SceneStep& step) {
  const json* v = f.get("layout");
  if (!v || !v->is_array() || v->empty() || v->size() > 4)
    f.fail("layout", "must be a list of 1 to 4 panels, got " + (v ? describe(*v) + (v->is_array() ? " of " + std::to_string(v->size()) : "") : "nothing"));
  std::vector<std::string> ids;
  for (const PanelInfo& p : panel_catalog()) ids.push_back(p.id);
  std::vector<ScenePanel> layout;
  for (size_t i = 0; i < v->size(); ++i) {
    Fields pf((*v)[i], f.name("layout") + "[" + std::to_string(i) + "]", f.source());
    ScenePanel panel;
    if (!pf.get("panel")) pf.fail("panel", "required (one of " + join(ids) + ")");
    pf.choice("panel", panel.id, ids);
    for (const ScenePanel& other : layout)
      if (other.id == panel.id) pf.fail("panel", "\"" + panel.id + "\" is already in this layout");
    read_panel_settings(pf, *panel_by_id(panel.id), blocks, step, panel);
    layout.push_back(std::move(panel));
  }
  return layout;
}

RunSpec read_run(Fields& f, int64_t current_step, bool rebuilds) {
  RunSpec run;
  const json* v = f.get("run");
  if (!v || (v->is_string() && *v == "paused")) return run;
  if (!v->is_object()) f.fail("run", "expected \"paused\", {\"to_step\": N} or {\"until\": METRIC, ...}, got " + describe(*v));
  Fields rf(*v, f.name("run"), f.source());
  const int64_t from = rebuilds ? 0 : current_step;
  if (rf.get("to_step")) {
    run.kind = RunSpec::Kind::to_step;
    rf.integer("to_step", run.to_step, 1, 10000000);
    if (run.to_step < from)
      rf.fail("to_step", "the runs are at step " + std::to_string(from) + " when this step starts and cannot go back to " +
                             std::to_string(run.to_step));
  } else if (rf.get("until")) {
    run.kind = RunSpec::Kind::until;
    rf.choice("until", run.metric, {"train_loss", "test_loss", "train_accuracy", "test_accuracy"});
    const bool least = rf.get("at_least") != nullptr, most = rf.get("at_most") != nullptr;
    if (least == most) rf.fail("until", "needs exactly one of \"at_least\" and \"at_most\"");
    run.at_least = least;
    const bool accuracy = run.metric.find("accuracy") != std::string::npos;
    rf.number(least ? "at_least" : "at_most", run.value, 0.0, accuracy ? 1.0 : 1e6);
    if (!rf.get("max_steps")) rf.fail("max_steps", "required with \"until\" (a bound on how long to train)");
    rf.integer("max_steps", run.to_step, 1, 10000000);
    if (run.to_step <= from)
      rf.fail("max_steps", "the runs are at step " + std::to_string(from) + " when this step starts; max_steps must be larger");
  } else {
    rf.fail("", "expected \"to_step\" or \"until\"");
  }
  rf.finish();
  return run;
}

SceneStep read_step(const json& j, size_t index, const std::string& source, const SceneStep* previous, const Scene& scene) {
  // Until the id is read, a message names the step by its number alone.
  std::string where = "step " + std::to_string(index + 1);
  if (j.is_object() && j.contains("id") && j["id"].is_string() && valid_id(j["id"].get<std::string>()))
    where += " (\"" + j["id"].get<std::string>() + "\")";
  Fields f(j, "", source + ": " + where);
  SceneStep step;
  read_id(f, "id", step.id);
  step.narration = read_bilingual(f, "narration");
  if (f.get("notes")) step.notes = read_bilingual(f, "notes");
  const Config& before = previous ? previous->config : scene.experiment;
  step.config = before;
  step.norms_b_state = previous ? previous->norms_b_state : scene.norms_b;
  step.train_b_state = previous ? previous->train_b_state : scene.train_b;
  if (const json* set = f.get("set")) {
    step.config = patched(before, f, "set", *set);
    step.set = *set;
    step.rebuilds = needs_rebuild(before, step.config);
  }
  const int blocks = static_cast<int>(step.config.model.blocks.size());
  if (const json* set_b = f.get("set_b")) {
    if (!set_b->is_object()) f.fail("set_b", "must be an object (a patch of run B's train section), got " + describe(*set_b));
    check_nesting(f, "set_b", *set_b);  // before the copy into a patch of the whole config
    Config b = step.config;
    if (step.train_b_state) b.train = *step.train_b_state;
    step.train_b_state = patched(b, f, "set_b", json{{"train", *set_b}}).train;  // checked as a train section
    step.set_b = *set_b;
  }
  step.norms_a = read_step_norms(f, "a", step.config);
  if (step.norms_a) switch_norms(step.config, *step.norms_a);
  step.norms_b = read_step_norms(f, "b", step.config);
  if (step.norms_b) step.norms_b_state = *step.norms_b;
  // A patch that changes the blocks may leave B's list of norms longer or shorter.
  step.norms_b_state.resize(static_cast<size_t>(std::max(0, blocks - 1)), NormKind::none);
  if (f.get("speed")) {
    double speed = 0;
    f.number("speed", speed, 0.0, 5000.0);
    if (speed > 0 && speed < 1) f.fail("speed", "must be 0 (as fast as possible) or from 1 to 5000 steps per second");
    step.speed = speed;
  }
  step.layout = read_layout(f, blocks, step);
  step.hide = read_words(f, "hide", {"sidebar", "run", "hyperparameters", "data", "network"});
  step.lock = read_words(f, "lock", {"run", "hyperparameters", "data", "network"});
  const int64_t current = previous ? previous->end_step : 0;
  step.run = read_run(f, current, step.rebuilds);
  step.end_step = step.run.kind != RunSpec::Kind::paused ? step.run.to_step : step.rebuilds ? 0 : current;
  std::vector<std::string> in_layout;
  for (const ScenePanel& p : step.layout) in_layout.push_back(p.id);
  step.highlight = read_words(f, "highlight", in_layout);
  f.finish();
  return step;
}

}  // namespace

// --- 3. the scene ------------------------------------------------------------------------------

namespace {

Config read_experiment(Fields& f, const std::string& examples_dir) {
  const json* v = f.get("experiment");
  if (!v) f.fail("experiment", "required: the name of a file in examples/, or an inline experiment config");
  if (v->is_object()) return parse_config(*v, f.source() + ": experiment");
  if (!v->is_string()) f.fail("experiment", "must be a file name in examples/ or a config object, got " + describe(*v));
  const std::string name = v->get<std::string>();
  // A name, not a path: a scene file cannot reach outside examples/.
  if (name.empty() || name.find('/') != std::string::npos || name.find("..") != std::string::npos)
    f.fail("experiment", "must be the name of a file in examples/, got " + describe(*v));
  const std::string path = examples_dir + "/" + name;
  if (!fs::is_regular_file(path)) f.fail("experiment", "no file " + describe(*v) + " in " + examples_dir);
  try {
    return load_config(path);
  } catch (const Error& e) {
    f.fail("experiment", e.what());
  }
}

}  // namespace

Scene parse_scene(const json& j, const std::string& source, const std::string& examples_dir) {
  Fields f(j, "", source);
  Scene scene;
  scene.source = source;
  read_id(f, "id", scene.id);
  scene.title = read_bilingual(f, "title");
  f.integer("order", scene.order, 0, 1000000);
  scene.experiment = read_experiment(f, examples_dir);
  const int blocks = static_cast<int>(scene.experiment.model.blocks.size());
  scene.norms_b.assign(static_cast<size_t>(std::max(0, blocks - 1)), NormKind::none);
  if (const json* b = f.get("run_b")) {
    Fields bf(*b, "run_b", source);
    const json *bn = bf.get("bn"), *norm = bf.get("norm");
    if (bn && norm) bf.fail("norm", "give one of \"bn\" and \"norm\", not both");
    if (bn) {
      if (*bn == "same") {
        for (int i = 0; i + 1 < blocks; ++i)
          scene.norms_b[i] = scene.experiment.model.blocks[i].norm == NormKind::batch ? NormKind::batch : NormKind::none;
      } else {
        scene.norms_b = read_bn_blocks(bf, "bn", *bn, blocks);
      }
    }
    if (norm) {
      if (*norm == "same") {
        for (int i = 0; i + 1 < blocks; ++i) scene.norms_b[i] = scene.experiment.model.blocks[i].norm;
      } else {
        scene.norms_b = read_norm_blocks(bf, "norm", *norm, scene.experiment);
      }
    }
    if (const json* train = bf.get("train")) {
      if (!train->is_object()) bf.fail("train", "must be an object (a patch of run B's train section), got " + describe(*train));
      check_nesting(bf, "train", *train);
      scene.train_b = patched(scene.experiment, bf, "train", json{{"train", *train}}).train;
    }
    bf.finish();
  }
  const json* steps = f.get("steps");
  if (!steps || !steps->is_array() || steps->empty() || steps->size() > 40)
    f.fail("steps", "must be a list of 1 to 40 steps, got " + (steps ? describe(*steps) : std::string("nothing")));
  for (size_t i = 0; i < steps->size(); ++i) {
    SceneStep step = read_step((*steps)[i], i, source, scene.steps.empty() ? nullptr : &scene.steps.back(), scene);
    for (const SceneStep& other : scene.steps)
      if (other.id == step.id)
        Fields((*steps)[i], "", source + ": step " + std::to_string(i + 1)).fail("id", "\"" + step.id + "\" is already the id of another step");
    scene.steps.push_back(std::move(step));
  }
  f.finish();
  return scene;
}

Scene load_scene(const std::string& path, const std::string& examples_dir) {
  if (!std::ifstream(path)) throw data_error(path + ": cannot open scene file");
  const json j = read_json_file(path);  // not JSON, or past its limits: a config error with the line
  Scene scene = parse_scene(j, path, examples_dir);
  const std::string stem = fs::path(path).stem().string();
  if (fs::path(path).parent_path().filename() == "scenes" && stem != scene.id)
    throw config_error(path + ": id: \"" + scene.id + "\" does not match the file name (" + stem + ".json)");
  return scene;
}

std::vector<std::string> scene_files(const std::string& scenes_dir) {
  std::vector<std::string> files;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(scenes_dir, ec))
    if (entry.path().extension() == ".json") files.push_back(entry.path().string());
  std::sort(files.begin(), files.end());
  return files;
}

void sort_in_lesson_order(std::vector<Scene>& scenes) {
  std::stable_sort(scenes.begin(), scenes.end(), [](const Scene& a, const Scene& b) { return a.order < b.order; });
}

std::vector<Scene> load_all_scenes(const std::string& scenes_dir, const std::string& examples_dir) {
  std::vector<Scene> scenes;
  for (const std::string& file : scene_files(scenes_dir)) scenes.push_back(load_scene(file, examples_dir));
  sort_in_lesson_order(scenes);
  return scenes;
}

Scene find_scene(const std::string& id_or_path, const std::string& scenes_dir, const std::string& examples_dir) {
  if (valid_id(id_or_path)) {
    const std::string path = scenes_dir + "/" + id_or_path + ".json";
    if (!fs::is_regular_file(path)) {
      std::vector<std::string> ids;
      for (const std::string& file : scene_files(scenes_dir)) ids.push_back(fs::path(file).stem().string());
      throw config_error("no scene \"" + id_or_path + "\" (scenes: " + join(ids) + ")");
    }
    return load_scene(path, examples_dir);
  }
  return load_scene(id_or_path, examples_dir);
}

}  // namespace bnlab
