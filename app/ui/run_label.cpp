// What this file is: what a run normalizes with, in words (run_label.h).
#include "ui/run_label.h"

#include "ui/session.h"
#include "ui/text.h"

namespace bnlab::ui {

std::string run_norms(const Session& session, int run) {
  const int hidden = static_cast<int>(session.config().model.blocks.size()) - 1;
  bool any_bn = false, others = false;
  std::string list;
  for (int k = 0; k < hidden; ++k) {
    const NormKind kind = session.norm(run, k);
    any_bn |= kind == NormKind::batch;
    others |= kind != NormKind::batch && kind != NormKind::none;
    list += std::string(k ? ", " : "") + (kind == NormKind::none ? tr("normmenu.none_short") : norm_abbreviation(kind));
  }
  if (!others) return tr(any_bn ? "run.a" : "run.b");
  return fill(tr("normmenu.run_norms"), {{"norms", list}});
}

}  // namespace bnlab::ui
