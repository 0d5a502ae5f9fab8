// What this file is: line breaking (text_wrap.h).
#include "ui/text_wrap.h"

namespace bnlab::ui {
namespace {

// The code point at `s[i]` and its length in bytes (a broken sequence counts as one byte).
char32_t decode(std::string_view s, size_t i, size_t* len) {
  const unsigned char c = static_cast<unsigned char>(s[i]);
  const int n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 1;
  if (i + n > s.size()) {
    *len = 1;
    return c;
  }
  char32_t cp = n == 1 ? c : c & (0xFF >> (n + 1));
  for (int k = 1; k < n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
  *len = static_cast<size_t>(n);
  return cp;
}

bool wide(char32_t c) {  // CJK ideographs and their punctuation and full-width forms
  return (c >= 0x2E80 && c <= 0x9FFF) || (c >= 0xF900 && c <= 0xFAFF) || (c >= 0xFF00 && c <= 0xFFEF);
}

bool closing(char32_t c) {
  static const std::u32string kClosing = U"，。、；：！？）」』》〉】”’,.;:!?)";
  return kClosing.find(c) != std::u32string::npos;
}

bool opening(char32_t c) {
  static const std::u32string kOpening = U"（「『《〈【“‘(";
  return kOpening.find(c) != std::u32string::npos;
}

}  // namespace

std::vector<std::string> wrap_text(std::string_view text, float width, const MeasureText& measure) {
  std::vector<std::string> lines;
  size_t line_start = 0, last_break = std::string_view::npos, i = 0;
  char32_t previous = 0;
  auto emit = [&](size_t end, size_t next) {
    std::string_view line = text.substr(line_start, end - line_start);
    while (!line.empty() && line.back() == ' ') line.remove_suffix(1);
    lines.emplace_back(line);
    line_start = next;
    while (line_start < text.size() && text[line_start] == ' ') ++line_start;
    last_break = std::string_view::npos;
  };
  while (i < text.size()) {
    size_t len = 1;
    const char32_t c = decode(text, i, &len);
    if (c == '\n') {
      emit(i, i + 1);
      i = line_start;
      previous = 0;
      continue;
    }
    // A break may fall before this character.
    if (i > line_start && !closing(c) && !opening(previous) && (previous == ' ' || wide(c) || wide(previous))) last_break = i;
    if (measure(text.substr(line_start, i + len - line_start)) > width && last_break != std::string_view::npos &&
        c != ' ') {
      emit(last_break, last_break);
      i = line_start;
      previous = 0;
      continue;
    }
    previous = c;
    i += len;
  }
  if (line_start < text.size()) emit(text.size(), text.size());
  return lines;
}

}  // namespace bnlab::ui
