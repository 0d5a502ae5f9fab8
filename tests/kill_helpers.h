// What this file is: kill -9 in the middle of a save. A child process repeats a save forever and
// is SIGKILLed after a different delay each time; after each kill the caller checks the file
// under the user's name. Used by the checkpoint, settings and export tests.
#pragma once

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <thread>

namespace bnlab {

struct KillReport {
  int killed = 0;    // children that died of SIGKILL (not of anything else)
  int mid_save = 0;  // kills that left the temporary behind: they landed inside a save
};

// `save(i)` writes version i; it runs in a forked child, which reports its first complete save
// through a pipe before the parent waits `k * step` and kills it. Every other kill
// then also waits until the temporary exists, so at least half the kills land inside a save
// however slow the machine (under ASan a save spends most of its time before the file is opened,
// and kills at fixed delays all fell outside). `check` runs after each kill.
inline KillReport kill_during_saves(const std::function<void(int)>& save, const std::string& temporary, int kills,
                                    std::chrono::microseconds step, const std::function<void()>& check) {
  KillReport report;
  for (int k = 0; k < kills; ++k) {
    int fds[2];
    if (pipe(fds) != 0) return report;
    const pid_t pid = fork();
    if (pid == 0) {
      close(fds[0]);
      try {
        save(0);
        if (write(fds[1], "s", 1) != 1) _exit(2);
        for (int i = 1;; ++i) save(i);
      } catch (...) {
        _exit(3);
      }
    }
    close(fds[1]);
    char c = 0;
    const bool saved_once = read(fds[0], &c, 1) == 1;  // blocks until the first save is complete
    close(fds[0]);
    if (saved_once) {
      std::this_thread::sleep_for(step * k);
      const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(5);
      while (k % 2 == 1 && !std::filesystem::exists(temporary) && std::chrono::steady_clock::now() < give_up)
        std::this_thread::yield();
    }
    kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    if (!saved_once || !WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL) continue;
    ++report.killed;
    if (std::filesystem::exists(temporary)) ++report.mid_save;
    check();
  }
  return report;
}

}  // namespace bnlab
