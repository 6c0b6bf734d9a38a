#include "catalog/catalog.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "test_env.h"

namespace govcloud {
namespace {

using testing::Env;
using testing::must;
namespace json = boost::json;

TEST(Catalog, LoadsEveryServiceOfTheProcurementCatalogOnce) {
  Env env;
  env.build_tree();
  auto all = must(env.catalog->list(env.a_member, CatalogQuery{"", "", "", false, Page{1000, 0}}));
  // The 99 of the procurement catalog, 云主机 (cloud-host), 云硬盘 (cloud-disk), and the two
  // items the platform meters that the catalog has no code for: backup space and snapshots.
  EXPECT_EQ(all.total, 103);
  EXPECT_EQ(must(env.catalog->seed_builtin()), 0);  // not twice
  auto vm = must(env.catalog->get(env.a_member, "cloud-host"));
  EXPECT_EQ(vm.fulfilment, "auto");
  EXPECT_NE(vm.quota_json.find("storage_normal_gb"), std::string::npos);
  // A volume's tier and purpose decide which quota its request draws (STO-12).
  auto disk = must(env.catalog->get(env.a_member, "cloud-disk"));
  auto perf = must(quota_amounts(disk, json::object{{"size_gb", 7}, {"tier", "performance"},
                                                    {"purpose", "business"}}));
  ASSERT_EQ(perf.size(), 1U);
  EXPECT_EQ(perf[0], (std::pair<std::string, std::int64_t>{"storage_performance_gb", 7}));
  auto backup = must(quota_amounts(disk, json::object{{"size_gb", 3}, {"tier", "normal"},
                                                      {"purpose", "backup"}}));
  ASSERT_EQ(backup.size(), 1U);
  EXPECT_EQ(backup[0].first, "storage_backup_gb");
  auto vcpu = must(env.catalog->get(env.a_member, "compute-vcpu"));
  EXPECT_EQ(vcpu.name_zh, "vCPU");
  EXPECT_EQ(vcpu.period, "month");
  EXPECT_EQ(vcpu.price_ceiling->str(), "12.00");
  EXPECT_NE(vcpu.details_json.find("1001"), std::string::npos);  // 002's code kept as an alias
  auto fw = must(env.catalog->get(env.a_member, "security-basic-firewall"));
  EXPECT_TRUE(fw.free);  // CAT-02
  EXPECT_EQ(fw.period, "");
}

TEST(Catalog, AnUpgradeAddsNewServicesAndKeepsWhatTheSysadminChanged) {
  Env env;
  env.build_tree();
  ServiceInput rename;
  rename.name_en = "vCPU (our wording)";
  must(env.catalog->update(env.admin, "compute-vcpu", rename, env.ctx));
  must(env.catalog->retire(env.admin, "compute-memory", env.ctx));
  // A later release's catalog: the two services above as shipped, plus one new service.
  std::string next = R"(services:
- {code: compute-vcpu, category: compute, name_zh: vCPU, name_en: Cloud host vCPU, unit: vcpu, period: month}
- {code: compute-memory, category: compute, name_zh: 内存, name_en: Memory, unit: gb, period: month}
- {code: compute-new-thing, category: compute, name_zh: 新服务, name_en: New service, unit: set, period: month}
)";
  EXPECT_EQ(must(env.catalog->seed_from_yaml(next)), 1);
  EXPECT_EQ(must(env.catalog->get(env.a_member, "compute-vcpu")).name_en, "vCPU (our wording)");
  EXPECT_TRUE(must(env.catalog->get(env.a_member, "compute-memory")).retired);
  EXPECT_EQ(must(env.catalog->get(env.a_member, "compute-new-thing")).name_zh, "新服务");
  EXPECT_EQ(must(env.catalog->seed_from_yaml(next)), 0);
  EXPECT_FALSE(env.catalog->seed_from_yaml("just text").ok());
}

TEST(Catalog, FiltersByCategoryAndKeywordInEitherLanguage) {
  Env env;
  env.build_tree();
  auto crypto =
      must(env.catalog->list(env.a_member, CatalogQuery{"crypto", "", "", false, Page{}}));
  EXPECT_EQ(crypto.total, 20);
  auto zh =
      must(env.catalog->list(env.a_member, CatalogQuery{"", "高性能存储", "", false, Page{}}));
  ASSERT_GE(zh.total, 1);
  EXPECT_EQ(zh.items[0].code, "storage-high-perf");
  auto en =
      must(env.catalog->list(env.a_member, CatalogQuery{"", "penetration", "", false, Page{}}));
  ASSERT_EQ(en.total, 1);
  EXPECT_EQ(en.items[0].code, "security-pentest");
}

TEST(Catalog, SysadminDefinesChangesAndRetiresCustomServices) {
  Env env;
  env.build_tree();
  ServiceInput in;
  in.code = "custom-vm-small";
  in.name_zh = "标准云主机（固定规格）";
  in.name_en = "Standard VM (fixed flavour)";
  in.unit = "vm";
  in.period = "month";
  in.params =
      json::parse(R"([{"name":"flavor","type":"enum","enum":["2c4g","4c8g"],"required":true},
                              {"name":"vcpu","type":"integer","min":1,"max":16,"default":2}])");
  in.quota = json::parse(R"({"vcpu":"vcpu"})");
  EXPECT_EQ(env.catalog->create(env.a_admin, in, env.ctx).error().code,
            ErrorCode::kPermissionDenied);
  auto svc = must(env.catalog->create(env.admin, in, env.ctx));
  EXPECT_EQ(svc.origin, "custom");
  EXPECT_EQ(env.catalog->create(env.admin, in, env.ctx).error().code, ErrorCode::kConflict);
  ServiceInput bad = in;
  bad.code = "custom-bad";
  bad.quota = json::parse(R"({"vcpu":"flavor"})");
  EXPECT_EQ(env.catalog->create(env.admin, bad, env.ctx).error().field, "quota.vcpu");
  bad.quota = json::parse(R"({"cpus":"vcpu"})");
  EXPECT_EQ(env.catalog->create(env.admin, bad, env.ctx).error().field, "quota.cpus");
  bad.quota.reset();
  bad.params = json::parse(R"([{"name":"x","type":"float"}])");
  EXPECT_EQ(env.catalog->create(env.admin, bad, env.ctx).error().field, "params[0].type");
  bad.params.reset();
  bad.policy = json::parse(R"({"request":{"steps":[{"role":"viewer","level":"tenant"}]}})");
  EXPECT_EQ(env.catalog->create(env.admin, bad, env.ctx).error().field,
            "policy.request.steps[0].role");
  ServiceInput change;
  change.name_en = "Standard VM";
  EXPECT_EQ(must(env.catalog->update(env.admin, "custom-vm-small", change, env.ctx)).name_en,
            "Standard VM");
  must(env.catalog->retire(env.admin, "custom-vm-small", env.ctx));
  auto visible =
      must(env.catalog->list(env.a_member, CatalogQuery{"", "custom-vm", "", true, Page{}}));
  EXPECT_EQ(visible.total, 0);  // retired services disappear for users
}

