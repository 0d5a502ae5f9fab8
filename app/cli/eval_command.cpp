// What this file is: `bnlab eval CONFIG.json --weights CKPT [--stats running|batch|population]
// [--split test|train]`: prints {"loss": L, "accuracy": A, "examples": N}.
#include <cstdio>
#include <memory>

#include "cli/args.h"
#include "cli/commands.h"
#include "core/error.h"
#include "core/io/checkpoint.h"
#include "core/train/run.h"

namespace bnlab {

int eval_command(const std::vector<std::string>& argv) {
  Args args(argv, {"--weights", "--stats", "--split"});
  if (args.positional().size() != 1) throw config_error("eval: expected one CONFIG.json");
  if (!args.has("--weights")) throw config_error("eval: --weights CKPT is required");
  const std::string split = args.get("--split", "test");
  if (split != "test" && split != "train") throw config_error("--split: unknown value '" + split + "' (expected test, train)");
  const Mode mode = inference_mode(args.get("--stats", "running"));
  const Config cfg = load_config(args.positional()[0]);
  auto data = std::make_shared<const DataSplit>(load_data(cfg.data, cfg.seed));
  Run run(cfg, data);
  load_checkpoint(args.get("--weights"), run.model());
  const EvalResult r = run.evaluate(split, mode);
  std::printf("{\"loss\": %.6g, \"accuracy\": %.6g, \"examples\": %d}\n", r.loss, r.accuracy, r.examples);
  return 0;
}

}  // namespace bnlab
