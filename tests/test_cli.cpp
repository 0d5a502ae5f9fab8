// What this file is: the bnlab executable end to end: train / eval / checkpoints on a small
// generated dataset, and every bad input ending in its exit code (2 config, 3 data or file)
// with a one-line message that names the field or the file.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <thread>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "test_paths.h"
#include "test_helpers.h"

namespace {

namespace fs = std::filesystem;
using bnlab::wait_for;
using nlohmann::json;

struct Result {
  int code = -1;
  std::string output;  // stdout and stderr together
};

// `as` runs bnlab through another command (setpriv, to drop root's right to write anywhere).
Result run(const std::string& args, const std::string& as = "") {
  Result r;
  const std::string cmd = as + std::string(BNLAB_EXE) + " " + args + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return r;
  std::array<char, 4096> buf{};
  size_t n = 0;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.output.append(buf.data(), n);
  const int status = pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

class Cli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("bnlab_cli_" + std::to_string(::getpid()) + "_" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  static json good_config() {
    return json::parse(R"({
      "seed": 3,
      "data": {"dataset": "spiral", "n": 240, "noise": 0.05},
      "model": {"blocks": [
        {"op": "dense", "units": 16, "norm": "batch", "activation": "tanh"},
        {"op": "dense", "units": 2, "norm": "none", "activation": "none"}]},
      "train": {"batch_size": 20, "optimizer": "adam", "lr": 0.01, "log_every": 5}
    })");
  }
  std::string write(const std::string& name, const std::string& text) {
    const fs::path p = dir_ / name;
    std::ofstream(p, std::ios::binary) << text;
    return p.string();
  }
  std::string write_config(const json& j, const std::string& name = "config.json") { return write(name, j.dump(2)); }
  fs::path dir_;
};

// One line of message, naming what is wrong.
void expect_error(const Result& r, int code, const std::string& must_contain) {
  EXPECT_EQ(r.code, code) << r.output;
  EXPECT_NE(r.output.find(must_contain), std::string::npos) << "message lacks '" << must_contain << "': " << r.output;
  EXPECT_LE(std::count(r.output.begin(), r.output.end(), '\n'), 1) << r.output;
}

TEST_F(Cli, TrainWritesMetricsAndCheckpointThatEvalReads) {
  const std::string cfg = write_config(good_config());
  const std::string ckpt = (dir_ / "run.safetensors").string(), csv = (dir_ / "m.csv").string();
  const Result t = run("train " + cfg + " --epochs 3 --save " + ckpt + " --metrics " + csv);
  ASSERT_EQ(t.code, 0) << t.output;
  std::ifstream in(csv);
  std::string header, line;
  std::getline(in, header);
  EXPECT_EQ(header, "step,epoch,train_loss,train_accuracy,lr,test_loss,test_accuracy");
  int rows = 0, eval_rows = 0;
  while (std::getline(in, line)) {
    ++rows;
    if (line.back() != ',') ++eval_rows;
  }
  EXPECT_EQ(rows, 36 / 5 + 3);  // 12 steps per epoch: rows at 5, 10, 12, 15, 20, 24, ... and each epoch end
  EXPECT_EQ(eval_rows, 3);
  const Result e = run("eval " + cfg + " --weights " + ckpt);
  ASSERT_EQ(e.code, 0) << e.output;
  const json j = json::parse(e.output);
  EXPECT_EQ(j["examples"], 120);
  EXPECT_GT(j["accuracy"].get<double>(), 0.5);
  for (const char* stats : {"batch", "population"}) {
    const Result s = run("eval " + cfg + " --weights " + ckpt + " --stats " + stats + " --split train");
    ASSERT_EQ(s.code, 0) << s.output;
    EXPECT_EQ(json::parse(s.output)["examples"], 240);
  }
  // --init continues from the checkpoint: the first evaluation is already good.
  const Result again = run("train " + cfg + " --steps 1 --init " + ckpt);
  ASSERT_EQ(again.code, 0) << again.output;
}

TEST_F(Cli, ConfigErrorsNameTheField) {
  struct Case {
    std::string pointer, value, expect;
  };
  const std::vector<Case> cases = {
      {"/colour", "1", "colour: unknown field"},
      {"/model/blocks/0/unitz", "3", "model.blocks[0].unitz: unknown field"},
      {"/model/blocks/0/activation", "\"swish\"", "model.blocks[0].activation: unknown value 'swish'"},
      {"/model/blocks/1/units", "-3", "model.blocks[1].units"},
      {"/train/lr", "\"fast\"", "train.lr: must be a number"},
      {"/train/optimizer", "\"lion\"", "train.optimizer"},
      {"/model/bn/position", "\"sideways\"", "model.bn.position"},
      {"/data/dataset", "\"cifar\"", "data.dataset"},
      {"/model/blocks/1/units", "7", "model.blocks[1]"},  // 7 outputs for 2 classes
      {"/train/batch_size", "1000", "train.batch_size"},  // larger than the training set
  };
  for (const Case& c : cases) {
    json j = good_config();
    j[json::json_pointer(c.pointer)] = json::parse(c.value);
    expect_error(run("train " + write_config(j) + " --steps 1"), 2, c.expect);
  }
  expect_error(run("train " + write("broken.json", "{\"seed\": 1,")), 2, "broken.json: not valid JSON");
  expect_error(run("train " + (dir_ / "absent.json").string()), 3, "absent.json");
  expect_error(run("train " + write_config(good_config()) + " --steps many"), 2, "--steps");
  expect_error(run("train " + write_config(good_config()) + " --frobnicate 1"), 2, "--frobnicate");
  expect_error(run("eval " + write_config(good_config())), 2, "--weights");
}

TEST_F(Cli, DataErrorsNameTheFile) {
  json j = good_config();
  j["data"] = {{"dataset", "fashion-mnist"}, {"dir", (dir_ / "nowhere").string()}};
  j["model"]["blocks"][1]["units"] = 10;
  expect_error(run("train " + write_config(j) + " --steps 1"), 3, "nowhere");
  // A corrupt IDX file: right name, garbage inside.
  fs::create_directories(dir_ / "corrupt");
  for (const char* f : {"train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"})
    std::ofstream(dir_ / "corrupt" / f) << "this is not an IDX file at all";
  j["data"]["dir"] = (dir_ / "corrupt").string();
  expect_error(run("train " + write_config(j) + " --steps 1"), 3, "train-images-idx3-ubyte");
  json c = good_config();
  c["data"] = {{"dataset", "csv"}, {"path", write("d.csv", "1,2,0\n3,x,1\n")}};
  expect_error(run("train " + write_config(c) + " --steps 1"), 3, "d.csv");
}

TEST_F(Cli, CheckpointErrorsNameTheFileAndTensor) {
  const std::string cfg = write_config(good_config());
  expect_error(run("eval " + cfg + " --weights " + (dir_ / "none.safetensors").string()), 3, "none.safetensors");
  expect_error(run("eval " + cfg + " --weights " + write("junk.safetensors", "0123456789abcdef")), 3, "junk.safetensors");
  // A checkpoint of another shape: trained with 8 hidden units, loaded into 16.
  json small = good_config();
  small["model"]["blocks"][0]["units"] = 8;
  const std::string ckpt = (dir_ / "small.safetensors").string();
  ASSERT_EQ(run("train " + write_config(small, "small.json") + " --steps 2 --save " + ckpt).code, 0);
  expect_error(run("eval " + cfg + " --weights " + ckpt), 3, "'0.weight' has shape [8, 2]");
  expect_error(run("train " + cfg + " --steps 1 --init " + ckpt), 3, "small.safetensors");
  // Truncated: the header promises more data than the file holds.
  std::ifstream in(ckpt, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), {});
  expect_error(run("eval " + cfg + " --weights " + write("cut.safetensors", bytes.substr(0, bytes.size() - 40))), 3,
               "cut.safetensors");
}

