// Every route of the API, exercised against a real server; the last case checks from
// /metrics that no route in the OpenAPI document went untested.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include "api/world.h"
#include "api/ws_client.h"
#include "common/digest.h"
#include "common/money.h"
#include "iam/totp.h"

namespace govcloud::testing {
namespace {

TestServer* server = nullptr;
World* world = nullptr;

const auto* const kEnv = ::testing::AddGlobalTestEnvironment(new SharedWorld(server, world));

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
  auto changed = server->call(
      "POST", "/api/v1/auth/password", "",
      obj({{"username", "a-pw"}, {"old_password", temp}, {"new_password", "Fresh#Pass2027"}}));
  EXPECT_EQ(changed.status, 204) << changed.body;
  EXPECT_FALSE(server->login("a-pw", "Fresh#Pass2027").empty());
}

TEST(Routes, TotpEnrolment) {
  const std::string& ta = world->a.tokens["tenant-admin"];
  make_user(*server, ta, "a-2fa", world->a.org);
  std::string t = server->login("a-2fa");
  // A bearer token alone cannot enrol a second factor: the password again (issue 8 §14).
  EXPECT_EQ(
      server->call("POST", "/api/v1/auth/totp", t, obj({{"password", "Wrong#Pass1234"}})).status,
      401);
  auto enrol = server->call("POST", "/api/v1/auth/totp", t, obj({{"password", kAdminPassword}}));
  ASSERT_EQ(enrol.status, 201) << enrol.body;
  Bytes secret;
  ASSERT_TRUE(base32_decode(std::string(enrol.json.at("secret").as_string()), secret));
  auto now = std::chrono::duration_cast<std::chrono::seconds>(
                 std::chrono::system_clock::now().time_since_epoch())
                 .count();
  auto wrong = server->call("POST", "/api/v1/auth/totp/confirm", t, obj({{"code", "000000"}}));
  EXPECT_EQ(wrong.status, 400);
  auto ok =
      server->call("POST", "/api/v1/auth/totp/confirm", t, obj({{"code", totp_code(secret, now)}}));
  EXPECT_EQ(ok.status, 204) << ok.body;
  auto no_code = server->call("POST", "/api/v1/auth/login", "",
                              obj({{"username", "a-2fa"}, {"password", kAdminPassword}}));
  EXPECT_EQ(no_code.status, 401);
  EXPECT_EQ(no_code.error_field(), "otp");
  // The enrolment code was used once already (RFC 6238 §5.2): the next step's code signs in.
  auto replay = server->call(
      "POST", "/api/v1/auth/login", "",
      obj({{"username", "a-2fa"}, {"password", kAdminPassword}, {"otp", totp_code(secret, now)}}));
  EXPECT_EQ(replay.status, 401);
  auto with_code = server->call("POST", "/api/v1/auth/login", "",
                                obj({{"username", "a-2fa"},
                                     {"password", kAdminPassword},
                                     {"otp", totp_code(secret, now + 30)}}));
  EXPECT_EQ(with_code.status, 200) << with_code.body;
  // The tenant admin can remove the factor again.
  auto users = server->call("GET", "/api/v1/users?q=a-2fa", ta);
  std::string id(users.json.at("items").at(0).at("id").as_string());
  EXPECT_EQ(server->call("POST", "/api/v1/users/" + id + "/reset-totp", ta).status, 204);
}

TEST(Routes, ApiKeys) {
  const std::string& ta = world->a.tokens["tenant-admin"];
  auto created = server->call(
      "POST", "/api/v1/auth/api-keys", ta,
      obj({{"name", "deploy"}, {"scope_org_id", world->a.system}, {"expires_in_days", 7}}));
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
                        obj({{"user_id", staff},
                             {"role", "viewer"},
                             {"scope_org_id", world->a.org},
                             {"assume_only", true},
                             {"expires_at", "2099-01-01T00:00:00Z"}}));
  ASSERT_EQ(b.status, 201) << b.body;
  std::string t = server->login("provider-staff");
  EXPECT_EQ(server->call("GET", "/api/v1/orgs/" + world->a.org, t).status, 403);
  auto assumed = server->call("POST", "/api/v1/auth/assume-role", t,
                              obj({{"binding_id", b.json.at("id")}, {"minutes", 5}}));
  ASSERT_EQ(assumed.status, 201) << assumed.body;
  std::string at(assumed.json.at("token").as_string());
  EXPECT_EQ(server->call("GET", "/api/v1/orgs/" + world->a.org, at).status, 200);
  EXPECT_EQ(server->call("GET", "/api/v1/orgs/" + world->b.org, at).status, 404);
  auto audit =
      server->call("GET", "/api/v1/audit?action=auth.assume_role", world->tokens["auditadmin"]);
  ASSERT_EQ(audit.status, 200);
  EXPECT_GE(audit.json.at("total").as_int64(), 1);
}

TEST(Routes, UserLifecycle) {
  const std::string& ta = world->a.tokens["tenant-admin"];
  auto created = server->call("POST", "/api/v1/users", ta,
                              obj({{"username", "a-temp"},
                                   {"password", kAdminPassword},
                                   {"org_id", world->a.system},
                                   {"email", "t@example.gov.cn"}}));
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.json.as_object().count("password_hash"), 0u);
  std::string id(created.json.at("id").as_string());
  EXPECT_EQ(server->call("GET", "/api/v1/users/" + id, ta).status, 200);
  auto patched = server->call("PATCH", "/api/v1/users/" + id, ta, obj({{"phone", "13800000000"}}));
  EXPECT_EQ(patched.json.at("phone").as_string(), "13800000000");
  auto listed = server->call("GET", "/api/v1/users?org_id=" + world->a.system + "&limit=5", ta);
  EXPECT_EQ(listed.json.at("total").as_int64(), 1);
  EXPECT_TRUE(created.json.at("must_change_password").as_bool());  // issue 8 §2
  auto first = server->call("POST", "/api/v1/auth/login", "",
                            obj({{"username", "a-temp"}, {"password", kAdminPassword}}));
  EXPECT_EQ(first.status, 403);
  EXPECT_EQ(first.error_code(), "password_expired");
  ASSERT_EQ(server
                ->call("POST", "/api/v1/auth/password", "",
                       obj({{"username", "a-temp"},
                            {"old_password", kAdminPassword},
                            {"new_password", "Own#Cloud2026x"}}))
                .status,
            204);
  std::string t = server->login("a-temp", "Own#Cloud2026x");
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
  auto g =
      server->call("POST", "/api/v1/role-bindings", ta,
                   obj({{"user_id", u}, {"role", "viewer"}, {"scope_org_id", world->a.system}}));
  ASSERT_EQ(g.status, 201) << g.body;
  auto list = server->call("GET", "/api/v1/role-bindings?user_id=" + u, ta);
  EXPECT_EQ(list.json.at("items").as_array().size(), 1u);
  EXPECT_EQ(
      server
          ->call("DELETE", "/api/v1/role-bindings/" + std::string(g.json.at("id").as_string()), ta)
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
  auto sub = server->call(
      "POST", "/api/v1/vdcs", ta,
      obj({{"org_id", world->a.system}, {"parent_id", world->a.vdc}, {"name", "sys-vdc"}}));
  ASSERT_EQ(sub.status, 201) << sub.body;
  std::string sid(sub.json.at("id").as_string());
  EXPECT_EQ(server->call("GET", "/api/v1/vdcs/" + sid, ta).status, 200);
  EXPECT_EQ(
      server->call("GET", "/api/v1/vdcs?org_id=" + world->a.system, ta).json.at("total").as_int64(),
      1);
  auto q = server->call("PUT", "/api/v1/vdcs/" + sid + "/quota", ta,
                        obj({{"limits", json::object{{"vcpu", 10}}}}));
  ASSERT_EQ(q.status, 200) << q.body;
  // Members consume quota through requests only; a hold is the tenant admin's, with a reason.
  auto grab = server->call("POST", "/api/v1/vdcs/" + sid + "/reservations", member,
                           obj({{"amounts", json::object{{"vcpu", 8}}}, {"reason", "grab"}}));
  EXPECT_EQ(grab.status, 403) << grab.body;
  auto no_reason = server->call("POST", "/api/v1/vdcs/" + sid + "/reservations", ta,
                                obj({{"amounts", json::object{{"vcpu", 8}}}}));
  EXPECT_EQ(no_reason.status, 400);
  EXPECT_EQ(no_reason.error_field(), "reason");
  auto r = server->call(
      "POST", "/api/v1/vdcs/" + sid + "/reservations", ta,
      obj({{"amounts", json::object{{"vcpu", 8}}}, {"reason", "迁移预留"}, {"ref", "vm-7"}}));
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.json.at("owner_kind").as_string(), "hold");
  auto over = server->call("POST", "/api/v1/vdcs/" + sid + "/reservations", ta,
                           obj({{"amounts", json::object{{"vcpu", 3}}}, {"reason", "more"}}));
  EXPECT_EQ(over.status, 409);
  EXPECT_EQ(over.error_code(), "quota_exceeded");
  EXPECT_EQ(over.error_field(), "amounts.vcpu");
  auto quota = server->call("GET", "/api/v1/vdcs/" + world->a.vdc + "/quota", ta);
  for (const auto& l : quota.json.at("items").as_array()) {
    if (l.at("resource").as_string() == "vcpu") {
      EXPECT_EQ(l.at("allocated").as_int64(), 10);
      EXPECT_EQ(l.at("used_subtree").as_int64(), l.at("used").as_int64() + 8);  // + 8 below
    }
  }
  std::string rid(r.json.at("id").as_string());
  EXPECT_EQ(server->call("GET", "/api/v1/reservations/" + rid, ta).status, 200);
  EXPECT_EQ(
      server->call("GET", "/api/v1/vdcs/" + sid + "/reservations", ta).json.at("total").as_int64(),
      1);
  EXPECT_EQ(server->call("DELETE", "/api/v1/vdcs/" + sid, ta).status, 409);  // holds a reservation
  EXPECT_EQ(server->call("DELETE", "/api/v1/reservations/" + rid, member).status, 403);
  EXPECT_EQ(server->call("DELETE", "/api/v1/reservations/" + rid, ta).status, 204);
  EXPECT_EQ(server->call("DELETE", "/api/v1/vdcs/" + sid, ta).status, 204);
}

