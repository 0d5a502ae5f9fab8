// What this file is: the strict JSON object reader (json_fields.h).
#include "core/io/json_fields.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdlib>
#include <sstream>

#include "core/error.h"

namespace bnlab {

using nlohmann::json;

namespace {

// The shortest text that reads back as `d` (as a double, or with `as_float` as a float), with
// at least 6 digits' worth: 1e+09, 0.9999999, 0.99999988.
std::string fmt(double d, bool as_float = false) {
  std::string text;
  for (int precision = 6; precision <= 17; ++precision) {
    std::ostringstream s;
    s.precision(precision);
    s << d;
    text = s.str();
    const double back = std::strtod(text.c_str(), nullptr);
    if (as_float ? static_cast<float>(back) == static_cast<float>(d) : back == d) break;
  }
  return text;
}

}  // namespace

std::string join(const std::vector<std::string>& words, const std::string& separator) {
  std::string s;
  for (size_t i = 0; i < words.size(); ++i) s += (i ? separator : "") + words[i];
  return s;
}

// At most 60 bytes, cut before a character, never inside one: a cut UTF-8 sequence made dump()
// throw nlohmann's type_error 316 instead of the message (found by fuzz_config and fuzz_scene).
namespace {
std::string shortened(const std::string& s) {
  if (s.size() <= 60) return s;
  size_t cut = 57;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  return s.substr(0, cut) + "...";
}
}  // namespace

std::string describe(const json& value) {
  if (value.is_array()) return value.empty() ? "an empty list" : "a list";
  if (value.is_object()) return value.empty() ? "an empty object" : "an object";
  if (value.is_string()) {
    const std::string& s = value.get_ref<const std::string&>();
    return json(shortened(s)).dump(-1, ' ', false, json::error_handler_t::replace);
  }
  return value.dump();  // a number, a boolean or null: short and flat
}

Fields::Fields(const json& j, std::string path, std::string source)
    : j_(j), path_(std::move(path)), source_(std::move(source)) {
  if (!j.is_object()) wrong_type("", "object", "a JSON object", j);
}

void Fields::refuse(const std::string& key, FieldProblem problem, const std::string& what) const {
  problem.source = source_;
  problem.field = name(key);
  throw FieldError(std::move(problem), source_ + ": " + name(key) + ": " + what);
}

void Fields::fail(const std::string& key, const std::string& what) const {
  FieldProblem p;
  p.reason = what.rfind("required", 0) == 0 ? FieldProblem::Reason::missing : FieldProblem::Reason::other;
  p.detail = p.reason == FieldProblem::Reason::missing
                 ? what.substr(std::min(what.size(), std::string("required ").size()))
                 : what;
  refuse(key, std::move(p), what);
}

void Fields::wrong_type(const std::string& key, const char* expected, const char* in_words, const json& v) const {
  FieldProblem p;
  p.reason = FieldProblem::Reason::wrong_type;
  p.expected = expected;
  p.got = describe(v);
  refuse(key, std::move(p), std::string("must be ") + in_words + ", got " + p.got);
}

void Fields::out_of_range(const std::string& key, const std::string& lo, const std::string& hi, const json& v) const {
  FieldProblem p;
  p.reason = FieldProblem::Reason::out_of_range;
  p.lo = lo;
  p.hi = hi;
  p.got = describe(v);
  refuse(key, std::move(p), "must be between " + lo + " and " + hi + ", got " + p.got);
}

std::string Fields::name(const std::string& key) const {
  if (key.empty()) return path_.empty() ? "(top level)" : path_;
  return path_.empty() ? key : path_ + "." + key;
}

const json* Fields::get(const std::string& key) {
  seen_.insert(key);
  auto it = j_.find(key);
  return it == j_.end() || it->is_null() ? nullptr : &*it;
}

void Fields::number(const std::string& key, double& out, double lo, double hi) {
  if (const json* v = get(key)) {
    if (!v->is_number()) wrong_type(key, "number", "a number", *v);
    const double d = v->get<double>();
    if (!(d >= lo && d <= hi)) out_of_range(key, fmt(lo), fmt(hi), *v);
    out = d;
  }
}

// The value is used as a float, so the range is checked on that float: 0.999999999 is 1 as a
// float and must not pass for a number below 1, and 0.99 written back from a float
// (0.9900000095367432) must still read as the 0.99 it was. A double beyond a float's range is
// refused before the conversion, which would be undefined.
void Fields::number(const std::string& key, float& out, double lo, double hi) {
  if (const json* v = get(key)) {
    if (!v->is_number()) wrong_type(key, "number", "a number", *v);
    const double d = v->get<double>();
    const float f = std::fabs(d) <= FLT_MAX ? static_cast<float>(d) : std::copysign(HUGE_VALF, static_cast<float>(d > 0 ? 1 : -1));
    if (!(f >= static_cast<float>(lo) && f <= static_cast<float>(hi))) {
      FieldProblem p;
      p.reason = FieldProblem::Reason::out_of_range;
      p.lo = fmt(lo);
      p.hi = fmt(hi);
      p.got = describe(*v);
      const std::string as_float = static_cast<double>(f) != d ? " (" + fmt(f, true) + " as a 32-bit float)" : "";
      refuse(key, p, "must be between " + p.lo + " and " + p.hi + ", got " + p.got + as_float);
    }
    out = f;
  }
}

void Fields::integer(const std::string& key, int64_t& out, long long lo, long long hi) {
  if (const json* v = get(key)) {
    if (!v->is_number_integer()) wrong_type(key, "integer", "an integer", *v);
    // An unsigned value above the range of long long is out of range, not wrapped.
    if (v->is_number_unsigned() && v->get<unsigned long long>() > static_cast<unsigned long long>(hi))
      out_of_range(key, std::to_string(lo), std::to_string(hi), *v);
    const long long i = v->get<long long>();
    if (i < lo || i > hi) out_of_range(key, std::to_string(lo), std::to_string(hi), *v);
    out = i;
  }
}

void Fields::integer(const std::string& key, int& out, long long lo, long long hi) {
  int64_t i = out;
  integer(key, i, lo, hi);
  out = static_cast<int>(i);
}

void Fields::boolean(const std::string& key, bool& out) {
  if (const json* v = get(key)) {
    if (!v->is_boolean()) wrong_type(key, "boolean", "true or false", *v);
    out = v->get<bool>();
  }
}

void Fields::string(const std::string& key, std::string& out) {
  if (const json* v = get(key)) {
    if (!v->is_string()) wrong_type(key, "string", "a string", *v);
    out = v->get<std::string>();
  }
}

void Fields::choice(const std::string& key, std::string& out, const std::vector<std::string>& allowed) {
  string(key, out);
  for (const auto& a : allowed)
    if (out == a) return;
  FieldProblem p;
  p.reason = FieldProblem::Reason::unknown_value;
  p.got = shortened(out);
  p.allowed = allowed;
  refuse(key, std::move(p), "unknown value '" + out + "' (expected " + join(allowed) + ")");
}

void Fields::finish() const {
  for (auto it = j_.begin(); it != j_.end(); ++it)
    if (!seen_.count(it.key())) {
      FieldProblem p;
      p.reason = FieldProblem::Reason::unknown_field;
      refuse(it.key(), std::move(p), "unknown field");
    }
}

}  // namespace bnlab