// Hostile inputs (#10, defect 6) end in the CLI's exit codes with a message naming the field,
// block or tensor: no "internal error", no crash, nothing allocated for what cannot work.
TEST_F(Cli, HostileInputsEndInTheirExitCodes) {
  json j = good_config();
  const std::string text = j.dump(2);
  const std::string lr = text.substr(0, text.find("\"lr\": 0.01")) + "\"lr\": 2e308" + text.substr(text.find("\"lr\": 0.01") + 10);
  expect_error(run("train " + write("lr.json", lr) + " --steps 1"), 2, "train.lr");
  // The issue's repro on tiny8: Shape::size() wrapped to 274,496, then Conv2d::forward segfaulted.
  json convs = good_config();
  convs["data"] = {{"dataset", "mnist"}, {"dir", std::string(BNLAB_TEST_DATA_DIR) + "/tiny8"}};
  convs["model"]["blocks"] = json::array();
  for (int i = 0; i < 8; ++i) convs["model"]["blocks"].push_back({{"op", "conv"}, {"channels", 1}, {"kernel", 1}, {"padding", 64}});
  convs["model"]["blocks"].push_back({{"op", "conv"}, {"channels", 4033}, {"kernel", 1}});
  convs["model"]["blocks"].push_back({{"op", "dense"}, {"units", 10}});
  expect_error(run("train " + write_config(convs, "convs.json") + " --steps 1"), 2, "model.blocks[");
  // Eight dense blocks of 10⁶ units ran to 6.3 GB before "out of memory", naming nothing.
  json wide = convs;
  wide["model"]["blocks"] = json::array();
  for (int i = 0; i < 8; ++i) wide["model"]["blocks"].push_back({{"op", "dense"}, {"units", 1000000}});
  wide["model"]["blocks"].push_back({{"op", "dense"}, {"units", 10}});
  expect_error(run("train " + write_config(wide, "wide.json") + " --steps 1"), 2, "model.blocks[0]");
  // A checkpoint whose bias is read from the weight's bytes.
  const std::string header = R"({"0.weight":{"dtype":"F32","shape":[16,2],"data_offsets":[0,128]},)"
                             R"("0.bias":{"dtype":"F32","shape":[16],"data_offsets":[0,64]}})";
  const uint64_t n = header.size();
  const std::string ckpt = write("overlap.safetensors", std::string(reinterpret_cast<const char*>(&n), 8) + header + std::string(128, '\0'));
  expect_error(run("eval " + write_config(good_config()) + " --weights " + ckpt), 3, "'0.bias'");
}

