// What this file is: what many tests build: seeded random batches, small dense networks, and a
// command run through the shell (the CLI, window and GL tests).
#pragma once

#include <sys/wait.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "test_paths.h"
#include "core/data/dataset.h"
#include "core/io/config.h"
#include "core/rng.h"
#include "core/tensor.h"

namespace bnlab {

// (s.size(), batch) values drawn from N(mean, std²) with the given seed.
inline Tensor random_tensor(Shape s, int batch, uint64_t seed, float std = 1.0f, float mean = 0.0f) {
  Rng rng(seed);
  Tensor t;
  t.resize(s, batch);
  for (Eigen::Index i = 0; i < t.data.size(); ++i) t.data.data()[i] = mean + std * rng.normal();
  return t;
}

// One dense hidden block (`hidden` units, its norm and activation) and a dense output block.
inline ModelConfig one_hidden_block(int hidden, const std::string& norm, const std::string& activation, int outputs) {
  ModelConfig cfg;
  BlockConfig h, out;
  h.units = hidden;
  h.norm = *parse_norm_kind(norm);
  h.activation = activation;
  out.units = outputs;
  cfg.blocks = {h, out};
  return cfg;
}

// The data `c` describes, loaded once and shared by the runs built on it.
// The 60 8×8 images of tests/data/tiny8 (MNIST format, ten classes): `first` as the hidden block
// and a dense output block of 10.
inline Config tiny8_config(const BlockConfig& first, int batch_size, float lr, uint64_t seed) {
  Config c;
  c.seed = seed;
  c.data.dataset = "mnist";
  c.data.dir = BNLAB_TEST_DATA_DIR "/tiny8";
  c.data.normalize = "scale";
  BlockConfig out;
  out.units = 10;
  c.model.blocks = {first, out};
  c.train.batch_size = batch_size;
  c.train.lr = lr;
  return c;
}

// Moons, two hidden blocks of 12 with BN (sigmoid, tanh) and a dense output: small enough that
// threads step it thousands of times a second.
inline Config moons_two_blocks_config() {
  Config c;
  c.seed = 4;
  c.data.dataset = "moons";
  c.data.n = 400;
  c.data.noise = 0.1f;
  BlockConfig h1, h2, out;
  h1.units = h2.units = 12;
  h1.norm = h2.norm = NormKind::batch;
  h1.activation = "sigmoid";
  h2.activation = "tanh";
  out.units = 2;
  c.model.blocks = {h1, h2, out};
  c.model.init.scheme = "torch_default";
  c.train.batch_size = 16;
  c.train.lr = 0.05f;
  return c;
}

inline std::shared_ptr<const DataSplit> loaded_data(const Config& c) {
  return std::make_shared<const DataSplit>(load_data(c.data, c.seed));
}

// Polls `done` every millisecond until it holds or `seconds` pass (threaded tests); whether it
// held. A test that waits must check that what it waited for happened: hence [[nodiscard]].
[[nodiscard]] inline bool wait_for(const std::function<bool()>& done, double seconds = 20.0) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (!done() && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  return done();
}

// Runs `cmd` through the shell; returns what it printed (stdout and stderr) and sets *code to its
// exit code (-1 if it did not exit normally).
inline std::string run_command(const std::string& cmd, int* code) {
  std::string out;
  *code = -1;
  FILE* p = popen((cmd + " 2>&1").c_str(), "r");
  if (!p) return out;
  std::array<char, 4096> buf{};
  size_t n = 0;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  const int status = pclose(p);
  *code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return out;
}

}  // namespace bnlab
