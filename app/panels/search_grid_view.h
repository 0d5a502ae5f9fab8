// What this file is: the hyperparameter search's two drawings, on a plot canvas so the window,
// an export and a scene page show the same: the heatmap of the chosen metric with each cell's
// value written in it (the best cell framed, diverged cells crossed out), and the small
// multiples, one mini plot of a cell's curves per cell, laid out as the grid. Both share one
// layout (row labels left, column labels below), which also maps a click to its cell.
#pragma once

#include <string>
#include <vector>

#include "core/train/hyperparameter_search.h"
#include "plot/canvas.h"
#include "plot/theme.h"

namespace bnlab {

struct SearchView {
  std::vector<CellResult> results;          // row-major
  std::vector<std::string> row_labels, col_labels;
  std::string row_title, col_title, title;
  std::string caption;                      // under the heatmap: how each run was trained (wrapped)
  std::string diverged, failed;             // the words written in a diverged cell, and in one that could not be built
  SearchMetric metric = SearchMetric::final_accuracy;
  int b_cell = -1;                          // the cell opened as run B, framed in B's colour
  plot::PlotTheme theme;
  plot::Color run_a, run_b, warning, accent;
  float line_width = 1.5f;
  size_t rows() const { return row_labels.size(); }
  size_t cols() const { return col_labels.size(); }
};

// Where the cells are in a drawing's rectangle.
struct SearchGridLayout {
  plot::Rect cells;  // the grid's area; cell (i, j) is one rows-th and cols-th of it
  int rows = 0, cols = 0;
  plot::Rect cell(int i, int j) const;
  int hit(plot::Vec2 p) const;  // the cell under p, row-major, or −1
};

SearchGridLayout layout_search_grid(plot::Canvas& canvas, plot::Rect rect, const SearchView& v);
// The value a heatmap cell shows: accuracy as a percentage, loss with three digits.
std::string search_cell_text(double value, SearchMetric metric);

// The small multiples' common y range for a loss metric: 0 to this (the highest test loss of
// the runs that did not diverge, plus a margin; 1 when there is none yet).
double search_curves_loss_max(const std::vector<CellResult>& results);

SearchGridLayout draw_search_heatmap(plot::Canvas& canvas, plot::Rect rect, const SearchView& v);
SearchGridLayout draw_search_curves(plot::Canvas& canvas, plot::Rect rect, const SearchView& v);

// The data each drawing shows, as CSV: row,column,value ("diverged", or "failed" for a run that
// could not be built) for the heatmap;
// row,column,series,step,value for the curves.
std::string search_heatmap_csv(const SearchView& v);
std::string search_curves_csv(const SearchView& v);

}  // namespace bnlab
