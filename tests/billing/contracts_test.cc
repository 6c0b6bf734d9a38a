// TEN-06: every procurement package imports as a contract, and its quotas match its items.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "billing/stage.h"
#include "test_env.h"

namespace govcloud {
namespace {

using testing::Env;
using testing::must;
using testing::package;
using testing::packages;
using testing::Stage;
using testing::stage;
namespace json = boost::json;

std::int64_t limit_of(Env& env, const Vdc& vdc, const std::string& resource) {
  for (const auto& l : must(env.tenancy->get_quota(env.mu_admin, vdc.id)))
    if (l.resource == resource) return l.limit;
  return -1;
}

TEST(Contracts, EveryPackageImportsAndQuotasMatchItsItems) {
  Env env;
  env.build_tree();
  auto all = packages();
  ASSERT_EQ(all.size(), 10u);
  int n = 0;
  for (const auto& p : all) {
    std::string id(p.at("id").as_string());
    Stage s = stage(env, "T" + std::to_string(n++));
    ContractImport in;
    in.package = p;
    in.tenant = s.tenant.id;
    auto c = env.billing->import_contract(env.mu_admin, in, env.ctx);
    ASSERT_TRUE(c.ok()) << id << ": " << c.error().message;
    auto [contract, items] = must(env.billing->get_contract(env.mu_admin, c->id));
    EXPECT_EQ(items.size(), p.at("items").as_array().size()) << id;
    // The limit of each resource now equals the items in force, converted and with 20% headroom.
    std::map<std::string, std::int64_t> expected;
    for (const auto& it : items) {
      if (it.starts_at > env.clock.now()) continue;
      auto svc = must(env.catalog->get(env.admin, it.service_code));
      auto q = json::parse(svc.quota_json).as_object();
      if (q.empty()) continue;
      std::string resource(q.begin()->key());
      auto amount = Decimal::parse(it.quantity, "q")
                        .value()
                        .times(convert_unit(it.unit_text, svc.unit).factor)
                        ->plus_percent(20)
                        .ceil();
      expected[resource] += amount;
    }
    for (const auto& [resource, amount] : expected)
      EXPECT_EQ(limit_of(env, s.vdc, resource), amount) << id << " " << resource;
    // What could not be interpreted stays visible.
    if (id == "002-quote") {
      EXPECT_NE(contract.uninterpreted_json.find("budget"), std::string::npos);
    }
  }
}

TEST(Contracts, HundredGigabyteUnitsBecomeGigabyteQuotasPerSystemStart) {
  Env env;
  env.build_tree();
  Stage s = stage(env, "科协");
  json::value p001;
  for (const auto& p : packages())
    if (p.at("id").as_string() == "001") p001 = p;
  ContractImport in;
  in.package = p001;
  in.tenant = s.tenant.id;
  TimeMs signing = env.clock.now();
  in.starts_at = signing;
  must(env.billing->import_contract(env.mu_admin, in, env.ctx));
  // Systems (一) and (二), 12 months from signing: (250 + 550) × 100GB × 1.2 = 96,000 GB.
  EXPECT_EQ(limit_of(env, s.vdc, "storage_normal_gb"), 96000);
  // System (三), 10 months, starts two months later: 65.24 × 100GB × 1.2 = 7,828.8 → 7,829.
  env.clock.set(add_months(signing, 2) + kHourMs);
  must(env.billing->apply_quota_schedules(env.ctx));
  EXPECT_EQ(limit_of(env, s.vdc, "storage_normal_gb"), 96000 + 7829);
}

// Issue 7 §3: an import that does not fit names every shortfall at once, and the dry run shows
// the quota plan (needed, available, at which level) and changes nothing.
TEST(Contracts, AShortfallNamesEveryResourceAndTheDryRunChangesNothing) {
  Env env;
  env.build_tree();  // the management unit's VDC has vCPU and memory only
  Org tenant = must(env.tenancy->create_org(
      env.mu_admin, NewOrg{env.mu.id, OrgType::kTenant, "短缺局", "", {}}, env.ctx));
  Vdc vdc = must(
      env.tenancy->create_vdc(env.mu_admin, NewVdc{tenant.id, env.mu_vdc.id, "v", ""}, env.ctx));
  ContractImport in;
  in.package = package("004");
  in.tenant = tenant.id;
  auto plan = must(env.billing->plan_contract(env.mu_admin, in));
  int short_lines = 0;
  for (const auto& q : plan.quota) {
    EXPECT_EQ(q.vdc_name, "v");
    EXPECT_EQ(q.from_vdc_name, "mu");  // the level the limit is carved from
    if (!q.fits) ++short_lines;
  }
  EXPECT_GE(short_lines, 3);
  EXPECT_TRUE(must(env.billing->list_contracts(env.mu_admin)).empty());  // nothing written
  EXPECT_EQ(limit_of(env, vdc, "vcpu"), 0);
  auto r = env.billing->import_contract(env.mu_admin, in, env.ctx);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kQuotaExceeded);
  for (const auto& q : plan.quota) {
    if (!q.fits) {
      EXPECT_NE(r.error().message.find(q.resource), std::string::npos) << q.resource;
    }
  }
  EXPECT_TRUE(must(env.billing->list_contracts(env.mu_admin)).empty());
  // One round of raising the management unit's limits makes it fit.
  Amounts pool, mu;
  for (const auto& q : plan.quota) {
    pool.emplace_back(q.resource, q.needed + 100000);
    mu.emplace_back(q.resource, q.needed + 50000);
  }
  must(env.tenancy->set_quota(env.admin, env.pool.id, pool, env.ctx));
  must(env.tenancy->set_quota(env.admin, env.mu_vdc.id, mu, env.ctx));
  auto fitted = must(env.billing->plan_contract(env.mu_admin, in));
  for (const auto& q : fitted.quota) EXPECT_TRUE(q.fits) << q.resource;
  must(env.billing->import_contract(env.mu_admin, in, env.ctx));
}

TEST(Contracts, BatchesRaiseTheQuotaFromTheirStartDates) {
  Env env;
  env.build_tree();
  Stage s = stage(env, "医保局");
  json::value p004;
  for (const auto& p : packages())
    if (p.at("id").as_string() == "004") p004 = p;
  ContractImport in;
  in.package = p004;
  in.tenant = s.tenant.id;
  TimeMs signing = env.clock.now();
  in.starts_at = signing;
  auto c = must(env.billing->import_contract(env.mu_admin, in, env.ctx));
  // Batch 1 (11 months, 240 vCPU) is in force from signing: 240 × 1.2 = 288.
  EXPECT_EQ(limit_of(env, s.vdc, "vcpu"), 288);
  // Batch 2 (6 months, 480 vCPU) starts 5 months later so that both end together.
  env.clock.set(add_months(signing, 5) + kHourMs);
  must(env.billing->apply_quota_schedules(env.ctx));
  EXPECT_EQ(limit_of(env, s.vdc, "vcpu"), 288 + 576);
  env.clock.set(add_months(signing, 11) + kHourMs);
  must(env.billing->apply_quota_schedules(env.ctx));
  EXPECT_EQ(limit_of(env, s.vdc, "vcpu"), 0);  // the contract has ended
  EXPECT_NE(c.uninterpreted_json.find("batch"), std::string::npos);
  // Importing the same package twice for one tenant is refused.
  EXPECT_EQ(env.billing->import_contract(env.mu_admin, in, env.ctx).error().code,
            ErrorCode::kConflict);
}

TEST(Contracts, JsonNumbersReadAsTheDecimalsTheSenderWrote) {
  Env env;
  env.build_tree();
  Stage s = stage(env, "数字局");
  ContractImport in;
  in.tenant = s.tenant.id;
  // An API client sends numbers, not YAML strings: 1066.24 万元 and 65.24 × 100GB.
  in.package = json::parse(R"({"id":"n","budget_wan_yuan":1066.24,"items":[
      {"catalog":"storage-normal","quantity":65.24,"unit":"100GB","months":10}]})");
  auto c = must(env.billing->import_contract(env.mu_admin, in, env.ctx));
  ASSERT_TRUE(c.budget.has_value());
  EXPECT_EQ(c.budget->str(), "10662400.00");
  EXPECT_EQ(limit_of(env, s.vdc, "storage_normal_gb"), 7829);  // 6524 GB × 1.2, rounded up
}

