// What this file is: isolines of a scalar field sampled on a grid, by marching squares.
#pragma once

#include <vector>

namespace bnlab::plot {

// A piece of an isoline, in grid coordinates: x = column index, y = row index (fractional).
struct Segment {
  float x0, y0, x1, y1;
};

// `field` is row-major, ny rows of nx values: field[j * nx + i] is the value at (x = i, y = j).
// Each cell (i, j)–(i + 1, j + 1) yields zero, one or two segments where the field, linearly
// interpolated along the cell's edges, crosses `level`. A value counts as inside when it is
// ≥ level. In the two saddle cases (inside corners on one diagonal only) the mean of the four
// corners, taken as the cell's centre value, decides: a centre inside joins the inside corners,
// otherwise it separates them. Cells with a non-finite corner are skipped.
std::vector<Segment> marching_squares(const float* field, int nx, int ny, float level);

}  // namespace bnlab::plot
