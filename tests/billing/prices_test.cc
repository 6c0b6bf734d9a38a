#include <gtest/gtest.h>

#include "test_env.h"

namespace govcloud {
namespace {

using testing::Env;
using testing::must;

PriceInput price(const std::string& code, const std::string& amount, TimeMs from,
                 std::int64_t per = 1) {
  PriceInput in;
  in.service_code = code;
  in.amount = amount;
  in.per = per;
  in.effective_from = from;
  return in;
}

TEST(Prices, AChangeOnDayDLeavesEveryEarlierDateUnchanged) {
  Env env;
  env.build_tree();
  auto list =
      must(env.billing->create_price_list(env.mu_admin, "区政务云", env.mu.id, "", env.ctx));
  TimeMs d0 = env.clock.now();
  must(env.billing->set_price(env.mu_admin, list.id, price("compute-vcpu", "11", d0), env.ctx));
  env.clock.advance(30 * kDayMs);
  TimeMs d = env.clock.now();
  must(env.billing->set_price(env.mu_admin, list.id, price("compute-vcpu", "10.5", d), env.ctx));
  auto before = must(env.billing->prices(env.a_member, list.name, d - kDayMs, "compute-vcpu"));
  ASSERT_EQ(before.size(), 1u);
  EXPECT_EQ(before[0].amount.str(), "11.00");
  auto after = must(env.billing->prices(env.a_member, list.id, d + kDayMs, "compute-vcpu"));
  EXPECT_EQ(after[0].amount.str(), "10.50");
  auto history = must(env.billing->prices(env.a_member, list.id, std::nullopt, "compute-vcpu"));
  EXPECT_EQ(history.size(), 2u);
  // No second version on a date that has one.
  auto past =
      env.billing->set_price(env.mu_admin, list.id, price("compute-vcpu", "9", d0), env.ctx);
  EXPECT_EQ(past.error().field, "effective_from");
  auto same = env.billing->set_price(env.mu_admin, list.id, price("compute-vcpu", "9", d), env.ctx);
  EXPECT_EQ(same.error().code, ErrorCode::kConflict);
}

// Issue 7 §3: a price takes effect on a date in the platform's time zone (Asia/Shanghai) and
// applies to all of that date; asked for at any time of day D — or as the bare date D — the
// answer is the same. A past date is taken while no issued bill covers it.
TEST(Prices, APriceEffectiveOnADateAppliesToAllOfItInShanghai) {
  Env env;
  env.build_tree();
  auto list = must(env.billing->create_price_list(env.mu_admin, "d", env.mu.id, "", env.ctx));
  TimeMs d = 0, late = 0, early = 0, before = 0;
  ASSERT_TRUE(parse_iso8601("2026-03-01", d));
  ASSERT_TRUE(parse_iso8601("2026-03-01T15:59:59Z", late));    // 23:59:59 in Shanghai
  ASSERT_TRUE(parse_iso8601("2026-02-28T16:00:00Z", early));   // 00:00 on 1 March in Shanghai
  ASSERT_TRUE(parse_iso8601("2026-02-28T15:59:59Z", before));  // 23:59:59 on 28 February
  auto set = must(env.billing->set_price(env.mu_admin, list.id,
                                         price("compute-vcpu", "11", d + 13 * kHourMs), env.ctx));
  EXPECT_EQ(set.effective_from, early);  // the start of the date in Shanghai
  for (TimeMs at : {d, late, early})
    EXPECT_EQ(must(env.billing->prices(env.a_member, list.id, at, "compute-vcpu")).size(), 1u);
  EXPECT_TRUE(must(env.billing->prices(env.a_member, list.id, before, "compute-vcpu")).empty());
}

TEST(Prices, APriceAboveTheCeilingIsRefused) {
  Env env;
  env.build_tree();
  auto list = must(env.billing->create_price_list(env.mu_admin, "p", env.mu.id, "", env.ctx));
  TimeMs now = env.clock.now();
  auto over =
      env.billing->set_price(env.mu_admin, list.id, price("compute-vcpu", "12.01", now), env.ctx);
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.error().field, "amount");
  EXPECT_NE(over.error().message.find("最高限价"), std::string::npos);
  // 0.6 per GB ceiling: 60 per 100 GB is at the ceiling, 61 is above.
  EXPECT_TRUE(
      env.billing
          ->set_price(env.mu_admin, list.id, price("storage-high-perf", "60", now, 100), env.ctx)
          .ok());
  EXPECT_FALSE(
      env.billing
          ->set_price(env.mu_admin, list.id, price("storage-normal", "31", now, 100), env.ctx)
          .ok());
  // A yearly price is compared per month: 144/year = 12/month for vCPU.
  PriceInput yearly = price("compute-vcpu", "144", now + kDayMs);
  yearly.period = "year";
  EXPECT_TRUE(env.billing->set_price(env.mu_admin, list.id, yearly, env.ctx).ok());
  yearly.amount = "145";
  yearly.effective_from += kDayMs;
  EXPECT_FALSE(env.billing->set_price(env.mu_admin, list.id, yearly, env.ctx).ok());
  // Included services are never billed; unknown codes and bad amounts name their field.
  EXPECT_EQ(
      env.billing
          ->set_price(env.mu_admin, list.id, price("security-basic-firewall", "1", now), env.ctx)
          .error()
          .field,
      "service");
  EXPECT_EQ(env.billing->set_price(env.mu_admin, list.id, price("no-such-thing", "1", now), env.ctx)
                .error()
                .code,
            ErrorCode::kNotFound);
  EXPECT_EQ(env.billing->set_price(env.mu_admin, list.id, price("compute-vcpu", "-1", now), env.ctx)
                .error()
                .field,
            "amount");
  EXPECT_EQ(env.billing->set_price(env.a_admin, list.id, price("compute-memory", "1", now), env.ctx)
                .error()
                .code,
            ErrorCode::kPermissionDenied);
}

TEST(Prices, ImportIsAllOrNothingAndExportRoundTrips) {
  Env env;
  env.build_tree();
  auto list = must(env.billing->create_price_list(env.mu_admin, "p", env.mu.id, "", env.ctx));
  std::string bad_csv =
      "service,amount,per,period,effective_from\ncompute-vcpu,10,1,month,\ncompute-memory,99,1,"
      "month,\n";
  auto bad = env.billing->import_prices(env.mu_admin, list.id, "csv", bad_csv, env.ctx);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().field, "prices[1].amount");
  EXPECT_TRUE(must(env.billing->prices(env.a_member, list.id, std::nullopt, "")).empty());
  std::string yaml =
      "prices:\n  - service: compute-vcpu\n    amount: '10'\n  - service: storage-normal\n"
      "    amount: '25'\n    per: 100\n";
  EXPECT_EQ(must(env.billing->import_prices(env.mu_admin, list.id, "yaml", yaml, env.ctx)), 2);
  std::string csv = must(env.billing->export_prices(env.a_member, list.id, "csv", env.clock.now()));
  EXPECT_NE(csv.find("storage-normal,25.00,100,month,"), std::string::npos) << csv;
  std::string y = must(env.billing->export_prices(env.a_member, list.id, "yaml", env.clock.now()));
  auto other = must(env.billing->create_price_list(env.mu_admin, "copy", env.mu.id, "", env.ctx));
  EXPECT_EQ(must(env.billing->import_prices(env.mu_admin, other.id, "yaml", y, env.ctx)), 2);
  EXPECT_EQ(must(env.billing->export_prices(env.a_member, other.id, "yaml", env.clock.now())), y);
  EXPECT_FALSE(env.billing->import_prices(env.mu_admin, list.id, "xml", "<x/>", env.ctx).ok());
}

}  // namespace
}  // namespace govcloud
