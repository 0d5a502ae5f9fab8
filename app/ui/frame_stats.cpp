// What this file is: frame statistics and the redraw check (frame_stats.h).
#include "ui/frame_stats.h"

#include <GLFW/glfw3.h>
#include <imgui.h>

#include <algorithm>
#include <cstdio>
#include <string>

namespace bnlab::ui {

int64_t steps_of(const Session& session, bool a) {
  const TwinRuns* twins = session.twins();
  return twins ? (a ? twins->a() : twins->b()).snapshot()->step : 0;
}

void advance_versus_idle(VersusIdle& v, const Session& session, double now) {
  const int64_t a = steps_of(session, true), b = steps_of(session, false);
  if (!v.running) {
    v = VersusIdle{};
    v.running = true;
    v.phase_start = now;
    v.phase_steps[0] = a;
    v.phase_steps[1] = b;
    return;
  }
  if (now - v.phase_start < VersusIdle::kPhaseSeconds) return;
  const int k = v.idle ? 1 : 0;
  v.seconds[k] += now - v.phase_start;
  v.steps[k][0] += a - v.phase_steps[0];
  v.steps[k][1] += b - v.phase_steps[1];
  ++v.phases;
  v.idle = !v.idle;
  v.phase_start = now;
  v.phase_steps[0] = a;
  v.phase_steps[1] = b;
}

void print_versus_idle(const VersusIdle& v) {
  if (v.seconds[0] <= 0.0 || v.seconds[1] <= 0.0) {
    std::printf("{\"versus_idle\": null}\n");  // too short a run for one phase of each
    return;
  }
  double rate[2][2];
  for (int k = 0; k < 2; ++k)
    for (int r = 0; r < 2; ++r) rate[k][r] = v.steps[k][r] / v.seconds[k];
  std::printf("{\"versus_idle\": {\"phases\": %d, \"drawing_steps_per_s_a\": %.1f, \"idle_steps_per_s_a\": %.1f, "
              "\"ratio_a\": %.4f, \"drawing_steps_per_s_b\": %.1f, \"idle_steps_per_s_b\": %.1f, \"ratio_b\": %.4f}}\n",
              v.phases, rate[0][0], rate[1][0], rate[1][0] > 0 ? rate[0][0] / rate[1][0] : 0.0, rate[0][1], rate[1][1],
              rate[1][1] > 0 ? rate[0][1] / rate[1][1] : 0.0);
}

void begin_frame_stats(FrameStats& s, const Session& session) {
  s.start = std::chrono::steady_clock::now();
  s.process_cpu0 = cpu_seconds(CLOCK_PROCESS_CPUTIME_ID);
  s.thread_cpu0 = cpu_seconds(CLOCK_THREAD_CPUTIME_ID);
  s.steps_a0 = steps_of(session, true);
  s.steps_b0 = steps_of(session, false);
}

// One JSON line: frame work time (median, p99), frames per second, the CPU time per frame of
// the UI thread and of the whole process (trainers and the GL driver's threads included), the
// vertices drawn, and each run's steps per second over the same interval; then where the runs
// ended (step, paused, blocks of A with BN, A's and B's norm per block, dataset), which the
// keyboard tests read.
void print_frame_stats(FrameStats& s, const Lab& lab) {
  const Session& session = lab.session;
  const size_t n = s.work_ms.size();
  int bn_blocks_a = 0;
  std::string norms[2];  // A's and B's norm per block, the output's included: "batch", "layer", ...
  const auto& blocks = session.config().model.blocks;
  for (size_t i = 0; i < blocks.size(); ++i) {
    bn_blocks_a += blocks[i].norm == NormKind::batch;
    const NormKind kinds[2] = {blocks[i].norm, session.norm(1, static_cast<int>(i))};
    for (int run = 0; run < 2; ++run) norms[run] += std::string(i ? ", " : "") + "\"" + norm_name(kinds[run]) + "\"";
  }
  std::printf("{\"step_a\": %lld, \"step_b\": %lld, \"paused\": %s, \"bn_blocks_a\": %d, \"norms_a\": [%s], "
              "\"norms_b\": [%s], \"dataset\": \"%s\", \"focused\": \"%s\", \"sidebar\": %s, \"scene\": \"%s\", "
              "\"scene_step\": %d}\n",
              static_cast<long long>(steps_of(session, true)), static_cast<long long>(steps_of(session, false)),
              session.paused() ? "true" : "false", bn_blocks_a, norms[0].c_str(), norms[1].c_str(),
              session.config().data.dataset.c_str(),
              lab.settings.focused_panel.c_str(), lab.settings.sidebar ? "true" : "false",
              lab.player ? lab.player->scene().id.c_str() : "", lab.player ? lab.player->index() : -1);
  if (n == 0) return;
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - s.start).count();
  const auto median = [](auto v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
  };
  std::sort(s.work_ms.begin(), s.work_ms.end());
  std::printf("{\"frames\": %zu, \"median_ms\": %.2f, \"p99_ms\": %.2f, \"build_ms\": %.2f, \"submit_ms\": %.2f, "
              "\"swap_ms\": %.2f, \"fps\": %.1f, \"ui_cpu_ms_per_frame\": %.2f, \"process_cpu_ms_per_frame\": %.2f, "
              "\"vertices\": %d, \"indices\": %d, \"tiles_drawn\": %d, \"full_frames\": %d, \"steps_per_s_a\": %.0f, "
              "\"steps_per_s_b\": %.0f}\n",
              n, s.work_ms[n / 2], s.work_ms[std::min(n - 1, n * 99 / 100)], median(s.build_ms), median(s.submit_ms),
              median(s.swap_ms), n / secs, (cpu_seconds(CLOCK_THREAD_CPUTIME_ID) - s.thread_cpu0) * 1e3 / n,
              (cpu_seconds(CLOCK_PROCESS_CPUTIME_ID) - s.process_cpu0) * 1e3 / n, median(s.vertices),
              median(s.indices), median(s.tiles_drawn), s.full_frames, (steps_of(session, true) - s.steps_a0) / secs,
              (steps_of(session, false) - s.steps_b0) / secs);
}

// --check-redraw: the picture partial redraws left in the back buffer against one drawn from
// scratch from the same draw lists, every window built. Differing pixels mean a tile that
// changed was not redrawn, or one that was kept did not survive in the back buffer.
void print_redraw_check(const PartialRedraw& redraw, int width, int height, const float clear[3]) {
  std::vector<uint32_t> partial(static_cast<size_t>(width) * height), fresh(partial.size());
  glPixelStorei(GL_PACK_ALIGNMENT, 4);
  glReadPixels(0, 0, width, height, GL_RGBA, GL_UNSIGNED_BYTE, partial.data());
  draw_everything(ImGui::GetDrawData(), clear);
  glReadPixels(0, 0, width, height, GL_RGBA, GL_UNSIGNED_BYTE, fresh.data());
  // The marker pixel (bottom right, the first row read) is the only one drawn differently.
  partial[static_cast<size_t>(width) - 1] = fresh[static_cast<size_t>(width) - 1];
  size_t differing = 0;
  for (size_t i = 0; i < partial.size(); ++i) differing += (partial[i] & 0xFFFFFFu) != (fresh[i] & 0xFFFFFFu);
  std::printf("{\"redraw_check\": {\"pixels\": %zu, \"differing\": %zu, \"partial\": %s, \"tiles_drawn\": %d}}\n",
              partial.size(), differing, redraw.drew_everything() ? "false" : "true", redraw.tiles_drawn());
}


}  // namespace bnlab::ui
