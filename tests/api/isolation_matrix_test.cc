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
  const NarrowedPrincipal* narrowed = nullptr;
};

// What a narrowed credential must never do, whatever the person could: mint credentials or
// change how the person signs in (issue 7 §2).
const std::set<std::string> kAuthenticationChanges = {
    "POST /api/v1/auth/api-keys", "DELETE /api/v1/auth/api-keys/{id:key}", "POST /api/v1/auth/totp",
    "POST /api/v1/auth/totp/confirm", "POST /api/v1/auth/assume-role"};

// The request body each route gets in the matrix, aimed at tenant B's objects.
std::map<std::string, json::value> bodies(const World& w) {
  const TenantObjects& b = w.b;
  return {
      {"POST /api/v1/auth/login",
       json::object{{"username", "b-member"}, {"password", "Guess#1234567"}}},
      {"POST /api/v1/auth/password", json::object{{"username", "b-member"},
                                                  {"old_password", "Guess#1234567"},
                                                  {"new_password", "Taken#Over2026"}}},
      {"POST /api/v1/auth/assume-role",
       json::object{{"binding_id", b.admin_binding}, {"minutes", 5}}},
      {"POST /api/v1/auth/totp", json::object{{"password", kAdminPassword}}},
      {"POST /api/v1/auth/totp/confirm", json::object{{"code", "123456"}}},
      {"POST /api/v1/auth/api-keys", json::object{{"name", "x"}, {"scope_org_id", b.org}}},
      {"POST /api/v1/users",
       json::object{{"username", "intruder"}, {"password", kAdminPassword}, {"org_id", b.org}}},
      {"PATCH /api/v1/users/{id:usr}", json::object{{"email", "x@evil.example"}}},
      {"POST /api/v1/users/{id:usr}/reset-password", json::object{{"password", "Taken#Over2026"}}},
      {"POST /api/v1/role-bindings",
       json::object{{"user_id", b.member_user}, {"role", "tenant-admin"}, {"scope_org_id", b.org}}},
      {"POST /api/v1/orgs", json::object{{"parent_id", b.org},
                                         {"type", "business_system"},
                                         {"name", "implant"},
                                         {"dengbao_level", 2},
                                         {"network_domain", "internet"}}},
      {"PATCH /api/v1/orgs/{id:org}", json::object{{"name", "renamed"}}},
      {"POST /api/v1/hosts", json::object{{"name", "implant"},
                                          {"site", "dc1"},
                                          {"pool", "p1"},
                                          {"domain", "egov"},
                                          {"driver", "sim"},
                                          {"uri", "sim://"}}},
      {"POST /api/v1/hosts/{id:host}/state", json::object{{"state", "maintenance"}}},
      {"POST /api/v1/vms/{id:vm}/stop", json::object{{"force", true}}},
      {"PUT /api/v1/vms/{id:vm}/tags", json::object{{"tags", "owned"}}},
      {"POST /api/v1/vms/{id:vm}/resize", json::object{{"vcpu", 2}}},
      {"POST /api/v1/vms/{id:vm}/snapshots", json::object{{"name", "implant"}}},
      {"POST /api/v1/vms/{id:vm}/revert", json::object{{"snapshot", b.snapshot}}},
      {"POST /api/v1/vms/{id:vm}/clone", json::object{{"name", "implant"}}},
      {"POST /api/v1/vms/{id:vm}/migrate", json::object{}},
      {"POST /api/v1/vms/{id:vm}/console", json::object{{"type", "serial"}}},
      {"POST /api/v1/volumes/{id:vol}/attach", json::object{{"vm", w.a.vm}}},
      {"POST /api/v1/volumes/{id:vol}/detach", json::object{{"force", true}}},
      {"POST /api/v1/volumes/{id:vol}/expand", json::object{{"size_gb", 2}}},
      {"POST /api/v1/volumes/{id:vol}/snapshots", json::object{{"name", "implant"}}},
      {"POST /api/v1/volumes/{id:vol}/restore", json::object{{"snapshot", b.volume_snapshot}}},
      {"PUT /api/v1/storage/tiers/{name}", json::object{{"iops", 100}, {"bytes_per_sec", 1 << 20}}},
      {"POST /api/v1/usage/events",
       json::object{{"events", json::array{json::object{{"event_id", "implant"},
                                                        {"system", b.system},
                                                        {"code", "storage-normal"},
                                                        {"quantity", "1000"},
                                                        {"start", "2026-01-01T00:00:00Z"}}}}}},
      {"POST /api/v1/usage/import",
       json::object{{"content", "event_id,tenant,system,code,quantity,unit,start,end\nimplant,," +
                                    b.system + ",storage-normal,1000,,2026-01-01T00:00:00Z,\n"}}},
      {"POST /api/v1/bills/close", json::object{{"month", "2026-10"}}},
      {"POST /api/v1/bills/{id:org}/adjustments",
       json::object{{"kind", "credit"}, {"amount", "-1000.00"}, {"reason", "implant"}}},
      {"POST /api/v1/images",
       json::object{
           {"name", "implant"}, {"source", "tiny.qcow2"}, {"scope", "private"}, {"org_id", b.org}}},
      {"POST /api/v1/vdcs", json::object{{"org_id", b.org}, {"parent_id", b.vdc}, {"name", "x"}}},
      {"PUT /api/v1/vdcs/{id:vdc}/quota", json::object{{"limits", json::object{{"vcpu", 1}}}}},
      {"POST /api/v1/vdcs/{id:vdc}/reservations",
       json::object{{"amounts", json::object{{"vcpu", 1}}}, {"reason", "x"}}},
      {"POST /api/v1/audit/purge", json::object{{"before", "2020-01-01"}}},
      {"POST /api/v1/catalog",
       json::object{{"code", "intruder-svc"}, {"name_zh", "x"}, {"name_en", "x"}, {"unit", "vm"}}},
      {"PATCH /api/v1/catalog/{code}", json::object{{"name_en", "renamed"}}},
      {"POST /api/v1/price-lists", json::object{{"name", "mine"}, {"org_id", w.mu}}},
      {"POST /api/v1/price-lists/{list}/prices",
       json::object{{"service", "compute-vcpu"}, {"amount", "1"}}},
      {"POST /api/v1/price-lists/{list}/import",
       json::object{{"format", "csv"}, {"content", "service,amount\ncompute-vcpu,1\n"}}},
      {"POST /api/v1/contracts",
       json::object{
           {"package",
            json::parse(
                R"({"id":"evil","items":[{"catalog":"compute-vcpu","quantity":"9999","unit":"1CPU"}]})")},
           {"tenant_org_id", b.org}}},
      {"POST /api/v1/quotes",
       json::object{
           {"package",
            json::parse(
                R"({"id":"q","items":[{"catalog":"compute-vcpu","quantity":"1","unit":"1CPU"}]})")},
           {"price_list", w.price_list}}},
      {"POST /api/v1/requests",
       json::object{{"service", "custom-vm"},
                    {"org_id", b.system},
                    {"params", json::object{{"flavor", "2c4g"}, {"vcpu", 1}}}}},
      {"POST /api/v1/requests/{id:rq}/approve", json::object{{"comment", "ok"}}},
      {"POST /api/v1/requests/{id:rq}/reject", json::object{{"comment", "no"}}},
      {"POST /api/v1/fulfilments/{id:ful}/complete", json::object{{"delivery", "x"}}},
      {"POST /api/v1/resources/{id:res}/reclaim", json::object{{"reason", "x"}}},
      {"POST /api/v1/workorders",
       json::object{{"type", "change"}, {"org_id", b.system}, {"title", "x"}}},
      {"POST /api/v1/workorders/{id:wo}/assign", json::object{{"assignee", w.b.admin_user}}},
      {"POST /api/v1/workorders/{id:wo}/transition", json::object{{"state", "cancelled"}}},
      {"POST /api/v1/workorders/{id:wo}/comments", json::object{{"body", "x"}}},
      {"POST /api/v1/workorders/{id:wo}/attachments",
       json::object{{"filename", "x.txt"}, {"content_base64", "eA=="}}},
  };
}

