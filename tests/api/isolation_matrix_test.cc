// TEN-07: for every route in the OpenAPI document and every tenant role (and ops), a user of
// tenant A can neither read nor change anything of tenant B's; ops reads no tenant data.
#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <set>
#include <sstream>

#include "api/world.h"

namespace govcloud::testing {
namespace {

struct Attacker {
  std::string name;
  std::string token;
};

// The request body each route gets in the matrix, aimed at tenant B's objects.
std::map<std::string, json::value> bodies(const World& w) {
  const TenantObjects& b = w.b;
  return {
      {"POST /api/v1/auth/login", json::object{{"username", "b-member"}, {"password", "Guess#1234567"}}},
      {"POST /api/v1/auth/password",
       json::object{{"username", "b-member"}, {"old_password", "Guess#1234567"},
                    {"new_password", "Taken#Over2026"}}},
      {"POST /api/v1/auth/assume-role", json::object{{"binding_id", b.admin_binding}, {"minutes", 5}}},
      {"POST /api/v1/auth/totp/confirm", json::object{{"code", "123456"}}},
      {"POST /api/v1/auth/api-keys", json::object{{"name", "x"}, {"scope_org_id", b.org}}},
      {"POST /api/v1/users",
       json::object{{"username", "intruder"}, {"password", kAdminPassword}, {"org_id", b.org}}},
      {"PATCH /api/v1/users/{id:usr}", json::object{{"email", "x@evil.example"}}},
      {"POST /api/v1/users/{id:usr}/reset-password", json::object{{"password", "Taken#Over2026"}}},
      {"POST /api/v1/role-bindings",
       json::object{{"user_id", b.member_user}, {"role", "tenant-admin"}, {"scope_org_id", b.org}}},
      {"POST /api/v1/orgs",
       json::object{{"parent_id", b.org}, {"type", "business_system"}, {"name", "implant"},
                    {"dengbao_level", 2}, {"network_domain", "internet"}}},
      {"PATCH /api/v1/orgs/{id:org}", json::object{{"name", "renamed"}}},
      {"POST /api/v1/vdcs", json::object{{"org_id", b.org}, {"parent_id", b.vdc}, {"name", "x"}}},
      {"PUT /api/v1/vdcs/{id:vdc}/quota", json::object{{"limits", json::object{{"vcpu", 1}}}}},
      {"POST /api/v1/vdcs/{id:vdc}/reservations", json::object{{"amounts", json::object{{"vcpu", 1}}}}},
      {"POST /api/v1/audit/purge", json::object{{"before", "2020-01-01"}}},
  };
}

// Routes that act only on the caller's own account, whatever the path says.
const std::set<std::string> kSelfRoutes = {
    "POST /api/v1/auth/logout", "POST /api/v1/auth/totp", "GET /api/v1/auth/me",
    "GET /api/v1/auth/api-keys"};

std::string substitute(const std::string& path, const TenantObjects& b) {
  static const std::map<std::string, std::string TenantObjects::*> kByPrefix = {
      {"org", &TenantObjects::org},       {"usr", &TenantObjects::admin_user},
      {"vdc", &TenantObjects::vdc},       {"rsv", &TenantObjects::reservation},
      {"rb", &TenantObjects::admin_binding}, {"key", &TenantObjects::api_key}};
  std::string out;
  std::size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '{') {
      auto end = path.find('}', i);
      std::string inner = path.substr(i + 1, end - i - 1);
      auto colon = inner.find(':');
      std::string prefix = colon == std::string::npos ? "" : inner.substr(colon + 1);
      auto it = kByPrefix.find(prefix);
      out += it == kByPrefix.end() ? "unknown" : b.*(it->second);
      i = end + 1;
    } else {
      out += path[i++];
    }
  }
  return out;
}

std::string snapshot(TestServer& s, const World& w) {
  const std::string& t = w.b.tokens.at("tenant-admin");
  std::string out;
  for (const std::string& target : std::vector<std::string>{
           "/api/v1/orgs?limit=1000", "/api/v1/users?limit=1000", "/api/v1/vdcs?limit=1000",
        "/api/v1/role-bindings", "/api/v1/auth/api-keys",
        "/api/v1/vdcs/" + w.b.vdc + "/quota", "/api/v1/vdcs/" + w.b.vdc + "/reservations"}) {
    auto r = s.call("GET", target, t);
    EXPECT_EQ(r.status, 200) << target;
    out += target + " " + r.body + "\n";
  }
  return out;
}

