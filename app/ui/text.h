// What this file is: the UI's words and the fonts that draw them. Every string comes from
// assets/i18n/{en,zh}.json through tr("key"); switching language is a pointer swap. The font
// atlas holds Latin, Simplified Chinese and the lesson's symbols (γ β μ σ ε √ ² ∇ · ≈ ×),
// found through fontconfig, and is rebuilt at a new size so text stays crisp.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bnlab::ui {

class Text {
 public:
  // Loads both languages; a missing file or key falls back to English, then to the key.
  void load(const std::string& assets_dir);
  void set_language(const std::string& lang);  // "en" or "zh"
  const std::string& language() const { return lang_; }
  const char* tr(const std::string& key) const;
  // The translation as a widget label whose ImGui ID is the key: "数据集###data.dataset". Two
  // widgets whose words are the same in one language (the 数据集 header and combo) keep apart,
  // and what ImGui remembers by ID (a section open, a combo open) survives a change of language.
  const char* tr_id(const std::string& key) const;
  std::string all_text() const;  // every string of every language, for the font's glyph ranges
  // Text from elsewhere (a scene) that the font must draw; glyphs_added() is true once, until
  // the next build_fonts(), if it brought characters the atlas may lack.
  void add_glyphs(const std::string& more);
  bool glyphs_added() const { return glyphs_added_; }
  void fonts_built() { glyphs_added_ = false; }
  std::string error;  // why loading failed, shown in the UI

 private:
  std::map<std::string, std::map<std::string, std::string>> tables_;
  std::string lang_ = "en";
  std::string extra_;
  mutable std::map<std::string, std::string> labels_;  // language + key -> tr_id(); the window's thread
  bool glyphs_added_ = false;
};

extern Text text;  // the one instance the panels read
inline const char* tr(const std::string& key) { return text.tr(key); }
inline const char* tr_id(const std::string& key) { return text.tr_id(key); }

// `pattern` with each "{name}" replaced by its value: the words around a number differ in order
// between the languages, so a translated sentence carries its own places for them.
std::string fill(const std::string& pattern, const std::vector<std::pair<std::string, std::string>>& values);

// The width of `s` in ImGui's current font: the measure wrap_text (text_wrap.h) breaks the
// window's text by.
float text_width(std::string_view s);

// A scene's narration is this much larger than the UI's text (projector: 24 px UI, 30 px narration).
inline constexpr float kNarrationScale = 1.25f;

// Builds the ImGui font atlas at `pixel_size` (and at kNarrationScale times it, as Fonts[1]);
// returns false (and the reason) when no font with Chinese glyphs was found, in which case
// Chinese text shows as boxes and the UI says so.
bool build_fonts(float pixel_size, std::string* warning);
std::string find_font_file(const std::string& fontconfig_pattern);

}  // namespace bnlab::ui
