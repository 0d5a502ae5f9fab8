// What this file is: the CSV loader. Each row holds numeric features, then an integer class
// label >= 0 in the last column. A first row in which no field is a number is a header (so a
// data row is never dropped for holding one bad value: "nan,1.5,0" is data, and refused); blank
// lines are ignored. Every feature must be finite as a 32-bit float, the type it is trained in
// (1e39 is a double but not a float). Problems are reported as "<file>: line N: <what>".
#include <algorithm>
#include <cerrno>
#include <cfloat>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "core/data/dataset.h"
#include "core/error.h"

namespace bnlab {
namespace {

// Labels become one-hot rows and output units, so an absurd label is a data error rather
// than a 10^9-class model.
constexpr double kMaxLabel = 65535;

std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t\r");
  return s.substr(first, last - first + 1);
}

std::vector<std::string_view> split_fields(std::string_view line) {
  std::vector<std::string_view> fields;
  size_t start = 0;
  while (true) {
    const size_t comma = line.find(',', start);
    fields.push_back(trim(line.substr(start, comma - start)));
    if (comma == std::string_view::npos) return fields;
    start = comma + 1;
  }
}

// A number written out completely: "1e3", "-0.5", "+2", and also "nan", "inf" and "1e999"
// (±inf), which are numbers but not data; not "", "x" or "1x".
bool parse_number(std::string_view s, double* out) {
  if (!s.empty() && s[0] == '+') s.remove_prefix(1);  // from_chars rejects a leading '+'
  if (s.empty()) return false;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  if (end != s.data() + s.size()) return false;
  if (ec == std::errc::result_out_of_range) *out = std::strtod(std::string(s).c_str(), nullptr);  // ±inf, or ~0 below
  return ec == std::errc() || ec == std::errc::result_out_of_range;
}

// What is wrong with a number as a feature, or "" when it is a finite 32-bit float.
std::string not_a_feature(double v) {
  if (std::isnan(v)) return "is not a number";
  if (std::isinf(v)) return "is infinite";
  if (std::fabs(v) > FLT_MAX) return "is beyond a 32-bit float (at most ±3.4e38)";
  return "";
}

}  // namespace

Dataset read_csv(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw data_error(path + ": cannot open: " + std::strerror(errno ? errno : ENOENT));

  Dataset d;
  d.name = "csv";
  std::vector<float> values;  // (examples, features) row by row = (features, examples) column-major
  size_t fields_per_row = 0;  // 0 until the first non-blank row fixes it
  int first_row_line = 0;
  int max_label = -1;
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (trim(line).empty()) continue;
    const std::vector<std::string_view> fields = split_fields(line);
    const auto where = [&] { return path + ": line " + std::to_string(line_no) + ": "; };

    const bool first_row = fields_per_row == 0;
    if (first_row) {
      if (fields.size() < 2)
        throw data_error(where() + "need at least one feature and a label, got 1 field");
      fields_per_row = fields.size();
      first_row_line = line_no;
    } else if (fields.size() != fields_per_row) {
      throw data_error(where() + "ragged row: " + std::to_string(fields.size()) +
                       " fields, expected " + std::to_string(fields_per_row) + " (as on line " +
                       std::to_string(first_row_line) + ")");
    }

    double v = 0.0;
    if (first_row) {
      bool any_number = false;
      for (const auto& f : fields) any_number = any_number || parse_number(f, &v);
      if (!any_number) continue;  // a header: its field count still holds for the data rows
    }
    for (size_t i = 0; i + 1 < fields.size(); ++i) {
      const std::string column = "column " + std::to_string(i + 1);
      if (!parse_number(fields[i], &v))
        throw data_error(where() + "non-numeric value '" + std::string(fields[i]) + "' in " + column);
      if (const std::string bad = not_a_feature(v); !bad.empty())
        throw data_error(where() + column + ": '" + std::string(fields[i]) + "' " + bad);
      values.push_back(static_cast<float>(v));
    }
    const std::string_view label = fields.back();
    if (!parse_number(label, &v) || v < 0 || v != std::floor(v))
      throw data_error(where() + "bad label '" + std::string(label) +
                       "' (the last column must be an integer class label >= 0)");
    if (v > kMaxLabel)
      throw data_error(where() + "bad label '" + std::string(label) + "' (larger than " +
                       std::to_string(static_cast<int>(kMaxLabel)) + ")");
    d.y.push_back(static_cast<int>(v));
    max_label = std::max(max_label, d.y.back());
  }
  if (in.bad()) throw data_error(path + ": read error: " + std::strerror(errno));
  if (d.y.empty()) throw data_error(path + ": no data rows");

  const auto features = static_cast<Eigen::Index>(fields_per_row - 1);
  d.x = Eigen::Map<const Matrix>(values.data(), features, static_cast<Eigen::Index>(d.y.size()));
  d.sample_shape = Shape{static_cast<int>(features), 1, 1};
  d.classes = max_label + 1;
  return d;
}

}  // namespace bnlab
