// What this file is: a plot's CSV export (series,kind,x,y,value), read back as rows, for the
// tests that check what a headless render drew.
#pragma once

#include <sstream>
#include <string>
#include <vector>

namespace bnlab {

struct PlotCsvRow {
  std::string series, kind;
  double x = 0, y = 0;
};

inline std::vector<PlotCsvRow> plot_csv_rows(const std::string& csv) {
  std::vector<PlotCsvRow> rows;
  std::istringstream in(csv);
  std::string line;
  std::getline(in, line);  // the header
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    PlotCsvRow r;
    std::string x, y;
    std::getline(fields, r.series, ',');
    std::getline(fields, r.kind, ',');
    std::getline(fields, x, ',');
    std::getline(fields, y, ',');
    r.x = std::stod(x);
    r.y = std::stod(y);
    rows.push_back(r);
  }
  return rows;
}

}  // namespace bnlab
