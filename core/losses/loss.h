// What this file is: the losses, each a forward (mean over the batch, as PyTorch's default
// reduction) that keeps what backward needs, and a backward giving d loss / d prediction.
//   cross_entropy: softmax over the logits, −log p[label], averaged over the batch
//   mse:           (prediction − one_hot(label))², averaged over batch × classes (MSELoss)
#pragma once

#include <string>
#include <vector>

#include "core/tensor.h"

namespace bnlab {

enum class LossKind { cross_entropy, mse };

class Loss {
 public:
  explicit Loss(LossKind kind) : kind_(kind) {}
  // Returns the mean loss; counts the predictions whose arg-max is the label in `correct`.
  float forward(const Tensor& prediction, const std::vector<int>& labels, int* correct = nullptr);
  const Tensor& backward();  // (classes, batch)
  LossKind kind() const { return kind_; }

 private:
  LossKind kind_;
  Matrix probs_;  // (classes, batch): softmax output (cross_entropy) or prediction (mse)
  std::vector<int> labels_;
  Tensor grad_;   // (classes, batch)
};

}  // namespace bnlab
