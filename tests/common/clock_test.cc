#include "common/clock.h"

#include <gtest/gtest.h>

namespace govcloud {

TEST(Clock, FormatsUtcWithMilliseconds) {
  EXPECT_EQ(format_iso8601(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(format_iso8601(1795000000123), "2026-11-18T11:06:40.123Z");
}

TEST(Clock, ParsesDatesAndTimesAndRoundTrips) {
  TimeMs t = 0;
  ASSERT_TRUE(parse_iso8601("2026-11-24", t));
  EXPECT_EQ(format_iso8601(t), "2026-11-24T00:00:00.000Z");
  ASSERT_TRUE(parse_iso8601("2026-11-24T10:50:46Z", t));
  EXPECT_EQ(format_iso8601(t), "2026-11-24T10:50:46.000Z");
  ASSERT_TRUE(parse_iso8601("2026-11-24T10:50:46.250Z", t));
  EXPECT_EQ(t % 1000, 250);
}

TEST(Clock, RejectsMalformedOrImpossibleDates) {
  TimeMs t = 0;
  for (const char* bad :
       {"", "2026-13-01", "2026-02-30", "2025-02-29", "2026-1-1", "2026-11-24T25:00:00Z",
        "2026-11-24 10:00:00", "yesterday", "2026-11-24T10:50:46+08:00", "1960-01-01"}) {
    EXPECT_FALSE(parse_iso8601(bad, t)) << bad;
  }
  EXPECT_TRUE(parse_iso8601("2024-02-29", t));
}

TEST(Clock, ManualClockMovesOnlyWhenTold) {
  ManualClock c(1000);
  EXPECT_EQ(c.now(), 1000);
  c.advance(kDayMs);
  EXPECT_EQ(c.now(), 1000 + kDayMs);
}

}  // namespace govcloud
