#include "common/clock.h"

#include <chrono>
#include <cstdio>
#include <ctime>

namespace govcloud {

TimeMs SystemClock::now() const {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

std::string format_iso8601(TimeMs t) {
  std::time_t secs = static_cast<std::time_t>(t / 1000);
  int ms = static_cast<int>(t % 1000);
  if (ms < 0) {
    ms += 1000;
    secs -= 1;
  }
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
  return buf;
}

bool parse_iso8601(const std::string& text, TimeMs& out) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0, ms = 0;
  int consumed = 0;
  if (text.size() == 10) {
    if (std::sscanf(text.c_str(), "%4d-%2d-%2d%n", &y, &mo, &d, &consumed) != 3 || consumed != 10)
      return false;
  } else if (text.size() == 20) {
    if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2dZ%n", &y, &mo, &d, &h, &mi, &s,
                    &consumed) != 6 ||
        consumed != 20)
      return false;
  } else if (text.size() == 24) {
    if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d.%3dZ%n", &y, &mo, &d, &h, &mi, &s, &ms,
                    &consumed) != 7 ||
        consumed != 24)
      return false;
  } else {
    return false;
  }
  if (y < 1970 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60 ||
      ms < 0)
    return false;
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  int max_day = kDays[mo - 1] + ((mo == 2 && leap) ? 1 : 0);
  if (d > max_day) return false;
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  out = static_cast<TimeMs>(timegm(&tm)) * 1000 + ms;
  return true;
}

bool parse_iso8601_instant(const std::string& text, TimeMs& out) {
  if (text.size() < 20) return false;
  if (text.back() == 'Z') return parse_iso8601(text, out);
  std::string zone = text.substr(text.size() - 6);
  if ((zone[0] != '+' && zone[0] != '-') || zone[3] != ':') return false;
  int hh = 0, mm = 0, used = 0;
  if (std::sscanf(zone.c_str() + 1, "%2d:%2d%n", &hh, &mm, &used) != 2 || used != 5 || hh > 14 ||
      mm > 59)
    return false;
  for (char c : {zone[1], zone[2], zone[4], zone[5]})
    if (c < '0' || c > '9') return false;
  TimeMs local = 0;
  if (!parse_iso8601(text.substr(0, text.size() - 6) + "Z", local)) return false;
  TimeMs offset = (static_cast<TimeMs>(hh) * 60 + mm) * 60 * 1000;
  out = zone[0] == '+' ? local - offset : local + offset;
  return true;
}

TimeMs add_months(TimeMs t, int months) {
  std::time_t secs = static_cast<std::time_t>(t / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  int total = tm.tm_year * 12 + tm.tm_mon + months;
  int year = total / 12, mon = total % 12;
  if (mon < 0) {
    mon += 12;
    year -= 1;
  }
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int y = year + 1900;
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  int max_day = kDays[mon] + ((mon == 1 && leap) ? 1 : 0);
  tm.tm_year = year;
  tm.tm_mon = mon;
  if (tm.tm_mday > max_day) tm.tm_mday = max_day;
  return static_cast<TimeMs>(timegm(&tm)) * 1000 + t % 1000;
}

}  // namespace govcloud

namespace govcloud {

std::optional<int> utc_offset_minutes(std::string_view zone) {
  if (zone == "Asia/Shanghai" || zone == "Asia/Hong_Kong" || zone == "Asia/Macau" ||
      zone == "Asia/Chongqing" || zone == "PRC")
    return 480;
  if (zone == "Asia/Urumqi") return 360;
  if (zone == "UTC" || zone == "Etc/UTC") return 0;
  // "+HH:MM" east of UTC only: a date written without a time is then always inside that day.
  int h = 0, m = 0, consumed = 0;
  std::string z(zone);
  if (z.size() == 6 && z[0] == '+' &&
      std::sscanf(z.c_str() + 1, "%2d:%2d%n", &h, &m, &consumed) == 2 && consumed == 5 && h <= 14 &&
      m < 60)
    return h * 60 + m;
  return std::nullopt;
}

TimeMs start_of_local_day(TimeMs t, int offset_minutes) {
  TimeMs shift = static_cast<TimeMs>(offset_minutes) * kMinuteMs;
  TimeMs local = t + shift;
  TimeMs day = local - ((local % kDayMs) + kDayMs) % kDayMs;
  return day - shift;
}

std::string format_local_date(TimeMs t, int offset_minutes) {
  TimeMs local =
      start_of_local_day(t, offset_minutes) + static_cast<TimeMs>(offset_minutes) * kMinuteMs;
  return format_iso8601(local).substr(0, 10);
}

}  // namespace govcloud
