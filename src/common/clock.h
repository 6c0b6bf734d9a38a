// Time is injected: services take a Clock& so tests move time instead of sleeping.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

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

// System time plus an offset that only moves forward; for API tests that must let a token
// expire or a month pass without waiting. `govcloud serve` uses it only when built with test
// hooks and started with --test-clock (never in a release build; decision 0007).
class AdjustableClock final : public Clock {
 public:
  TimeMs now() const override { return system_.now() + offset_.load(); }
  void advance(TimeMs delta) { offset_ += delta; }

 private:
  SystemClock system_;
  std::atomic<TimeMs> offset_{0};
};

// "2026-11-24T10:50:46.123Z"
std::string format_iso8601(TimeMs t);
// Accepts "YYYY-MM-DD", "YYYY-MM-DDTHH:MM:SSZ" and with ".mmm"; false on anything else.
bool parse_iso8601(const std::string& text, TimeMs& out);
// An instant with its offset, as records from other systems carry it:
// "YYYY-MM-DDTHH:MM:SS[.mmm]" then "Z" or "+HH:MM" / "-HH:MM". False on anything else.
bool parse_iso8601_instant(const std::string& text, TimeMs& out);

// The platform's time zone, as minutes east of UTC. China keeps one offset all year, so a fixed
// offset is exact: Asia/Shanghai (the default), Asia/Urumqi, Asia/Hong_Kong, Asia/Macau, UTC,
// or "+HH:MM". nullopt for anything else.
std::optional<int> utc_offset_minutes(std::string_view zone);
// The start of the calendar day, in a zone `offset_minutes` east of UTC, that contains t.
TimeMs start_of_local_day(TimeMs t, int offset_minutes);
// "2026-12-01", the date of t in that zone.
std::string format_local_date(TimeMs t, int offset_minutes);

// Calendar months later (UTC), clamping the day: Jan 31 + 1 month = Feb 28/29.
TimeMs add_months(TimeMs t, int months);

}  // namespace govcloud
