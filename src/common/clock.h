// Time is injected: services take a Clock& so tests move time instead of sleeping.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

namespace govcloud {

// Milliseconds since the Unix epoch, UTC.
using TimeMs = std::int64_t;

constexpr TimeMs kSecondMs = 1000;
constexpr TimeMs kMinuteMs = 60 * kSecondMs;
constexpr TimeMs kHourMs = 60 * kMinuteMs;
constexpr TimeMs kDayMs = 24 * kHourMs;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimeMs now() const = 0;
};

class SystemClock final : public Clock {
 public:
  TimeMs now() const override;
};

// A clock that moves only when told to; for tests.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(TimeMs start) : now_(start) {}
  TimeMs now() const override { return now_.load(); }
  void advance(TimeMs delta) { now_ += delta; }
  void set(TimeMs t) { now_ = t; }

 private:
  std::atomic<TimeMs> now_;
};

// "2026-11-24T10:50:46.123Z"
std::string format_iso8601(TimeMs t);
// Accepts "YYYY-MM-DD", "YYYY-MM-DDTHH:MM:SSZ" and with ".mmm"; false on anything else.
bool parse_iso8601(const std::string& text, TimeMs& out);

// Calendar months later (UTC), clamping the day: Jan 31 + 1 month = Feb 28/29.
TimeMs add_months(TimeMs t, int months);

}  // namespace govcloud
