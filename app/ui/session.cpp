// What this file is: loading the data in the background and relaying the sidebar's edits.
#include "ui/session.h"

#include "core/data/dataset.h"
#include "core/error.h"

namespace bnlab::ui {

Config default_config() {
  Config c;
  c.seed = 1;
  c.data.dataset = "fashion-mnist";
  for (int i = 0; i < 3; ++i) {
    BlockConfig b;
    b.units = 100;
    b.norm = "batch";
    b.activation = "sigmoid";
    c.model.blocks.push_back(b);
  }
  BlockConfig out;
  out.units = 10;
  c.model.blocks.push_back(out);
  c.model.init.scheme = "torch_default";
  c.train.batch_size = 60;
  c.train.lr = 0.1f;
  return c;
}

void Session::start(const Config& cfg) {
  config_a_ = cfg;
  twins_.reset();
  loading_ = true;
  notice.clear();
  error.clear();
  pending_ = std::async(std::launch::async, [cfg]() -> std::shared_ptr<const DataSplit> {
    return std::make_shared<const DataSplit>(load_data(cfg.data, cfg.seed));
  });
}

void Session::update() {
  if (!loading_ || pending_.wait_for(std::chrono::seconds(0)) != std::future_status::ready) return;
  loading_ = false;
  std::shared_ptr<const DataSplit> data;
  try {
    data = pending_.get();
  } catch (const Error& e) {
    // Without Fashion-MNIST the lesson still works on a generated set.
    if (config_a_.data.dataset == "fashion-mnist" || config_a_.data.dataset == "mnist") {
      notice = std::string(e.what()) + " | using the generated spiral set instead";
      config_a_.data.dataset = "spiral";
      config_a_.data.n = 1000;
      config_a_.data.noise = 0.1f;
      config_a_.model.blocks.back().units = 2;
      start(config_a_);
      return;
    }
    error = e.what();
    return;
  }
  TrainerOptions options;
  options.start_paused = true;
  try {
    twins_ = std::make_unique<TwinRuns>(config_a_, without_batch_norm(config_a_), data, options, true);
  } catch (const Error& e) {
    error = e.what();
  }
}

void Session::post_both(Command::Kind kind, double value) {
  if (!twins_) return;
  Command c;
  c.kind = kind;
  c.value = value;
  twins_->post_both(c);
}

void Session::set_train(const TrainConfig& train) {
  config_a_.train = train;
  if (!twins_) return;
  Command c;
  c.kind = Command::Kind::set_train;
  c.train = train;
  twins_->post_both(c);
}

void Session::set_norm_a(int block, bool on) {
  if (block < 0 || block >= static_cast<int>(config_a_.model.blocks.size())) return;
  config_a_.model.blocks[block].norm = on ? "batch" : "none";
  if (!twins_) return;
  Command c;
  c.kind = Command::Kind::set_norm;
  c.block = block;
  c.on = on;
  twins_->a().post(c);
}

void Session::set_bn_position(const std::string& position) {
  config_a_.model.bn.position = position;
  if (!twins_) return;
  Command c;
  c.kind = Command::Kind::set_bn_position;
  c.text = position;
  twins_->post_both(c);
}

void Session::set_bn_momentum(float momentum) {
  config_a_.model.bn.momentum = momentum;
  post_both(Command::Kind::set_bn_momentum, momentum);
}

bool Session::paused() const { return !twins_ || twins_->a().snapshot()->paused; }

void Session::play_pause() { post_both(paused() ? Command::Kind::resume : Command::Kind::pause); }
void Session::step() { post_both(Command::Kind::step); }
void Session::reset() { post_both(Command::Kind::reset); }
void Session::set_speed(double steps_per_second) { post_both(Command::Kind::set_speed, steps_per_second); }

}  // namespace bnlab::ui