TEST(Catalog, RequestParametersAreCheckedAgainstTheSchema) {
  CatalogService svc;
  svc.code = "x";
  svc.params_json =
      R"([{"name":"flavor","type":"enum","enum":["2c4g","4c8g"],"required":true},
          {"name":"vcpu","type":"integer","min":1,"max":16,"default":2},
          {"name":"quantity","type":"integer","min":1,"default":1}])";
  svc.quota_json = R"({"vcpu":"vcpu"})";
  auto ok =
      validate_request_params(svc, json::parse(R"({"flavor":"4c8g","quantity":3})").as_object());
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(ok->at("vcpu").as_int64(), 2);  // default filled
  auto amounts = quota_amounts(svc, ok.value()).value();
  ASSERT_EQ(amounts.size(), 1u);
  EXPECT_EQ(amounts[0].second, 6);  // 2 vCPU × 3
  // A quantity with no stated maximum cannot multiply past 64 bits.
  auto huge = validate_request_params(
      svc,
      json::parse(R"({"flavor":"4c8g","vcpu":16,"quantity":9000000000000000000})").as_object());
  ASSERT_TRUE(huge.ok());
  EXPECT_EQ(quota_amounts(svc, huge.value()).error().field, "params.vcpu");
  auto field = [&](const char* body) {
    auto r = validate_request_params(svc, json::parse(body).as_object());
    return r.ok() ? std::string("<ok>") : r.error().field;
  };
  EXPECT_EQ(field(R"({})"), "params.flavor");
  EXPECT_EQ(field(R"({"flavor":"8c16g"})"), "params.flavor");
  EXPECT_EQ(field(R"({"flavor":"2c4g","vcpu":64})"), "params.vcpu");
  EXPECT_EQ(field(R"({"flavor":"2c4g","vcpu":"2"})"), "params.vcpu");
  EXPECT_EQ(field(R"({"flavor":"2c4g","gpu":1})"), "params.gpu");
}

TEST(Catalog, UnitConversionsAreExplicit) {
  EXPECT_EQ(convert_unit("100GB", "gb").factor, 100);
  EXPECT_EQ(convert_unit("1 GB", "gb").factor, 1);
  EXPECT_EQ(convert_unit("GB", "gb").factor, 1);
  auto tb = convert_unit("1TB", "gb");
  EXPECT_EQ(tb.factor, 1024);
  EXPECT_FALSE(tb.note.empty());
  EXPECT_EQ(convert_unit("1TB", "tb").factor, 1);
  // A number no document would write as a unit is kept visible, not parsed (fuzzer finding).
  auto huge = convert_unit("100999999999999999999999999999999999GBa", "gb");
  EXPECT_FALSE(huge.understood);
  EXPECT_EQ(huge.factor, 1);
  EXPECT_EQ(convert_unit("1IP（内网）", "ip").factor, 1);
  EXPECT_TRUE(convert_unit("1IP（内网）", "ip").understood);
  EXPECT_EQ(convert_unit("1 系统", "system").factor, 1);
}

}  // namespace
}  // namespace govcloud
