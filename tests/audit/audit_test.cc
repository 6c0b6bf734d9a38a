#include "audit/audit.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "test_env.h"

namespace govcloud {
namespace {

using testing::Env;
using testing::must;

// Tampering as an attacker with file access would: triggers off, then raw SQL.
void tamper(Env& env, const std::string& sql) {
  ASSERT_TRUE(env.set->checkpoints.flush().ok());  // the trail as it was is vouched for
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((env.dir / "govcloud.db").c_str(), &db), SQLITE_OK);
  char* err = nullptr;
  std::string all =
      "DROP TRIGGER IF EXISTS audit_no_update; DROP TRIGGER IF EXISTS "
      "audit_no_early_delete; " +
      sql;
  ASSERT_EQ(sqlite3_exec(db, all.c_str(), nullptr, nullptr, &err), SQLITE_OK) << err;
  sqlite3_close(db);
}

TEST(AuditChain, EveryChangeIsRecordedAndTheChainVerifies) {
  Env env;
  env.build_tree();
  auto rep = env.verify_audit();
  EXPECT_TRUE(rep.ok) << rep.problem;
  EXPECT_GT(rep.checked, 20);
  AuditQuery q;
  q.action_prefix = "role.grant";
  auto grants = must(env.audit->query(env.auditor, q));
  EXPECT_GE(grants.total, 5);  // AUD-03
  const auto& r = grants.items.front();
  EXPECT_FALSE(r.actor_id.empty());
  EXPECT_EQ(r.source_ip, "127.0.0.1");
  EXPECT_EQ(r.request_id, "req-test");
  EXPECT_EQ(r.result, "success");
}

TEST(AuditChain, ChangedRecordIsFound) {
  Env env;
  env.build_tree();
  tamper(env, "UPDATE audit_log SET actor_name = 'someone-else' WHERE seq = 7");
  auto rep = env.verify_audit();
  EXPECT_FALSE(rep.ok);
  EXPECT_EQ(rep.first_bad_seq, 7);
}

TEST(AuditChain, RemovedRecordIsFound) {
  Env env;
  env.build_tree();
  tamper(env, "DELETE FROM audit_log WHERE seq = 5");
  auto rep = env.verify_audit();
  EXPECT_FALSE(rep.ok);
  EXPECT_EQ(rep.first_bad_seq, 5);
}

TEST(AuditChain, RemovedNewestRecordIsFound) {
  Env env;
  env.build_tree();
  tamper(env, "DELETE FROM audit_log WHERE seq = (SELECT MAX(seq) FROM audit_log)");
  EXPECT_FALSE(env.verify_audit().ok);
}

TEST(AuditChain, ReorderedRecordsAreFound) {
  Env env;
  env.build_tree();
  // Swap the contents of records 3 and 4, keeping their sequence numbers.
  tamper(env,
         "UPDATE audit_log SET seq = -3 WHERE seq = 3; UPDATE audit_log SET seq = 3 WHERE seq = 4;"
         "UPDATE audit_log SET seq = 4 WHERE seq = -3;");
  auto rep = env.verify_audit();
  EXPECT_FALSE(rep.ok);
  EXPECT_EQ(rep.first_bad_seq, 3);
}

TEST(AuditRetention, NothingYoungerThanAYearIsRemovedAndPurgeIsAudited) {
  Env env;
  env.build_tree();
  auto early = env.audit->purge(env.auditor, env.clock.now(), env.ctx);
  ASSERT_FALSE(early.ok());
  EXPECT_EQ(early.error().field, "before");
  auto by_sysadmin = env.audit->purge(env.admin, env.clock.now() - 400 * kDayMs, env.ctx);
  EXPECT_FALSE(by_sysadmin.ok());
  TimeMs cutoff = env.clock.now() + 1;
  env.clock.advance(367 * kDayMs);
  must(env.tenancy->create_org(env.mu_admin, NewOrg{env.mu.id, OrgType::kTenant, "新局", "", {}},
                               env.ctx));
  auto removed = must(env.audit->purge(env.auditor, cutoff, env.ctx));
  EXPECT_GT(removed, 20);
  auto rep = env.verify_audit();
  EXPECT_TRUE(rep.ok) << rep.problem;  // verifies from the anchor
  AuditQuery q;
  q.action_prefix = "audit.purge";
  EXPECT_EQ(must(env.audit->query(env.auditor, q)).total, 1);
}

TEST(AuditQuery, TenantAdminsSeeOnlyTheirSubtreeAndOthersNothing) {
  Env env;
  env.build_tree();
  auto a = must(env.audit->query(env.a_admin, AuditQuery{}));
  EXPECT_GT(a.total, 0);
  for (const auto& r : a.items)
    EXPECT_TRUE(r.org_id == env.tenant_a.id.value || r.org_id == env.system_a.id.value)
        << r.action << " " << r.org_id;
  EXPECT_FALSE(env.audit->query(env.a_member, AuditQuery{}).ok());
  EXPECT_FALSE(env.audit->query(env.admin, AuditQuery{}).ok());  // sysadmin is not an auditor
}

TEST(AuditExport, CsvHasHeaderQuotesAndDefusesFormulas) {
  Env env;
  env.build_tree();
  must(env.tenancy->create_org(
      env.mu_admin, NewOrg{env.mu.id, OrgType::kTenant, "=cmd|' /C calc'!A0", "", {}}, env.ctx));
  std::string csv = must(env.audit->export_csv(env.auditor, AuditQuery{}, env.ctx));
  EXPECT_EQ(csv.rfind("seq,time,actor_id", 0), 0u);
  EXPECT_EQ(csv.find(",=cmd"), std::string::npos);
  AuditQuery q;
  q.action_prefix = "audit.export";
  EXPECT_EQ(must(env.audit->query(env.auditor, q)).total, 1);
}

}  // namespace
}  // namespace govcloud
