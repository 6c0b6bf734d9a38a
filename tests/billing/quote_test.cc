// Quotes (分项报价表): grand totals checked against sums worked out by hand.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "test_env.h"

namespace govcloud {
namespace {

using testing::Env;
using testing::must;
using testing::package;
using testing::packages;
namespace json = boost::json;

struct P {
  const char* code;
  const char* amount;
  std::int64_t per;
  const char* period;  // "" = the service's own
};

std::string make_list(Env& env, const std::string& name, const std::vector<P>& prices) {
  auto list = must(env.billing->create_price_list(env.mu_admin, name, env.mu.id, "", env.ctx));
  for (const auto& p : prices) {
    PriceInput in;
    in.service_code = p.code;
    in.amount = p.amount;
    in.per = p.per;
    in.period = p.period;
    in.effective_from = env.clock.now();
    must(env.billing->set_price(env.mu_admin, list.id, in, env.ctx), p.code);
  }
  return list.id;
}

// Monthly and per-time prices at or under the 002 ceilings.
const std::vector<P> kMonthly = {{"compute-vcpu", "12", 1, ""},
                                 {"compute-memory", "20", 1, ""},
                                 {"storage-normal", "0.3", 1, ""},
                                 {"storage-high-perf", "60", 100, ""},
                                 {"storage-backup-local", "0.2", 1, ""},
                                 {"storage-backup-offsite", "0.25", 1, ""},
                                 {"network-internet-bandwidth", "60", 1, ""},
                                 {"network-internet-ip", "50", 1, ""},
                                 {"network-lb", "0", 1, ""},
                                 {"network-remote-access", "30", 1, ""},
                                 {"network-ssl-vpn", "100", 1, ""},
                                 {"security-waf", "800", 1, ""},
                                 {"monitoring-deep", "1000", 1, ""},
                                 {"software-os-open-source", "50", 1, ""},
                                 {"database-oltp", "1000", 1, ""},
                                 {"database-realtime-analytics", "500", 1, ""},
                                 {"database-offline-dw", "300", 1, ""},
                                 {"security-host-antivirus", "20", 1, ""},
                                 {"security-host-protection", "30", 1, ""},
                                 {"security-host-hardening", "500", 1, ""},
                                 {"security-host-vuln-scan", "300", 1, ""},
                                 {"security-db-audit", "200", 1, ""},
                                 {"service-key-event-support", "5000", 1, ""},
                                 {"security-pentest", "20000", 1, ""}};

std::int64_t fen(const Money& m) {
  return m.units() / 100;
}
std::int64_t fen(const std::string& yuan) {
  return fen(Money::parse(yuan, "x").value());
}

TEST(Quote, Package001WithHundredGigabyteUnitsMatchesTheHandSum) {
  Env env;
  env.build_tree();
  std::string list = make_list(env, "A", kMonthly);
  auto q = must(env.billing->quote_package(env.a_member, package("001"), list, env.clock.now()));
  ASSERT_EQ(q.lines.size(), 31u);  // 11 + 10 + 10 lines for the three systems
  EXPECT_EQ(q.unpriced_lines, 0);
  // By hand, per system (元): 12 months, 12 months, 10 months.
  std::int64_t sys1 = 292 * 12 * 12 + 812 * 20 * 12 + 250 * 100 * 3 / 10 * 12 +
                      216 /* 0.3×100GB×0.6×12 */ + 55 * 100 * 2 / 10 * 12 + 100 * 60 * 12 +
                      1 * 50 * 12 + 0 + 9 * 30 * 12 + 8 * 100 * 12 + 1 * 800 * 12;
  std::int64_t sys2 = 420 * 12 * 12 + 1300 * 20 * 12 + 550 * 100 * 3 / 10 * 12 +
                      5 * 100 * 6 / 10 * 12 + 50 * 100 * 2 / 10 * 12 + 300 * 60 * 12 +
                      17 * 50 * 12 + 14 * 30 * 12 + 12 * 100 * 12 + 1 * 800 * 12;
  std::int64_t sys3 = 120 * 12 * 10 + 336 * 20 * 10 + 19572 /* 65.24×100GB×0.3×10 */ +
                      9144 /* 15.24×100GB×0.6×10 */ + 40 * 100 * 2 / 10 * 10 + 50 * 60 * 10 +
                      2 * 50 * 10 + 2 * 30 * 10 + 3 * 100 * 10 + 1 * 800 * 10;
  EXPECT_EQ(sys1, 435384);
  EXPECT_EQ(sys2, 841320);
  EXPECT_EQ(sys3, 160916);
  EXPECT_EQ(fen(q.total), (sys1 + sys2 + sys3) * 100);
  EXPECT_EQ(q.lines[3].catalog_quantity.str(), "30");  // 0.3 × 100GB
  EXPECT_EQ(fen(q.lines[3].total), 21600);
  EXPECT_EQ(q.budget->str(), "1627477.96");
  EXPECT_FALSE(q.over_budget);
}

TEST(Quote, Package004WithTwoBatchesOfDifferentMonthsMatchesTheHandSum) {
  Env env;
  env.build_tree();
  std::string list = make_list(env, "A", kMonthly);
  auto q = must(env.billing->quote_package(env.a_member, package("004"), list, env.clock.now()));
  EXPECT_EQ(q.unpriced_lines, 0);
  // By hand (元), batch 1 over 11 months, batch 2 over 6; hardening, scans, key-event support
  // and penetration tests are priced per time.
  std::map<std::string, std::string> b1 = {{"compute-vcpu", "31680"},
                                           {"compute-memory", "105600"},
                                           {"storage-high-perf", "159277.80"},
                                           {"storage-backup-local", "6967.40"},
                                           {"storage-backup-offsite", "8709.25"},
                                           {"network-remote-access", "990"},
                                           {"network-ssl-vpn", "3300"},
                                           {"monitoring-deep", "33000"},
                                           {"software-os-open-source", "1650"},
                                           {"database-realtime-analytics", "16500"},
                                           {"database-offline-dw", "165000"},
                                           {"security-host-antivirus", "660"},
                                           {"security-host-protection", "990"},
                                           {"security-host-hardening", "1500"}};
  std::map<std::string, std::string> b2 = {{"compute-vcpu", "34560"},
                                           {"compute-memory", "115200"},
                                           {"storage-high-perf", "173761.20"},
                                           {"storage-backup-local", "7599.60"},
                                           {"storage-backup-offsite", "9499.50"},
                                           {"network-remote-access", "1260"},
                                           {"network-ssl-vpn", "4200"},
                                           {"monitoring-deep", "180000"},
                                           {"software-os-open-source", "18900"},
                                           {"database-oltp", "1284000"},
                                           {"database-realtime-analytics", "105000"},
                                           {"database-offline-dw", "1058400"},
                                           {"security-host-antivirus", "7560"},
                                           {"security-host-protection", "11340"},
                                           {"security-host-hardening", "31500"},
                                           {"security-host-vuln-scan", "19800"},
                                           {"security-db-audit", "128400"},
                                           {"service-key-event-support", "10000"},
                                           {"security-pentest", "20000"}};
  std::int64_t hand = 0;
  for (const auto& m : {b1, b2})
    for (const auto& [code, yuan] : m) hand += fen(yuan);
  ASSERT_EQ(q.lines.size(), b1.size() + b2.size());
  for (const auto& l : q.lines) {
    const auto& expected = l.batch_or_system == "batch 1" ? b1 : b2;
    ASSERT_TRUE(expected.count(l.service_code)) << l.service_code << " " << l.batch_or_system;
    EXPECT_EQ(fen(l.total), fen(expected.at(l.service_code)))
        << l.service_code << " " << l.batch_or_system;
  }
  EXPECT_EQ(fen(q.total), hand);
  EXPECT_FALSE(q.budget.has_value());  // 004 states no budget
}

TEST(Quote, Package000P1WithPerTimeAndPerYearItemsMatchesTheHandSum) {
  Env env;
  env.build_tree();
  std::vector<P> prices = kMonthly;
  prices.insert(prices.end(), {{"compute-physical-server-x86-8s16c", "5000", 1, ""},
                               {"software-os-commercial", "100", 1, ""},
                               {"software-middleware-domestic", "40", 1, ""},
                               {"security-cloud-anti-ddos", "2000", 1, ""},
                               {"security-cloud-apt", "1500", 1, ""},
                               {"security-web-tamper", "300", 1, ""},
                               {"security-host-log-analysis", "600", 1, "year"},
                               {"database-rental-sqlserver", "3000", 1, ""},
                               {"security-db-hardening", "2000", 1, ""},
                               {"security-website-mgmt", "500", 1, "month"},
                               {"security-isolation-gateway", "50000", 1, ""},
                               {"monitoring-website-perf", "10000", 1, ""}});
  // 000 P1 prices antivirus, hardening and scans per year (元/年).
  for (auto& p : prices) {
    if (std::string(p.code) == "security-host-antivirus") p = {p.code, "240", 1, "year"};
    if (std::string(p.code) == "security-host-hardening") p = {p.code, "400", 1, "year"};
    if (std::string(p.code) == "security-host-vuln-scan") p = {p.code, "200", 1, "year"};
  }
  std::string list = make_list(env, "B", prices);
  auto q = must(env.billing->quote_package(env.a_member, package("000-P1"), list, env.clock.now()));
  EXPECT_EQ(q.unpriced_lines, 0);
  // By hand (元), in the package's line order.
  std::vector<std::string> lines = {"508032",
                                    "2518320",
                                    "120000",
                                    "673279.20",
                                    "2765116.80",
                                    "448852.80",
                                    "324000",
                                    "32400",
                                    "0",
                                    "33120",
                                    "19200",
                                    "117600",
                                    "57600",
                                    "336000",
                                    "252000",
                                    "130080" /* 542 × 240 per year, one year */,
                                    "216800" /* 542 × 400 per year */,
                                    "54000",
                                    "108400",
                                    "18000",
                                    "38400",
                                    "144000",
                                    "8000" /* 4 × 2000 per time */,
                                    "12000",
                                    "50000",
                                    "10000"};
  ASSERT_EQ(q.lines.size(), lines.size());
  std::int64_t hand = 0;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    EXPECT_EQ(fen(q.lines[i].total), fen(lines[i])) << q.lines[i].service_code;
    hand += fen(lines[i]);
  }
  EXPECT_EQ(fen(q.total), hand);
  EXPECT_EQ(q.budget->str(), "10662400.00");
  EXPECT_FALSE(q.over_budget);
}

TEST(Quote, EveryPackageQuotesAndOverBudgetIsFlagged) {
  Env env;
  env.build_tree();
  std::string list = make_list(env, "A", kMonthly);
  for (const auto& p : packages()) {
    auto q = env.billing->quote_package(env.a_member, p, list, env.clock.now());
    ASSERT_TRUE(q.ok()) << p.at("id").as_string() << ": " << q.error().message;
    for (const auto& l : q->lines) {
      if (!l.unit_price && !l.free) {
        EXPECT_FALSE(l.notes.empty()) << "unpriced lines say why";
      }
    }
  }
  // A tiny budget is exceeded and said to be.
  json::value small = package("003-P3");
  small.as_object()["budget_wan_yuan"] = "0.01";
  auto q = must(env.billing->quote_package(env.a_member, small, list, env.clock.now()));
  EXPECT_TRUE(q.over_budget);
  EXPECT_NE(quote_csv(q).find("over budget"), std::string::npos);
  auto xlsx = must(quote_xlsx(q));
  EXPECT_EQ(xlsx.substr(0, 2), "PK");  // a zip container
}

}  // namespace
}  // namespace govcloud