// A's own failed attempts on B's objects are audited under A and echo the ids A sent; they are
// not B's data. Everything else the audit routes return must be free of B's ids.
std::string without_own_failed_attempts(const std::string& route, const Resp& r) {
  if (route == "GET /api/v1/audit") {
    json::array kept;
    for (const auto& rec : r.json.at("items").as_array())
      if (rec.at("result").as_string() == "success") kept.push_back(rec);
    return json::serialize(kept);
  }
  if (route == "GET /api/v1/audit/export") {
    std::string kept, line;
    std::istringstream in(r.body);
    while (std::getline(in, line))
      if (line.find(",denied,") == std::string::npos && line.find(",failed,") == std::string::npos)
        kept += line + "\n";
    return kept;
  }
  return r.body;
}

TEST(IsolationMatrix, TenantAReachesNothingOfTenantB) {
  TestServer s;
  World w = build_world(s);
  std::string before = snapshot(s, w);
  auto doc = s.call("GET", "/api/v1/openapi.json");
  auto body_for = bodies(w);
  std::vector<std::string> b_secrets = {w.b.org,         w.b.system,      w.b.vdc,
                                        w.b.reservation, w.b.admin_user,  w.b.member_user,
                                        w.b.viewer_user, w.b.admin_binding, w.b.api_key,
                                        "b-admin",       "b-member",      "b局"};
  std::vector<std::string> tenant_data = b_secrets;
  for (const auto& x : {w.a.org, w.a.system, w.a.vdc, w.a.reservation, w.a.admin_user,
                        std::string("a-admin"), std::string("a局")})
    tenant_data.push_back(x);

  std::vector<Attacker> attackers = {{"a/tenant-admin", w.a.tokens["tenant-admin"]},
                                     {"a/member", w.a.tokens["member"]},
                                     {"a/viewer", w.a.tokens["viewer"]},
                                     {"ops", w.tokens["ops"]}};
  int checked = 0;
  for (const auto& [path, ops] : doc.json.at("paths").as_object()) {
    for (const auto& [method_lc, op] : ops.as_object()) {
      std::string id(op.at("operationId").as_string());
      std::string method = id.substr(0, id.find(' '));
      std::string route = id.substr(id.find(' ') + 1);
      bool has_body = op.as_object().contains("requestBody");
      if (has_body && !body_for.count(id)) {
        ADD_FAILURE() << "no isolation-matrix body for " << id << "; add one";
        continue;
      }
      std::string target = substitute(route, w.b);
      bool has_params = route.find('{') != std::string::npos;
      bool mutating = method != "GET";
      for (const auto& who : attackers) {
        if (id == "POST /api/v1/auth/logout") continue;  // would only end the attacker's session
        std::string body = has_body ? json::serialize(body_for[id]) : "";
        auto r = s.call(method, target, who.token, body);
        ++checked;
        std::string where = who.name + " " + method + " " + target;
        ASSERT_LT(r.status, 500) << where << ": " << r.body;
        if (kSelfRoutes.count(id)) {
          for (const auto& secret : b_secrets)
            EXPECT_EQ(r.body.find(secret), std::string::npos) << where << " leaks " << secret;
          continue;
        }
        if (has_params || mutating) {
          EXPECT_GE(r.status, 400) << where << " succeeded: " << r.body;
        }
        if (r.status < 300) {
          const auto& forbidden = who.name == "ops" ? tenant_data : b_secrets;
          std::string visible = without_own_failed_attempts(id, r);
          for (const auto& secret : forbidden)
            EXPECT_EQ(visible.find(secret), std::string::npos) << where << " leaks " << secret;
        }
      }
    }
  }
  EXPECT_GT(checked, 150);
  // Nothing of B's changed, whatever was tried.
  EXPECT_EQ(snapshot(s, w), before);
  // B's admin can still sign in: no password was taken over.
  EXPECT_FALSE(s.login("b-admin").empty());
}

}  // namespace
}  // namespace govcloud::testing
