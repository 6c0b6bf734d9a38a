#include <gtest/gtest.h>
#include <sqlite3.h>

#include "test_env.h"

namespace govcloud {
namespace {

using testing::Env;
using testing::must;

TEST(SqliteStore, AppliesMigrationsOnceAndReopens) {
  Env env;
  int v = env.store->schema_version();
  EXPECT_GE(v, 1);
  env.set.reset();
  env.store.reset();
  auto again = open_sqlite_store(env.dir.string());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again.value()->schema_version(), v);
  env.store = std::move(again).value();
  env.wire();
  must(env.iam->bootstrap(testing::kPassword));
}

TEST(SqliteStore, AFailedUnitOfWorkLeavesNothingBehind) {
  Env env;
  must(env.iam->bootstrap(testing::kPassword));
  auto r = env.store->transact([&](Tx& tx) -> Result<int> {
    tx.set_meta("half", "written");
    return invalid("x", "refused after writing");
  });
  ASSERT_FALSE(r.ok());
  auto meta = env.store->read(
      [](Tx& tx) -> Result<std::string> { return tx.get_meta("half").value_or("absent"); });
  EXPECT_EQ(meta.value(), "absent");
}

TEST(SqliteStore, ConstraintViolationsBecomeConflictsNotCrashes) {
  Env env;
  must(env.iam->bootstrap(testing::kPassword));
  auto r = env.store->transact([&](Tx& tx) -> Status {
    auto admin = tx.find_user_by_name("admin");
    User copy = *admin;
    copy.id = UserId{"usr-0000000000000001"};
    tx.insert_user(copy);  // username is UNIQUE
    return ok_status();
  });
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kConflict);
}

TEST(SqliteStore, AuditRecordsCannotBeUpdatedOrDeletedInPlace) {
  Env env;
  must(env.iam->bootstrap(testing::kPassword));
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((env.dir / "govcloud.db").c_str(), &db), SQLITE_OK);
  EXPECT_NE(sqlite3_exec(db, "UPDATE audit_log SET result = 'x'", nullptr, nullptr, nullptr),
            SQLITE_OK);
  EXPECT_NE(sqlite3_exec(db, "DELETE FROM audit_log", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
}

TEST(SqliteStore, UsesWalAndForeignKeys) {
  Env env;
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((env.dir / "govcloud.db").c_str(), &db), SQLITE_OK);
  sqlite3_stmt* s = nullptr;
  sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &s, nullptr);
  ASSERT_EQ(sqlite3_step(s), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(s, 0)), "wal");
  sqlite3_finalize(s);
  sqlite3_close(db);
  auto r = env.store->transact([&](Tx& tx) -> Status {
    Vdc v;
    v.id = VdcId{"vdc-0000000000000001"};
    v.org = OrgId{"org-does-not-exist0"};
    v.name = "x";
    v.path = "/x/";
    tx.insert_vdc(v);
    return ok_status();
  });
  EXPECT_FALSE(r.ok());  // foreign key enforced
}

}  // namespace
}  // namespace govcloud
