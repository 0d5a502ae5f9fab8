// What this file is: how the screen draws a line that has more points than pixel columns (a long
// series reduced to a min/max pair per column). Drawn as a polyline, such a line zig-zags up
// and down each column, and its anti-aliased segments paint every pixel of a noisy stretch
// about four times; under software OpenGL (Mesa llvmpipe) those fragments were most of a
// frame. Instead the screen fills, in each column, the line's vertical extent there: the same
// pixels, each painted once. This file finds those extents; imgui_canvas.cpp draws them.
#pragma once

#include <limits>
#include <vector>

#include "plot/canvas.h"

namespace bnlab::plot {

// The vertical extent, in screen pixels, of a polyline inside one pixel column [x, x + 1).
struct ColumnSpan {
  float lo = std::numeric_limits<float>::infinity();  // lo ≤ hi where the line crosses the column
  float hi = -std::numeric_limits<float>::infinity();
  // The line goes both up and down inside the column (noise), rather than passing through once.
  bool turns = false;
  int direction = 0;  // of the last piece added: +1 down the screen, −1 up, 0 none yet
  bool empty() const { return lo > hi; }
  float mid() const { return 0.5f * (lo + hi); }
};

struct ColumnSpans {
  int first_column = 0;           // spans[i] belongs to the column [first_column + i, first_column + i + 1)
  std::vector<ColumnSpan> spans;  // every column the line crosses inside the window
};

// True when a polyline is worth drawing by columns: its points never go back in x, and it has at
// least 1.5 points per pixel column it spans inside [x_min, x_max].
bool is_dense(const Vec2* points, int n, float x_min, float x_max);

// The extents of the polyline through `points` (x never decreasing, all finite) in each pixel
// column that overlaps [x_min, x_max]: each segment, clipped to a column, adds the y range it
// covers there, and whether the line turned. Columns between the first and the last the line
// crosses are never empty.
void column_spans(const Vec2* points, int n, float x_min, float x_max, ColumnSpans& out);

}  // namespace bnlab::plot
