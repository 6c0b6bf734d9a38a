// One job runner on the injected clock (decision 0010): periodic and delayed work — quota
// schedule ticks, audit checkpoints, later operations, the reconciler, heartbeats, metering —
// is registered here and run when the clock says it is due. `serve` wakes it once a second;
// tests advance a manual clock and call run_due(), so nothing waits for real time to pass.
#pragma once

#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"

namespace govcloud {

class JobRunner {
 public:
  explicit JobRunner(const Clock& clock);

  // Runs fn every `interval` of clock time, the first time one interval from now.
  void every(std::string name, TimeMs interval, std::function<void()> fn);
  // Runs fn once, when the clock reaches `when`.
  void at(std::string name, TimeMs when, std::function<void()> fn);

  // Runs every job due by now, earliest first; a job may register others. A job that throws is
  // logged and, if periodic, kept. Returns how many ran.
  int run_due();
  std::optional<TimeMs> next_due() const;
  std::vector<std::string> names() const;

 private:
  struct Job {
    std::string name;
    TimeMs due = 0;
    TimeMs interval = 0;  // 0: once
    std::function<void()> fn;
  };
  const Clock& clock_;
  mutable std::mutex mu_;
  std::vector<Job> jobs_;
  std::mutex run_mu_;  // one run_due at a time
};

}  // namespace govcloud
