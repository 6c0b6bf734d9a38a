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

// §2, and §3 again. Attacker: the system administrator, who chooses the first passwords of the
// security and audit administrators and would hold all three posts. The whole 三员 bootstrap on
// a fresh platform: each new administrator must set their own password before anything else,
// the latch closes, and revoking a post later does not reopen it.
TEST(Hardening, Case2TheSeparationBootstrapWalk) {
  TestServer fresh;
  std::string admin = fresh.login("admin");
  std::string root(fresh.call("GET", "/api/v1/auth/me", admin).json.at("org_id").as_string());
  auto create = [&](const std::string& name) {
    return fresh.call("POST", "/api/v1/users", admin,
                      obj({{"username", name},
                           {"password", "Chosen#ByAdmin1"},
                           {"org_id", root},
                           {"display_name", name}}));
  };
  int chosen = 0;
  auto first_sign_in = [&](const std::string& name) {
    std::string own = "Own#Secret" + std::to_string(++chosen);
    auto r = fresh.call("POST", "/api/v1/auth/login", "",
                        obj({{"username", name}, {"password", "Chosen#ByAdmin1"}}));
    EXPECT_EQ(r.status, 403) << r.body;
    EXPECT_EQ(r.error_code(), "password_expired") << r.body;
    EXPECT_FALSE(r.json.at("error").as_object().contains("token")) << r.body;
    auto changed = fresh.call(
        "POST", "/api/v1/auth/password", "",
        obj({{"username", name}, {"old_password", "Chosen#ByAdmin1"}, {"new_password", own}}));
    EXPECT_EQ(changed.status, 204) << changed.body;
    return fresh.login(name, own);
  };
  auto sec = create("sec-officer");
  ASSERT_EQ(sec.status, 201) << sec.body;
  EXPECT_TRUE(sec.json.at("must_change_password").as_bool());
  std::string sec_id(sec.json.at("id").as_string());
  ASSERT_EQ(grant(fresh, admin, sec_id, "secadmin", root).empty(), false);
  auto aud = create("audit-officer");
  ASSERT_EQ(aud.status, 201) << aud.body;
  std::string aud_id(aud.json.at("id").as_string());
  ASSERT_EQ(grant(fresh, admin, aud_id, "auditadmin", root).empty(), false);
  // Neither can act with the password admin chose; each sets their own first.
  std::string sec_token = first_sign_in("sec-officer");
  std::string aud_token = first_sign_in("audit-officer");
  EXPECT_EQ(fresh.call("GET", "/api/v1/users?limit=1", sec_token).status, 200);
  EXPECT_EQ(fresh.call("GET", "/api/v1/audit?limit=1", aud_token).status, 200);
  // The latch is closed: admin creates no more platform accounts.
  EXPECT_EQ(create("third-officer").status, 403);
  // A later revoke does not reopen it.
  auto bindings = fresh.call("GET", "/api/v1/role-bindings?user_id=" + aud_id, sec_token);
  ASSERT_EQ(bindings.status, 200) << bindings.body;
  std::string binding(bindings.json.at("items").as_array().at(0).at("id").as_string());
  EXPECT_EQ(fresh.call("DELETE", "/api/v1/role-bindings/" + binding, sec_token).status, 204);
  EXPECT_EQ(create("shadow-audit").status, 403);
  // A reset by the security administrator is a first password too.
  auto reset = fresh.call("POST", "/api/v1/users/" + aud_id + "/reset-password", sec_token,
                          obj({{"password", "Chosen#ByAdmin1"}}));
  ASSERT_EQ(reset.status, 200) << reset.body;
  first_sign_in("audit-officer");
}

// §5. Attacker: a script guessing passwords as fast as the server answers — spending argon2id
// time on every guess, for one account or across many names from one address.
TEST(Hardening, Case5PasswordChecksAreRateLimitedPerUserAndSource) {
  TestServer limited({"--test-clock", "--set", "password_rate.per_user_per_minute=3", "--set",
                      "password_rate.per_source_per_minute=6"});
  auto guess = [&](const std::string& user) {
    return limited.call("POST", "/api/v1/auth/login", "",
                        obj({{"username", user}, {"password", "Guess#Number1"}}));
  };
  for (int i = 0; i < 3; ++i) EXPECT_EQ(guess("admin").status, 401);
  auto limited_user = guess("admin");
  EXPECT_EQ(limited_user.status, 429) << limited_user.body;
  EXPECT_EQ(limited_user.error_code(), "rate_limited");
  EXPECT_NE(limited_user.body.find("this account"), std::string::npos) << limited_user.body;
  // Other names from the same address: the source's budget runs out too.
  for (int i = 0; i < 2; ++i) EXPECT_EQ(guess("nobody-" + std::to_string(i)).status, 401);
  auto limited_source = guess("nobody-x");
  EXPECT_EQ(limited_source.status, 429) << limited_source.body;
  EXPECT_NE(limited_source.body.find("this address"), std::string::npos);
  // The password-change form draws on the same budget.
  auto change = limited.call("POST", "/api/v1/auth/password", "",
                             obj({{"username", "admin"},
                                  {"old_password", "Guess#Number1"},
                                  {"new_password", "Guess#Number2"}}));
  EXPECT_EQ(change.status, 429);
  // A minute later the budget is back, and the right password works.
  ASSERT_EQ(limited.call("POST", "/api/v1/test/clock", "", obj({{"advance_seconds", 61}})).status,
            200);
  EXPECT_FALSE(limited.login("admin").empty());
}

}  // namespace
}  // namespace govcloud::testing