TEST_F(Cli, DivergenceStopsAndKeepsMetrics) {
  json j = good_config();
  // A linear network under MSE with a learning rate far past 2/λ_max grows geometrically to inf.
  j["train"] = {{"batch_size", 20}, {"optimizer", "sgd"}, {"lr", 100}, {"loss", "mse"}, {"log_every", 1}};
  j["model"]["blocks"][0]["norm"] = "none";
  j["model"]["blocks"][0]["activation"] = "none";
  const std::string csv = (dir_ / "m.csv").string();
  const Result r = run("train " + write_config(j) + " --steps 200 --metrics " + csv);
  EXPECT_EQ(r.code, 1) << r.output;
  EXPECT_NE(r.output.find("diverged"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("at step "), std::string::npos) << r.output;
  std::ifstream in(csv);
  int lines = 0;
  for (std::string l; std::getline(in, l);) ++lines;
  EXPECT_GE(lines, 2);  // the header and at least the step that diverged
}

// Late checks (#10, defect 6): an output that cannot be written is refused before the data is
// loaded and before 20,000 steps are trained, with the bad-argument exit code.
TEST_F(Cli, UnwritableOutputsAreRefusedBeforeTraining) {
  const std::string cfg = write_config(good_config());
  const std::string missing = (dir_ / "missing" / "run.safetensors").string();
  Result r = run("train " + cfg + " --steps 20000 --save " + missing);
  expect_error(r, 2, missing);
  EXPECT_NE(r.output.find("No such file or directory"), std::string::npos) << r.output;
  const std::string missing_csv = (dir_ / "missing" / "m.csv").string();
  expect_error(run("train " + cfg + " --steps 20000 --metrics " + missing_csv), 2, missing_csv);
  // A read-only folder. Root may write anywhere, so as root bnlab runs as nobody.
  fs::create_directories(dir_ / "ro");
  fs::permissions(dir_ / "ro", fs::perms::owner_read | fs::perms::owner_exec | fs::perms::group_read |
                                   fs::perms::group_exec | fs::perms::others_read | fs::perms::others_exec);
  const std::string as = ::geteuid() == 0 ? "setpriv --reuid=65534 --regid=65534 --clear-groups " : "";
  const std::string read_only = (dir_ / "ro" / "run.safetensors").string();
  r = run("train " + cfg + " --steps 20000 --save " + read_only, as);
  expect_error(r, 2, read_only);
  EXPECT_NE(r.output.find("Permission denied"), std::string::npos) << r.output;
  EXPECT_TRUE(fs::is_empty(dir_ / "ro"));
  fs::permissions(dir_ / "ro", fs::perms::owner_all);
}

// Starts `bnlab args...` in the background, its output discarded; returns its pid.
pid_t start_bnlab(const std::vector<std::string>& args) {
  std::vector<char*> argv = {const_cast<char*>(BNLAB_EXE)};
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  const pid_t pid = fork();
  if (pid == 0) {
    FILE* null = std::freopen("/dev/null", "w", stdout);
    if (null) std::freopen("/dev/null", "w", stderr);
    execv(BNLAB_EXE, argv.data());
    _exit(127);
  }
  return pid;
}

int lines_in(const std::string& path) {
  std::ifstream in(path);
  int n = 0;
  for (std::string l; std::getline(in, l);) ++n;
  return n;
}

std::string contents(const std::string& path) {
  std::ifstream in(path);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

// Nothing lost (#10): the metrics CSV is written beside its name and renamed when the run ends,
// so a training killed with SIGKILL leaves the previous file whole.
TEST_F(Cli, KilledTrainingLeavesThePreviousMetricsWhole) {
  const std::string cfg = write_config(good_config());
  const std::string csv = write("m.csv", "step,epoch,train_loss\n1,0.1,0.5\n");
  const pid_t pid = start_bnlab({"train", cfg, "--steps", "100000000", "--metrics", csv});
  const bool logging = wait_for([&] { return lines_in(csv + ".tmp") >= 4; }, 60.0);
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(logging) << "the run never logged into " << csv << ".tmp";
  EXPECT_EQ(contents(csv), "step,epoch,train_loss\n1,0.1,0.5\n");
  // The next run reuses the temporary the killed one left, and leaves none.
  const Result r = run("train " + cfg + " --steps 10 --metrics " + csv);
  EXPECT_EQ(r.code, 0) << r.output;
  EXPECT_EQ(lines_in(csv), 3);  // header, step 5, step 10
  EXPECT_FALSE(fs::exists(csv + ".tmp"));
}

// Ctrl+C stops training between steps and keeps every metrics row logged so far.
TEST_F(Cli, InterruptedTrainingKeepsItsMetrics) {
  const std::string cfg = write_config(good_config());
  const std::string csv = (dir_ / "m.csv").string(), ckpt = (dir_ / "c.safetensors").string();
  const pid_t pid = start_bnlab({"train", cfg, "--steps", "100000000", "--metrics", csv, "--save", ckpt});
  const bool logging = wait_for([&] { return lines_in(csv + ".tmp") >= 4; }, 60.0);
  kill(pid, SIGINT);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(logging) << "the run never logged into " << csv << ".tmp";
  ASSERT_TRUE(WIFEXITED(status)) << "killed by the signal instead of stopping";
  EXPECT_EQ(WEXITSTATUS(status), 130);
  EXPECT_GE(lines_in(csv), 4);
  EXPECT_FALSE(fs::exists(csv + ".tmp"));
  EXPECT_FALSE(fs::exists(ckpt));  // a run cut short is not saved as if it had finished
}

// A loss that stays finite but far above its start (lr 1000 with ReLU and cross-entropy: about
// 300, at chance accuracy) does not stop the run, which finishes with exit 0, but says so, on
// the terminal and in the summary line (#10, defect 6, divergence).
TEST_F(Cli, ALossFarAboveItsStartIsSaidButDoesNotStopTheRun) {
  json j = good_config();
  j["train"] = {{"batch_size", 20}, {"optimizer", "sgd"}, {"lr", 1000}, {"log_every", 50}};
  j["model"]["blocks"][0]["norm"] = "none";
  j["model"]["blocks"][0]["activation"] = "relu";
  const Result r = run("train " + write_config(j) + " --steps 2000");
  EXPECT_EQ(r.code, 0) << r.output;
  const size_t summary = r.output.rfind("{\"steps\": 2000");
  ASSERT_NE(summary, std::string::npos) << r.output;
  const json s = json::parse(r.output.substr(summary, r.output.find('\n', summary) - summary));
  ASSERT_TRUE(s.contains("warning")) << r.output;
  EXPECT_NE(s["warning"].get<std::string>().find("above 10x its start since step"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("bnlab: warning: the loss has stayed above"), std::string::npos) << r.output;
  // A run that learns says nothing of the kind.
  const Result good = run("train " + write_config(good_config(), "good.json") + " --steps 300");
  EXPECT_EQ(good.code, 0) << good.output;
  EXPECT_EQ(good.output.find("warning"), std::string::npos) << good.output;
}

}  // namespace
