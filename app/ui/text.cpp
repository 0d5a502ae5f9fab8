// What this file is: the translation tables and the font atlas.
#include "ui/text.h"

#include <fontconfig/fontconfig.h>
#include <imgui.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

namespace bnlab::ui {

Text text;

void Text::load(const std::string& assets_dir) {
  labels_.clear();
  for (const char* lang : {"en", "zh"}) {
    const std::string path = assets_dir + "/i18n/" + lang + ".json";
    std::ifstream in(path);
    if (!in) {
      error = path + ": cannot open";
      continue;
    }
    try {
      const auto j = nlohmann::json::parse(in);
      for (auto it = j.begin(); it != j.end(); ++it) tables_[lang][it.key()] = it.value().get<std::string>();
    } catch (const std::exception& e) {
      error = path + ": " + e.what();
    }
  }
}

void Text::set_language(const std::string& lang) { lang_ = lang == "zh" ? "zh" : "en"; }

const char* Text::tr(const std::string& key) const {
  for (const std::string& lang : {lang_, std::string("en")}) {
    auto t = tables_.find(lang);
    if (t == tables_.end()) continue;
    auto it = t->second.find(key);
    if (it != t->second.end()) return it->second.c_str();
  }
  // An unknown key shows as itself, so a missing translation is visible, never a crash.
  static thread_local std::map<std::string, std::string> missing;
  return missing.emplace(key, key).first->second.c_str();
}

const char* Text::tr_id(const std::string& key) const {
  auto [it, added] = labels_.try_emplace(lang_ + ":" + key);
  if (added) it->second = std::string(tr(key)) + "###" + key;
  return it->second.c_str();
}

void Text::add_glyphs(const std::string& more) {
  if (extra_.find(more) != std::string::npos) return;
  extra_ += more;
  glyphs_added_ = true;
}

std::string Text::all_text() const {
  std::string all = extra_;
  for (const auto& [lang, table] : tables_)
    for (const auto& [key, value] : table) all += value;
  return all;
}

std::string find_font_file(const std::string& pattern) {
  std::string file;
  if (!FcInit()) return file;
  FcPattern* pat = FcNameParse(reinterpret_cast<const FcChar8*>(pattern.c_str()));
  FcConfigSubstitute(nullptr, pat, FcMatchPattern);
  FcDefaultSubstitute(pat);
  FcResult result;
  if (FcPattern* match = FcFontMatch(nullptr, pat, &result)) {
    FcChar8* f = nullptr;
    if (FcPatternGetString(match, FC_FILE, 0, &f) == FcResultMatch) file = reinterpret_cast<const char*>(f);
    FcPatternDestroy(match);
  }
  FcPatternDestroy(pat);
  return file;
}

bool build_fonts(float pixel_size, std::string* warning) {
  ImGuiIO& io = ImGui::GetIO();
  io.Fonts->Clear();
  // Latin and the lesson's symbols from DejaVu (it has Greek, √, ², ∇, ≈, ×, ⓘ); Chinese merged in.
  // The combining marks (U+0300–036F) draw x̂: DejaVu gives them no advance, so ImGui lays the hat
  // over the letter before it.
  static const ImWchar latin_ranges[] = {0x0020, 0x00FF, 0x0300, 0x036F, 0x0370, 0x03FF, 0x2000, 0x206F, 0x2070, 0x209F, 0x2190, 0x21FF,
                                         0x2200, 0x22FF, 0x2460, 0x24FF, 0x25A0, 0x25FF, 0};
  const std::string latin = find_font_file("DejaVu Sans");
  const std::string cjk = find_font_file("sans:lang=zh-cn");
  const bool has_cjk = !cjk.empty() && cjk != latin;
  // The 2,500 common characters, plus every character our own texts use (some, like 函 or 轴, are
  // not among the common ones).
  static ImVector<ImWchar> ranges;
  ranges.clear();
  ImFontGlyphRangesBuilder builder;
  builder.AddRanges(io.Fonts->GetGlyphRangesChineseSimplifiedCommon());
  builder.AddText(text.all_text().c_str());
  builder.BuildRanges(&ranges);
  // Fonts[0]: the UI's size; Fonts[1]: a quarter larger, for a scene's narration.
  for (const float size : {pixel_size, std::round(pixel_size * kNarrationScale)}) {
    ImFontConfig cfg;
    cfg.OversampleH = 2;
    if (!latin.empty()) io.Fonts->AddFontFromFileTTF(latin.c_str(), size, &cfg, latin_ranges);
    else io.Fonts->AddFontDefault();
    if (has_cjk) {
      ImFontConfig merge;
      merge.MergeMode = true;
      merge.OversampleH = 1;
      io.Fonts->AddFontFromFileTTF(cjk.c_str(), size, &merge, ranges.Data);
    }
  }
  if (!has_cjk && warning) *warning = "no Chinese font found (install fonts-wqy-microhei)";
  io.Fonts->Build();
  text.fonts_built();
  return has_cjk;
}

float text_width(std::string_view s) { return ImGui::CalcTextSize(s.data(), s.data() + s.size()).x; }

std::string fill(const std::string& pattern, const std::vector<std::pair<std::string, std::string>>& values) {
  std::string out;
  for (size_t i = 0; i < pattern.size();) {
    bool replaced = false;
    if (pattern[i] == '{')
      for (const auto& [name, value] : values)
        if (pattern.compare(i + 1, name.size() + 1, name + "}") == 0) {
          out += value;
          i += name.size() + 2;
          replaced = true;
          break;
        }
    if (!replaced) out += pattern[i++];
  }
  return out;
}

}  // namespace bnlab::ui