// Routes that act only on the caller's own account, or read or compute from data shared by all
// tenants (a quote of a package the caller sends), whatever the path says. They must still not
// leak any of B's ids.
const std::set<std::string> kSelfRoutes = {
    "POST /api/v1/auth/logout", "POST /api/v1/auth/totp", "GET /api/v1/auth/me",
    "GET /api/v1/auth/api-keys", "POST /api/v1/quotes",
    // Shared, not tenant-owned: the catalog every tenant orders from, and the price list of the
    // management unit both A and B sit under (tenants must see what they will be charged).
    "GET /api/v1/catalog/{code}", "GET /api/v1/price-lists/{list}/prices",
    "GET /api/v1/price-lists/{list}/export",
    // Published facts: the tiers' limits and which guest OSes grow disks online.
    "GET /api/v1/storage/tiers", "GET /api/v1/storage/online-expansion"};

// Operations staff deliver fulfilment orders and handle work orders of every tenant by design
// (CAT-09, OPS-22); for ops these routes are its job, not a breach.
const std::set<std::string> kOpsDuties = {"GET /api/v1/fulfilments",
                                          "POST /api/v1/hosts",
                                          "POST /api/v1/hosts/{id:host}/state",
                                          "POST /api/v1/compute/reconcile",
                                          "POST /api/v1/storage/reconcile",
                                          "POST /api/v1/usage/events",
                                          "POST /api/v1/usage/import",
                                          "PUT /api/v1/storage/tiers/{name}",
                                          "POST /api/v1/vms/{id:vm}/migrate",
                                          "POST /api/v1/images",
                                          "DELETE /api/v1/images/{id:img}",
                                          "POST /api/v1/fulfilments/{id:ful}/complete",
                                          "GET /api/v1/workorders",
                                          "GET /api/v1/workorders/{id:wo}",
                                          "POST /api/v1/workorders/{id:wo}/assign",
                                          "POST /api/v1/workorders/{id:wo}/transition",
                                          "POST /api/v1/workorders/{id:wo}/comments",
                                          "POST /api/v1/workorders/{id:wo}/attachments",
                                          "GET /api/v1/workorders/{id:wo}/attachments/{n}"};

