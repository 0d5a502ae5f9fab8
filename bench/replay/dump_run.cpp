// What this file is: the bnlab half of a replay in PyTorch. For a config and a seed it writes
// bnlab's initial weights (DIR/init.safetensors) and the example indices of every batch of the
// first 5 epochs (DIR/order.txt, one batch a line), so that bench/replay/replay_in_pytorch.py
// can train the same network from the same start on the same batches.
//   build/bnlab_replay_dump CONFIG.json SEED DIR
#include <cstdio>
#include <fstream>
#include <memory>
#include "core/data/dataset.h"
#include "core/io/checkpoint.h"
#include "core/train/run.h"
using namespace bnlab;
int main(int argc, char** argv) {
  if (argc != 4) {
    std::fputs("usage: bnlab_replay_dump CONFIG.json SEED DIR\n", stderr);
    return 2;
  }
  Config cfg = load_config(argv[1]);
  cfg.seed = std::stoull(argv[2]);
  auto data = std::make_shared<const DataSplit>(load_data(cfg.data, cfg.seed));
  bnlab::Run run(cfg, data);
  save_checkpoint(std::string(argv[3]) + "/init.safetensors", run.model(), cfg);
  // Run's batch order depends only on its batch seed and the dataset's size: a copy whose first
  // pixel holds each example's index replays it.
  Dataset tagged = data->train;
  for (int i = 0; i < tagged.size(); ++i) tagged.x(0, i) = static_cast<float>(i);
  BatchStream tagged_stream(tagged, cfg.train.batch_size, cfg.data.shuffle, bnlab::Run::batch_seed(cfg.seed));
  std::ofstream out(std::string(argv[3]) + "/order.txt");
  Tensor x; std::vector<int> y;
  for (int s = 0; s < 5 * tagged_stream.batches_per_epoch(); ++s) {
    tagged_stream.next(x, y);
    for (int j = 0; j < x.batch(); ++j) out << static_cast<int>(x.data(0, j)) << (j + 1 < x.batch() ? ' ' : '\n');
  }
}
