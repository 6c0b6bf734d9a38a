// Builds, over the HTTP API, a platform with every post filled and two tenants (A and B) that
// each own a business system, a VDC with quota, a reservation, users of every tenant role and
// an API key. Used by the route and isolation tests.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "api/test_server.h"

namespace govcloud::testing {

namespace json = boost::json;

struct TenantObjects {
  std::string org, system, vdc, reservation, admin_user, member_user, viewer_user, admin_binding,
      api_key;
  std::map<std::string, std::string> tokens;  // role → token
};

struct World {
  std::string root, mu, supervision, pool_vdc, mu_vdc;
  std::map<std::string, std::string> tokens;  // "admin", "secadmin", "auditadmin", "ops", "supervisor", "mu-admin"
  std::map<std::string, std::string> user_ids;
  TenantObjects a, b;
};

inline std::string id_of(const Resp& r) {
  EXPECT_TRUE(r.status == 200 || r.status == 201) << r.body;
  if (!r.json.is_object() || !r.json.as_object().contains("id")) return "";
  return std::string(r.json.at("id").as_string());
}

inline std::string make_user(TestServer& s, const std::string& token, const std::string& name,
                             const std::string& org) {
  return id_of(s.call("POST", "/api/v1/users", token,
                      json::value(json::object{{"username", name},
                                               {"password", kAdminPassword},
                                               {"org_id", org},
                                               {"display_name", name}})));
}

inline std::string grant(TestServer& s, const std::string& token, const std::string& user,
                         const std::string& role, const std::string& scope) {
  return id_of(s.call("POST", "/api/v1/role-bindings", token,
                      json::value(json::object{
                          {"user_id", user}, {"role", role}, {"scope_org_id", scope}})));
}

inline void build_tenant(TestServer& s, World& w, TenantObjects& t, const std::string& name) {
  const std::string& mu = w.tokens["mu-admin"];
  t.org = id_of(s.call("POST", "/api/v1/orgs", mu,
                       json::value(json::object{{"parent_id", w.mu}, {"type", "tenant"},
                                                {"name", name + "局"}})));
  t.admin_user = make_user(s, mu, name + "-admin", t.org);
  t.admin_binding = grant(s, mu, t.admin_user, "tenant-admin", t.org);
  t.tokens["tenant-admin"] = s.login(name + "-admin");
  const std::string& ta = t.tokens["tenant-admin"];
  t.system = id_of(s.call("POST", "/api/v1/orgs", ta,
                          json::value(json::object{{"parent_id", t.org},
                                                   {"type", "business_system"},
                                                   {"name", name + "系统"},
                                                   {"dengbao_level", 3},
                                                   {"network_domain", "egov_extranet"}})));
  t.member_user = make_user(s, ta, name + "-member", t.org);
  grant(s, ta, t.member_user, "member", t.org);
  t.viewer_user = make_user(s, ta, name + "-viewer", t.org);
  grant(s, ta, t.viewer_user, "viewer", t.system);
  t.tokens["member"] = s.login(name + "-member");
  t.tokens["viewer"] = s.login(name + "-viewer");
  t.vdc = id_of(s.call("POST", "/api/v1/vdcs", mu,
                       json::value(json::object{{"org_id", t.org}, {"parent_id", w.mu_vdc},
                                                {"name", name + "-vdc"}})));
  auto q = s.call("PUT", "/api/v1/vdcs/" + t.vdc + "/quota", mu,
                  json::value(json::object{{"limits", json::object{{"vcpu", 100}, {"memory_gb", 200}}}}));
  EXPECT_EQ(q.status, 200) << q.body;
  t.reservation = id_of(s.call("POST", "/api/v1/vdcs/" + t.vdc + "/reservations", t.tokens["member"],
                               json::value(json::object{{"amounts", json::object{{"vcpu", 2}}},
                                                        {"ref", name + "-vm"}})));
  t.api_key = id_of(s.call("POST", "/api/v1/auth/api-keys", ta,
                           json::value(json::object{{"name", name + "-ci"}})));
}

inline World build_world(TestServer& s) {
  World w;
  w.tokens["admin"] = s.login("admin");
  const std::string& admin = w.tokens["admin"];
  auto me = s.call("GET", "/api/v1/auth/me", admin);
  w.root = std::string(me.json.at("org_id").as_string());
  // 三员分立 bootstrap: sysadmin creates the security admin once; it does the rest.
  w.user_ids["secadmin"] = make_user(s, admin, "sec", w.root);
  grant(s, admin, w.user_ids["secadmin"], "secadmin", w.root);
  w.tokens["secadmin"] = s.login("sec");
  const std::string& sec = w.tokens["secadmin"];
  w.mu = id_of(s.call("POST", "/api/v1/orgs", admin,
                      json::value(json::object{{"parent_id", w.root}, {"type", "management_unit"},
                                               {"name", "区数据局"}})));
  w.supervision = id_of(s.call("POST", "/api/v1/orgs", admin,
                               json::value(json::object{{"parent_id", w.root},
                                                        {"type", "supervision_unit"},
                                                        {"name", "监管中心"}})));
  for (auto [post, home] : std::map<std::string, std::string>{{"auditadmin", w.root},
                                                               {"ops", w.root},
                                                               {"supervisor", w.supervision}}) {
    w.user_ids[post] = make_user(s, sec, post + "-user", home);
    grant(s, sec, w.user_ids[post], post, w.root);
    w.tokens[post] = s.login(post + "-user");
  }
  w.user_ids["mu-admin"] = make_user(s, sec, "mu-admin", w.mu);
  grant(s, sec, w.user_ids["mu-admin"], "tenant-admin", w.mu);
  w.tokens["mu-admin"] = s.login("mu-admin");
  w.pool_vdc = id_of(s.call("POST", "/api/v1/vdcs", admin,
                            json::value(json::object{{"org_id", w.root}, {"name", "pool"}})));
  s.call("PUT", "/api/v1/vdcs/" + w.pool_vdc + "/quota", admin,
         json::value(json::object{{"limits", json::object{{"vcpu", 10000}, {"memory_gb", 40000}}}}));
  w.mu_vdc = id_of(s.call("POST", "/api/v1/vdcs", admin,
                          json::value(json::object{{"org_id", w.mu}, {"parent_id", w.pool_vdc},
                                                   {"name", "mu"}})));
  s.call("PUT", "/api/v1/vdcs/" + w.mu_vdc + "/quota", admin,
         json::value(json::object{{"limits", json::object{{"vcpu", 5000}, {"memory_gb", 20000}}}}));
  build_tenant(s, w, w.a, "a");
  build_tenant(s, w, w.b, "b");
  return w;
}

}  // namespace govcloud::testing
