// The job runner runs what is due by the injected clock, and nothing else (decision 0010).
#include "common/jobs.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace govcloud {
namespace {

TEST(Jobs, PeriodicJobsRunWhenTheClockSaysSo) {
  ManualClock clock(1000000);
  JobRunner jobs(clock);
  int ticks = 0, minutes = 0;
  jobs.every("tick", kSecondMs, [&] { ++ticks; });
  jobs.every("minute", kMinuteMs, [&] { ++minutes; });
  EXPECT_EQ(jobs.run_due(), 0);
  clock.advance(kSecondMs);
  EXPECT_EQ(jobs.run_due(), 1);
  EXPECT_EQ(ticks, 1);
  clock.advance(kMinuteMs);
  jobs.run_due();
  // A long gap runs a periodic job once, not once per missed interval.
  EXPECT_EQ(ticks, 2);
  EXPECT_EQ(minutes, 1);
  EXPECT_EQ(*jobs.next_due(), clock.now() + kSecondMs);
}

TEST(Jobs, OneShotJobsRunOnceAndMayScheduleMore) {
  ManualClock clock(0);
  JobRunner jobs(clock);
  std::vector<std::string> ran;
  jobs.at("later", 5000, [&] {
    ran.push_back("later");
    jobs.at("follow-up", clock.now(), [&] { ran.push_back("follow-up"); });
  });
  jobs.at("sooner", 1000, [&] { ran.push_back("sooner"); });
  clock.advance(10000);
  EXPECT_EQ(jobs.run_due(), 3);
  EXPECT_EQ(ran, (std::vector<std::string>{"sooner", "later", "follow-up"}));
  EXPECT_EQ(jobs.run_due(), 0);
  EXPECT_FALSE(jobs.next_due().has_value());
}

TEST(Jobs, AFailingJobIsLoggedAndKept) {
  ManualClock clock(0);
  JobRunner jobs(clock);
  int runs = 0;
  jobs.every("flaky", 1000, [&] {
    ++runs;
    throw std::runtime_error("engine unreachable");
  });
  clock.advance(1000);
  EXPECT_EQ(jobs.run_due(), 1);
  clock.advance(1000);
  EXPECT_EQ(jobs.run_due(), 1);
  EXPECT_EQ(runs, 2);
}

}  // namespace
}  // namespace govcloud
