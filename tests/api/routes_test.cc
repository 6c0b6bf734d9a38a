// Every route of the API, exercised against a real server; the last case checks from
// /metrics that no route in the OpenAPI document went untested.
#include <gtest/gtest.h>

#include <chrono>
#include <set>

#include "api/world.h"
#include "common/digest.h"
#include "iam/totp.h"

namespace govcloud::testing {
namespace {

TestServer* server = nullptr;
World* world = nullptr;

class ServerEnv : public ::testing::Environment {
 public:
  void SetUp() override {
    server = new TestServer();
    world = new World(build_world(*server));
  }
  void TearDown() override {
    delete world;
    delete server;
  }
};
const auto* const kEnv = ::testing::AddGlobalTestEnvironment(new ServerEnv);

json::value obj(json::object o) { return json::value(std::move(o)); }

TEST(Routes, SystemEndpoints) {
  auto h = server->call("GET", "/healthz");
  EXPECT_EQ(h.status, 200);
  EXPECT_EQ(h.json.at("status").as_string(), "ok");
  auto doc = server->call("GET", "/api/v1/openapi.json");
  ASSERT_EQ(doc.status, 200);
  EXPECT_EQ(std::string(doc.json.at("openapi").as_string()).substr(0, 2), "3.");
  EXPECT_GT(doc.json.at("paths").as_object().size(), 25u);
  EXPECT_NE(server->call("GET", "/metrics").body.find("govcloud_http_requests_total"),
            std::string::npos);
  auto kinds = server->call("GET", "/api/v1/resource-kinds", world->a.tokens["viewer"]);
  EXPECT_EQ(kinds.status, 200);
  auto roles = server->call("GET", "/api/v1/roles", world->a.tokens["viewer"]);
  EXPECT_EQ(roles.json.at("items").as_array().size(), 8u);
}

TEST(Routes, AuthSessionLifecycle) {
  std::string t = server->login("a-member");
  auto me = server->call("GET", "/api/v1/auth/me", t);
  ASSERT_EQ(me.status, 200);
  EXPECT_EQ(me.json.at("username").as_string(), "a-member");
  EXPECT_EQ(me.json.at("grants").as_array().size(), 1u);
  EXPECT_EQ(server->call("POST", "/api/v1/auth/logout", t).status, 204);
  auto after = server->call("GET", "/api/v1/auth/me", t);
  EXPECT_EQ(after.status, 401);
  EXPECT_EQ(after.error_code(), "unauthenticated");
  auto bad = server->call("POST", "/api/v1/auth/login", "",
                          obj({{"username", "a-member"}, {"password", "Wrong#pass123"}}));
  EXPECT_EQ(bad.status, 401);
}

TEST(Routes, PasswordChangeAndReset) {
  const std::string& ta = world->a.tokens["tenant-admin"];
  std::string u = make_user(*server, ta, "a-pw", world->a.org);
  auto reset = server->call("POST", "/api/v1/users/" + u + "/reset-password", ta, obj({}));
  ASSERT_EQ(reset.status, 200) << reset.body;
  std::string temp(reset.json.at("password").as_string());
  auto must_change = server->call("POST", "/api/v1/auth/login", "",
                                  obj({{"username", "a-pw"}, {"password", temp}}));
  EXPECT_EQ(must_change.status, 403);
  EXPECT_EQ(must_change.error_code(), "password_expired");
  auto changed = server->call("POST", "/api/v1/auth/password", "",
                              obj({{"username", "a-pw"}, {"old_password", temp},
                                   {"new_password", "Fresh#Pass2027"}}));
  EXPECT_EQ(changed.status, 204) << changed.body;
  EXPECT_FALSE(server->login("a-pw", "Fresh#Pass2027").empty());
}

TEST(Routes, TotpEnrolment) {
  const std::string& ta = world->a.tokens["tenant-admin"];
  make_user(*server, ta, "a-2fa", world->a.org);
  std::string t = server->login("a-2fa");
  auto enrol = server->call("POST", "/api/v1/auth/totp", t);
  ASSERT_EQ(enrol.status, 201) << enrol.body;
  Bytes secret;
  ASSERT_TRUE(base32_decode(std::string(enrol.json.at("secret").as_string()), secret));
  auto now = std::chrono::duration_cast<std::chrono::seconds>(
                 std::chrono::system_clock::now().time_since_epoch())
                 .count();
  auto wrong = server->call("POST", "/api/v1/auth/totp/confirm", t, obj({{"code", "000000"}}));
  EXPECT_EQ(wrong.status, 400);
  auto ok = server->call("POST", "/api/v1/auth/totp/confirm", t,
                         obj({{"code", totp_code(secret, now)}}));
  EXPECT_EQ(ok.status, 204) << ok.body;
  auto no_code = server->call("POST", "/api/v1/auth/login", "",
                              obj({{"username", "a-2fa"}, {"password", kAdminPassword}}));
  EXPECT_EQ(no_code.status, 401);
  EXPECT_EQ(no_code.error_field(), "otp");
  auto with_code = server->call("POST", "/api/v1/auth/login", "",
                                obj({{"username", "a-2fa"}, {"password", kAdminPassword},
                                     {"otp", totp_code(secret, now)}}));
  EXPECT_EQ(with_code.status, 200) << with_code.body;
  // The tenant admin can remove the factor again.
  auto users = server->call("GET", "/api/v1/users?q=a-2fa", ta);
  std::string id(users.json.at("items").at(0).at("id").as_string());
  EXPECT_EQ(server->call("POST", "/api/v1/users/" + id + "/reset-totp", ta).status, 204);
}

TEST(Routes, ApiKeys) {
  const std::string& ta = world->a.tokens["tenant-admin"];
  auto created = server->call("POST", "/api/v1/auth/api-keys", ta,
                              obj({{"name", "deploy"}, {"scope_org_id", world->a.system},
                                   {"expires_in_days", 7}}));
  ASSERT_EQ(created.status, 201) << created.body;
  std::string secret(created.json.at("secret").as_string());
  std::string id(created.json.at("id").as_string());
  // The key acts like its user, narrowed to the business system (IAM-16).
  auto orgs = server->call("GET", "/api/v1/orgs", secret);
  ASSERT_EQ(orgs.status, 200);
  EXPECT_EQ(orgs.json.at("total").as_int64(), 1);
  auto list = server->call("GET", "/api/v1/auth/api-keys", ta);
  EXPECT_GE(list.json.at("items").as_array().size(), 2u);
  EXPECT_EQ(server->call("DELETE", "/api/v1/auth/api-keys/" + id, ta).status, 204);
  EXPECT_EQ(server->call("GET", "/api/v1/orgs", secret).status, 401);
}

TEST(Routes, RoleAssumption) {
  const std::string& sec = world->tokens["secadmin"];
  std::string staff = make_user(*server, sec, "provider-staff", world->root);
  auto b = server->call("POST", "/api/v1/role-bindings", sec,
                        obj({{"user_id", staff}, {"role", "viewer"}, {"scope_org_id", world->a.org},
                             {"assume_only", true}, {"expires_at", "2099-01-01T00:00:00Z"}}));
  ASSERT_EQ(b.status, 201) << b.body;
  std::string t = server->login("provider-staff");
  EXPECT_EQ(server->call("GET", "/api/v1/orgs/" + world->a.org, t).status, 403);
  auto assumed = server->call("POST", "/api/v1/auth/assume-role", t,
                              obj({{"binding_id", b.json.at("id")}, {"minutes", 5}}));
  ASSERT_EQ(assumed.status, 201) << assumed.body;
  std::string at(assumed.json.at("token").as_string());
  EXPECT_EQ(server->call("GET", "/api/v1/orgs/" + world->a.org, at).status, 200);
  EXPECT_EQ(server->call("GET", "/api/v1/orgs/" + world->b.org, at).status, 404);
  auto audit = server->call("GET", "/api/v1/audit?action=auth.assume_role",
                            world->tokens["auditadmin"]);
  ASSERT_EQ(audit.status, 200);
  EXPECT_GE(audit.json.at("total").as_int64(), 1);
}

TEST(Routes, UserLifecycle) {
  const std::string& ta = world->a.tokens["tenant-admin"];
  auto created = server->call("POST", "/api/v1/users", ta,
                              obj({{"username", "a-temp"}, {"password", kAdminPassword},
                                   {"org_id", world->a.system}, {"email", "t@example.gov.cn"}}));
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.json.as_object().count("password_hash"), 0u);
  std::string id(created.json.at("id").as_string());
  EXPECT_EQ(server->call("GET", "/api/v1/users/" + id, ta).status, 200);
  auto patched = server->call("PATCH", "/api/v1/users/" + id, ta, obj({{"phone", "13800000000"}}));
  EXPECT_EQ(patched.json.at("phone").as_string(), "13800000000");
  auto listed = server->call("GET", "/api/v1/users?org_id=" + world->a.system + "&limit=5", ta);
  EXPECT_EQ(listed.json.at("total").as_int64(), 1);
  std::string t = server->login("a-temp");
  auto disabled = server->call("POST", "/api/v1/users/" + id + "/disable", ta);
  EXPECT_TRUE(disabled.json.at("disabled").as_bool());
  EXPECT_EQ(server->call("GET", "/api/v1/auth/me", t).status, 401);  // IAM-10
  EXPECT_EQ(server->call("POST", "/api/v1/users/" + id + "/enable", ta).status, 200);
  EXPECT_EQ(server->call("POST", "/api/v1/users/" + id + "/unlock", ta).status, 200);
  EXPECT_EQ(server->call("DELETE", "/api/v1/users/" + id, ta).status, 204);
  EXPECT_EQ(server->call("GET", "/api/v1/users/" + id, ta).status, 404);
}

TEST(Routes, RoleBindings) {
  const std::string& ta = world->a.tokens["tenant-admin"];
  std::string u = make_user(*server, ta, "a-extra", world->a.org);
  auto g = server->call("POST", "/api/v1/role-bindings", ta,
                        obj({{"user_id", u}, {"role", "viewer"}, {"scope_org_id", world->a.system}}));
  ASSERT_EQ(g.status, 201) << g.body;
  auto list = server->call("GET", "/api/v1/role-bindings?user_id=" + u, ta);
  EXPECT_EQ(list.json.at("items").as_array().size(), 1u);
  EXPECT_EQ(server->call("DELETE", "/api/v1/role-bindings/" + std::string(g.json.at("id").as_string()), ta)
                .status,
            204);
  auto audit = server->call("GET", "/api/v1/audit?action=role.", world->tokens["auditadmin"]);
  EXPECT_GE(audit.json.at("total").as_int64(), 2);  // AUD-03
}

TEST(Routes, OrgLifecycle) {
  const std::string& mu = world->tokens["mu-admin"];
  auto c = server->call("POST", "/api/v1/orgs", mu,
                        obj({{"parent_id", world->mu}, {"type", "tenant"}, {"name", "临时局"}}));
  ASSERT_EQ(c.status, 201) << c.body;
  std::string id(c.json.at("id").as_string());
  EXPECT_EQ(c.json.at("created_by").as_string(), world->user_ids["mu-admin"]);
  EXPECT_EQ(server->call("GET", "/api/v1/orgs/" + id, mu).json.at("type").as_string(), "tenant");
  auto p = server->call("PATCH", "/api/v1/orgs/" + id, mu, obj({{"description", "改名"}}));
  EXPECT_EQ(p.json.at("description").as_string(), "改名");
  auto list = server->call("GET", "/api/v1/orgs?type=tenant&parent_id=" + world->mu, mu);
  EXPECT_EQ(list.json.at("total").as_int64(), 3);
  EXPECT_EQ(server->call("DELETE", "/api/v1/orgs/" + id, mu).status, 204);
  auto sys = server->call("GET", "/api/v1/orgs/" + world->a.system, world->a.tokens["viewer"]);
  EXPECT_EQ(sys.json.at("dengbao_level").as_int64(), 3);
}

TEST(Routes, VdcQuotaAndReservations) {
  const std::string& ta = world->a.tokens["tenant-admin"];
  const std::string& member = world->a.tokens["member"];
  auto sub = server->call("POST", "/api/v1/vdcs", ta,
                          obj({{"org_id", world->a.system}, {"parent_id", world->a.vdc},
                               {"name", "sys-vdc"}}));
  ASSERT_EQ(sub.status, 201) << sub.body;
  std::string sid(sub.json.at("id").as_string());
  EXPECT_EQ(server->call("GET", "/api/v1/vdcs/" + sid, ta).status, 200);
  EXPECT_EQ(server->call("GET", "/api/v1/vdcs?org_id=" + world->a.system, ta)
                .json.at("total")
                .as_int64(),
            1);
  auto q = server->call("PUT", "/api/v1/vdcs/" + sid + "/quota", ta,
                        obj({{"limits", json::object{{"vcpu", 10}}}}));
  ASSERT_EQ(q.status, 200) << q.body;
  auto r = server->call("POST", "/api/v1/vdcs/" + sid + "/reservations", member,
                        obj({{"amounts", json::object{{"vcpu", 8}}}, {"ref", "vm-7"}}));
  ASSERT_EQ(r.status, 201) << r.body;
  auto over = server->call("POST", "/api/v1/vdcs/" + sid + "/reservations", member,
                           obj({{"amounts", json::object{{"vcpu", 3}}}}));
  EXPECT_EQ(over.status, 409);
  EXPECT_EQ(over.error_code(), "quota_exceeded");
  EXPECT_EQ(over.error_field(), "amounts.vcpu");
  auto quota = server->call("GET", "/api/v1/vdcs/" + world->a.vdc + "/quota", ta);
  for (const auto& l : quota.json.at("items").as_array()) {
    if (l.at("resource").as_string() == "vcpu") {
      EXPECT_EQ(l.at("allocated").as_int64(), 10);
      EXPECT_EQ(l.at("used_subtree").as_int64(), 10);  // 2 here + 8 below
    }
  }
  std::string rid(r.json.at("id").as_string());
  EXPECT_EQ(server->call("GET", "/api/v1/reservations/" + rid, ta).status, 200);
  EXPECT_EQ(server->call("GET", "/api/v1/vdcs/" + sid + "/reservations", ta)
                .json.at("total")
                .as_int64(),
            1);
  EXPECT_EQ(server->call("DELETE", "/api/v1/vdcs/" + sid, ta).status, 409);  // holds a reservation
  EXPECT_EQ(server->call("DELETE", "/api/v1/reservations/" + rid, member).status, 204);
  EXPECT_EQ(server->call("DELETE", "/api/v1/vdcs/" + sid, ta).status, 204);
}

TEST(Routes, AuditQueryExportVerifyPurge) {
  const std::string& aud = world->tokens["auditadmin"];
  auto list = server->call("GET", "/api/v1/audit?limit=5&result=success", aud);
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(list.json.at("items").as_array().size(), 5u);
  auto rec = list.json.at("items").at(0);
  for (const char* f : {"time", "actor_id", "action", "target", "result", "source_ip",
                        "request_id", "hash"})
    EXPECT_TRUE(rec.as_object().contains(f)) << f;
  auto csv = server->call("GET", "/api/v1/audit/export?action=org.", world->tokens["supervisor"]);
  ASSERT_EQ(csv.status, 200);
  EXPECT_EQ(csv.body.rfind("seq,time,", 0), 0u);
  auto verify = server->call("GET", "/api/v1/audit/verify", aud);
  EXPECT_TRUE(verify.json.at("ok").as_bool()) << verify.body;
  auto purge = server->call("POST", "/api/v1/audit/purge", aud, obj({{"before", "2026-01-01"}}));
  EXPECT_EQ(purge.status, 400);  // nothing inside the retention year goes (AUD-02)
  EXPECT_EQ(purge.error_field(), "before");
  EXPECT_EQ(server->call("GET", "/api/v1/audit", world->tokens["ops"]).status, 403);
}

TEST(Routes, CliSpeaksTheSameApi) {
  std::string cred = server->data_dir() + "/cli-credentials.json";
  ::setenv("GOVCLOUD_CREDENTIALS", cred.c_str(), 1);
  std::string out;
  ASSERT_EQ(run_cli({"--server", server->base_url(), "login", "-u", "a-admin", "-p", kAdminPassword},
                    &out),
            0)
      << out;
  ASSERT_EQ(run_cli({"org", "list", "-o", "json"}, &out), 0) << out;
  auto v = json::parse(out);
  EXPECT_EQ(v.at("total").as_int64(), 2);
  ASSERT_EQ(run_cli({"org", "tree"}, &out), 0);
  EXPECT_NE(out.find("a局"), std::string::npos);
  ASSERT_EQ(run_cli({"quota", "show", world->a.vdc}, &out), 0);
  EXPECT_NE(out.find("vcpu"), std::string::npos);
  EXPECT_NE(run_cli({"quota", "set", world->a.vdc, "vcpu=abc"}, &out), 0);
  EXPECT_NE(out.find("not an integer"), std::string::npos);
  EXPECT_NE(run_cli({"org", "show", world->b.org}, &out), 0);
  EXPECT_NE(out.find("not_found"), std::string::npos);
  EXPECT_NE(run_cli({"org", "show", "nonsense"}, &out), 0);
  EXPECT_NE(out.find("field: id"), std::string::npos);
  ASSERT_EQ(run_cli({"audit", "list"}, &out), 0) << out;
  ASSERT_EQ(run_cli({"whoami"}, &out), 0);
  EXPECT_NE(out.find("tenant-admin"), std::string::npos);
  ASSERT_EQ(run_cli({"logout"}, &out), 0);
  EXPECT_NE(run_cli({"whoami"}, &out), 0);
  ::unsetenv("GOVCLOUD_CREDENTIALS");
}

// Must stay last: every route in the OpenAPI document has been called by the cases above.
TEST(Routes, ZzEveryRouteWasExercised) {
  auto doc = server->call("GET", "/api/v1/openapi.json");
  std::string metrics = server->call("GET", "/metrics").body;
  std::set<std::string> missing;
  for (const auto& [path, ops] : doc.json.at("paths").as_object()) {
    for (const auto& [method, op] : ops.as_object()) {
      std::string label = std::string(op.at("operationId").as_string());
      if (metrics.find("route=\"" + label + "\"") == std::string::npos) missing.insert(label);
    }
  }
  EXPECT_TRUE(missing.empty()) << "untested routes: " << [&] {
    std::string s;
    for (const auto& m : missing) s += m + "; ";
    return s;
  }();
}

}  // namespace
}  // namespace govcloud::testing
