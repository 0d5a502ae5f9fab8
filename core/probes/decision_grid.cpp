// What this file is: the decision grid: the box around a 2-D dataset, and the model's softmax
// over a grid of nodes inside it.
#include "core/probes/decision_grid.h"

#include <algorithm>
#include <cmath>

#include "core/data/dataset.h"
#include "core/error.h"
#include "core/model/model.h"

namespace bnlab {
namespace {

// Grows `lo`, `hi` to hold row `feature` of `x` (features, examples).
void extend(const Matrix& x, int feature, double* lo, double* hi) {
  if (x.cols() == 0) return;
  *lo = std::min(*lo, static_cast<double>(x.row(feature).minCoeff()));
  *hi = std::max(*hi, static_cast<double>(x.row(feature).maxCoeff()));
}

// The node's coordinate: nodes spread from lo to hi inclusive; a single node sits in the middle.
double node_at(double lo, double hi, int index, int count) {
  return count > 1 ? lo + (hi - lo) * index / (count - 1) : 0.5 * (lo + hi);
}

}  // namespace

bool is_planar(const Dataset& d) { return d.sample_shape.size() == 2 && !d.sample_shape.is_image(); }

PlaneBox plane_box(const DataSplit& data, double margin) {
  double x_lo = INFINITY, x_hi = -INFINITY, y_lo = INFINITY, y_hi = -INFINITY;
  for (const Dataset* d : {&data.train, &data.test}) {
    if (!is_planar(*d)) continue;
    extend(d->x, 0, &x_lo, &x_hi);
    extend(d->x, 1, &y_lo, &y_hi);
  }
  if (!(x_lo <= x_hi)) x_lo = -1.0, x_hi = 1.0;  // no points (or non-finite ones): the unit square
  if (!(y_lo <= y_hi)) y_lo = -1.0, y_hi = 1.0;
  // A zero-width side (every point on one line) still gets a visible strip around it.
  const double wx = x_hi > x_lo ? (x_hi - x_lo) * margin : 1.0;
  const double wy = y_hi > y_lo ? (y_hi - y_lo) * margin : 1.0;
  return {x_lo - wx, x_hi + wx, y_lo - wy, y_hi + wy};
}

DecisionGrid decision_grid(Model& model, const PlaneBox& box, int nx, int ny, Mode mode, int chunk,
                           const std::atomic<bool>* cancel) {
  if (model.input_shape().size() != 2)
    throw Error(ErrorKind::internal,
                "decision_grid: the model takes " + std::to_string(model.input_shape().size()) + " inputs, not 2");
  // A training-mode pass would move BN's running statistics and draw dropout masks: the grid
  // must leave the run exactly as it found it.
  if (mode == Mode::train || mode == Mode::collect_population)
    throw Error(ErrorKind::internal, "decision_grid: needs an inference mode");
  DecisionGrid g;
  g.nx = std::max(nx, 1);
  g.ny = std::max(ny, 1);
  g.box = box;
  g.classes = model.classes();
  const int nodes = g.nodes(), k_count = g.classes;
  g.prob.assign(static_cast<size_t>(k_count) * nodes, NAN);
  g.predicted.assign(nodes, -1);
  g.confidence.assign(nodes, NAN);
  chunk = std::max(chunk, 1);
  Tensor x;  // (2, chunk): the nodes' coordinates
  for (int start = 0; start < nodes; start += chunk) {
    if (cancel && cancel->load(std::memory_order_relaxed)) return g;
    const int n = std::min(chunk, nodes - start);
    x.resize(model.input_shape(), n);
    for (int c = 0; c < n; ++c) {
      const int node = start + c;
      x.data(0, c) = static_cast<float>(node_at(box.x0, box.x1, node % g.nx, g.nx));
      x.data(1, c) = static_cast<float>(node_at(box.y0, box.y1, node / g.nx, g.ny));
    }
    const Matrix& out = model.forward(x, mode).data;  // (classes, n): logits
    for (int c = 0; c < n; ++c) {
      // Softmax with the largest logit subtracted first, so exp never overflows.
      const float top = out.col(c).maxCoeff();
      double sum = 0.0;
      for (int k = 0; k < k_count; ++k) sum += std::exp(static_cast<double>(out(k, c) - top));
      const int node = start + c;
      int best = 0;
      for (int k = 0; k < k_count; ++k) {
        const float p = static_cast<float>(std::exp(static_cast<double>(out(k, c) - top)) / sum);
        g.prob[static_cast<size_t>(k) * nodes + node] = p;
        if (out(k, c) > out(best, c)) best = k;
      }
      g.predicted[node] = best;
      g.confidence[node] = g.prob[static_cast<size_t>(best) * nodes + node];
    }
  }
  g.complete = true;
  return g;
}

}  // namespace bnlab
