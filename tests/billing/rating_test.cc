// Rating (issue 11 §2, BIL-*): hand-checked months, each expected amount with its arithmetic.
// The platform's zone is Asia/Shanghai (+08:00); February 2026 has 28 days, March 31.
#include "billing/rating.h"

#include <gtest/gtest.h>

namespace govcloud {
namespace {

constexpr int kShanghai = 480;

TimeMs at(const std::string& local) {  // "2026-02-15T00:00:00", Shanghai time
  TimeMs t = 0;
  EXPECT_TRUE(parse_iso8601_instant(local + "+08:00", t)) << local;
  return t;
}

Money yuan(const char* text) {
  return Money::parse(text, "amount").value();
}

Price price(const std::string& code, const char* amount, const std::string& period,
            const std::string& from = "2026-01-01T00:00:00", std::int64_t per = 1) {
  Price p;
  p.price_list_id = "pl-test";
  p.service_code = code;
  p.effective_from = at(from);
  p.amount = yuan(amount);
  p.per = per;
  p.period = period;
  return p;
}

UsageInterval used(const std::string& code, const char* quantity, const std::string& from,
                   const std::string& to = "", const std::string& system = "sys-a") {
  UsageInterval i;
  i.system_id = system;
  i.code = code;
  i.quantity = Decimal::parse(quantity, "q").value();
  i.start = at(from);
  if (!to.empty()) i.end = at(to);
  return i;
}

Money total(const std::vector<RatedLine>& lines) {
  Money sum;
  for (const auto& l : lines) sum = *sum.plus(l.amount);
  return sum;
}

const RatingPeriod kFeb = month_period(2026, 2, kShanghai);
const RatingPeriod kMar = month_period(2026, 3, kShanghai);

TEST(Rating, MonthsAreCalendarMonthsInThePlatformsZone) {
  EXPECT_EQ(kFeb.start, at("2026-02-01T00:00:00"));  // 2026-01-31 16:00 UTC
  EXPECT_EQ(kFeb.end - kFeb.start, 28LL * 86400 * 1000);
  EXPECT_EQ(kMar.end - kMar.start, 31LL * 86400 * 1000);
  EXPECT_EQ(kMar.month, "2026-03");
}

// A VM resized mid-month: 2 vCPU for 14 days, then 4 vCPU for 14 days of February, at
// 30 元/vCPU/month: (2 × 14 + 4 × 14) ÷ 28 = 3 vCPU on average; 3 × 30 = 90.00.
TEST(Rating, AVmResizedMidMonth) {
  auto book = price_book({price("compute-vcpu", "30", "month")});
  auto lines = rate_month({used("compute-vcpu", "2", "2026-02-01T00:00:00", "2026-02-15T00:00:00"),
                           used("compute-vcpu", "4", "2026-02-15T00:00:00")},
                          book, kFeb);
  ASSERT_EQ(lines.size(), 1U);
  EXPECT_EQ(lines[0].quantity.str(), "3");
  EXPECT_EQ(lines[0].amount, yuan("90.00")) << lines[0].arithmetic;
}

// A price change mid-month: 100 GB all of March; 0.5 元/GB until 11 March, 0.6 from then.
// 1–10 March: 100 × 10/31 × 0.5 = 16.1290… → 16.13; 11–31 March: 100 × 21/31 × 0.6 =
// 40.6451… → 40.65; the month: 56.78, in two lines.
TEST(Rating, APriceChangeMidMonthRatesTheMonthInTwoParts) {
  auto book = price_book({price("storage-normal", "0.5", "month"),
                          price("storage-normal", "0.6", "month", "2026-03-11T00:00:00")});
  auto lines = rate_month({used("storage-normal", "100", "2026-01-20T00:00:00")}, book, kMar);
  ASSERT_EQ(lines.size(), 2U);
  EXPECT_EQ(lines[0].amount, yuan("16.13")) << lines[0].arithmetic;
  EXPECT_EQ(lines[0].to, at("2026-03-11T00:00:00"));
  EXPECT_EQ(lines[1].amount, yuan("40.65")) << lines[1].arithmetic;
  EXPECT_EQ(total(lines), yuan("56.78"));
  EXPECT_EQ(lines[1].arithmetic, "67.741935 (average over 2026-03) × 0.60 per month = 40.65");
}

// A volume deleted on the last day: 50 GB from 1 March to 31 March 12:00 = 30.5 days;
// 50 × 30.5/31 × 0.5 = 24.5967… → 24.60.
TEST(Rating, AVolumeDeletedOnTheLastDayOfTheMonth) {
  auto book = price_book({price("storage-normal", "0.5", "month")});
  auto lines = rate_month(
      {used("storage-normal", "50", "2026-03-01T00:00:00", "2026-03-31T12:00:00")}, book, kMar);
  ASSERT_EQ(lines.size(), 1U);
  EXPECT_EQ(lines[0].amount, yuan("24.60")) << lines[0].arithmetic;
}

// A price per 100 GB: 35 元 per 100 GB per month, 250 GB all of February: 250/100 × 35 = 87.50.
TEST(Rating, AHundredGbUnitItem) {
  auto book =
      price_book({price("storage-backup-space", "35", "month", "2026-01-01T00:00:00", 100)});
  auto lines = rate_month({used("storage-backup-space", "250", "2026-01-01T00:00:00")}, book, kFeb);
  ASSERT_EQ(lines.size(), 1U);
  EXPECT_EQ(lines[0].amount, yuan("87.50")) << lines[0].arithmetic;
}

// A price per year: 12,000 元/set/year is 1,000 a month: all of March 1,000.00; half of
// February (14 of 28 days) 500.00.
TEST(Rating, APerYearItem) {
  auto book = price_book({price("security-waf", "12000", "year")});
  auto march = rate_month({used("security-waf", "1", "2026-01-01T00:00:00")}, book, kMar);
  EXPECT_EQ(total(march), yuan("1000.00")) << march.at(0).arithmetic;
  auto feb = rate_month({used("security-waf", "1", "2026-02-15T00:00:00")}, book, kFeb);
  EXPECT_EQ(total(feb), yuan("500.00")) << feb.at(0).arithmetic;
}

// A price per time: 2 penetration tests at 800 元 each, done 5 March: 1,600.00 in March; one
// done 27 February is February's, not March's.
TEST(Rating, APerTimeItemIsChargedInTheMonthItWasDone) {
  auto book = price_book({price("security-pentest", "800", "time")});
  auto lines =
      rate_month({used("security-pentest", "2", "2026-03-05T10:00:00", "2026-03-05T18:00:00"),
                  used("security-pentest", "1", "2026-02-27T10:00:00", "2026-02-27T18:00:00")},
                 book, kMar);
  ASSERT_EQ(lines.size(), 1U);
  EXPECT_EQ(lines[0].amount, yuan("1600.00")) << lines[0].arithmetic;
}

// Free and included items rate at zero and still appear; an item without a price in force is
// rated at zero and flagged.
TEST(Rating, FreeAndUnpricedItemsAppearAtZero) {
  auto book = price_book({price("ops-monitoring", "0", "month"), price("platform-iam", "0", "")});
  auto lines = rate_month({used("ops-monitoring", "3", "2026-01-01T00:00:00"),
                           used("platform-iam", "1", "2026-01-01T00:00:00"),
                           used("compute-vcpu", "2", "2026-03-10T00:00:00")},
                          book, kMar);
  ASSERT_EQ(lines.size(), 3U);
  for (const auto& l : lines) EXPECT_EQ(l.amount, Money{}) << l.code;
  EXPECT_FALSE(lines[0].priced);  // compute-vcpu: no price in this book
  EXPECT_NE(lines[0].arithmetic.find("no price in force"), std::string::npos);
  EXPECT_TRUE(lines[1].priced);
  EXPECT_EQ(lines[2].arithmetic, "free");
}

// One day of 1 vCPU at a monthly price equal to the month's days is 1.00 in both months:
// 28 × 1/28 in February, 31 × 1/31 in March.
TEST(Rating, MonthsOf28And31Days) {
  auto feb = rate_month({used("compute-vcpu", "1", "2026-02-10T00:00:00", "2026-02-11T00:00:00")},
                        price_book({price("compute-vcpu", "28", "month")}), kFeb);
  auto mar = rate_month({used("compute-vcpu", "1", "2026-03-10T00:00:00", "2026-03-11T00:00:00")},
                        price_book({price("compute-vcpu", "31", "month")}), kMar);
  EXPECT_EQ(total(feb), yuan("1.00"));
  EXPECT_EQ(total(mar), yuan("1.00"));
}

// Per-system lines add up to the tenant's total to the fen, and rating again gives exactly
// the same lines (amounts and wording).
TEST(Rating, SystemsAddUpToTheTenantAndReRatingIsIdentical) {
  auto book = price_book({price("compute-vcpu", "33.33", "month")});
  std::vector<UsageInterval> usage;
  for (int i = 0; i < 7; ++i)
    usage.push_back(used("compute-vcpu", "1", "2026-03-0" + std::to_string(i + 1) + "T07:13:00", "",
                         "sys-" + std::to_string(i % 3)));
  auto once = rate_month(usage, book, kMar);
  auto again = rate_month(usage, book, kMar);
  ASSERT_EQ(once.size(), 3U);
  Money by_system;
  for (std::size_t i = 0; i < once.size(); ++i) {
    by_system = *by_system.plus(once[i].amount);
    EXPECT_EQ(once[i].amount, again[i].amount);
    EXPECT_EQ(once[i].arithmetic, again[i].arithmetic);
    EXPECT_EQ(once[i].amount.units() % 100, 0) << "rounded to the fen";
  }
  EXPECT_EQ(by_system, total(once));
}

}  // namespace
}  // namespace govcloud
