// Settlement against contracts (issue 11 §4 and acceptance, BIL-08): two real packages — seed
// 001's 数字协同办公平台 run for 10 months and seed 004's first batch for 11 — imported as
// contracts, their usage imported from CSV, priced at rates chosen here; the annual settlement
// equals the sum worked out by hand below, with the free headroom, milestones and alerts.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "billing/billing.h"
#include "billing/stage.h"
#include "metering/metering.h"
#include "store/store.h"
#include "test_env.h"
#include "workflow/workflow.h"

namespace govcloud {
namespace {

using testing::Env;
using testing::must;
using testing::package;
namespace json = boost::json;

TimeMs at(const std::string& local) {
  return testing::shanghai(local);
}

// The package with only the items `keep` selects.
json::value only(json::value p, const std::function<bool(const json::object&)>& keep) {
  json::array items;
  for (const auto& it : p.at("items").as_array())
    if (keep(it.as_object())) items.push_back(it);
  p.as_object()["items"] = std::move(items);
  p.as_object()["item_count"] = p.at("items").as_array().size();
  return p;
}

std::string price_list(Env& env, const std::string& name,
                       const std::vector<std::tuple<const char*, const char*, const char*>>& p) {
  std::string id =
      must(env.billing->create_price_list(env.mu_admin, name, env.mu.id, "", env.ctx)).id;
  for (const auto& [code, amount, period] : p) {
    PriceInput in{code, amount, 1, period, at("2026-01-01T00:00:00")};
    must(env.billing->set_price(env.mu_admin, id, in, env.ctx), code);
  }
  return id;
}

const SettlementItem& item(const Settlement& s, const std::string& code) {
  for (const auto& i : s.items)
    if (i.code == code) return i;
  ADD_FAILURE() << "no item " << code;
  static SettlementItem none;
  return none;
}

class SettlementTest : public ::testing::Test {
 protected:
  void SetUp() override {
    env.build_tree();
    env.clock.set(at("2027-04-15T00:00:00"));
  }
  Org system_of(const Org& tenant, const std::string& name) {
    return must(env.tenancy->create_org(env.mu_admin,
                                        NewOrg{tenant.id, OrgType::kBusinessSystem, name, "",
                                               BusinessSystemProfile{3, true, false, "internet"}},
                                        env.ctx));
  }
  void import(const std::string& csv) {
    must(env.set->metering.import_csv(
        env.admin, "event_id,tenant,system,code,quantity,unit,start,end\n" + csv, env.ctx));
  }
  Env env;
};

// Seed 001, system (三) 数字协同办公平台: 10 lines, 10 months from 2026-06-01 to 2027-04-01.
// Prices (元 per unit per month): vCPU 12, memory 20/GB, normal storage 0.3/GB, performance
// storage 0.6/GB, local backup 0.2/GB, bandwidth 60/Mbps, IP 50, remote account 30, SSL VPN
// 100, WAF 800.
//   Contract total (the quote): 120×12×10 = 14,400 + 336×20×10 = 67,200 + 6,524 GB×0.3×10 =
//   19,572 + 1,524×0.6×10 = 9,144 + 4,000×0.2×10 = 8,000 + 50×60×10 = 30,000 + 2×50×10 =
//   1,000 + 2×30×10 = 600 + 3×100×10 = 3,000 + 1×800×10 = 8,000 = 160,916.00.
//   Usage, every month in full unless said:
//     120 vCPU (as contracted): 120 × 12 × 10                                   = 14,400.00
//     336 GB memory: 336 × 20 × 10                                              = 67,200.00
//     7,000 GB normal storage: within 6,524 + 20% = 7,828.8, so charged as contracted:
//       6,524 × 0.3 × 10                                                        = 19,572.00
//     2,000 GB performance storage: past 1,524 + 304.8, so all but the headroom:
//       (2,000 − 304.8) × 0.6 × 10 = 1,017.12 × 10                              = 10,171.20
//     30 Mbps for June–October only: 30 × 60 × 5                                =  9,000.00
//     2 IPs: 2 × 50 × 10                                                        =  1,000.00
//     1 WAF: 800 × 10                                                           =  8,000.00
//   Cost = 129,343.20 (80.38% of the total: the 80% alert, not the 100% one).
//   Milestones: 70% of 160,916.00 = 112,641.20; the final payment settles by usage:
//   129,343.20 − 112,641.20 = 16,702.00.
TEST_F(SettlementTest, Seed001CollaborativeOfficeForTenMonths) {
  Org tenant = testing::stage(env, "市科协").tenant;
  Org sys = system_of(tenant, "数字协同办公平台");
  std::string list = price_list(env, "科协价目",
                                {{"compute-vcpu", "12", ""},
                                 {"compute-memory", "20", ""},
                                 {"storage-normal", "0.3", ""},
                                 {"storage-high-perf", "0.6", ""},
                                 {"storage-backup-local", "0.2", ""},
                                 {"network-internet-bandwidth", "60", ""},
                                 {"network-internet-ip", "50", ""},
                                 {"network-remote-access", "30", ""},
                                 {"network-ssl-vpn", "100", ""},
                                 {"security-waf", "800", ""}});
  ContractImport in;
  in.package = only(package("001"), [](const json::object& it) {
    auto* s = it.if_contains("system");
    return s && std::string(s->as_string()).find("数字协同办公平台") != std::string::npos;
  });
  in.tenant = tenant.id;
  in.starts_at = at("2026-06-01T00:00:00");
  in.price_list = list;
  Contract c = must(env.billing->import_contract(env.mu_admin, in, env.ctx));
  auto [contract, items] = must(env.billing->get_contract(env.mu_admin, c.id));
  ASSERT_EQ(items.size(), 10u);

  const std::string from = ",2026-06-01T00:00:00+08:00,", to = "2027-04-01T00:00:00+08:00\n";
  const std::string s = ",市科协," + sys.id.value + ",";
  import("u1" + s + "compute-vcpu,120,1CPU" + from + to +          //
         "u2" + s + "compute-memory,336,GB" + from + to +          //
         "u3" + s + "storage-normal,70,100GB" + from + to +        //
         "u4" + s + "storage-high-perf,2000,GB" + from + to +      //
         "u5" + s + "network-internet-bandwidth,30,Mbps" + from +  //
         "2026-11-01T00:00:00+08:00\n" +                           //
         "u6" + s + "network-internet-ip,2,IP" + from + to +       //
         "u7" + s + "security-waf,1," + from + to);

  Settlement st = must(env.billing->settlement(env.mu_admin, c.id));
  EXPECT_EQ(st.contract_total.str(), "160916.00");
  EXPECT_EQ(st.cost_to_date.str(), "129343.20");
  EXPECT_EQ(st.forecast.str(), "129343.20");  // the period is over: the forecast is the cost
  EXPECT_EQ(st.months.size(), 10u);
  EXPECT_EQ(item(st, "storage-normal").rated.str(), "21000.00");  // 7,000 × 0.3 × 10
  EXPECT_EQ(item(st, "storage-normal").cost.str(), "19572.00");
  EXPECT_FALSE(item(st, "storage-normal").over_headroom);
  EXPECT_EQ(item(st, "storage-high-perf").cost.str(), "10171.20");
  EXPECT_TRUE(item(st, "storage-high-perf").over_headroom);
  EXPECT_EQ(item(st, "storage-high-perf").contracted.str(), "1524");
  EXPECT_EQ(item(st, "storage-high-perf").peak.str(), "2000");
  EXPECT_EQ(item(st, "compute-vcpu").average.str(), "120");
  EXPECT_EQ(item(st, "network-internet-bandwidth").peak.str(), "30");
  EXPECT_EQ(item(st, "network-ssl-vpn").cost.str(), "0.00");  // contracted, unused
  Money months;
  for (const auto& m : st.months) months = *months.plus(m.cost);
  EXPECT_EQ(months, st.cost_to_date);
  ASSERT_EQ(st.milestones.size(), 2u);
  EXPECT_EQ(st.milestones[0].amount.str(), "112641.20");
  EXPECT_FALSE(st.milestones[0].final_payment);
  EXPECT_EQ(st.milestones[1].amount.str(), "16702.00");
  EXPECT_TRUE(st.milestones[1].final_payment);
  EXPECT_EQ(st.budget_used_pct, 80);

  // The 80% alert reaches the unit's admins once; the tenant of another unit sees nothing.
  EXPECT_EQ(must(env.billing->send_budget_alerts(env.ctx)), 1);
  EXPECT_EQ(must(env.billing->send_budget_alerts(env.ctx)), 0);
  auto inbox = must(env.workflow->notifications(env.mu_admin, false, Page{}));
  bool found = false;
  for (const auto& n : inbox.items) found |= json::serialize(n).find("80%") != std::string::npos;
  EXPECT_TRUE(found);
  // Tenant B's admin cannot read A's settlement.
  EXPECT_EQ(env.billing->settlement(env.b_admin, c.id).error().code, ErrorCode::kNotFound);
}

// Seed 004, batch 1 (11 months from 2026-01-01 to 2026-12-01), its own list. Contract total:
//   vCPU 240×12×11 = 31,680 + memory 480×20×11 = 105,600 + performance storage
//   24,133×0.6×11 = 159,277.80 + local backup 3,167×0.2×11 = 6,967.40 + offsite backup
//   3,167×0.25×11 = 8,709.25 + remote accounts 3×100×11 = 3,300 + SSL VPN 3×200×11 = 6,600 +
//   deep monitoring 3×1,000×11 = 33,000 + OS 3×50×11 = 1,650 + realtime analytics
//   3×500×11 = 16,500 + offline DW 50×300×11 = 165,000 + antivirus 3×30×11 = 990 + host
//   protection 3×60×11 = 1,980 + hardening 3×800 once = 2,400 → 543,654.45.
// Usage: 240 vCPU, 480 GB and 20,000 GB performance storage all 11 months, 3 hardenings in
// March: 31,680 + 105,600 + 20,000×0.6×11 = 132,000 + 2,400 = 271,680.00.
// Milestones: 70% of 543,654.45 = 380,558.115 → 380,558.12; the final payment is 0, the first
// having paid 108,878.12 more than the usage.
TEST_F(SettlementTest, Seed004FirstBatchForElevenMonths) {
  Org tenant = testing::stage(env, "健康云").tenant;
  Org sys = system_of(tenant, "医疗数据分析");
  std::string list = price_list(env, "健康云价目",
                                {{"compute-vcpu", "12", ""},
                                 {"compute-memory", "20", ""},
                                 {"storage-high-perf", "0.6", ""},
                                 {"storage-backup-local", "0.2", ""},
                                 {"storage-backup-offsite", "0.25", ""},
                                 {"network-remote-access", "100", ""},
                                 {"network-ssl-vpn", "200", ""},
                                 {"monitoring-deep", "1000", ""},
                                 {"software-os-open-source", "50", ""},
                                 {"database-realtime-analytics", "500", ""},
                                 {"database-offline-dw", "300", ""},
                                 {"security-host-antivirus", "30", ""},
                                 {"security-host-protection", "60", ""},
                                 {"security-host-hardening", "800", "once"}});
  ContractImport in;
  in.package = only(package("004"), [](const json::object& it) {
    auto* b = it.if_contains("batch");
    return b && (b->is_int64() ? b->as_int64() == 1 : b->is_string() && b->as_string() == "1");
  });
  in.tenant = tenant.id;
  in.starts_at = at("2026-01-01T00:00:00");
  in.price_list = list;
  Contract c = must(env.billing->import_contract(env.mu_admin, in, env.ctx));
  const std::string from = ",2026-01-01T00:00:00+08:00,", to = "2026-12-01T00:00:00+08:00\n";
  const std::string s = ",健康云,医疗数据分析,";
  import("h1" + s + "compute-vcpu,240,CPU" + from + to +        //
         "h2" + s + "compute-memory,480,GB" + from + to +       //
         "h3" + s + "storage-high-perf,20000,GB" + from + to +  //
         "h4" + s +
         "security-host-hardening,3,台,2026-03-10T09:00:00+08:00,"
         "2026-03-10T17:00:00+08:00\n");
  (void)sys;
  Settlement st = must(env.billing->settlement(env.mu_admin, c.id));
  EXPECT_EQ(st.contract_total.str(), "543654.45");
  EXPECT_EQ(st.cost_to_date.str(), "271680.00");
  EXPECT_EQ(st.months.size(), 11u);
  EXPECT_EQ(item(st, "security-host-hardening").cost.str(), "2400.00");
  EXPECT_EQ(item(st, "storage-high-perf").peak.str(), "20000");
  ASSERT_EQ(st.milestones.size(), 2u);
  EXPECT_EQ(st.milestones[0].amount.str(), "380558.12");
  EXPECT_EQ(st.milestones[1].amount.str(), "0.00");
  ASSERT_FALSE(st.notes.empty());
  EXPECT_NE(st.notes.back().find("108878.12"), std::string::npos) << st.notes.back();
  EXPECT_EQ(st.budget_used_pct, 49);  // 271,680 ÷ 543,654.45
}

}  // namespace
}  // namespace govcloud
