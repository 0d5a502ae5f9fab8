// What this file is: the limited JSON parser (json_text.h). nlohmann's DOM builder is driven
// through its SAX interface by a subclass that keeps the path of the value being read, refuses
// deep nesting and long strings as they arrive, and records where nlohmann's own errors happen
// (a syntax error, or a number that overflows a double) instead of letting them escape.
#include "core/io/json_text.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

namespace bnlab {
namespace {

using nlohmann::json;
using DomBuilder = nlohmann::detail::json_sax_dom_parser<json>;

// nlohmann's messages start "[json.exception.parse_error.101] parse error at line 1, column 9: ";
// the position is given separately, so only the reason is kept.
std::string reason_of(const std::string& what) {
  std::string r = what;
  if (r.rfind("[json.exception.", 0) == 0) r.erase(0, r.find(']') + 1);
  const size_t colon = r.find(": ");
  if (r.find(" parse error") == 0 && colon != std::string::npos) r.erase(0, colon + 2);
  while (!r.empty() && r.front() == ' ') r.erase(0, 1);
  return r;
}

// The DOM builder, watched: the path of the value being read ("model.blocks[2].units"), the
// nesting depth, and the first problem found.
class LimitedDom : public DomBuilder {
 public:
  explicit LimitedDom(json& result) : DomBuilder(result, /*allow_exceptions=*/false) {}

  bool null() { return after_value(DomBuilder::null()); }
  bool boolean(bool v) { return after_value(DomBuilder::boolean(v)); }
  bool number_integer(number_integer_t v) { return after_value(DomBuilder::number_integer(v)); }
  bool number_unsigned(number_unsigned_t v) { return after_value(DomBuilder::number_unsigned(v)); }
  bool number_float(number_float_t v, const string_t& s) { return after_value(DomBuilder::number_float(v, s)); }
  bool string(string_t& s) {
    if (s.size() > kMaxJsonString) return refuse("a string of " + std::to_string(s.size()) + " bytes is longer than the limit of " + std::to_string(kMaxJsonString));
    return after_value(DomBuilder::string(s));
  }
  bool key(string_t& k) {
    if (k.size() > kMaxJsonString) return refuse("a key of " + std::to_string(k.size()) + " bytes is longer than the limit of " + std::to_string(kMaxJsonString));
    frames_.back().key = k;
    return DomBuilder::key(k);
  }
  bool start_object(std::size_t n) { return enter(false) && DomBuilder::start_object(n); }
  bool start_array(std::size_t n) { return enter(true) && DomBuilder::start_array(n); }
  bool end_object() { return leave(DomBuilder::end_object()); }
  bool end_array() { return leave(DomBuilder::end_array()); }

  template <class Exception>
  bool parse_error(std::size_t position, const std::string& token, const Exception& e) {
    syntax_ = e.id != 406;  // 406: a number beyond a double, in a value that is otherwise fine
    problem_ = syntax_ ? reason_of(e.what()) : "the number " + token + " is too large for a double";
    position_ = position;
    return false;
  }

  const std::string& problem() const { return problem_; }
  bool syntax() const { return syntax_; }
  std::size_t position() const { return position_; }
  bool has_position() const { return position_ != std::string::npos; }

  // Where the parse stopped: "train.lr", "steps[3].set", or "" at the top level. A deep path is
  // cut after its first levels: the field it starts in is what the reader needs.
  std::string path() const {
    std::string p;
    for (size_t i = 0; i < frames_.size(); ++i) {
      if (i == 6) return p + "...";
      const Frame& f = frames_[i];
      if (f.array) p += "[" + std::to_string(f.index) + "]";
      else if (!f.key.empty()) p += (p.empty() ? "" : ".") + f.key;
    }
    return p;
  }

 private:
  struct Frame {
    bool array = false;
    std::string key;   // objects: the key being read
    size_t index = 0;  // arrays: the element being read
  };

  bool refuse(const std::string& what) {
    problem_ = what;
    return false;
  }
  bool enter(bool array) {
    if (static_cast<int>(frames_.size()) >= kMaxJsonDepth)
      return refuse("nested deeper than the limit of " + std::to_string(kMaxJsonDepth) + " levels");
    frames_.push_back({array, {}, 0});
    return true;
  }
  bool leave(bool ok) {
    frames_.pop_back();
    return after_value(ok);
  }
  bool after_value(bool ok) {
    if (!frames_.empty() && frames_.back().array) ++frames_.back().index;
    return ok;
  }

  std::vector<Frame> frames_;
  std::string problem_;
  bool syntax_ = false;
  std::size_t position_ = std::string::npos;
};

// `position` counts the characters read, the last one included: that character's line and
// 1-based column, as nlohmann counts them.
std::string line_and_column(const std::string& text, std::size_t position) {
  position = std::min(position, text.size());
  size_t line = 1, line_start = 0;
  for (size_t i = 0; i + 1 < position; ++i)
    if (text[i] == '\n') ++line, line_start = i + 1;
  return "line " + std::to_string(line) + ", column " + std::to_string(std::max<size_t>(1, position - line_start));
}

}  // namespace

json parse_json(const std::string& text, const std::string& source, ErrorKind kind) {
  json result;
  LimitedDom dom(result);
  if (json::sax_parse(text, &dom)) return result;
  const std::string path = dom.path();
  const std::string where = dom.has_position() ? " (" + line_and_column(text, dom.position()) + ")" : "";
  if (dom.syntax()) {
    const std::string in = path.empty() ? "" : " in " + path;
    throw Error(kind, source + ": not valid JSON" + in + where + ": " + dom.problem());
  }
  throw Error(kind, source + ": " + (path.empty() ? "(top level)" : path) + ": " + dom.problem() + where);
}

json read_json_file(const std::string& path, ErrorKind kind) {
  std::error_code ec;
  const uintmax_t size = std::filesystem::file_size(path, ec);
  std::ifstream in(path, std::ios::binary);
  if (!in) throw data_error(path + ": cannot open: " + std::strerror(errno ? errno : ENOENT));
  if (ec) throw data_error(path + ": cannot open: " + ec.message());
  if (size > kMaxJsonFile)
    throw Error(kind, path + ": " + std::to_string(size) + " bytes is larger than the limit of " +
                          std::to_string(kMaxJsonFile) + " for a JSON file");
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw data_error(path + ": read error: " + std::strerror(errno));
  return parse_json(text.str(), path, kind);
}

}  // namespace bnlab
