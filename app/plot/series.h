// What this file is: what happens to a long series before it is drawn: TensorBoard's debiased
// exponential moving average, and the reduction to the visible x-range and to one min/max pair
// per pixel column (as Tracy draws its long histories), so 10^6 points draw like 10^3.
#pragma once

#include <limits>
#include <vector>

namespace bnlab::plot {

// A point whose x and y are both this breaks a line (XYSeries below).
inline constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

// smoothed_t = last_t / (1 − w^k), where last_t = w·last_{t−1} + (1 − w)·y_t, last_0 = 0 and
// k counts the finite values so far: the EMA started at zero and divided by the weight it has
// accumulated (TensorBoard, components/vz_line_chart2/line-chart.ts, resmoothDataset).
// Non-finite values pass through unchanged and do not advance the average; a constant series
// is returned unchanged (no rounding wobble). `weight` is clamped to [0, 0.999].
std::vector<float> ema_smooth(const float* ys, int n, float weight);
// The same into a caller's buffer (reused across frames: no allocation once it is big enough).
void ema_smooth(const float* ys, int n, float weight, std::vector<float>& out);

// A polyline with gaps: a point whose x and y are both NaN breaks the line.
struct XYSeries {
  std::vector<float> xs, ys;
};

// The points of (xs, ys) to draw in a `columns`-pixel-wide view of [x_lo, x_hi]:
//  - xs must be ascending (null: x = index); ys may hold NaN or ±inf, which become gaps;
//  - inside the range, each column contributes the points holding its finite minimum and
//    maximum, in their original order (one point if they coincide);
//  - a column that holds a non-finite value is fenced by breaks on both sides;
//  - the nearest point beyond each end of the range is kept, so the line runs to the edge;
//  - with `log_x`, columns are equal in log10(x) and points with x ≤ 0 count as gaps.
XYSeries decimate_minmax(const float* xs, const float* ys, int n, double x_lo, double x_hi, int columns,
                         bool log_x = false);

// A band (lo ≤ hi) reduced the same way: per column the lowest lo and the highest hi, at the
// column's first and last x. A NaN x marks a break.
struct BandSeries {
  std::vector<float> xs, lo, hi;
};
BandSeries decimate_band(const float* xs, const float* lo, const float* hi, int n, double x_lo, double x_hi,
                         int columns, bool log_x = false);

// True if xs[0] ≤ xs[1] ≤ … (null: the indices, ascending). Decimation needs it; a parametric
// curve (an optimizer's path) fails it and is drawn point by point.
bool is_ascending(const float* xs, int n);

// The index range [begin, end) of ascending xs (null: x = index) inside [x_lo, x_hi].
void visible_range(const float* xs, int n, double x_lo, double x_hi, int* begin, int* end);

}  // namespace bnlab::plot
