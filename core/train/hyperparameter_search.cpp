// What this file is: the hyperparameter search's axes, metric and grid (hyperparameter_search.h).
#include "core/train/hyperparameter_search.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/error.h"
#include "core/train/small_batch_lab.h"

namespace bnlab {

const std::vector<SearchAxisKind>& search_axis_kinds() {
  // Default ranges a lecturer would start from: learning rates over two decades (note 002 tries
  // them on a log scale), momentum and β1 from none to the usual 0.9, β2 up to Adam's 0.999.
  static const std::vector<SearchAxisKind> kinds = {
      {"lr", false, false, 0.01, 3.0, 6, true},
      {"momentum", false, false, 0.0, 0.9, 4, false},
      {"weight_decay", false, false, 1e-5, 1e-2, 4, true},
      {"batch_size", false, true, 16, 256, 5, true},
      {"bn", true, false, 0, 1, 2, false},
      {"optimizer", true, false, 0, 2, 3, false},
      {"beta1", false, false, 0.5, 0.95, 4, false},
      {"beta2", false, false, 0.9, 0.999, 4, false},
  };
  return kinds;
}

const SearchAxisKind* search_axis_kind(const std::string& setting) {
  for (const SearchAxisKind& k : search_axis_kinds())
    if (setting == k.setting) return &k;
  return nullptr;
}

SearchAxis default_search_axis(const std::string& setting) {
  const SearchAxisKind* k = search_axis_kind(setting);
  if (!k) throw config_error("hyperparameter search: no axis '" + setting + "'");
  return {setting, k->from, k->to, k->count, k->log};
}

std::vector<double> search_axis_values(const SearchAxis& axis) {
  const SearchAxisKind* k = search_axis_kind(axis.setting);
  if (!k) throw config_error("hyperparameter search: no axis '" + axis.setting + "'");
  std::vector<double> values;
  if (k->discrete) {
    for (int v = static_cast<int>(k->from); v <= static_cast<int>(k->to); ++v) values.push_back(v);
    return values;
  }
  if (axis.count < 1 || axis.count > kMaxSearchValues)
    throw config_error("hyperparameter search: " + axis.setting + ": " + std::to_string(axis.count) +
                       " values (expected 1 to " + std::to_string(kMaxSearchValues) + ")");
  if (axis.log && (axis.from <= 0.0 || axis.to <= 0.0))
    throw config_error("hyperparameter search: " + axis.setting + ": a log scale needs values above 0");
  for (int i = 0; i < axis.count; ++i) {
    const double t = axis.count == 1 ? 0.0 : static_cast<double>(i) / (axis.count - 1);
    double v = axis.log ? axis.from * std::pow(axis.to / axis.from, t) : axis.from + (axis.to - axis.from) * t;
    if (k->integer) v = std::max(1.0, std::round(v));
    if (values.empty() || v != values.back()) values.push_back(v);
  }
  return values;
}

double search_metric(const CellResult& r, SearchMetric metric) {
  if (r.diverged || !r.error.empty() || r.evals.empty()) return std::numeric_limits<double>::quiet_NaN();
  switch (metric) {
    case SearchMetric::final_accuracy: return r.final_accuracy;
    case SearchMetric::best_accuracy: return r.best_accuracy;
    case SearchMetric::final_loss: return r.final_loss;
    case SearchMetric::best_loss: return r.best_loss;
  }
  return std::numeric_limits<double>::quiet_NaN();
}

SearchScale search_scale(const std::vector<CellResult>& results, SearchMetric metric) {
  SearchScale s{std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::quiet_NaN(), -1};
  for (size_t i = 0; i < results.size(); ++i) {
    const double v = search_metric(results[i], metric);
    if (!std::isfinite(v)) continue;  // a diverged loss of 1e30 would squash every other colour
    if (s.best < 0) {
      s.lo = s.hi = v;
      s.best = static_cast<int>(i);
      continue;
    }
    s.lo = std::min(s.lo, v);
    s.hi = std::max(s.hi, v);
    const double best = search_metric(results[s.best], metric);
    if (higher_is_better(metric) ? v > best : v < best) s.best = static_cast<int>(i);
  }
  return s;
}

double search_shade(double value, const SearchScale& scale, SearchMetric metric) {
  if (!(scale.hi > scale.lo)) return 1.0;
  if (higher_is_better(metric)) return std::clamp((value - scale.lo) / (scale.hi - scale.lo), 0.0, 1.0);
  // Losses on a log scale: a run whose loss blew up to 40 would otherwise leave every loss
  // between 0.5 and 2.5 the same colour. (A loss is positive; a zero one is the best.)
  if (!(scale.lo > 0.0)) return 1.0 - std::clamp((value - scale.lo) / (scale.hi - scale.lo), 0.0, 1.0);
  return 1.0 - std::clamp(std::log(value / scale.lo) / std::log(scale.hi / scale.lo), 0.0, 1.0);
}

Config search_base(const Config& run_a, const SearchPlan& plan, bool* switched) {
  Config cfg = run_a;
  auto is = [&](const char* s) { return plan.rows.setting == s || plan.cols.setting == s; };
  const bool to_adam = (is("beta1") || is("beta2")) && !is("optimizer") && cfg.train.optimizer != "adam";
  if (to_adam) cfg.train.optimizer = "adam";
  if (switched) *switched = to_adam;
  return cfg;
}

HyperparameterSearch::HyperparameterSearch(const Config& run_a, std::shared_ptr<const DataSplit> data, SearchPlan plan,
                                           int threads)
    : plan_(std::move(plan)) {
  base_ = search_base(run_a, plan_, &switched_to_adam_);
  SweepAxis rows{plan_.rows.setting, search_axis_values(plan_.rows)};
  SweepAxis cols{plan_.cols.setting, search_axis_values(plan_.cols)};
  data_ = first_examples(*data, plan_.train_limit, plan_.test_limit);
  eval_every_ = std::max<int64_t>(1, plan_.length.steps_for(base_.train.batch_size) / std::max(1, plan_.evaluations));
  sweep_ = std::make_unique<Sweep>(base_, std::move(rows), std::move(cols), plan_.length, data_, threads, eval_every_);
}

}  // namespace bnlab
