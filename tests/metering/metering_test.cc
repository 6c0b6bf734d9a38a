// Metering (issue 11 §1, BIL-*): lifecycle events become usage intervals exactly once across a
// restart; reported and imported usage is deduplicated by the sender's id per tenant, kept
// whole or not at all, and every bad row is named by its line.
#include "metering/metering.h"

#include <gtest/gtest.h>

#include "catalog/catalog.h"
#include "store/operations_tx.h"
#include "test_env.h"

namespace govcloud::testing {
namespace {

constexpr TimeMs kDay = 24LL * 3600 * 1000;

class MeteringTest : public ::testing::Test {
 protected:
  void SetUp() override { env.build_tree(); }
  Metering& metering() { return env.set->metering; }
  void event(TimeMs at, const char* what, const char* resource, const char* code, int quantity) {
    auto st = env.store->transact([&](Tx& tx) -> Status {
      tx.operations().insert_usage_event(UsageEvent{0, at, what, resource, code, quantity,
                                                    env.tenant_a.id.value, env.system_a.id.value,
                                                    env.vdc_a.id.value});
      return ok_status();
    });
    ASSERT_TRUE(st.ok());
  }
  std::vector<UsageInterval> intervals(const Principal& who, const std::string& code = "") {
    UsageQuery q;
    q.code = code;
    q.limit = 1000;
    auto l = metering().list(who, q);
    EXPECT_TRUE(l.ok()) << l.error().message;
    return l.ok() ? l->items : std::vector<UsageInterval>{};
  }
  Env env;
};

// BIL-01: a VM's compute from started to stopped, split by a resize (stop, start with 4 vCPU);
// a volume from created to deleted, split where it grew; attach events change nothing.
TEST_F(MeteringTest, LifecycleEventsBecomeIntervalsExactlyOnceAcrossARestart) {
  TimeMs t0 = env.clock.now();
  event(t0, "started", "vm-1", "compute-vcpu", 2);
  event(t0, "created", "vol-1", "storage-normal", 10);
  event(t0 + kDay, "attached", "vol-1", "storage-normal", 10);
  event(t0 + 2 * kDay, "stopped", "vm-1", "compute-vcpu", 2);
  event(t0 + 2 * kDay, "started", "vm-1", "compute-vcpu", 4);
  event(t0 + 3 * kDay, "resized", "vol-1", "storage-normal", 20);
  event(t0 + 4 * kDay, "deleted", "vol-1", "storage-normal", 20);
  ASSERT_EQ(metering().collect().value(), 7);
  auto vcpu = intervals(env.a_admin, "compute-vcpu");
  ASSERT_EQ(vcpu.size(), 2U);
  EXPECT_EQ(vcpu[0].quantity, Decimal::from_int(2));
  EXPECT_EQ(vcpu[0].start, t0);
  EXPECT_EQ(vcpu[0].end, t0 + 2 * kDay);
  EXPECT_EQ(vcpu[1].quantity, Decimal::from_int(4));
  EXPECT_FALSE(vcpu[1].end.has_value());  // still running
  auto disk = intervals(env.a_admin, "storage-normal");
  ASSERT_EQ(disk.size(), 2U);
  EXPECT_EQ(disk[0].quantity, Decimal::from_int(10));
  EXPECT_EQ(disk[0].end, t0 + 3 * kDay);
  EXPECT_EQ(disk[1].quantity, Decimal::from_int(20));
  EXPECT_EQ(disk[1].start, t0 + 3 * kDay);
  EXPECT_EQ(disk[1].end, t0 + 4 * kDay);
  EXPECT_EQ(disk[1].org_path, env.system_a.path);

  // Collected again, and after a restart (the services wired anew over the same store): the
  // cursor moved with the intervals, so nothing is counted twice.
  EXPECT_EQ(metering().collect().value(), 0);
  env.wire();
  EXPECT_EQ(metering().collect().value(), 0);
  EXPECT_EQ(intervals(env.a_admin).size(), 4U);
  event(t0 + 5 * kDay, "stopped", "vm-1", "compute-vcpu", 4);
  EXPECT_EQ(intervals(env.a_admin, "compute-vcpu").at(1).end, t0 + 5 * kDay);
  // Tenant B and an unscoped viewer see none of A's usage.
  EXPECT_TRUE(intervals(env.b_admin).empty());
}

// Issue 11 §1: an item the catalog marks as billing while stopped keeps its interval through a
// stop and the start after it; a start with another quantity still splits it.
TEST_F(MeteringTest, AnItemThatBillsWhileStoppedKeepsItsIntervalThroughAStop) {
  ServiceInput flag;
  flag.details = boost::json::object{{"bills_while_stopped", true}};
  ASSERT_TRUE(env.catalog->update(env.admin, "compute-memory", flag, env.ctx).ok());
  TimeMs t0 = env.clock.now();
  event(t0, "started", "vm-1", "compute-memory", 8);
  event(t0, "started", "vm-1", "compute-vcpu", 2);
  event(t0 + kDay, "stopped", "vm-1", "compute-memory", 8);
  event(t0 + kDay, "stopped", "vm-1", "compute-vcpu", 2);
  event(t0 + 2 * kDay, "started", "vm-1", "compute-memory", 8);
  event(t0 + 2 * kDay, "started", "vm-1", "compute-vcpu", 2);
  event(t0 + 3 * kDay, "stopped", "vm-1", "compute-memory", 8);
  event(t0 + 4 * kDay, "started", "vm-1", "compute-memory", 16);  // resized while stopped
  ASSERT_TRUE(metering().collect().ok());
  auto memory = intervals(env.a_admin, "compute-memory");
  ASSERT_EQ(memory.size(), 2U);
  EXPECT_EQ(memory[0].start, t0);
  EXPECT_EQ(memory[0].end, t0 + 4 * kDay);  // billed through both stops
  EXPECT_EQ(memory[1].quantity, Decimal::from_int(16));
  EXPECT_EQ(intervals(env.a_admin, "compute-vcpu").size(), 2U);  // unmarked: split by the stop
}

const char* const kHeader = "event_id,tenant,system,code,quantity,unit,start,end\n";

// BIL-01: history from another platform, in units as procurement documents write them.
TEST_F(MeteringTest, AnImportIsTakenWholeOnceAndInTheCatalogUnit) {
  std::string csv = std::string(kHeader) +
                    "old-1,A局,A系统,storage-normal,2,100GB,2026-01-01T00:00:00+08:00,"
                    "2026-02-01T00:00:00+08:00\r\n"
                    "old-2," +
                    env.tenant_a.id.value + "," + env.system_a.id.value +
                    ",compute-vcpu,8,1CPU,2026-01-15T08:00:00+08:00,\r\n"
                    "old-3,,A系统,network-internet-bandwidth,50,Mbps,2026-01-01T00:00:00Z,"
                    "2026-01-31T16:00:00Z\r\n";
  auto in = metering().import_csv(env.admin, "\xEF\xBB\xBF" + csv, env.ctx);
  ASSERT_TRUE(in.ok()) << in.error().message;
  EXPECT_EQ(in->accepted, 3);
  auto disk = intervals(env.a_member, "storage-normal");
  ASSERT_EQ(disk.size(), 1U);
  EXPECT_EQ(disk[0].quantity, Decimal::from_int(200));  // 2 × 100GB = 200 GB
  EXPECT_EQ(disk[0].source, UsageSource::kImported);
  EXPECT_EQ(disk[0].start, 1767196800000);  // 2026-01-01 00:00 +08:00 = 2025-12-31 16:00 UTC
  EXPECT_FALSE(intervals(env.a_member, "compute-vcpu").at(0).end.has_value());
  // The same file again changes nothing.
  auto again = metering().import_csv(env.admin, csv, env.ctx);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->accepted, 0);
  EXPECT_EQ(again->duplicates, 3);
  EXPECT_EQ(intervals(env.a_member).size(), 3U);
}

TEST_F(MeteringTest, EveryBadRowIsNamedByItsLineAndNothingIsKept) {
  Org system_b =
      must(env.tenancy->create_org(env.mu_admin,
                                   NewOrg{env.tenant_b.id, OrgType::kBusinessSystem, "B系统", "",
                                          BusinessSystemProfile{3, true, false, "internet"}},
                                   env.ctx));
  const std::string t = ",2026-01-01T00:00:00+08:00,2026-02-01T00:00:00+08:00\n";
  std::string csv = std::string(kHeader) + "ok-1,A局,A系统,storage-normal,1,GB" + t +  // line 2
                    "x-1,A局,A系统,no-such-item,1," + t +                              // 3
                    "x-2,A局,A系统,storage-normal,-5,GB" + t +                         // 4
                    "x-3,A局,A系统,storage-normal,1,GB,2026-02-01T00:00:00+08:00,"
                    "2026-01-01T00:00:00+08:00\n" +  // 5
                    "x-4,A局," +
                    system_b.id.value + ",storage-normal,1,GB" + t +    // 6
                    "x-5,A局,A系统,storage-normal,5,Mbps" + t +         // 7
                    "x-6,A局,A系统,storage-normal,1,\xC3\x28" + t +     // 8
                    "x-7,A局,A系统,storage-normal,1,GB,yesterday,\n" +  // 9
                    "x-8,A局,A系统,storage-normal,1.5.2,GB" + t;        // 10
  auto in = metering().import_csv(env.admin, csv, env.ctx);
  ASSERT_FALSE(in.ok());
  const Error& e = in.error();
  EXPECT_EQ(e.code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(e.field, "line 8.line");  // malformed UTF-8 is found before the rows are read
  auto rows = metering().import_csv(
      env.admin, csv.substr(0, csv.find("x-6")) + csv.substr(csv.find("x-7")), env.ctx);
  ASSERT_FALSE(rows.ok());
  std::string m = rows.error().message;
  EXPECT_EQ(rows.error().field, "line 3.code") << m;
  for (const char* want : {"line 3 (code)", "line 4 (quantity)", "line 5 (end)", "line 6 (tenant)",
                           "line 7 (unit)", "line 8 (start)", "line 9 (quantity)"})
    EXPECT_NE(m.find(want), std::string::npos) << want << " missing in: " << m;
  EXPECT_EQ(m.find("line 2 "), std::string::npos) << m;
  EXPECT_TRUE(intervals(env.admin).empty());  // the good row was not kept either
  // A wrong header, and no header at all.
  EXPECT_EQ(metering().import_csv(env.admin, "id,tenant\n", env.ctx).error().field, "line 1");
  EXPECT_EQ(metering().import_csv(env.admin, "", env.ctx).error().field, "line 1");
}

TEST_F(MeteringTest, ReportedCountersAreDeduplicatedPerTenantAndOnlyTheProviderReports) {
  std::vector<ReportedUsage> batch = {
      {"cdn-1", "", env.system_a.id.value, "network-internet-bandwidth", "100", "Mbps",
       "2026-03-01T00:00:00+08:00", "2026-03-02T00:00:00+08:00"},
      {"cdn-2", "", "A系统", "storage-normal", "12.5", "", "2026-03-01T00:00:00+08:00", ""}};
  auto in = metering().report(env.admin, batch, env.ctx);
  ASSERT_TRUE(in.ok()) << in.error().message;
  EXPECT_EQ(in->accepted, 2);
  auto again = metering().report(env.admin, batch, env.ctx);
  EXPECT_EQ(again->duplicates, 2);
  EXPECT_EQ(intervals(env.a_member, "storage-normal").at(0).quantity.str(), "12.5");
  // A tenant's own administrator reads usage but does not report it.
  EXPECT_EQ(metering().report(env.a_admin, batch, env.ctx).error().code,
            ErrorCode::kPermissionDenied);
  EXPECT_TRUE(intervals(env.b_admin).empty());
}

}  // namespace
}  // namespace govcloud::testing
