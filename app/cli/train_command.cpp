// What this file is: `bnlab train CONFIG.json [--steps N | --epochs E] [--seed S] [--init CKPT]
// [--save CKPT] [--metrics OUT.csv]`. Trains, shows progress on the terminal, writes the metrics
// CSV row by row (so a run that stops early keeps what it logged), and saves a checkpoint.
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <memory>

#include "cli/args.h"
#include "cli/commands.h"
#include "core/error.h"
#include "core/io/checkpoint.h"
#include "core/train/run.h"

namespace bnlab {
namespace {

using Clock = std::chrono::steady_clock;

// The metrics CSV: one row per logged step; the test columns are filled on evaluation rows.
class MetricsFile {
 public:
  explicit MetricsFile(const std::string& path) : path_(path) {
    if (path.empty()) return;
    out_.open(path, std::ios::trunc);
    if (!out_) throw data_error(path + ": cannot write metrics file");
    out_ << "step,epoch,train_loss,train_accuracy,lr,test_loss,test_accuracy\n";
    out_.flush();
  }
  void row(int64_t step, double epoch, double loss, double acc, double lr, const EvalResult* test) {
    if (!out_.is_open()) return;
    char buf[256];
    std::snprintf(buf, sizeof buf, "%lld,%.4f,%.6g,%.6g,%.6g,", static_cast<long long>(step), epoch, loss, acc, lr);
    out_ << buf;
    if (test) {
      std::snprintf(buf, sizeof buf, "%.6g,%.6g", test->loss, test->accuracy);
      out_ << buf;
    } else {
      out_ << ",";
    }
    out_ << "\n";
    out_.flush();  // a run stopped by divergence or Ctrl+C keeps every row written so far
  }

 private:
  std::string path_;
  std::ofstream out_;
};

}  // namespace

int train_command(const std::vector<std::string>& argv) {
  Args args(argv, {"--steps", "--epochs", "--seed", "--init", "--save", "--metrics"});
  if (args.positional().size() != 1) throw config_error("train: expected one CONFIG.json, got " + std::to_string(args.positional().size()) + " arguments");
  if (args.has("--steps") && args.has("--epochs")) throw config_error("train: give --steps or --epochs, not both");
  Config cfg = load_config(args.positional()[0]);
  if (args.has("--seed")) cfg.seed = static_cast<uint64_t>(args.get_int("--seed", 1, 0, (1ll << 62)));

  const auto load_start = Clock::now();
  auto data = std::make_shared<const DataSplit>(load_data(cfg.data, cfg.seed));
  Run run(cfg, data);
  if (args.has("--init")) load_checkpoint(args.get("--init"), run.model());
  const int64_t per_epoch = run.batches_per_epoch();
  const int64_t total = args.has("--steps") ? args.get_int("--steps", 1, 1, 1ll << 40)
                                            : args.get_int("--epochs", 1, 1, 1 << 20) * per_epoch;
  MetricsFile metrics(args.get("--metrics"));
  const bool tty = isatty(fileno(stderr));
  std::fprintf(stderr, "bnlab train: %s, %d training and %d test examples, %lld parameters, %lld steps (%lld per epoch), loaded in %.1f s\n",
               data->train.name.c_str(), data->train.size(), data->test.size(),
               static_cast<long long>(run.model().parameter_count()), static_cast<long long>(total),
               static_cast<long long>(per_epoch),
               std::chrono::duration<double>(Clock::now() - load_start).count());

  const int log_every = cfg.train.log_every;
  const int64_t eval_every = cfg.train.eval_every > 0 ? cfg.train.eval_every : per_epoch;
  double loss_sum = 0.0, acc_sum = 0.0;
  int logged = 0;
  const auto start = Clock::now();
  auto last_print = start;
  EvalResult last_test;
  for (int64_t s = 1; s <= total; ++s) {
    const StepRecord r = run.step();
    for (const std::string& w : run.model().take_warnings()) std::fprintf(stderr, "\nbnlab: warning: %s\n", w.c_str());
    if (!std::isfinite(r.loss)) {
      const double epoch = static_cast<double>(r.step) / per_epoch;
      metrics.row(r.step, epoch, r.loss, r.accuracy, r.lr, nullptr);
      std::fprintf(stderr, "%sbnlab: training diverged: the loss became %s at step %lld (epoch %.2f); learning rate %g too high? "
                   "Stopped; the metrics up to this step are saved%s.\n",
                   tty ? "\n" : "", std::isnan(r.loss) ? "NaN" : "infinite", static_cast<long long>(r.step), epoch,
                   static_cast<double>(r.lr), args.has("--save") ? ", the checkpoint is not" : "");
      return 1;
    }
    loss_sum += r.loss;
    acc_sum += r.accuracy;
    ++logged;
    const bool eval_now = s % eval_every == 0 || s == total;
    if (s % log_every == 0 || eval_now) {
      const double epoch = static_cast<double>(r.step) / per_epoch;
      if (eval_now) last_test = run.evaluate("test", Mode::infer_running);
      metrics.row(r.step, epoch, loss_sum / logged, acc_sum / logged, r.lr, eval_now ? &last_test : nullptr);
      if (eval_now)
        std::fprintf(stderr, "%sstep %lld  epoch %.2f  train loss %.4f  test loss %.4f  test accuracy %.4f\n",
                     tty ? "\r\033[K" : "", static_cast<long long>(r.step), epoch, loss_sum / logged,
                     last_test.loss, last_test.accuracy);
      loss_sum = acc_sum = 0.0;
      logged = 0;
    }
    const auto now = Clock::now();
    if (tty && now - last_print > std::chrono::milliseconds(250)) {
      last_print = now;
      const double secs = std::chrono::duration<double>(now - start).count();
      std::fprintf(stderr, "\r\033[Kstep %lld/%lld  epoch %d  loss %.4f  %.0f steps/s", static_cast<long long>(s),
                   static_cast<long long>(total), r.epoch + 1, r.loss, static_cast<double>(s) / secs);
    }
  }
  const double secs = std::chrono::duration<double>(Clock::now() - start).count();
  if (args.has("--save")) save_checkpoint(args.get("--save"), run.model(), cfg);
  std::printf("{\"steps\": %lld, \"seconds\": %.3f, \"steps_per_second\": %.1f, \"test_loss\": %.6g, \"test_accuracy\": %.6g}\n",
              static_cast<long long>(total), secs, static_cast<double>(total) / secs, last_test.loss, last_test.accuracy);
  return 0;
}

}  // namespace bnlab
