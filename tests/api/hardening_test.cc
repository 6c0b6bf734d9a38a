// Issue 8 over HTTP, the cases fixed so far: invalid UTF-8 never reaches the audit trail or a
// JSON answer (§9), and errors do not describe the schema (§12).
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "api/world.h"
#include "common/utf8.h"

namespace govcloud::testing {
namespace {

TestServer* server = nullptr;
World* world = nullptr;
const auto* const kEnv = ::testing::AddGlobalTestEnvironment(new SharedWorld(server, world));

// §9. Attacker: any signed-in user who puts invalid UTF-8 in a path to break audit review.
TEST(Hardening, Case9InvalidUtf8NeverReachesTheTrailOrAnAnswer) {
  const std::string& member = world->a.tokens.at("member");
  const std::vector<std::string> corpus = {
      "%ff",          "%c3%28",          "%a0%a1", "%e2%28%a1", "%e2%82%28",    "%f0%28%8c%bc",
      "%f0%90%28%bc", "%f8%a1%a1%a1%a1", "%c0%af", "%ed%a0%80", "%f4%90%80%80", "%e2%82"};
  for (const auto& bad : corpus) {
    for (const std::string& target :
         {"/api/v1/workorders/wo-" + bad + "/comments", "/api/v1/catalog/x" + bad,
          "/api/v1/price-lists/" + bad + "/prices", "/api/v1/requests/rq-" + bad + "/cancel"}) {
      std::string method = target.find("/prices") != std::string::npos ||
                                   target.find("/catalog/") != std::string::npos
                               ? "GET"
                               : "POST";
      std::string body = method == "POST" ? R"({"body":"x"})" : "";
      if (target.find("/cancel") != std::string::npos) body = "";
      auto r = server->call(method, target, member, body);
      EXPECT_GE(r.status, 400) << target;
      EXPECT_LT(r.status, 500) << target << " " << r.body;
      EXPECT_TRUE(is_valid_utf8(r.body)) << target;
    }
  }
  auto audit = server->call("GET", "/api/v1/audit?limit=500", world->tokens.at("auditadmin"));
  ASSERT_EQ(audit.status, 200);
  EXPECT_TRUE(is_valid_utf8(audit.body));
  EXPECT_TRUE(audit.json.is_object());  // parsed, so the page reads
  auto csv = server->call("GET", "/api/v1/audit/export", world->tokens.at("auditadmin"));
  EXPECT_TRUE(is_valid_utf8(csv.body));
}

// §12. Attacker: anyone who reads error answers (or the audit trail) to learn the schema.
TEST(Hardening, Case12ErrorsDoNotDescribeTheSchema) {
  const std::string& ta = world->a.tokens.at("tenant-admin");
  auto body = json::value(
      json::object{{"org_id", world->a.system}, {"parent_id", world->a.vdc}, {"name", "twin"}});
  ASSERT_EQ(server->call("POST", "/api/v1/vdcs", ta, body).status, 201);
  auto again = server->call("POST", "/api/v1/vdcs", ta, body);
  EXPECT_EQ(again.status, 409) << again.body;
  for (const char* word : {"INSERT", "UNIQUE", "constraint", "vdcs (", "SQL"})
    EXPECT_EQ(again.body.find(word), std::string::npos) << again.body;
  auto audit =
      server->call("GET", "/api/v1/audit?result=failed&limit=50", world->tokens.at("auditadmin"));
  EXPECT_EQ(audit.body.find("INSERT INTO"), std::string::npos);
  EXPECT_EQ(audit.body.find("UNIQUE constraint"), std::string::npos);
}

// §10. Attacker: another local user of the host, reading the data dir.
TEST(Hardening, Case10TheDataDirIsTheServersAlone) {
  struct stat st {};
  ASSERT_EQ(::stat(server->data_dir().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  for (const char* f : {"/govcloud.db", "/govcloud.db-wal"}) {
    ASSERT_EQ(::stat((server->data_dir() + f).c_str(), &st), 0) << f;
    EXPECT_EQ(st.st_mode & 077, 0u) << f;
  }
  std::string open_dir =
      (std::filesystem::temp_directory_path() / ("govcloud-open-" + std::to_string(::getpid())))
          .string();
  std::filesystem::create_directories(open_dir);
  ::chmod(open_dir.c_str(), 0755);
  std::string out;
  EXPECT_EQ(run_cli({"serve", "--listen", "127.0.0.1:0", "--data-dir", open_dir}, &out), 1);
  EXPECT_NE(out.find("can be read by other users (mode 0755)"), std::string::npos) << out;
  EXPECT_NE(out.find("chmod -R go-rwx"), std::string::npos) << out;
  EXPECT_FALSE(std::filesystem::exists(open_dir + "/govcloud.db"));
  std::filesystem::remove_all(open_dir);
}

}  // namespace
}  // namespace govcloud::testing
