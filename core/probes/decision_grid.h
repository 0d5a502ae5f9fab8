// What this file is: the classifier's answer over the whole input plane of a 2-D dataset, as
// TensorFlow Playground draws it: the model evaluated on a regular grid of points covering the
// data, giving per grid node the softmax probability of every class, the predicted class and
// its probability. The panel paints it as a heatmap under the data points, and its 0.5 isoline
// (two classes) is the decision boundary.
//
// The pass runs in an inference mode (BN with its running statistics, dropout off), so it
// updates nothing: no running statistics, no dropout draws, no gradients. It does overwrite the
// activations each layer keeps for backward, exactly as Run::evaluate does, so it belongs
// between training steps, never inside one.
#pragma once

#include <atomic>
#include <cstdint>
#include <vector>

#include "core/layers/layer.h"

namespace bnlab {

class Model;
struct DataSplit;
struct Dataset;

// A rectangle of the input plane: x is feature 0, y is feature 1.
struct PlaneBox {
  double x0 = -1.0, x1 = 1.0, y0 = -1.0, y1 = 1.0;
};

struct DecisionGrid {
  int nx = 0, ny = 0;  // nodes along x and along y
  PlaneBox box;        // node (0, 0) sits at (x0, y0), node (nx − 1, ny − 1) at (x1, y1)
  int classes = 0;
  std::vector<float> prob;        // (classes, ny * nx): P(class k) at node (i, j) is prob[k * nodes + j * nx + i]
  std::vector<int> predicted;     // (ny * nx): the arg-max class of each node
  std::vector<float> confidence;  // (ny * nx): the predicted class's probability
  bool complete = false;          // false when cancelled part-way

  int nodes() const { return nx * ny; }
  // Class k's probability field, row-major (ny rows of nx values), ready for a heatmap.
  const float* field(int k) const { return prob.data() + static_cast<size_t>(k) * nodes(); }
};

// True when the dataset's samples are points of a plane (two features), the only case a
// decision boundary can be drawn for.
bool is_planar(const Dataset& d);

// The box holding every training and test point, widened by `margin` times its width (or
// height) on each side, so the boundary is visible around the outermost points too.
PlaneBox plane_box(const DataSplit& data, double margin = 0.1);

// Evaluates `model` (2 inputs) at nx × ny nodes spread evenly over `box`, in `mode` (an
// inference mode; Mode::infer_running is what a deployed network does). Softmax turns the
// outputs into probabilities; with an MSE-trained network this still ranks the classes as its
// outputs do, so the predicted class and the boundary are right, only the shading is softer.
// The nodes go through the network `chunk` at a time, so the layers' buffers stay near the
// size a training batch gives them instead of growing to the whole grid.
DecisionGrid decision_grid(Model& model, const PlaneBox& box, int nx, int ny, Mode mode = Mode::infer_running,
                           int chunk = 512, const std::atomic<bool>* cancel = nullptr);

}  // namespace bnlab
