#include "common/jobs.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace govcloud {

JobRunner::JobRunner(const Clock& clock) : clock_(clock) {}

void JobRunner::every(std::string name, TimeMs interval, std::function<void()> fn) {
  std::lock_guard lock(mu_);
  jobs_.push_back(
      Job{std::move(name), clock_.now() + interval, std::max<TimeMs>(interval, 1), std::move(fn)});
}

void JobRunner::at(std::string name, TimeMs when, std::function<void()> fn) {
  std::lock_guard lock(mu_);
  jobs_.push_back(Job{std::move(name), when, 0, std::move(fn)});
}

int JobRunner::run_due() {
  std::lock_guard running(run_mu_);
  int ran = 0;
  for (;;) {
    Job job;
    {
      std::lock_guard lock(mu_);
      TimeMs now = clock_.now();
      auto it = std::min_element(jobs_.begin(), jobs_.end(),
                                 [](const Job& a, const Job& b) { return a.due < b.due; });
      if (it == jobs_.end() || it->due > now) return ran;
      job = *it;
      if (it->interval > 0) {
        // Periodic: next time one interval on; after a long gap (a suspended host, a test clock
        // jump) it runs once, not once per missed interval.
        it->due += it->interval;
        if (it->due <= now) it->due = now + it->interval;
      } else {
        jobs_.erase(it);
      }
    }
    try {
      job.fn();
    } catch (const std::exception& e) {
      spdlog::error("job {}: {}", job.name, e.what());
    }
    ++ran;
  }
}

std::optional<TimeMs> JobRunner::next_due() const {
  std::lock_guard lock(mu_);
  if (jobs_.empty()) return std::nullopt;
  return std::min_element(jobs_.begin(), jobs_.end(),
                          [](const Job& a, const Job& b) { return a.due < b.due; })
      ->due;
}

std::vector<std::string> JobRunner::names() const {
  std::lock_guard lock(mu_);
  std::vector<std::string> out;
  for (const auto& j : jobs_) out.push_back(j.name);
  return out;
}

}  // namespace govcloud
