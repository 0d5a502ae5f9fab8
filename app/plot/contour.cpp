// What this file is: marching squares. Each cell's four corners, inside (≥ level) or not, give
// one of 16 cases; the isoline crosses the edges whose two ends differ, at the point where the
// linear interpolation between them equals the level.
#include "plot/contour.h"

#include <cmath>

namespace bnlab::plot {
namespace {

// The cell's corners, counter-clockwise from (i, j): 0 = (i, j), 1 = (i+1, j), 2 = (i+1, j+1),
// 3 = (i, j+1). Edge e joins corner e to corner (e + 1) % 4: 0 bottom, 1 right, 2 top, 3 left.
struct Cell {
  float v[4];
  float x[4], y[4];
};

struct Point {
  float x, y;
};

Point crossing(const Cell& c, int edge, float level) {
  const int a = edge, b = (edge + 1) % 4;
  const float d = c.v[b] - c.v[a];
  const float t = d != 0.0f ? (level - c.v[a]) / d : 0.5f;
  return {c.x[a] + t * (c.x[b] - c.x[a]), c.y[a] + t * (c.y[b] - c.y[a])};
}

void emit(std::vector<Segment>& out, const Cell& c, int edge_a, int edge_b, float level) {
  const Point p = crossing(c, edge_a, level), q = crossing(c, edge_b, level);
  out.push_back({p.x, p.y, q.x, q.y});
}

}  // namespace

std::vector<Segment> marching_squares(const float* field, int nx, int ny, float level) {
  std::vector<Segment> out;
  if (nx < 2 || ny < 2) return out;
  for (int j = 0; j + 1 < ny; ++j) {
    for (int i = 0; i + 1 < nx; ++i) {
      Cell c;
      const int ci[4] = {i, i + 1, i + 1, i}, cj[4] = {j, j, j + 1, j + 1};
      int mask = 0;
      bool finite = true;
      for (int k = 0; k < 4; ++k) {
        c.v[k] = field[static_cast<size_t>(cj[k]) * nx + ci[k]];
        c.x[k] = static_cast<float>(ci[k]);
        c.y[k] = static_cast<float>(cj[k]);
        finite = finite && std::isfinite(c.v[k]);
        if (c.v[k] >= level) mask |= 1 << k;
      }
      if (!finite || mask == 0 || mask == 15) continue;
      // With one corner apart from the other three (or its complement), the line cuts that
      // corner off: it crosses the two edges that meet at it. Corner k meets edges k−1 and k.
      for (int k = 0; k < 4; ++k) {
        if (mask == (1 << k) || mask == (15 ^ (1 << k))) {
          emit(out, c, (k + 3) % 4, k, level);
          break;
        }
      }
      // Two adjacent corners on each side: one line across the cell.
      if (mask == 3 || mask == 12) emit(out, c, 1, 3, level);  // bottom pair vs top pair
      if (mask == 6 || mask == 9) emit(out, c, 0, 2, level);   // right pair vs left pair
      if (mask == 5 || mask == 10) {
        // Saddle. If the centre is inside, the inside corners connect through it, so the two
        // lines cut off the outside corners; otherwise they cut off the inside ones.
        const float centre = 0.25f * (c.v[0] + c.v[1] + c.v[2] + c.v[3]);
        const bool centre_inside = centre >= level;
        const int inside_first = mask == 5 ? 0 : 1;  // corners {0, 2} or {1, 3} are inside
        const int cut = centre_inside ? (inside_first + 1) % 4 : inside_first;
        emit(out, c, (cut + 3) % 4, cut, level);
        emit(out, c, (cut + 1) % 4, (cut + 2) % 4, level);
      }
    }
  }
  return out;
}

}  // namespace bnlab::plot