TEST(Routes, AuditQueryExportVerifyPurge) {
  const std::string& aud = world->tokens["auditadmin"];
  auto list = server->call("GET", "/api/v1/audit?limit=5&result=success", aud);
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(list.json.at("items").as_array().size(), 5u);
  auto rec = list.json.at("items").at(0);
  for (const char* f :
       {"time", "actor_id", "action", "target", "result", "source_ip", "request_id", "hash"})
    EXPECT_TRUE(rec.as_object().contains(f)) << f;
  auto csv = server->call("GET", "/api/v1/audit/export?action=org.", world->tokens["supervisor"]);
  ASSERT_EQ(csv.status, 200);
  EXPECT_EQ(csv.body.rfind("\xEF\xBB\xBFseq,time,", 0), 0u);  // BOM: Excel opens it right
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
  ASSERT_EQ(
      run_cli({"--server", server->base_url(), "login", "-u", "a-admin", "-p", kAdminPassword},
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
  EXPECT_NE(run_cli({"org", "show", "nonsense"}, &out), 0);  // not an id: taken as a name
  EXPECT_NE(out.find("no org named 'nonsense'"), std::string::npos) << out;
  ASSERT_EQ(run_cli({"audit", "list"}, &out), 0) << out;
  ASSERT_EQ(run_cli({"whoami"}, &out), 0);
  EXPECT_NE(out.find("tenant-admin"), std::string::npos);
  ASSERT_EQ(run_cli({"logout"}, &out), 0);
  EXPECT_NE(run_cli({"whoami"}, &out), 0);
  ::unsetenv("GOVCLOUD_CREDENTIALS");
}

TEST(Routes, CliCoversCatalogPricesContractsRequestsAndWorkOrders) {
  std::string cred = server->data_dir() + "/cli-credentials-3.json";
  ::setenv("GOVCLOUD_CREDENTIALS", cred.c_str(), 1);
  std::string out;
  auto login = [&](const std::string& user) {
    ASSERT_EQ(
        run_cli({"--server", server->base_url(), "login", "-u", user, "-p", kAdminPassword}, &out),
        0)
        << out;
  };
  login("mu-admin");
  ASSERT_EQ(run_cli({"catalog", "list", "-q", "内存", "-o", "json"}, &out), 0) << out;
  EXPECT_GE(json::parse(out).at("total").as_int64(), 1);
  ASSERT_EQ(run_cli({"catalog", "show", "compute-vcpu"}, &out), 0) << out;
  EXPECT_NE(out.find("12.00"), std::string::npos);
  // A price list of our own: set, import, show at a date, export (never retroactive).
  ASSERT_EQ(run_cli({"price", "create-list", "CLI价目", "--org", world->mu}, &out), 0) << out;
  ASSERT_EQ(run_cli({"price", "set", "--list", "CLI价目", "compute-vcpu", "10.00", "--from",
                     "2027-01-01"},
                    &out),
            0)
      << out;
  std::string csv = server->data_dir() + "/prices.csv";
  {
    std::ofstream f(csv);
    f << "service,amount,per,period,effective_from\ncompute-memory,18.00,1,month,2027-01-01\n";
  }
  ASSERT_EQ(run_cli({"price", "import", "--list", "CLI价目", csv}, &out), 0) << out;
  ASSERT_EQ(run_cli({"price", "show", "--list", "CLI价目", "--at", "2027-06-01"}, &out), 0) << out;
  EXPECT_NE(out.find("10.00"), std::string::npos) << out;
  EXPECT_NE(out.find("18.00"), std::string::npos) << out;
  ASSERT_EQ(
      run_cli({"price", "export", "--list", "CLI价目", "--format", "csv", "--at", "2027-06-01"},
              &out),
      0)
      << out;
  EXPECT_NE(out.find("compute-memory,18.00"), std::string::npos) << out;
  EXPECT_NE(run_cli({"price", "set", "--list", "CLI价目", "compute-vcpu", "99.00"}, &out), 0);
  EXPECT_NE(out.find("ceiling"), std::string::npos) << out;
  // A quote of a package file, in CSV, and the contracts the unit sees.
  std::string packages = std::string(GOVCLOUD_SHARE_DIR) + "/packages.yaml";
  ASSERT_EQ(run_cli({"-o", "csv", "contract", "quote", packages, "--package", "004", "--price-list",
                     "CLI价目", "--at", "2027-06-01"},
                    &out),
            0)
      << out;
  EXPECT_NE(out.find("compute-vcpu"), std::string::npos) << out;
  EXPECT_NE(
      run_cli({"contract", "quote", packages, "--package", "no-such", "--price-list", "CLI价目"},
              &out),
      0);
  ASSERT_EQ(run_cli({"contract", "list"}, &out), 0) << out;
  EXPECT_NE(out.find(world->a.contract), std::string::npos) << out;
  // A member requests, the tenant admin approves, the export shows both.
  login("a-member");
  ASSERT_EQ(run_cli({"-o", "json", "request", "create", "custom-vm", "--system", world->a.system,
                     "-p", "flavor=2c4g", "-p", "vcpu=1"},
                    &out),
            0)
      << out;
  std::string rq(json::parse(out).at("id").as_string());
  EXPECT_NE(run_cli({"request", "create", "custom-vm", "--system", world->a.system, "-p", "vcpu=0"},
                    &out),
            0);
  EXPECT_NE(out.find("params."), std::string::npos) << out;
  ASSERT_EQ(run_cli({"workorder", "create", "--type", "change", "--system", world->a.system,
                     "--title", "扩容"},
                    &out),
            0)
      << out;
  login("a-admin");
  ASSERT_EQ(run_cli({"approval", "approve", rq, "-m", "同意"}, &out), 0) << out;
  ASSERT_EQ(run_cli({"request", "export", "--from", "2020-01-01"}, &out), 0) << out;
  EXPECT_NE(out.find(rq), std::string::npos) << out;
  ASSERT_EQ(run_cli({"workorder", "list"}, &out), 0) << out;
  EXPECT_NE(out.find("扩容"), std::string::npos) << out;
  ASSERT_EQ(run_cli({"logout"}, &out), 0);
  ::unsetenv("GOVCLOUD_CREDENTIALS");
}

TEST(Routes, CatalogBrowseAndCustomServices) {
  const std::string& viewer = world->a.tokens["viewer"];
  auto list = server->call("GET", "/api/v1/catalog?category=storage&limit=3", viewer);
  ASSERT_EQ(list.status, 200);
  // The catalog's 6, 云硬盘 (cloud-disk), backup space and snapshot space (issue 10).
  EXPECT_EQ(list.json.at("total").as_int64(), 9);
  EXPECT_EQ(list.json.at("items").as_array().size(), 3u);
  auto en = server->call("GET", "/api/v1/catalog?q=" + std::string("bandwidth"), viewer);
  EXPECT_GE(en.json.at("total").as_int64(), 1);
  auto one = server->call("GET", "/api/v1/catalog/storage-normal", viewer);
  EXPECT_EQ(one.json.at("price_ceiling").as_string(), "0.30");
  EXPECT_EQ(server->call("GET", "/api/v1/catalog/no-such-service", viewer).status, 404);
  const std::string& admin = world->tokens["admin"];
  auto created = server->call(
      "POST", "/api/v1/catalog", admin,
      obj({{"code", "custom-pentest-plus"},
           {"category", "custom"},
           {"name_zh", "深度渗透测试"},
           {"name_en", "Deep penetration test"},
           {"unit", "time"},
           {"period", "once"},
           {"params",
            json::parse(
                R"([{"name":"targets","type":"integer","min":1,"max":50,"required":true}])")},
           {"policy",
            json::parse(R"({"request":{"steps":[{"role":"tenant-admin","level":"tenant"}]}})")}}));
  ASSERT_EQ(created.status, 201) << created.body;
  auto patched = server->call("PATCH", "/api/v1/catalog/custom-pentest-plus", admin,
                              obj({{"name_en", "Deep pentest"}}));
  EXPECT_EQ(patched.json.at("name_en").as_string(), "Deep pentest");
  EXPECT_EQ(server->call("POST", "/api/v1/catalog/custom-pentest-plus/retire", admin).status, 200);
  EXPECT_EQ(server->call("POST", "/api/v1/catalog", viewer, obj({{"code", "x"}})).status, 403);
  auto bad =
      server->call("POST", "/api/v1/catalog", admin,
                   obj({{"code", "Bad Code"}, {"name_zh", "x"}, {"name_en", "x"}, {"unit", "x"}}));
  EXPECT_EQ(bad.error_field(), "code");
}

TEST(Routes, PriceListsWithHistoryImportAndExport) {
  const std::string& mu = world->tokens["mu-admin"];
  auto l = server->call("POST", "/api/v1/price-lists", mu,
                        obj({{"name", "联通云价目"}, {"org_id", world->mu}}));
  ASSERT_EQ(l.status, 201) << l.body;
  std::string id(l.json.at("id").as_string());
  auto p = server->call("POST", "/api/v1/price-lists/" + id + "/prices", mu,
                        obj({{"service", "storage-high-perf"}, {"amount", "55"}, {"per", 100}}));
  EXPECT_EQ(p.status, 201) << p.body;
  auto over = server->call("POST", "/api/v1/price-lists/" + id + "/prices", mu,
                           obj({{"service", "compute-vcpu"}, {"amount", "12.5"}}));
  EXPECT_EQ(over.status, 400);
  EXPECT_EQ(over.error_field(), "amount");
  auto imp = server->call("POST", "/api/v1/price-lists/" + id + "/import", mu,
                          obj({{"format", "csv"},
                               {"content",
                                "service,amount,per,period,effective_from\n"
                                "compute-vcpu,11,1,month,2099-01-01\n"}}));
  EXPECT_EQ(imp.status, 200) << imp.body;
  auto now =
      server->call("GET", "/api/v1/price-lists/" + id + "/prices", world->a.tokens["member"]);
  EXPECT_EQ(now.json.at("items").as_array().size(), 1u);  // the vCPU price starts in 2099
  auto later = server->call("GET", "/api/v1/price-lists/" + id + "/prices?at=2099-06-01", mu);
  EXPECT_EQ(later.json.at("items").as_array().size(), 2u);
  auto csv =
      server->call("GET", "/api/v1/price-lists/" + id + "/export?format=csv&history=true", mu);
  EXPECT_NE(csv.body.find("compute-vcpu,11.00,1,month,2099-01-01"), std::string::npos) << csv.body;
  auto lists = server->call("GET", "/api/v1/price-lists", world->a.tokens["viewer"]);
  EXPECT_GE(lists.json.at("items").as_array().size(), 2u);
}

TEST(Routes, ContractImportAndQuote) {
  const std::string& mu = world->tokens["mu-admin"];
  for (const auto& vdc : {world->pool_vdc, world->mu_vdc})
    server->call("PUT", "/api/v1/vdcs/" + vdc + "/quota", world->tokens["admin"],
                 obj({{"limits", json::object{{"storage_performance_gb", 10000}}}}));
  auto c = server->call(
      "POST", "/api/v1/contracts", mu,
      obj({{"package", json::parse(R"({"id":"T-1","name_zh":"测试","budget_wan_yuan":"0.01",
          "service_period":{"months":"12"},
          "items":[{"catalog":"compute-memory","quantity":"5","unit":"1GB","months":"12"},
                   {"catalog":"storage-high-perf","quantity":"2","unit":"100GB","months":"/"}]})")},
           {"tenant_org_id", world->a.org},
           {"free_headroom_pct", 0}}));
  ASSERT_EQ(c.status, 201) << c.body;
  std::string id(c.json.at("id").as_string());
  EXPECT_EQ(server->call("GET", "/api/v1/contracts", world->a.tokens["tenant-admin"])
                .json.at("items")
                .as_array()
                .size(),
            2u);
  auto one = server->call("GET", "/api/v1/contracts/" + id, world->a.tokens["member"]);
  EXPECT_EQ(one.json.at("items").as_array().size(), 2u);
  auto q = server->call("GET", "/api/v1/contracts/" + id + "/quote?price_list=" + world->price_list,
                        world->a.tokens["member"]);
  ASSERT_EQ(q.status, 200) << q.body;
  EXPECT_EQ(q.json.at("total").as_string(), "1200.00");  // 5 GB × 20 × 12; storage unpriced
  EXPECT_EQ(q.json.at("unpriced_lines").as_int64(), 1);
  EXPECT_TRUE(q.json.at("over_budget").as_bool());  // budget 100 元
  auto x = server->call(
      "GET", "/api/v1/contracts/" + id + "/quote?price_list=" + world->price_list + "&format=xlsx",
      world->a.tokens["member"]);
  EXPECT_EQ(x.status, 200);
  EXPECT_EQ(x.body.substr(0, 2), "PK");
  auto pq = server->call(
      "POST", "/api/v1/quotes", world->a.tokens["viewer"],
      obj({{"package",
            json::parse(
                R"({"id":"q","items":[{"catalog":"compute-memory","quantity":"1","unit":"1GB","months":"3"}]})")},
           {"price_list", world->price_list},
           {"format", "csv"}}));
  EXPECT_EQ(pq.status, 200);
  EXPECT_NE(pq.body.find("60.00"), std::string::npos) << pq.body;
}

TEST(Routes, TwoStepApprovalWorkflowOverHttp) {
  const std::string& admin = world->tokens["admin"];
  ASSERT_EQ(server
                ->call("POST", "/api/v1/catalog", admin, json::parse(R"J({
      "code":"custom-vm-2step","category":"custom","name_zh":"云主机（两级审批）","name_en":"VM (two-step)",
      "unit":"vm","period":"month",
      "params":[{"name":"vcpu","type":"integer","min":1,"max":32,"required":true},
                {"name":"memory_gb","type":"integer","min":1,"max":256,"required":true}],
      "policy":{"request":{"steps":[{"role":"tenant-admin","level":"tenant"},
                                    {"role":"tenant-admin","level":"management_unit"}]}},
      "quota":{"vcpu":"vcpu","memory_gb":"memory_gb"}})J"))
                .status,
            201);
  const std::string& member = world->a.tokens["member"];
  const std::string& ta = world->a.tokens["tenant-admin"];
  const std::string& mu = world->tokens["mu-admin"];
  auto quota_used = [&](const std::string& resource) {
    auto q = server->call("GET", "/api/v1/vdcs/" + world->a.vdc + "/quota", ta);
    for (const auto& l : q.json.at("items").as_array())
      if (l.at("resource").as_string() == resource) return l.at("used").as_int64();
    return std::int64_t{-1};
  };
  std::int64_t before = quota_used("vcpu");
  auto body = [](int vcpu, int mem) {
    return obj({{"service", "custom-vm-2step"},
                {"org_id", world->a.system},
                {"params", json::object{{"vcpu", vcpu}, {"memory_gb", mem}}}});
  };
  auto r = server->call("POST", "/api/v1/requests", member, body(4, 4));
  ASSERT_EQ(r.status, 201) << r.body;
  std::string id(r.json.at("id").as_string());
  EXPECT_EQ(r.json.at("state").as_string(), "pending");
  EXPECT_EQ(quota_used("vcpu"), before + 4);
  auto s1 =
      server->call("POST", "/api/v1/requests/" + id + "/approve", ta, obj({{"comment", "ok"}}));
  ASSERT_EQ(s1.status, 200) << s1.body;
  EXPECT_EQ(s1.json.at("state").as_string(), "pending");
  EXPECT_EQ(s1.json.at("current_step").as_int64(), 1);
  EXPECT_EQ(server->call("POST", "/api/v1/requests/" + id + "/approve", ta, obj({})).status, 403);
  auto s2 =
      server->call("POST", "/api/v1/requests/" + id + "/approve", mu, obj({{"comment", "同意"}}));
  EXPECT_EQ(s2.json.at("state").as_string(), "fulfilling");
  auto shown = server->call("GET", "/api/v1/requests/" + id, member);
  EXPECT_EQ(shown.json.at("steps").at(1).at("decision").as_string(), "approved");
  auto audit = server->call("GET", "/api/v1/audit?action=request.&org_id=" + world->a.system,
                            world->tokens["auditadmin"]);
  EXPECT_GE(audit.json.at("total").as_int64(), 3);  // create + two approvals
  // Completed by operations; the resource holds the reservation.
  const std::string& ops = world->tokens["ops"];
  std::string fid;
  auto open_orders =
      server->call("GET", "/api/v1/fulfilments?state=open", ops);  // keep alive while iterating
  for (const auto& o : open_orders.json.at("items").as_array())
    if (o.at("ref").as_string() == id) fid = std::string(o.at("id").as_string());
  auto done = server->call("POST", "/api/v1/fulfilments/" + fid + "/complete", ops,
                           obj({{"delivery", "vm 10.0.0.8"}}));
  ASSERT_EQ(done.status, 200) << done.body;
  std::string res(done.json.at("resource_id").as_string());
  EXPECT_EQ(server->call("GET", "/api/v1/resources/" + res, member).json.at("state").as_string(),
            "active");
  EXPECT_GE(server->call("GET", "/api/v1/resources", member).json.at("total").as_int64(), 2);
  // The creation and approval records export for spot checks over a period (CAT-10).
  auto csv = server->call("GET", "/api/v1/requests/export?from=2020-01-01T00:00:00Z", ta);
  ASSERT_EQ(csv.status, 200) << csv.body;
  std::string row;
  for (std::size_t at = 0, nl; (nl = csv.body.find('\n', at)) != std::string::npos; at = nl + 1)
    if (csv.body.compare(at, id.size(), id) == 0) row = csv.body.substr(at, nl - at);
  EXPECT_NE(row.find("a-member"), std::string::npos) << row;
  EXPECT_NE(row.find("approved by a-admin"), std::string::npos) << row;
  EXPECT_NE(row.find("approved by mu-admin"), std::string::npos) << row;
  EXPECT_NE(row.find(",completed,"), std::string::npos) << row;
  EXPECT_NE(row.find(res), std::string::npos) << row;
  auto none = server->call("GET", "/api/v1/requests/export?to=2020-01-01T00:00:00Z", ta);
  EXPECT_EQ(none.body.find('\n'), none.body.size() - 1);  // the header only
  EXPECT_EQ(
      server->call("GET", "/api/v1/requests?from=2020-01-01T00:00:00Z&to=2999-01-01T00:00:00Z", ta)
          .json.at("total")
          .as_int64(),
      server->call("GET", "/api/v1/requests", ta).json.at("total").as_int64());
  EXPECT_EQ(server->call("GET", "/api/v1/requests/export?from=someday", ta).status, 400);
  // A rejected request releases its quota; one over quota is refused up front.
  auto r2 = server->call("POST", "/api/v1/requests", member, body(2, 2));
  std::string id2(r2.json.at("id").as_string());
  EXPECT_EQ(quota_used("vcpu"), before + 6);
  EXPECT_EQ(
      server->call("POST", "/api/v1/requests/" + id2 + "/reject", ta, obj({{"comment", "不需要"}}))
          .json.at("state")
          .as_string(),
      "rejected");
  EXPECT_EQ(quota_used("vcpu"), before + 4);
  auto over = server->call("POST", "/api/v1/requests", member, body(32, 2));
  auto over2 = server->call("POST", "/api/v1/requests", member, body(32, 2));
  auto over3 = server->call("POST", "/api/v1/requests", member, body(32, 2));
  EXPECT_EQ(over3.status, 409);
  EXPECT_EQ(over3.error_code(), "quota_exceeded");
  EXPECT_EQ(over3.error_field(), "quota.vcpu");
  for (const auto& x : {over, over2})
    if (x.status == 201)
      server->call("POST",
                   "/api/v1/requests/" + std::string(x.json.at("id").as_string()) + "/cancel",
                   member);
  EXPECT_EQ(
      server->call("POST", "/api/v1/resources/" + res + "/reclaim", ta, obj({{"reason", "下线"}}))
          .status,
      200);
  EXPECT_EQ(quota_used("vcpu"), before);
  auto notes = server->call("GET", "/api/v1/notifications?unread=true", member);
  ASSERT_GE(notes.json.at("total").as_int64(), 3);
  std::string nid(notes.json.at("items").at(0).at("id").as_string());
  EXPECT_EQ(server->call("POST", "/api/v1/notifications/" + nid + "/read", member).status, 204);
  EXPECT_GE(
      server->call("GET", "/api/v1/requests?state=rejected", member).json.at("total").as_int64(),
      1);
}

TEST(Routes, ParallelRequestsHoldExactlyWhatFits) {
  const std::string& mu = world->tokens["mu-admin"];
  std::string org = id_of(server->call("POST", "/api/v1/orgs", world->a.tokens["tenant-admin"],
                                       obj({{"parent_id", world->a.org},
                                            {"type", "business_system"},
                                            {"name", "并发系统"},
                                            {"dengbao_level", 2},
                                            {"network_domain", "internet"}})));
  std::string vdc =
      id_of(server->call("POST", "/api/v1/vdcs", world->a.tokens["tenant-admin"],
                         obj({{"org_id", org}, {"parent_id", world->a.vdc}, {"name", "c"}})));
  ASSERT_EQ(server
                ->call("PUT", "/api/v1/vdcs/" + vdc + "/quota", world->a.tokens["tenant-admin"],
                       obj({{"limits", json::object{{"vcpu", 50}}}}))
                .status,
            200);
  (void)mu;
  std::atomic<int> created{0}, refused{0}, other{0};
  std::vector<std::thread> threads;
  std::string body =
      json::serialize(obj({{"service", "custom-vm"},
                           {"org_id", org},
                           {"vdc_id", vdc},
                           {"params", json::object{{"flavor", "2c4g"}, {"vcpu", 1}}}}));
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      HttpClient client(server->base_url());
      for (int i = 0; i < 25; ++i) {  // 200 requests in all
        ClientRequest req;
        req.method = "POST";
        req.target = "/api/v1/requests";
        req.token = world->a.tokens["member"];
        req.body = body;
        auto r = client.send(req);
        if (!r.ok())
          ++other;
        else if (r->status == 201)
          ++created;
        else if (r->status == 409)
          ++refused;
        else
          ++other;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(created.load(), 50);
  EXPECT_EQ(refused.load(), 150);
  EXPECT_EQ(other.load(), 0);
  auto held = server->call("GET", "/api/v1/vdcs/" + vdc + "/reservations?limit=1000",
                           world->a.tokens["tenant-admin"]);
  EXPECT_EQ(held.json.at("total").as_int64(), 50);
}

TEST(Routes, WorkOrderLifecycle) {
  const std::string& member = world->a.tokens["member"];
  const std::string& ops = world->tokens["ops"];
  auto w =
      server->call("POST", "/api/v1/workorders", member,
                   obj({{"type", "go_live"}, {"org_id", world->a.system}, {"title", "A系统上线"}}));
  ASSERT_EQ(w.status, 201) << w.body;
  std::string id(w.json.at("id").as_string());
  EXPECT_EQ(server
                ->call("POST", "/api/v1/workorders/" + id + "/assign", ops,
                       obj({{"assignee", world->user_ids["ops"]}}))
                .status,
            200);
  EXPECT_EQ(server
                ->call("POST", "/api/v1/workorders/" + id + "/transition", ops,
                       obj({{"state", "in_progress"}}))
                .status,
            200);
  EXPECT_EQ(server
                ->call("POST", "/api/v1/workorders/" + id + "/comments", member,
                       obj({{"body", "请周五前完成"}}))
                .status,
            201);
  EXPECT_EQ(server
                ->call("POST", "/api/v1/workorders/" + id + "/attachments", member,
                       obj({{"filename", "上线方案.txt"}, {"content_base64", "5LiK57q/5pa55qGI"}}))
                .status,
            201);
  auto file = server->call("GET", "/api/v1/workorders/" + id + "/attachments/0", ops);
  EXPECT_EQ(file.body, "上线方案");
  EXPECT_EQ(server
                ->call("POST", "/api/v1/workorders/" + id + "/transition", ops,
                       obj({{"state", "resolved"}}))
                .status,
            200);
  auto closed = server->call("POST", "/api/v1/workorders/" + id + "/transition", member,
                             obj({{"state", "closed"}}));
  EXPECT_EQ(closed.json.at("state").as_string(), "closed");
  EXPECT_FALSE(closed.json.at("responded_at").is_null());
  EXPECT_GE(
      server->call("GET", "/api/v1/workorders?type=go_live", member).json.at("total").as_int64(),
      1);
  EXPECT_EQ(
      server->call("GET", "/api/v1/workorders/" + id, member).json.at("events").as_array().size(),
      7u);
}

// Must stay last: every route in the OpenAPI document has been called by the cases above.
// `scripts/run` starts with --demo; the README's walk must work on exactly that data.
TEST(Routes, DemoDataCarriesTheReadmeWalkFromRequestToResource) {
  TestServer demo({"--demo"});
  std::string user = demo.login("demo-user");
  auto systems = demo.call("GET", "/api/v1/orgs?type=business_system", user);
  ASSERT_EQ(systems.status, 200) << systems.body;
  ASSERT_EQ(systems.json.at("items").as_array().size(), 1u);
  std::string system(systems.json.at("items").at(0).at("id").as_string());
  auto r = demo.call("POST", "/api/v1/requests", user,
                     obj({{"service", "compute-vcpu"},
                          {"org_id", system},
                          {"params", json::object{{"quantity", 4}}}}));
  ASSERT_EQ(r.status, 201) << r.body;
  std::string id(r.json.at("id").as_string());
  auto approved = demo.call("POST", "/api/v1/requests/" + id + "/approve", demo.login("demo-admin"),
                            obj({{"comment", "同意"}}));
  ASSERT_EQ(approved.status, 200) << approved.body;
  EXPECT_EQ(approved.json.at("state").as_string(), "fulfilling");
  std::string ops = demo.login("demo-ops");
  auto orders = demo.call("GET", "/api/v1/fulfilments?state=open", ops);
  ASSERT_EQ(orders.status, 200) << orders.body;
  ASSERT_EQ(orders.json.at("items").as_array().size(), 1u);
  std::string order(orders.json.at("items").at(0).at("id").as_string());
  auto done = demo.call("POST", "/api/v1/fulfilments/" + order + "/complete", ops,
                        obj({{"delivery", "已开通 4 vCPU"}}));
  ASSERT_EQ(done.status, 200) << done.body;
  auto resources = demo.call("GET", "/api/v1/resources", user);
  ASSERT_EQ(resources.json.at("items").as_array().size(), 1u);
  EXPECT_EQ(resources.json.at("items").at(0).at("state").as_string(), "active");
  // The demo management unit's price list quotes a package as the README shows.
  auto quote = demo.call("POST", "/api/v1/quotes", demo.login("demo-mu"),
                         obj({{"package", json::parse(R"({"id":"demo","items":[
                                {"catalog":"compute-vcpu","quantity":"8","unit":"1CPU","months":"12"}]})")},
                              {"price_list", "示例价目"}}));
  ASSERT_EQ(quote.status, 200) << quote.body;
  EXPECT_EQ(quote.json.at("total").as_string(), "1152.00");  // 8 × 12 元 × 12 months
}

// CMP-06, CMP-14, IAM-06: ops registers hosts; what a host has comes from its engine.
TEST(Routes, Hosts) {
  const std::string& ops = world->tokens["ops"];
  auto added = server->call("POST", "/api/v1/hosts", ops,
                            obj({{"name", "arm-01"},
                                 {"site", "dc1"},
                                 {"pool", "pool-a"},
                                 {"domain", "egov"},
                                 {"driver", "sim"},
                                 {"uri", "sim://?arch=arm&cores=64&memory_gb=256&gpu=gpu-16g:2"}}));
  ASSERT_EQ(added.status, 201) << added.body;
  EXPECT_EQ(added.json.at("arch").as_string(), "arm");
  EXPECT_EQ(added.json.at("memory_mb").as_int64(), 256 * 1024);
  EXPECT_EQ(added.json.at("accelerators").as_array().size(), 2u);
  std::string id(added.json.at("id").as_string());
  auto list = server->call("GET", "/api/v1/hosts?arch=arm&state=up", ops);
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_EQ(list.json.at("total").as_int64(), 1);
  EXPECT_EQ(server->call("GET", "/api/v1/hosts?state=sleeping", ops).error_field(), "state");
  EXPECT_EQ(server->call("GET", "/api/v1/hosts/" + id, ops).status, 200);
  auto maint =
      server->call("POST", "/api/v1/hosts/" + id + "/state", ops, obj({{"state", "maintenance"}}));
  EXPECT_EQ(maint.json.at("state").as_string(), "maintenance");
  EXPECT_EQ(server->call("POST", "/api/v1/hosts/" + id + "/state", ops, obj({{"state", "fenced"}}))
                .error_field(),
            "state");
  EXPECT_EQ(
      server->call("POST", "/api/v1/hosts/" + id + "/state", ops, obj({{"state", "up"}})).status,
      200);
  auto unreachable = server->call("POST", "/api/v1/hosts", ops,
                                  obj({{"name", "bad-01"},
                                       {"site", "dc1"},
                                       {"pool", "pool-a"},
                                       {"domain", "egov"},
                                       {"driver", "sim"},
                                       {"uri", "sim://?arch=sparc"}}));
  EXPECT_EQ(unreachable.status, 409);
  EXPECT_EQ(unreachable.error_field(), "uri");
  // Tenants never see hosts.
  EXPECT_EQ(server->call("GET", "/api/v1/hosts", world->a.tokens["tenant-admin"]).status, 403);
  EXPECT_EQ(server->call("GET", "/api/v1/hosts/" + id, world->a.tokens["member"]).status, 403);
  auto audit = server->call("GET", "/api/v1/audit?action=host.", world->tokens["auditadmin"]);
  EXPECT_EQ(audit.json.at("total").as_int64(), 4);  // the world's sim-1; register, maintenance, up
  std::string out;
  ::setenv("GOVCLOUD_TOKEN", ops.c_str(), 1);
  EXPECT_EQ(run_cli({"--server", server->base_url(), "host", "list", "--arch", "arm"}, &out), 0)
      << out;
  EXPECT_EQ(run_cli({"--server", server->base_url(), "host", "show", "arm-01"}, &out), 0) << out;
  ::unsetenv("GOVCLOUD_TOKEN");
  EXPECT_NE(out.find("arm-01"), std::string::npos) << out;
  EXPECT_NE(out.find("pool-a"), std::string::npos) << out;
}

// CMP-01–04 (issue 9): an approved cloud-host request became a VM on the sim host; its
// lifecycle runs as operations (202 + id), with idempotency keys, explicit transitions, tags and
// filters; deletion gives back the quota the VM owned; images are imported, listed, protected.
TEST(Routes, VmLifecycleAndImages) {
  auto& a = world->a;
  const std::string& member = a.tokens["member"];
  const std::string& ops = world->tokens["ops"];
  auto list = server->call("GET", "/api/v1/vms?name=a-w&state=running", member);
  ASSERT_EQ(list.status, 200) << list.body;
  ASSERT_EQ(list.json.at("total").as_int64(), 1);
  auto vm = list.json.at("items").at(0);
  EXPECT_EQ(vm.at("id").as_string(), a.vm);
  std::string ip(vm.at("ip").as_string());
  EXPECT_EQ(ip.rfind("10.", 0), 0U) << "IPAM gives the VM an address of its VDC network";
  EXPECT_EQ(server->call("GET", "/api/v1/vms?ip=" + ip, member).json.at("total").as_int64(), 1);
  EXPECT_EQ(server->call("GET", "/api/v1/vms/" + a.vm, member).status, 200);
  EXPECT_EQ(
      server->call("PUT", "/api/v1/vms/" + a.vm + "/tags", member, obj({{"tags", "web,prod"}}))
          .status,
      200);
  EXPECT_EQ(server->call("GET", "/api/v1/vms?tag=prod", member).json.at("total").as_int64(), 1);
  EXPECT_EQ(server->call("GET", "/api/v1/vms?tag=pro", member).json.at("total").as_int64(), 0);

  // Stop with an idempotency key: the repeat returns the first operation.
  auto stop = server->call("POST", "/api/v1/vms/" + a.vm + "/stop", member, "{}",
                           "application/json", {{"Idempotency-Key", "stop-once"}});
  ASSERT_EQ(stop.status, 202) << stop.body;
  std::string op(stop.json.at("id").as_string());
  auto again = server->call("POST", "/api/v1/vms/" + a.vm + "/stop", member, "{}",
                            "application/json", {{"Idempotency-Key", "stop-once"}});
  EXPECT_EQ(again.json.at("id").as_string(), op);
  EXPECT_EQ(settled_vm(*server, member, a.vm).json.at("state").as_string(), "stopped");
  auto done = server->call("GET", "/api/v1/operations/" + op, member);
  EXPECT_EQ(done.json.at("state").as_string(), "succeeded") << done.body;
  EXPECT_EQ(done.json.at("progress").as_int64(), 100);
  // An action illegal in the VM's state is refused, naming why.
  auto reboot_stopped = server->call("POST", "/api/v1/vms/" + a.vm + "/reboot", member);
  EXPECT_EQ(reboot_stopped.status, 409);
  EXPECT_EQ(reboot_stopped.error_field(), "action");
  ASSERT_EQ(server->call("POST", "/api/v1/vms/" + a.vm + "/start", member).status, 202);
  EXPECT_EQ(settled_vm(*server, member, a.vm).json.at("state").as_string(), "running");
  ASSERT_EQ(server->call("POST", "/api/v1/vms/" + a.vm + "/reboot", member).status, 202);
  EXPECT_EQ(settled_vm(*server, member, a.vm).json.at("state").as_string(), "running");
  auto ops_list = server->call("GET", "/api/v1/vms/" + a.vm + "/operations", member);
  EXPECT_GE(ops_list.json.at("items").as_array().size(), 4U);
  // A viewer sees but does not act.
  EXPECT_EQ(server->call("POST", "/api/v1/vms/" + a.vm + "/stop", a.tokens["viewer"]).status, 403);

  // A second VM from the global image, deleted securely: its quota goes back.
  auto quota = [&] {
    auto q = server->call("GET", "/api/v1/vdcs/" + a.vdc + "/quota", a.tokens["tenant-admin"]);
    for (const auto& line : q.json.at("items").as_array())
      if (line.at("resource").as_string() == "vcpu") return line.at("used").as_int64();
    return std::int64_t{-1};
  };
  std::int64_t before = quota();
  auto rq = request_vm(*server, a, "a-tmp", "tiny-global");
  ASSERT_EQ(rq.status, 200) << rq.body;
  std::string tmp(rq.json.at("ref").as_string());
  EXPECT_EQ(settled_vm(*server, member, tmp).json.at("state").as_string(), "running");
  EXPECT_EQ(quota(), before + 1);
  auto gone = server->call("DELETE", "/api/v1/vms/" + tmp + "?secure=true", member);
  ASSERT_EQ(gone.status, 202) << gone.body;
  EXPECT_EQ(settled_vm(*server, member, tmp).json.at("state").as_string(), "deleted");
  EXPECT_EQ(quota(), before);

  // Images.
  auto images = server->call("GET", "/api/v1/images", member);
  ASSERT_EQ(images.status, 200);
  EXPECT_EQ(images.json.at("total").as_int64(), 2) << images.body;  // global + A's private
  auto img = server->call("GET", "/api/v1/images/" + a.image, member);
  EXPECT_EQ(img.json.at("sha256").as_string().size(), 64U);
  auto escape = server->call("POST", "/api/v1/images", ops,
                             obj({{"name", "passwd"}, {"source", "../../../etc/passwd"}}));
  EXPECT_EQ(escape.status, 400);
  EXPECT_EQ(escape.error_field(), "source");
  auto not_image =
      server->call("POST", "/api/v1/images", ops,
                   obj({{"name", "dup"}, {"source", "tiny.qcow2"}, {"format", "vmdk"}}));
  EXPECT_EQ(not_image.error_field(), "format");
  EXPECT_EQ(server->call("DELETE", "/api/v1/images/" + a.image, ops).status, 409);  // in use
  auto spare = server->call("POST", "/api/v1/images", ops,
                            obj({{"name", "spare"}, {"source", "tiny.qcow2"}}));
  ASSERT_EQ(spare.status, 201) << spare.body;
  EXPECT_EQ(server->call("DELETE", "/api/v1/images/" + id_of(spare), ops).status, 200);
  EXPECT_EQ(server->call("GET", "/api/v1/compute/drift", ops).status, 200);
  EXPECT_EQ(server->call("GET", "/api/v1/compute/drift", member).status, 403);
  // Reconciling now is ops' (it probes every host): the world's engine and store agree.
  auto now = server->call("POST", "/api/v1/compute/reconcile", ops);
  EXPECT_EQ(now.status, 200) << now.body;
  EXPECT_EQ(now.json.at("items").as_array().size(), 0u) << now.body;
  EXPECT_EQ(server->call("POST", "/api/v1/compute/reconcile", member).status, 403);
}

// Resize, snapshots and clone (CMP-02, CMP-05): each an operation; resize and clone move the
// VM's quota in the same transaction and need quota.hold; bad input is refused naming the field.
TEST(Routes, VmResizeSnapshotsAndClone) {
  auto& a = world->a;
  const std::string& member = a.tokens["member"];
  const std::string& admin = a.tokens["tenant-admin"];
  auto used = [&](const char* resource) {
    auto q = server->call("GET", "/api/v1/vdcs/" + a.vdc + "/quota", admin);
    for (const auto& line : q.json.at("items").as_array())
      if (line.at("resource").as_string() == resource) return line.at("used").as_int64();
    return std::int64_t{-1};
  };
  auto rq = request_vm(*server, a, "a-chg", "tiny-global");
  ASSERT_EQ(rq.status, 200) << rq.body;
  std::string vm(rq.json.at("ref").as_string());
  ASSERT_EQ(settled_vm(*server, member, vm).json.at("state").as_string(), "running");
  std::string base = "/api/v1/vms/" + vm;
  std::int64_t vcpu_before = used("vcpu");

  // Resize: a member may not take quota past the approval chain; the tenant admin may.
  EXPECT_EQ(server->call("POST", base + "/resize", member, obj({{"vcpu", 2}})).status, 403);
  auto grow = server->call("POST", base + "/resize", admin,
                           obj({{"vcpu", 2}, {"memory_gb", 2}, {"disk_gb", 3}}));
  ASSERT_EQ(grow.status, 202) << grow.body;
  auto grown = settled_vm(*server, member, vm);
  EXPECT_EQ(grown.json.at("state").as_string(), "running") << grown.body;  // restarted
  EXPECT_EQ(grown.json.at("vcpu").as_int64(), 2);
  EXPECT_EQ(grown.json.at("memory_mb").as_int64(), 2048);
  EXPECT_EQ(grown.json.at("disk_gb").as_int64(), 3);
  EXPECT_EQ(used("vcpu"), vcpu_before + 1);
  auto shrink_disk = server->call("POST", base + "/resize", admin, obj({{"disk_gb", 1}}));
  EXPECT_EQ(shrink_disk.status, 409);
  EXPECT_EQ(shrink_disk.error_field(), "disk_gb");
  EXPECT_EQ(server->call("POST", base + "/resize", admin, obj({{"vcpu", 2}})).error_field(),
            "vcpu");  // nothing to change
  EXPECT_EQ(server->call("POST", base + "/resize", admin, obj({{"vcpu", 65}})).status, 400);
  auto over = server->call("POST", base + "/resize", admin, obj({{"memory_gb", 512}}));
  EXPECT_EQ(over.status, 409) << over.body;
  EXPECT_EQ(over.error_field(), "quota.memory_gb");
  EXPECT_EQ(settled_vm(*server, member, vm).json.at("memory_mb").as_int64(), 2048);
  auto down = server->call("POST", base + "/resize", admin, obj({{"vcpu", 1}}));
  ASSERT_EQ(down.status, 202) << down.body;
  EXPECT_EQ(settled_vm(*server, member, vm).json.at("vcpu").as_int64(), 1);
  EXPECT_EQ(used("vcpu"), vcpu_before);

  // Snapshots: taken running (with memory), listed, names unique, revert resumes running.
  ASSERT_EQ(server->call("POST", base + "/snapshots", member, obj({{"name", "s1"}})).status, 202);
  settled_vm(*server, member, vm);
  auto snaps = server->call("GET", base + "/snapshots", member);
  ASSERT_EQ(snaps.json.at("items").as_array().size(), 1U) << snaps.body;
  EXPECT_EQ(snaps.json.at("items").at(0).at("state").as_string(), "ready");
  EXPECT_TRUE(snaps.json.at("items").at(0).at("with_memory").as_bool());
  std::string s1(snaps.json.at("items").at(0).at("id").as_string());
  EXPECT_EQ(server->call("POST", base + "/snapshots", member, obj({{"name", "s1"}})).error_field(),
            "name");
  EXPECT_EQ(
      server->call("POST", base + "/snapshots", member, obj({{"name", "../x"}})).error_field(),
      "name");
  auto blocked = server->call("POST", base + "/resize", admin, obj({{"vcpu", 2}}));
  EXPECT_EQ(blocked.error_field(), "snapshots") << blocked.body;
  ASSERT_EQ(server->call("POST", base + "/stop", member, obj({{"force", true}})).status, 202);
  EXPECT_EQ(settled_vm(*server, member, vm).json.at("state").as_string(), "stopped");
  ASSERT_EQ(server->call("POST", base + "/revert", member, obj({{"snapshot", "s1"}})).status, 202);
  EXPECT_EQ(settled_vm(*server, member, vm).json.at("state").as_string(), "running");
  auto unknown = server->call("POST", base + "/revert", member, obj({{"snapshot", "nope"}}));
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(unknown.error_field(), "snapshot");
  // Another VM's snapshot is not this VM's, even by id.
  EXPECT_EQ(server->call("POST", base + "/revert", member, obj({{"snapshot", a.snapshot}})).status,
            404);
  ASSERT_EQ(server->call("DELETE", base + "/snapshots/" + s1, member).status, 202);
  settled_vm(*server, member, vm);
  EXPECT_EQ(server->call("GET", base + "/snapshots", member).json.at("items").as_array().size(),
            0U);

  // Clone: only a stopped VM; the copy is a new VM with its own quota, left stopped.
  auto running_clone = server->call("POST", base + "/clone", admin, obj({{"name", "a-copy"}}));
  EXPECT_EQ(running_clone.status, 409);
  EXPECT_EQ(running_clone.error_field(), "action");
  ASSERT_EQ(server->call("POST", base + "/stop", member, obj({{"force", true}})).status, 202);
  settled_vm(*server, member, vm);
  EXPECT_EQ(server->call("POST", base + "/clone", member, obj({{"name", "a-copy"}})).status, 403);
  EXPECT_EQ(server->call("POST", base + "/clone", admin, obj({{"name", "a-chg"}})).error_field(),
            "name");  // taken
  auto clone = server->call("POST", base + "/clone", admin, obj({{"name", "a-copy"}}));
  ASSERT_EQ(clone.status, 202) << clone.body;
  std::string copy(clone.json.at("target_id").as_string());
  EXPECT_NE(copy, vm);
  auto made = settled_vm(*server, member, copy);
  EXPECT_EQ(made.json.at("state").as_string(), "stopped") << made.body;
  EXPECT_EQ(made.json.at("name").as_string(), "a-copy");
  EXPECT_NE(made.json.at("ip").as_string(),
            settled_vm(*server, member, vm).json.at("ip").as_string());
  EXPECT_EQ(settled_vm(*server, member, vm).json.at("state").as_string(), "stopped");
  EXPECT_EQ(used("vcpu"), vcpu_before + 1);
  ASSERT_EQ(server->call("POST", "/api/v1/vms/" + copy + "/start", member).status, 202);
  EXPECT_EQ(settled_vm(*server, member, copy).json.at("state").as_string(), "running");
  for (const auto& id : {copy, vm}) {
    ASSERT_EQ(server->call("DELETE", "/api/v1/vms/" + id, member).status, 202);
    EXPECT_EQ(settled_vm(*server, member, id).json.at("state").as_string(), "deleted");
  }
  EXPECT_EQ(used("vcpu"), vcpu_before - 1);
}

// Bad VM requests are refused when submitted, naming the field, and hold nothing (issue 9).
TEST(Routes, BadVmRequestsAreRefusedAtOnce) {
  auto& a = world->a;
  auto ask = [&](json::object params) {
    json::object p{
        {"name", "bad"}, {"vcpu", 1}, {"memory_gb", 1}, {"disk_gb", 1}, {"image", "tiny-global"}};
    for (auto& kv : params) p[kv.key()] = kv.value();
    return server->call("POST", "/api/v1/requests", a.tokens["member"],
                        obj({{"service", "cloud-host"}, {"org_id", a.system}, {"params", p}}));
  };
  auto unknown = ask({{"image", "no-such-image"}});
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(unknown.error_field(), "params.image");
  EXPECT_EQ(ask({{"image", world->b.image}}).error_field(), "params.image");  // B's image
  EXPECT_EQ(ask({{"arch", "arm"}}).error_field(), "params.arch");
  EXPECT_EQ(ask({{"vcpu", 0}}).error_field(), "params.vcpu");
  EXPECT_EQ(ask({{"memory_gb", 100000}}).error_field(), "params.memory_gb");
  EXPECT_EQ(ask({{"disk_gb", -5}}).error_field(), "params.disk_gb");
  EXPECT_EQ(ask({{"name", "Not_A-Hostname"}}).error_field(), "params.name");
  EXPECT_EQ(ask({{"name", "a-web"}}).status, 409);  // a VM of that name exists
  EXPECT_EQ(ask({{"min_cpu_mhz", 20000}}).error_field(), "params.min_cpu_mhz");
  EXPECT_EQ(ask({{"min_cpu_mhz", -1}}).error_field(), "params.min_cpu_mhz");
}

// CMP-07: a VM asks for a CPU frequency floor; hosts below it are not chosen, and a request no
// host can meet fails after approval with the scheduler's explanation, holding nothing.
TEST(Routes, CpuFrequencyFloorIsEnforcedAndExplained) {
  auto& a = world->a;
  auto ask = [&](const std::string& name, int mhz) {
    auto rq = server->call("POST", "/api/v1/requests", a.tokens["member"],
                           obj({{"service", "cloud-host"},
                                {"org_id", a.system},
                                {"params", json::object{{"name", name},
                                                        {"vcpu", 1},
                                                        {"memory_gb", 1},
                                                        {"disk_gb", 1},
                                                        {"image", "tiny-global"},
                                                        {"min_cpu_mhz", mhz}}}}));
    EXPECT_EQ(rq.status, 201) << rq.body;
    std::string id = id_of(rq);
    EXPECT_EQ(server
                  ->call("POST", "/api/v1/requests/" + id + "/approve", a.tokens["tenant-admin"],
                         obj({{"comment", "ok"}}))
                  .status,
              200);
    return server->call("GET", "/api/v1/requests/" + id, a.tokens["member"]);
  };
  auto fits = ask("a-fast", 2400);  // the sim hosts run at 2400 MHz
  std::string vm(fits.json.at("ref").as_string());
  auto made = settled_vm(*server, a.tokens["member"], vm);
  EXPECT_EQ(made.json.at("state").as_string(), "running") << made.body;
  EXPECT_EQ(made.json.at("min_cpu_mhz").as_int64(), 2400);
  auto too_fast = ask("a-faster", 3000);
  EXPECT_EQ(too_fast.json.at("state").as_string(), "failed") << too_fast.body;
  EXPECT_NE(too_fast.body.find("below the CPU frequency floor"), std::string::npos)
      << too_fast.body;
  ASSERT_EQ(server->call("DELETE", "/api/v1/vms/" + vm, a.tokens["member"]).status, 202);
  settled_vm(*server, a.tokens["member"], vm);
}

// CMP-14: live migration is the provider's (host.manage): ops move a tenant's VM to another
// host of its pool and domain; tenants cannot, and another tenant cannot even see it.
TEST(Routes, VmMigrationIsTheProviders) {
  const std::string& ops = world->tokens["ops"];
  auto& a = world->a;
  auto second = server->call("POST", "/api/v1/hosts", ops,
                             obj({{"name", "sim-2"},
                                  {"site", "dc1"},
                                  {"pool", "general"},
                                  {"domain", "egov"},
                                  {"driver", "sim"},
                                  {"uri", "sim://?cores=64&memory_gb=256"}}));
  ASSERT_EQ(second.status, 201) << second.body;
  std::string sim2(second.json.at("id").as_string());
  auto rq = request_vm(*server, a, "a-mig", "tiny-global");
  ASSERT_EQ(rq.status, 200) << rq.body;
  std::string vm(rq.json.at("ref").as_string());
  ASSERT_EQ(settled_vm(*server, a.tokens["member"], vm).json.at("state").as_string(), "running");
  auto placed_on_sim2 = [&] {
    return server->call("GET", "/api/v1/hosts/" + sim2, ops)
        .json.at("allocated")
        .at("vms")
        .as_int64();
  };
  std::int64_t before = placed_on_sim2();
  std::string base = "/api/v1/vms/" + vm + "/migrate";
  EXPECT_EQ(server->call("POST", base, a.tokens["tenant-admin"], obj({})).status, 403);
  // Another tenant holds host.manage nowhere: 403 for any id, so nothing of A's is revealed.
  EXPECT_EQ(server->call("POST", base, world->b.tokens["tenant-admin"], obj({})).status, 403);
  auto unknown = server->call("POST", base, ops, obj({{"host", "nowhere"}}));
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(unknown.error_field(), "host");
  auto moved = server->call("POST", base, ops, obj({{"host", "sim-2"}}));
  ASSERT_EQ(moved.status, 202) << moved.body;
  EXPECT_EQ(moved.json.at("kind").as_string(), "vm.migrate");
  EXPECT_EQ(settled_vm(*server, a.tokens["member"], vm).json.at("state").as_string(), "running");
  EXPECT_EQ(placed_on_sim2(), before + 1);
  auto same = server->call("POST", base, ops, obj({{"host", sim2}}));  // by id
  EXPECT_EQ(same.status, 400);
  EXPECT_EQ(same.error_field(), "host");
  auto back = server->call("POST", base, ops, obj({{"host", "sim-1"}}));
  ASSERT_EQ(back.status, 202) << back.body;
  settled_vm(*server, a.tokens["member"], vm);
  EXPECT_EQ(placed_on_sim2(), before);
}

// The serial console over a WebSocket on the API (issue 9 §5, CMP-02): a ticket for whoever may
// operate the VM, used once; the socket carries the guest's output and the keystrokes.
TEST(Routes, SerialConsoleOverWebSocket) {
  auto& a = world->a;
  auto rq = request_vm(*server, a, "a-console", "tiny-global");
  ASSERT_EQ(rq.status, 200) << rq.body;
  std::string vm(rq.json.at("ref").as_string());
  ASSERT_EQ(settled_vm(*server, a.tokens["member"], vm).json.at("state").as_string(), "running");
  std::string base = "/api/v1/vms/" + vm + "/console";
  EXPECT_EQ(server->call("POST", base, a.tokens["viewer"], obj({})).status, 403);
  EXPECT_EQ(server->call("POST", base, world->b.tokens["tenant-admin"], obj({})).status, 404);
  auto spice = server->call("POST", base, a.tokens["member"], obj({{"type", "spice"}}));
  EXPECT_EQ(spice.status, 400);
  EXPECT_EQ(spice.error_field(), "type");
  // The screen: raw RFB over the socket, what noVNC speaks.
  auto vnc = server->call("POST", base, a.tokens["member"], obj({{"type", "vnc"}}));
  ASSERT_EQ(vnc.status, 201) << vnc.body;
  EXPECT_EQ(vnc.json.at("type").as_string(), "vnc");
  WsClient screen;
  ASSERT_EQ(screen.open(server->port(), std::string(vnc.json.at("path").as_string())), 101);
  EXPECT_EQ(screen.read_until("RFB ", 5000).substr(0, 4), "RFB ");
  auto t = server->call("POST", base, a.tokens["member"], obj({}));
  ASSERT_EQ(t.status, 201) << t.body;
  std::string path(t.json.at("path").as_string());
  auto plain = server->call("GET", path);  // not a WebSocket: refused, the ticket still good
  EXPECT_EQ(plain.status, 400);
  EXPECT_EQ(plain.error_field(), "Upgrade");
  WsClient ws;
  ASSERT_EQ(ws.open(server->port(), path), 101);
  EXPECT_NE(ws.read_until("# ", 5000).find("console"), std::string::npos);
  ws.send("echo hi\r");
  EXPECT_NE(ws.read_until("echo hi", 5000).find("echo hi"), std::string::npos);
  WsClient again;
  EXPECT_EQ(again.open(server->port(), path), 404);  // once only
  // The CLI: piped keystrokes reach the console and its answer is printed.
  std::string out;
  ASSERT_EQ(
      run_cli({"--server", server->base_url(), "login", "-u", "a-member", "-p", kAdminPassword},
              &out),
      0)
      << out;
  std::string cmd = "printf 'echo from-cli\\r' | " + std::string(GOVCLOUD_BINARY) +
                    " vm console a-console --seconds 20 2>&1";
  FILE* p = ::popen(cmd.c_str(), "r");
  ASSERT_NE(p, nullptr);
  char buf[4096];
  std::size_t n = 0;
  out.clear();
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  EXPECT_EQ(::pclose(p), 0) << out;
  EXPECT_NE(out.find("echo from-cli"), std::string::npos) << out;
  WsClient forged;
  EXPECT_EQ(forged.open(server->port(), "/api/v1/consoles/not-a-ticket"), 404);
  auto stop = server->call("POST", "/api/v1/vms/" + vm + "/stop", a.tokens["member"],
                           obj({{"force", true}}));
  ASSERT_EQ(stop.status, 202) << stop.body;
  ASSERT_EQ(settled_vm(*server, a.tokens["member"], vm).json.at("state").as_string(), "stopped");
  auto stopped = server->call("POST", base, a.tokens["member"], obj({}));
  EXPECT_EQ(stopped.status, 409);
  EXPECT_EQ(stopped.error_field(), "state");
  // Engine events (CMP-15): none here (the sim's watchdog is fired in tests/compute); a viewer
  // reads them, another tenant does not.
  auto events = server->call("GET", "/api/v1/vms/" + vm + "/events", a.tokens["viewer"]);
  ASSERT_EQ(events.status, 200) << events.body;
  EXPECT_TRUE(events.json.at("items").as_array().empty());
  std::string listed;
  EXPECT_EQ(run_cli({"vm", "events", "a-console"}, &listed), 0) << listed;
  EXPECT_EQ(
      server->call("GET", "/api/v1/vms/" + vm + "/events", world->b.tokens["tenant-admin"]).status,
      404);
}

// Issue 10 (STO-01–05, 12): a volume through the API, every volume and storage route.
TEST(Routes, VolumesThroughTheApi) {
  auto& a = world->a;
  const std::string& member = a.tokens["member"];
  const std::string& admin = a.tokens["tenant-admin"];
  const std::string& ops = world->tokens["ops"];
  auto rq = request_vm(*server, a, "a-vol", "tiny-global");
  ASSERT_EQ(rq.status, 200) << rq.body;
  std::string vm(rq.json.at("ref").as_string());
  settled_vm(*server, member, vm);
  auto vol = request_volume(*server, a, json::object{{"name", "a-disk"}, {"size_gb", 3}});
  ASSERT_TRUE(vol.json.is_object() && vol.json.as_object().contains("state")) << vol.body;
  ASSERT_EQ(vol.json.at("state").as_string(), "available") << vol.body;
  std::string id(vol.json.at("id").as_string());
  std::string base = "/api/v1/volumes/" + id;
  // 1.5 GB and an unknown tier are refused at the request, naming the parameter.
  auto bad = server->call("POST", "/api/v1/requests", member,
                          obj({{"service", "cloud-disk"},
                               {"org_id", a.system},
                               {"params", json::object{{"name", "x"}, {"size_gb", 1.5}}}}));
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("params.size_gb"), std::string::npos) << bad.body;

  auto att = server->call("POST", base + "/attach", member, obj({{"vm", "a-vol"}}));
  ASSERT_EQ(att.status, 202) << att.body;
  EXPECT_EQ(settled_volume(*server, member, id).json.at("state").as_string(), "in_use");
  auto shown = server->call("GET", base, member);
  EXPECT_EQ(shown.json.at("attachments").at(0).at("vm_id").as_string(), vm);
  auto on_vm = server->call("GET", "/api/v1/volumes?vm=" + vm, member);
  EXPECT_EQ(on_vm.json.at("total").as_int64(), 1);
  EXPECT_EQ(server->call("POST", base + "/expand", member, obj({{"size_gb", 4}})).status, 403);
  EXPECT_EQ(server->call("POST", base + "/expand", admin, obj({{"size_gb", 2}})).status, 400);
  EXPECT_EQ(server->call("POST", base + "/expand", admin, obj({{"size_gb", 4}})).status, 202);
  EXPECT_EQ(settled_volume(*server, member, id).json.at("size_gb").as_int64(), 4);
  EXPECT_EQ(server->call("POST", base + "/snapshots", member, obj({{"name", "s1"}})).status, 202);
  settled_volume(*server, member, id);
  auto snaps = server->call("GET", base + "/snapshots", member);
  ASSERT_EQ(snaps.json.at("items").as_array().size(), 1U) << snaps.body;
  std::string snap(snaps.json.at("items").at(0).at("id").as_string());
  EXPECT_EQ(server->call("POST", base + "/restore", member, obj({{"snapshot", "s1"}})).status,
            409);  // attached
  EXPECT_EQ(server->call("POST", base + "/detach", member, obj({})).status, 202);
  EXPECT_EQ(settled_volume(*server, member, id).json.at("state").as_string(), "available");
  EXPECT_EQ(server->call("POST", base + "/restore", member, obj({{"snapshot", "s1"}})).status, 202);
  settled_volume(*server, member, id);
  EXPECT_EQ(server->call("DELETE", base + "/snapshots/" + snap, member).status, 202);
  settled_volume(*server, member, id);
  EXPECT_TRUE(server->call("GET", base + "/snapshots", member).json.at("items").as_array().empty());
  EXPECT_EQ(server->call("DELETE", base + "?secure=true", member).status, 202);
  EXPECT_EQ(settled_volume(*server, member, id).json.at("state").as_string(), "deleted");
  auto ops_list = server->call("GET", base + "/operations", member);
  EXPECT_EQ(ops_list.json.at("items").at(0).at("kind").as_string(), "volume.delete");
  EXPECT_EQ(ops_list.json.at("items").at(0).at("state").as_string(), "succeeded");

  auto tiers = server->call("GET", "/api/v1/storage/tiers", member);
  ASSERT_EQ(tiers.json.at("items").as_array().size(), 2U) << tiers.body;
  EXPECT_EQ(server
                ->call("PUT", "/api/v1/storage/tiers/normal", admin,
                       obj({{"iops", 4000}, {"bytes_per_sec", 1 << 27}}))
                .status,
            403);
  EXPECT_EQ(server
                ->call("PUT", "/api/v1/storage/tiers/gold", ops,
                       obj({{"iops", 4000}, {"bytes_per_sec", 1 << 27}}))
                .status,
            404);
  EXPECT_EQ(server
                ->call("PUT", "/api/v1/storage/tiers/normal", ops,
                       obj({{"iops", 3000}, {"bytes_per_sec", 150 << 20}}))
                .status,
            200);
  auto os = server->call("GET", "/api/v1/storage/online-expansion", member);
  EXPECT_NE(os.body.find("Linux"), std::string::npos);
  auto drift = server->call("POST", "/api/v1/storage/reconcile", ops);
  EXPECT_EQ(drift.status, 200) << drift.body;
  EXPECT_TRUE(drift.json.at("items").as_array().empty()) << drift.body;
  EXPECT_EQ(server->call("POST", "/api/v1/storage/reconcile", admin).status, 403);
}

// Issue 11 §1, §5 (BIL-*): usage through the API and the CLI — lifecycle intervals of the
// tenant's VMs, counters reported in a batch (a resend changes nothing), history imported from
// CSV with every bad row named by its line and nothing kept.
TEST(Routes, UsageThroughTheApiAndTheCli) {
  auto& a = world->a;
  const std::string& member = a.tokens["member"];
  const std::string& ops = world->tokens["ops"];
  auto mine = server->call("GET", "/api/v1/usage?code=compute-vcpu&limit=1000", member);
  ASSERT_EQ(mine.status, 200) << mine.body;
  bool vm_seen = false;
  for (const auto& i : mine.json.at("items").as_array()) {
    EXPECT_EQ(i.at("tenant_id").as_string(), a.org) << i;
    vm_seen |= i.at("resource_id").as_string() == a.vm;
  }
  EXPECT_TRUE(vm_seen) << mine.body;  // the world's running VM bills its vCPU from its start
  json::object event{{"event_id", "traffic-2026-03"},
                     {"system", a.system},
                     {"code", "network-internet-bandwidth"},
                     {"quantity", 20},
                     {"unit", "Mbps"},
                     {"start", "2026-03-01T00:00:00+08:00"},
                     {"end", "2026-04-01T00:00:00+08:00"}};
  auto sent =
      server->call("POST", "/api/v1/usage/events", ops, obj({{"events", json::array{event}}}));
  ASSERT_EQ(sent.status, 200) << sent.body;
  EXPECT_EQ(sent.json.at("accepted").as_int64(), 1);
  auto resent =
      server->call("POST", "/api/v1/usage/events", ops, obj({{"events", json::array{event}}}));
  EXPECT_EQ(resent.json.at("duplicates").as_int64(), 1);
  auto denied =
      server->call("POST", "/api/v1/usage/events", member, obj({{"events", json::array{event}}}));
  EXPECT_EQ(denied.status, 403) << denied.body;
  auto traffic = server->call("GET", "/api/v1/usage?code=network-internet-bandwidth", member);
  ASSERT_EQ(traffic.json.at("items").as_array().size(), 1U) << traffic.body;
  EXPECT_EQ(traffic.json.at("items").at(0).at("quantity").as_string(), "20");
  EXPECT_EQ(traffic.json.at("items").at(0).at("start").as_string(), "2026-02-28T16:00:00.000Z");

  std::string dir = server->data_dir() + "-usage";
  std::filesystem::create_directories(dir);
  std::string good = dir + "/good.csv", bad = dir + "/bad.csv";
  std::ofstream(good) << "event_id,tenant,system,code,quantity,unit,start,end\n"
                      << "h-1,," << a.system
                      << ",storage-normal,3,100GB,2025-06-01T00:00:00+08:00,"
                         "2025-07-01T00:00:00+08:00\n";
  std::ofstream(bad) << "event_id,tenant,system,code,quantity,unit,start,end\n"
                     << "h-2,," << a.system << ",storage-normal,-3,GB,2025-06-01T00:00:00+08:00,\n";
  std::string out;
  const std::string url = server->base_url();
  ::setenv("GOVCLOUD_TOKEN", ops.c_str(), 1);
  EXPECT_EQ(run_cli({"--server", url, "usage", "import", good}, &out), 0) << out;
  EXPECT_NE(out.find("imported 1 row(s); 0 already there"), std::string::npos) << out;
  EXPECT_EQ(run_cli({"--server", url, "usage", "import", good}, &out), 0) << out;
  EXPECT_NE(out.find("imported 0 row(s); 1 already there"), std::string::npos) << out;
  EXPECT_NE(run_cli({"--server", url, "usage", "import", bad}, &out), 0);
  EXPECT_NE(out.find("line 2 (quantity)"), std::string::npos) << out;
  EXPECT_NE(run_cli({"--server", url, "usage", "import", dir + "/missing.csv"}, &out), 0);
  EXPECT_NE(out.find("cannot read"), std::string::npos) << out;
  ::setenv("GOVCLOUD_TOKEN", member.c_str(), 1);
  EXPECT_EQ(run_cli({"--server", url, "usage", "list", "--code", "storage-normal"}, &out), 0)
      << out;
  ::unsetenv("GOVCLOUD_TOKEN");
  EXPECT_NE(out.find("300"), std::string::npos) << out;  // 3 × 100GB
  std::filesystem::remove_all(dir);
}

// Issue 11 §3 (BIL-*): a tenant's month as a bill, per system and code; its systems add up to
// its total; another tenant's bill does not exist for it; a bad month names the field.
TEST(Routes, ABillPerSystemAndCode) {
  auto& a = world->a;
  const std::string& member = a.tokens["member"];
  std::string q = "?price_list=" + world->price_list;
  auto bill = server->call("GET", "/api/v1/bills/" + a.org + "/2026-12" + q, member);
  ASSERT_EQ(bill.status, 200) << bill.body;
  EXPECT_EQ(bill.json.at("month").as_string(), "2026-12");
  EXPECT_EQ(bill.json.at("from").as_string(), "2026-11-30T16:00:00.000Z");  // Shanghai midnight
  ASSERT_FALSE(bill.json.at("systems").as_array().empty()) << bill.body;
  Money sum;
  for (const auto& sys : bill.json.at("systems").as_array()) {
    EXPECT_EQ(sys.at("system_id").as_string(), a.system);
    sum = *sum.plus(Money::parse(sys.at("total").as_string(), "total").value());
    for (const auto& line : sys.at("lines").as_array())
      EXPECT_FALSE(line.at("arithmetic").as_string().empty()) << line;
  }
  EXPECT_EQ(sum.str(), bill.json.at("total").as_string());
  auto again = server->call("GET", "/api/v1/bills/" + a.org + "/2026-12" + q, member);
  EXPECT_EQ(again.body, bill.body);  // the same input rates to the same bill
  EXPECT_EQ(server->call("GET", "/api/v1/bills/" + world->b.org + "/2026-12" + q, member).status,
            404);
  auto bad = server->call("GET", "/api/v1/bills/" + a.org + "/2026-13", member);
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.error_field(), "month");
  auto ops = server->call("GET", "/api/v1/bills/" + a.org + "/2026-12" + q, world->tokens["ops"]);
  EXPECT_EQ(ops.status, 403) << ops.body;  // ops reads no tenant data
  // The CLI shows the same bill, line by line, with the systems' and the tenant's totals.
  std::string out;
  ::setenv("GOVCLOUD_TOKEN", member.c_str(), 1);
  EXPECT_EQ(run_cli({"--server", server->base_url(), "bill", "show", a.org, "2026-12",
                     "--price-list", world->price_list},
                    &out),
            0)
      << out;
  EXPECT_NE(out.find(std::string(bill.json.at("total").as_string()) + " 元 ("), std::string::npos)
      << out;
  EXPECT_NE(run_cli({"--server", server->base_url(), "bill", "show", a.org, "March"}, &out), 0);
  EXPECT_NE(out.find("month"), std::string::npos) << out;
  ::unsetenv("GOVCLOUD_TOKEN");
}

