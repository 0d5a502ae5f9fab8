// What this file is: `bnlab train CONFIG.json [--steps N | --epochs E] [--seed S] [--init CKPT]
// [--save CKPT] [--metrics OUT.csv]`. Checks that its outputs can be written, trains, shows
// progress on the terminal, writes the metrics CSV row by row into its temporary (renamed into
// place when the run ends, also when it diverges or Ctrl+C stops it, so such a run keeps what
// it logged and a killed one leaves the previous file whole), and saves a checkpoint.
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>

#include "cli/args.h"
#include "cli/commands.h"
#include "core/error.h"
#include "core/io/atomic_file.h"
#include "core/io/checkpoint.h"
#include "core/train/loss_watch.h"
#include "core/train/run.h"

namespace bnlab {
namespace {

using Clock = std::chrono::steady_clock;

// The metrics CSV: one row per logged step; the test columns are filled on evaluation rows.
class MetricsFile {
 public:
  explicit MetricsFile(const std::string& path) {
    if (path.empty()) return;
    file_.emplace(path);
    file_->write("step,epoch,train_loss,train_accuracy,lr,test_loss,test_accuracy\n");
  }
  void row(int64_t step, double epoch, double loss, double acc, double lr, const EvalResult* test) {
    if (!file_) return;
    char buf[512];
    int n = std::snprintf(buf, sizeof buf, "%lld,%.4f,%.6g,%.6g,%.6g,", static_cast<long long>(step), epoch, loss, acc, lr);
    n += test ? std::snprintf(buf + n, sizeof buf - n, "%.6g,%.6g\n", test->loss, test->accuracy)
              : std::snprintf(buf + n, sizeof buf - n, ",\n");
    file_->write(buf, static_cast<size_t>(n));  // unbuffered: the temporary holds every row so far
  }
  // The rows so far go under the file's name (the end of a run, whatever ended it).
  void finish() {
    if (file_) file_->commit();
    file_.reset();
  }

 private:
  std::optional<AtomicFile> file_;
};

// Ctrl+C asks the loop to stop between steps; a second one ends the process at once.
volatile std::sig_atomic_t interrupted = 0;
void on_interrupt(int) { interrupted = 1; }

// An output of `flag` that cannot be written is a bad argument, found before any training.
void check_output(const Args& args, const std::string& flag) {
  if (!args.has(flag)) return;
  try {
    check_writable(args.get(flag));
  } catch (const Error& e) {
    throw config_error(flag + ": " + e.what());
  }
}

// The loss-far-above-its-start warning (core/train/loss_watch.h), in words.
std::string loss_high_message(const LossAlarm& a, float lr) {
  char buf[320];
  std::snprintf(buf, sizeof buf,
                "the loss has stayed above %gx its start since step %lld (mean of the last %d steps %.4g, first step %.4g): "
                "the run is not learning; learning rate %g too high?",
                static_cast<double>(a.factor), static_cast<long long>(a.since), a.window, static_cast<double>(a.recent),
                static_cast<double>(a.start), static_cast<double>(lr));
  return buf;
}

}  // namespace

int train_command(const std::vector<std::string>& argv) {
  Args args(argv, {"--steps", "--epochs", "--seed", "--init", "--save", "--metrics"});
  if (args.positional().size() != 1) throw config_error("train: expected one CONFIG.json, got " + std::to_string(args.positional().size()) + " arguments");
  if (args.has("--steps") && args.has("--epochs")) throw config_error("train: give --steps or --epochs, not both");
  Config cfg = load_config(args.positional()[0]);
  if (args.has("--seed")) cfg.seed = static_cast<uint64_t>(args.get_int("--seed", 1, 0, (1ll << 62)));
  check_output(args, "--save");
  check_output(args, "--metrics");

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
  LossWatch watch;  // a finite loss never stops the run, but one that stays far above its start is said
  struct sigaction on_ctrl_c {};
  on_ctrl_c.sa_handler = on_interrupt;
  on_ctrl_c.sa_flags = SA_RESETHAND;  // the second Ctrl+C is the default: the end, at once
  sigaction(SIGINT, &on_ctrl_c, nullptr);
  try {
    for (int64_t s = 1; s <= total; ++s) {
      if (interrupted) {
        metrics.finish();
        std::fprintf(stderr, "%sbnlab: interrupted at step %lld; the metrics up to this step are saved%s.\n", tty ? "\n" : "",
                     static_cast<long long>(s - 1), args.has("--save") ? ", the checkpoint is not" : "");
        return 130;  // the shell's code for a run ended by SIGINT
      }
      const StepRecord r = run.step(nullptr, Taps::skipped);  // nothing here reads the taps
      for (const std::string& w : run.model().take_warnings()) std::fprintf(stderr, "\nbnlab: warning: %s\n", w.c_str());
      if (!std::isfinite(r.loss)) {
        const double epoch = static_cast<double>(r.step) / per_epoch;
        metrics.row(r.step, epoch, r.loss, r.accuracy, r.lr, nullptr);
        metrics.finish();
        std::fprintf(stderr, "%sbnlab: training diverged: the loss became %s at step %lld (epoch %.2f); learning rate %g too high? "
                     "Stopped; the metrics up to this step are saved%s.\n",
                     tty ? "\n" : "", std::isnan(r.loss) ? "NaN" : "infinite", static_cast<long long>(r.step), epoch,
                     static_cast<double>(r.lr), args.has("--save") ? ", the checkpoint is not" : "");
        return 1;
      }
      const bool was_raised = watch.alarm().raised();
      watch.add(r.step, r.loss);
      if (watch.alarm().raised() && !was_raised)
        std::fprintf(stderr, "%sbnlab: warning: %s\n", tty ? "\r\033[K" : "", loss_high_message(watch.alarm(), r.lr).c_str());
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
  } catch (...) {
    try {
      metrics.finish();  // what was logged before the error stays
    } catch (const Error&) {
    }
    throw;
  }
  metrics.finish();
  const double secs = std::chrono::duration<double>(Clock::now() - start).count();
  if (args.has("--save")) save_checkpoint(args.get("--save"), run.model(), cfg);
  // The summary: a run that ended with its loss far above its start says so here too (exit 0:
  // it finished; only a non-finite loss stops a run).
  std::string warning;
  if (watch.alarm().raised()) warning = loss_high_message(watch.alarm(), run.optimizer().lr_);
  std::printf("{\"steps\": %lld, \"seconds\": %.3f, \"steps_per_second\": %.1f, \"test_loss\": %.6g, \"test_accuracy\": %.6g%s%s%s}\n",
              static_cast<long long>(total), secs, static_cast<double>(total) / secs, last_test.loss, last_test.accuracy,
              warning.empty() ? "" : ", \"warning\": \"", warning.c_str(), warning.empty() ? "" : "\"");
  return 0;
}

}  // namespace bnlab
