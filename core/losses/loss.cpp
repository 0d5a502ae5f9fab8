// What this file is: forward and backward of the losses.
#include "core/losses/loss.h"

#include <cmath>

#include "core/error.h"

namespace bnlab {

float Loss::forward(const Tensor& prediction, const std::vector<int>& labels, int* correct) {
  const Matrix& z = prediction.data;  // (classes, batch)
  const int classes = static_cast<int>(z.rows()), n = static_cast<int>(z.cols());
  labels_ = labels;
  if (correct) *correct = 0;
  double total = 0.0;
  probs_.resize(classes, n);
  for (int j = 0; j < n; ++j) {
    const int label = labels[j];
    if (label < 0 || label >= classes)
      throw data_error("label " + std::to_string(label) + " is outside the model's " + std::to_string(classes) +
                       " outputs");
    Eigen::Index best = 0;
    const float zmax = z.col(j).maxCoeff(&best);
    if (correct && best == label) ++*correct;
    if (kind_ == LossKind::cross_entropy) {
      // log-sum-exp shifted by the max, so large logits do not overflow.
      probs_.col(j) = (z.col(j).array() - zmax).exp();
      const float sum = probs_.col(j).sum();
      probs_.col(j) /= sum;
      total += static_cast<double>(std::log(sum) + zmax - z(label, j));
    } else {
      probs_.col(j) = z.col(j);
      for (int k = 0; k < classes; ++k) {
        const double d = z(k, j) - (k == label ? 1.0 : 0.0);
        total += d * d;
      }
    }
  }
  return static_cast<float>(kind_ == LossKind::cross_entropy ? total / n : total / (static_cast<double>(n) * classes));
}

const Tensor& Loss::backward() {
  const int classes = static_cast<int>(probs_.rows()), n = static_cast<int>(probs_.cols());
  grad_.resize({classes, 1, 1}, n);
  grad_.data = probs_;
  for (int j = 0; j < n; ++j) grad_.data(labels_[j], j) -= 1.0f;
  if (kind_ == LossKind::cross_entropy) grad_.data /= static_cast<float>(n);
  else grad_.data *= 2.0f / (static_cast<float>(n) * classes);
  return grad_;
}

}  // namespace bnlab