std::string substitute(const std::string& path, const TenantObjects& b,
                       const std::string& price_list) {
  static const std::map<std::string, std::string TenantObjects::*> kByPrefix = {
      {"org", &TenantObjects::org},
      {"usr", &TenantObjects::admin_user},
      {"vdc", &TenantObjects::vdc},
      {"rsv", &TenantObjects::reservation},
      {"rb", &TenantObjects::admin_binding},
      {"key", &TenantObjects::api_key},
      {"ct", &TenantObjects::contract},
      {"rq", &TenantObjects::request},
      {"ful", &TenantObjects::fulfilment},
      {"res", &TenantObjects::resource},
      {"wo", &TenantObjects::workorder},
      {"ntf", &TenantObjects::notification},
      {"vm", &TenantObjects::vm},
      {"op", &TenantObjects::operation},
      {"img", &TenantObjects::image},
      {"snap", &TenantObjects::snapshot},
      {"vol", &TenantObjects::volume},
      {"vsn", &TenantObjects::volume_snapshot}};
  std::string out;
  std::size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '{') {
      auto end = path.find('}', i);
      std::string inner = path.substr(i + 1, end - i - 1);
      auto colon = inner.find(':');
      std::string prefix = colon == std::string::npos ? "" : inner.substr(colon + 1);
      auto it = kByPrefix.find(prefix);
      std::string name = inner.substr(0, colon);
      if (name == "code")
        out += "compute-vcpu";
      else if (name == "list")
        out += price_list;
      else if (name == "n")
        out += "0";
      else if (name == "month")
        out += "2026-12";
      else
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
  for (const std::string& target :
       std::vector<std::string>{"/api/v1/orgs?limit=1000",
                                "/api/v1/users?limit=1000",
                                "/api/v1/vdcs?limit=1000",
                                "/api/v1/role-bindings",
                                "/api/v1/auth/api-keys",
                                "/api/v1/vdcs/" + w.b.vdc + "/quota",
                                "/api/v1/vdcs/" + w.b.vdc + "/reservations",
                                "/api/v1/contracts",
                                "/api/v1/requests",
                                "/api/v1/resources",
                                "/api/v1/workorders",
                                "/api/v1/notifications",
                                "/api/v1/catalog?limit=1000",
                                "/api/v1/price-lists",
                                "/api/v1/vms?state=running",
                                "/api/v1/images",
                                "/api/v1/volumes",
                                "/api/v1/volumes/" + w.b.volume + "/snapshots",
                                "/api/v1/usage?limit=1000",
                                "/api/v1/bills/closed",
                                "/api/v1/bills/" + w.b.org + "/2026-12"}) {
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
  // Every attacker tries to sign in as b-member; the lockout that follows is not the change the
  // snapshot looks for, so it is set out of reach.
  TestServer s({"--set", "lockout.max_failures=100"});
  World w = build_world(s);
  std::string before = snapshot(s, w);
  auto doc = s.call("GET", "/api/v1/openapi.json");
  auto body_for = bodies(w);
  std::vector<std::string> b_secrets = {w.b.org,         w.b.system,        w.b.vdc,
                                        w.b.reservation, w.b.admin_user,    w.b.member_user,
                                        w.b.viewer_user, w.b.admin_binding, w.b.api_key,
                                        w.b.contract,    w.b.request,       w.b.fulfilment,
                                        w.b.resource,    w.b.workorder,     w.b.notification,
                                        w.b.vm,          w.b.image,         w.b.operation,
                                        w.b.snapshot,    w.b.volume,        w.b.volume_snapshot,
                                        "b-admin",       "b-member",        "b局"};
  std::vector<std::string> tenant_data = b_secrets;
  for (const auto& x : {w.a.org, w.a.system, w.a.vdc, w.a.reservation, w.a.admin_user,
                        std::string("a-admin"), std::string("a局")})
    tenant_data.push_back(x);

  std::vector<Attacker> attackers = {{"a/tenant-admin", w.a.tokens["tenant-admin"]},
                                     {"a/member", w.a.tokens["member"]},
                                     {"a/viewer", w.a.tokens["viewer"]},
                                     {"ops", w.tokens["ops"]}};
  for (const auto& n : w.narrowed) {
    attackers.push_back({n.name, n.token, &n});
    b_secrets.push_back(n.own_b_request);
    b_secrets.push_back(n.own_b_notification);
  }
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
      bool has_params = route.find('{') != std::string::npos;
      bool mutating = method != "GET";
      for (const auto& who : attackers) {
        if (id == "POST /api/v1/auth/logout") continue;  // would only end the attacker's session
        if (who.name == "ops" && kOpsDuties.count(id)) continue;
        // A narrowed credential is aimed at the person's own objects in B.
        TenantObjects aim = w.b;
        if (who.narrowed) {
          aim.request = who.narrowed->own_b_request;
          aim.notification = who.narrowed->own_b_notification;
        }
        std::string target = substitute(route, aim, w.price_list);
        std::string body = has_body ? json::serialize(body_for[id]) : "";
        if (who.narrowed && id == "POST /api/v1/auth/api-keys")
          body = R"({"name":"escape"})";  // unscoped: would carry the person's standing rights
        auto r = s.call(method, target, who.token, body);
        ++checked;
        std::string where = who.name + " " + method + " " + target;
        ASSERT_LT(r.status, 500) << where << ": " << r.body;
        if (who.narrowed && kAuthenticationChanges.count(id)) {
          EXPECT_GE(r.status, 400) << where << " changed the person's authentication: " << r.body;
          continue;
        }
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
  EXPECT_GT(checked, 400);
  // Nothing of B's changed, whatever was tried.
  EXPECT_EQ(snapshot(s, w), before);
  // B's admin can still sign in: no password was taken over.
  EXPECT_FALSE(s.login("b-admin").empty());
}

}  // namespace
}  // namespace govcloud::testing