TEST(Contracts, OnlyTheManagementUnitImportsAndBadPackagesAreRefused) {
  Env env;
  env.build_tree();
  Stage s = stage(env, "X局");
  ContractImport in;
  in.tenant = s.tenant.id;
  in.package = packages()[2];
  EXPECT_EQ(env.billing->import_contract(env.a_admin, in, env.ctx).error().code,
            ErrorCode::kNotFound);  // tenant A's admin cannot even see tenant X
  auto field = [&](const char* pkg) {
    ContractImport bad = in;
    bad.package = json::parse(pkg);
    auto r = env.billing->import_contract(env.mu_admin, bad, env.ctx);
    return r.ok() ? std::string("<ok>") : r.error().field;
  };
  EXPECT_EQ(field(R"({"items":[]})"), "package.id");
  EXPECT_EQ(field(R"({"id":"p","items":[]})"), "package.items");
  EXPECT_EQ(field(R"({"id":"p","items":[{"catalog":"nope","quantity":1,"unit":"1"}]})"),
            "package.items[0].catalog");
  EXPECT_EQ(
      field(R"({"id":"p","items":[{"catalog":"compute-vcpu","quantity":"-3","unit":"1CPU"}]})"),
      "package.items[0].quantity");
  EXPECT_EQ(
      field(R"({"id":"p","items":[{"catalog":"compute-vcpu","quantity":"lots","unit":"1CPU"}]})"),
      "package.items[0].quantity");
  // CAT-13: a GPU without a VM or server is refused.
  EXPECT_EQ(
      field(R"({"id":"p","items":[{"catalog":"compute-gpu-8g","quantity":1,"unit":"1GPU"}]})"),
      "package.items");
  EXPECT_EQ(field(R"({"id":"p","items":[{"catalog":"compute-gpu-8g","quantity":1,"unit":"1GPU"},
                                        {"catalog":"compute-vcpu","quantity":8,"unit":"1CPU"}]})"),
            "<ok>");
  // Nothing half-written: the failed imports left no contract behind.
  EXPECT_EQ(must(env.billing->list_contracts(env.mu_admin)).size(), 1u);
}

}  // namespace
}  // namespace govcloud