// The month before this one and this one ("2026-11", "2026-12"), in Asia/Shanghai.
std::pair<std::string, std::string> last_and_this_month() {
  std::time_t t = std::time(nullptr) + 8 * 3600;
  std::tm tm{};
  gmtime_r(&t, &tm);
  int y = tm.tm_year + 1900, m = tm.tm_mon + 1;
  auto name = [](int year, int month) {
    std::string mm = std::to_string(month);
    return std::to_string(year) + "-" + (mm.size() == 1 ? "0" + mm : mm);
  };
  return {m == 1 ? name(y - 1, 12) : name(y, m - 1), name(y, m)};
}

// Issue 11 §3–5 (BIL-*): closing a month issues the bills (sysadmin only, through the CLI),
// an issued bill exports as CSV and XLSX, adjustments come from the tenant's unit, and a
// contract's settlement is read by its tenant. Runs late: it freezes the months before this one.
TEST(Routes, ClosingAMonthAdjustmentsSettlementAndExports) {
  auto& a = world->a;
  const std::string& member = a.tokens["member"];
  const std::string url = server->base_url();
  auto [last, current] = last_and_this_month();
  auto mu_default = server->call("POST", "/api/v1/price-lists/" + world->price_list + "/default",
                                 world->tokens["mu-admin"]);
  EXPECT_EQ(mu_default.status, 200) << mu_default.body;
  auto by_ops =
      server->call("POST", "/api/v1/bills/close", world->tokens["ops"], obj({{"month", last}}));
  EXPECT_EQ(by_ops.status, 403) << by_ops.body;
  auto not_ended = server->call("POST", "/api/v1/bills/close", world->tokens["admin"],
                                obj({{"month", current}}));
  EXPECT_EQ(not_ended.status, 409) << not_ended.body;
  EXPECT_EQ(not_ended.error_field(), "month");
  std::string out;
  ::setenv("GOVCLOUD_TOKEN", world->tokens["admin"].c_str(), 1);
  EXPECT_EQ(run_cli({"--server", url, "bill", "close", last}, &out), 0) << out;
  EXPECT_NE(out.find(std::string("closed ") + last), std::string::npos) << out;
  EXPECT_NE(run_cli({"--server", url, "bill", "close", last}, &out), 0) << out;
  EXPECT_NE(out.find("already closed"), std::string::npos) << out;

  auto closed = server->call("GET", "/api/v1/bills/closed", member);
  ASSERT_EQ(closed.status, 200) << closed.body;
  EXPECT_EQ(closed.json.at("items").at(0).at("month").as_string(), last);
  auto issued = server->call("GET", "/api/v1/bills/" + a.org + "/" + last, member);
  ASSERT_EQ(issued.status, 200) << issued.body;
  EXPECT_EQ(issued.json.at("state").as_string(), "issued");
  auto rerated =
      server->call("GET", "/api/v1/bills/" + a.org + "/" + last + "?rerate=true", member);
  EXPECT_EQ(rerated.body, issued.body);  // re-rating a closed month is byte-identical
  auto csv = server->call("GET", "/api/v1/bills/" + a.org + "/" + last + "?format=csv", member);
  EXPECT_EQ(csv.status, 200);
  EXPECT_EQ(csv.body.substr(0, 3), "\xEF\xBB\xBF") << "CSV without a BOM";
  auto bad_format =
      server->call("GET", "/api/v1/bills/" + a.org + "/" + last + "?format=pdf", member);
  EXPECT_EQ(bad_format.error_field(), "format");
  ::setenv("GOVCLOUD_TOKEN", member.c_str(), 1);
  std::string xlsx = server->data_dir() + "-bill.xlsx";
  EXPECT_EQ(run_cli({"--server", url, "bill", "export", a.org, last, "--out", xlsx}, &out), 0)
      << out;
  std::ifstream in(xlsx, std::ios::binary);
  std::string head(2, '\0');
  in.read(head.data(), 2);
  EXPECT_EQ(head, "PK");  // a zip: an XLSX workbook
  std::filesystem::remove(xlsx);

  // Adjustments: the tenant's unit posts; the tenant itself cannot credit itself.
  json::value credit = obj({{"kind", "credit"}, {"amount", "-12.34"}, {"reason", "SLA 未达标"}});
  auto self = server->call("POST", "/api/v1/bills/" + a.org + "/adjustments",
                           a.tokens["tenant-admin"], credit);
  EXPECT_EQ(self.status, 403) << self.body;
  auto into_closed =
      server->call("POST", "/api/v1/bills/" + a.org + "/adjustments", world->tokens["mu-admin"],
                   obj({{"kind", "credit"}, {"amount", "-1"}, {"reason", "x"}, {"month", last}}));
  EXPECT_EQ(into_closed.status, 409) << into_closed.body;
  ::setenv("GOVCLOUD_TOKEN", world->tokens["mu-admin"].c_str(), 1);
  EXPECT_EQ(run_cli({"--server", url, "bill", "adjust", a.org, "--kind", "credit", "--amount",
                     "-12.34", "--reason", "SLA 未达标"},
                    &out),
            0)
      << out;
  auto open = server->call("GET", "/api/v1/bills/" + a.org + "/" + current, member);
  ASSERT_EQ(open.status, 200) << open.body;
  EXPECT_EQ(open.json.at("adjustments_total").as_string(), "-12.34") << open.body;

  // The contract's settlement, for its tenant, through the API and the CLI.
  auto st = server->call("GET", "/api/v1/contracts/" + a.contract + "/settlement", member);
  ASSERT_EQ(st.status, 200) << st.body;
  EXPECT_FALSE(st.json.at("milestones").as_array().empty()) << st.body;
  EXPECT_EQ(
      server->call("GET", "/api/v1/contracts/" + world->b.contract + "/settlement", member).status,
      404);
  ::setenv("GOVCLOUD_TOKEN", member.c_str(), 1);
  EXPECT_EQ(run_cli({"--server", url, "settlement", "show", a.contract}, &out), 0) << out;
  EXPECT_NE(out.find("contract total"), std::string::npos) << out;
  ::unsetenv("GOVCLOUD_TOKEN");
}

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
