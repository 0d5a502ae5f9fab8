// What this file is: published training runs that a scene can set ours beside: how the source
// trained (learning rate, batch size, epochs) and the numbers it printed after the last epoch
// (NaN where it printed none). Dive into Deep Learning's LeNet with batch normalization, trained
// from scratch on Fashion-MNIST with plain SGD and Xavier-uniform weights:
//   d2l-zh 2.0.0, §7.5 批量规范化: lr, num_epochs, batch_size = 1.0, 10, 256; train_ch6 prints
//     "loss 0.273, train acc 0.899, test acc 0.807".
//   d2l-en 1.0, §8.5 Batch Normalization: BNLeNetScratch(lr=0.1), FashionMNIST(batch_size=128),
//     Trainer(max_epochs=10); it plots the curves and prints no final numbers.
#pragma once

#include <cmath>
#include <string>
#include <vector>

namespace bnlab {

struct PublishedRun {
  std::string id;        // in scenes: "d2l_zh"
  std::string name_key;  // i18n key of where it is printed ("d2l-zh 2.0 §7.5")
  float lr = 0.0f;
  int batch_size = 0, epochs = 0;
  float loss = NAN, train_accuracy = NAN, test_accuracy = NAN;  // after the last epoch
};

const std::vector<PublishedRun>& published_runs();
const PublishedRun* published_run(const std::string& id);  // null when there is none

}  // namespace bnlab
