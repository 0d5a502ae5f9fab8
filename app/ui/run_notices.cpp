// What this file is: the notices on the runs (run_notices.h), worded in the UI's language.
#include "ui/run_notices.h"

#include <cmath>
#include <cstdio>

#include "ui/text.h"

namespace bnlab::ui {
namespace {

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g", v);
  return buf;
}

void add_notices(const TrainerSnapshot& s, char run, std::vector<RunNotice>& out) {
  const std::string name(1, run);
  if (s.diverged) {
    const float loss = s.last.loss;
    const std::string value = std::isnan(loss) ? "NaN" : loss > 0 ? "+∞" : "−∞";
    out.push_back({RunNotice::Kind::diverged, run, s.diverged_at, {},
                   fill(tr("notice.diverged"), {{"run", name}, {"step", std::to_string(s.diverged_at)}, {"value", value}})});
  } else if (s.loss_alarm.raised()) {
    const LossAlarm& a = s.loss_alarm;
    out.push_back({RunNotice::Kind::loss_high, run, a.since, {},
                   fill(tr("notice.loss_high"), {{"run", name},
                                                 {"step", std::to_string(a.since)},
                                                 {"factor", number(a.factor)},
                                                 {"recent", number(a.recent)},
                                                 {"start", number(a.start)}})});
  }
  if (!s.one_value_norms.empty()) {
    std::string blocks;
    for (int b : s.one_value_norms) blocks += (blocks.empty() ? "" : tr("notice.list_separator")) + std::to_string(b + 1);
    const char* which = s.one_value_norms.size() == 1 ? "notice.one_block" : "notice.several_blocks";
    out.push_back({RunNotice::Kind::bn_one_value, run, s.step, s.one_value_norms,
                   fill(tr("notice.bn_one_value"), {{"run", name}, {"blocks", fill(tr(which), {{"list", blocks}})}})});
  }
}

}  // namespace

std::vector<RunNotice> run_notices(const TrainerSnapshot* a, const TrainerSnapshot* b) {
  std::vector<RunNotice> out;
  if (a) add_notices(*a, 'A', out);
  if (b) add_notices(*b, 'B', out);
  return out;
}

}  // namespace bnlab::ui
