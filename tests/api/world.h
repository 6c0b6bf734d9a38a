// Builds, over the HTTP API, a platform with every post filled and two tenants (A and B) that
// each own a business system, a VDC with quota, a reservation, users of every tenant role and
// an API key. Used by the route and isolation tests.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>
#include <thread>

#include "api/test_server.h"

namespace govcloud::testing {

namespace json = boost::json;

struct TenantObjects {
  std::string org, system, vdc, reservation, admin_user, member_user, viewer_user, admin_binding,
      api_key, contract, request, fulfilment, resource, workorder, notification, image, vm,
      operation, snapshot, volume, volume_snapshot;
  std::map<std::string, std::string> tokens;  // role → token
};

// A person whose standing rights cover both tenants, using a credential narrowed to tenant A:
// the management unit's admin with an API key held to A, and a user with member@A and
// tenant-admin@B in a session that assumed member@A. Each has its own pending request and a
// notification in B, which the narrowed credential must not reach (issue 7 §2).
struct NarrowedPrincipal {
  std::string name, token, own_b_request, own_b_notification;
};

struct World {
  std::string root, mu, supervision, pool_vdc, mu_vdc, price_list;
  std::vector<NarrowedPrincipal> narrowed;
  std::map<std::string, std::string>
      tokens;  // "admin", "secadmin", "auditadmin", "ops", "supervisor", "mu-admin"
  std::map<std::string, std::string> user_ids;
  TenantObjects a, b;
};

inline json::value obj(json::object o) {
  return json::value(std::move(o));
}

inline std::string id_of(const Resp& r) {
  EXPECT_TRUE(r.status == 200 || r.status == 201) << r.body;
  if (!r.json.is_object() || !r.json.as_object().contains("id")) return "";
  return std::string(r.json.at("id").as_string());
}

// Creates the account, then its user replaces the first password (issue 8 §2).
inline std::string make_user(TestServer& s, const std::string& token, const std::string& name,
                             const std::string& org) {
  const std::string first = "First#Cloud2026";
  auto id = id_of(s.call(
      "POST", "/api/v1/users", token,
      json::value(json::object{
          {"username", name}, {"password", first}, {"org_id", org}, {"display_name", name}})));
  auto changed =
      s.call("POST", "/api/v1/auth/password", "",
             json::value(json::object{
                 {"username", name}, {"old_password", first}, {"new_password", kAdminPassword}}));
  EXPECT_EQ(changed.status, 204) << changed.body;
  return id;
}

inline std::string grant(TestServer& s, const std::string& token, const std::string& user,
                         const std::string& role, const std::string& scope) {
  return id_of(s.call(
      "POST", "/api/v1/role-bindings", token,
      json::value(json::object{{"user_id", user}, {"role", role}, {"scope_org_id", scope}})));
}

inline void build_tenant(TestServer& s, World& w, TenantObjects& t, const std::string& name) {
  const std::string& mu = w.tokens["mu-admin"];
  t.org = id_of(s.call(
      "POST", "/api/v1/orgs", mu,
      json::value(json::object{{"parent_id", w.mu}, {"type", "tenant"}, {"name", name + "局"}})));
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
                       json::value(json::object{
                           {"org_id", t.org}, {"parent_id", w.mu_vdc}, {"name", name + "-vdc"}})));
  auto q = s.call("PUT", "/api/v1/vdcs/" + t.vdc + "/quota", mu,
                  json::value(json::object{{"limits", json::object{{"vcpu", 100},
                                                                   {"memory_gb", 200},
                                                                   {"storage_normal_gb", 1000}}}}));
  EXPECT_EQ(q.status, 200) << q.body;
  t.reservation = id_of(s.call("POST", "/api/v1/vdcs/" + t.vdc + "/reservations", ta,
                               json::value(json::object{{"amounts", json::object{{"vcpu", 2}}},
                                                        {"reason", "set aside"},
                                                        {"ref", name + "-vm"}})));
  t.api_key = id_of(s.call("POST", "/api/v1/auth/api-keys", ta,
                           json::value(json::object{{"name", name + "-ci"}})));
  // A contract, a delivered resource, a pending request, a work order, a notification.
  json::value package =
      json::parse(R"({"id":"P-)" + name + R"(","name_zh":"测试包","budget_wan_yuan":"10",
      "items":[{"catalog":"compute-memory","quantity":"10","unit":"1GB","months":"12"}]})");
  t.contract =
      id_of(s.call("POST", "/api/v1/contracts", mu,
                   json::value(json::object{{"package", package}, {"tenant_org_id", t.org}})));
  const std::string& member = t.tokens["member"];
  auto vm = [&](int vcpu) {
    return json::value(json::object{{"service", "custom-vm"},
                                    {"org_id", t.system},
                                    {"params", json::object{{"flavor", "2c4g"}, {"vcpu", vcpu}}}});
  };
  std::string delivered = id_of(s.call("POST", "/api/v1/requests", member, vm(2)));
  s.call("POST", "/api/v1/requests/" + delivered + "/approve", ta, json::value(json::object{}));
  auto orders = s.call("GET", "/api/v1/fulfilments?state=open", w.tokens["ops"]);
  for (const auto& o : orders.json.at("items").as_array())
    if (o.at("ref").as_string() == delivered) t.fulfilment = std::string(o.at("id").as_string());
  auto done = s.call("POST", "/api/v1/fulfilments/" + t.fulfilment + "/complete", w.tokens["ops"],
                     json::value(json::object{{"delivery", "vm " + name}}));
  t.resource = std::string(done.json.at("resource_id").as_string());
  t.request = id_of(s.call("POST", "/api/v1/requests", member, vm(1)));
  t.workorder = id_of(
      s.call("POST", "/api/v1/workorders", member,
             json::value(json::object{
                 {"type", "onboarding"}, {"org_id", t.system}, {"title", name + " onboarding"}})));
  auto notes = s.call("GET", "/api/v1/notifications", member);
  t.notification = std::string(notes.json.at("items").at(0).at("id").as_string());
}

// Waits (bounded) until the VM leaves the states an operation passes through.
// Real engines take longer (a guest that ignores ACPI is shut down only after the graceful
// timeout, 30 s): the end-to-end test passes a larger bound.
inline Resp settled_vm(TestServer& s, const std::string& token, const std::string& vm,
                       int attempts = 2000) {
  Resp r;
  for (int i = 0; i < attempts; ++i) {
    r = s.call("GET", "/api/v1/vms/" + vm, token);
    if (r.status != 200) return r;
    std::string st(r.json.at("state").as_string());
    if (st != "creating" && st != "starting" && st != "stopping" && st != "rebooting" &&
        st != "deleting" && st != "resizing" && st != "snapshotting" && st != "reverting" &&
        st != "cloning" && st != "migrating")
      return r;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));  // the engine's own time
  }
  return r;
}

// As settled_vm, for a volume (issue 10).
inline Resp settled_volume(TestServer& s, const std::string& token, const std::string& volume,
                           int attempts = 2000) {
  Resp r;
  for (int i = 0; i < attempts; ++i) {
    r = s.call("GET", "/api/v1/volumes/" + volume, token);
    if (r.status != 200) return r;
    std::string st(r.json.at("state").as_string());
    if (st != "creating" && st != "attaching" && st != "detaching" && st != "resizing" &&
        st != "snapshotting" && st != "restoring" && st != "deleting") {
      // A snapshot deletion leaves the state alone: wait for its operation too.
      auto ops = s.call("GET", "/api/v1/volumes/" + volume + "/operations", token);
      if (ops.status != 200 || ops.json.at("items").as_array().empty() ||
          ops.json.at("items").at(0).at("state").as_string() != "running")
        return r;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));  // the engine's own time
  }
  return r;
}

// Requests a cloud-disk as the member, has the tenant admin approve it, and returns the
// settled volume.
inline Resp request_volume(TestServer& s, TenantObjects& t, json::object params) {
  auto rq = s.call("POST", "/api/v1/requests", t.tokens["member"],
                   json::value(json::object{
                       {"service", "cloud-disk"}, {"org_id", t.system}, {"params", params}}));
  if (rq.status != 201) return rq;
  std::string id = id_of(rq);
  auto ok = s.call("POST", "/api/v1/requests/" + id + "/approve", t.tokens["tenant-admin"],
                   json::value(json::object{{"comment", "ok"}}));
  EXPECT_EQ(ok.status, 200) << ok.body;
  for (int i = 0; i < 2000; ++i) {
    auto r = s.call("GET", "/api/v1/requests/" + id, t.tokens["member"]);
    if (r.json.at("state").as_string() != "fulfilling" || !r.json.at("ref").as_string().empty()) {
      std::string ref(r.json.at("ref").as_string());
      if (ref.empty()) return r;
      return settled_volume(s, t.tokens["member"], ref);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return rq;
}

// Requests a cloud-host as the member, has the tenant admin approve it and returns the request;
// the VM it becomes is the request's "ref".
inline Resp request_vm(TestServer& s, TenantObjects& t, const std::string& name,
                       const std::string& image) {
  auto rq = s.call(
      "POST", "/api/v1/requests", t.tokens["member"],
      json::value(json::object{
          {"service", "cloud-host"},
          {"org_id", t.system},
          {"params",
           json::object{
               {"name", name}, {"vcpu", 1}, {"memory_gb", 1}, {"disk_gb", 1}, {"image", image}}}}));
  if (rq.status != 201) return rq;
  std::string id = id_of(rq);
  auto ok = s.call("POST", "/api/v1/requests/" + id + "/approve", t.tokens["tenant-admin"],
                   json::value(json::object{{"comment", "ok"}}));
  EXPECT_EQ(ok.status, 200) << ok.body;
  return s.call("GET", "/api/v1/requests/" + id, t.tokens["member"]);
}

// A private image of the tenant, and a VM made from it on the sim host (issue 9).
inline void build_vm(TestServer& s, World& w, TenantObjects& t, const std::string& name) {
  t.image = id_of(s.call("POST", "/api/v1/images", w.tokens["ops"],
                         json::value(json::object{{"name", name + "-img"},
                                                  {"source", "tiny.qcow2"},
                                                  {"scope", "private"},
                                                  {"org_id", t.org}})));
  auto rq = request_vm(s, t, name + "-web", t.image);
  t.vm = std::string(rq.json.at("ref").as_string());
  auto vm = settled_vm(s, t.tokens["member"], t.vm);
  EXPECT_EQ(vm.json.at("state").as_string(), "running") << vm.body;
  auto ops = s.call("GET", "/api/v1/vms/" + t.vm + "/operations", t.tokens["member"]);
  t.operation = std::string(ops.json.at("items").at(0).at("id").as_string());
  auto snap = s.call("POST", "/api/v1/vms/" + t.vm + "/snapshots", t.tokens["member"],
                     json::value(json::object{{"name", "base"}}));
  EXPECT_EQ(snap.status, 202) << snap.body;
  settled_vm(s, t.tokens["member"], t.vm);
  auto snaps = s.call("GET", "/api/v1/vms/" + t.vm + "/snapshots", t.tokens["member"]);
  t.snapshot = std::string(snaps.json.at("items").at(0).at("id").as_string());
  // A volume with a snapshot (issue 10).
  auto vol = request_volume(s, t, json::object{{"name", name + "-data"}, {"size_gb", 1}});
  EXPECT_EQ(vol.json.at("state").as_string(), "available") << vol.body;
  t.volume = std::string(vol.json.at("id").as_string());
  auto vsnap = s.call("POST", "/api/v1/volumes/" + t.volume + "/snapshots", t.tokens["member"],
                      json::value(json::object{{"name", "base"}}));
  EXPECT_EQ(vsnap.status, 202) << vsnap.body;
  settled_volume(s, t.tokens["member"], t.volume);
  auto vsnaps = s.call("GET", "/api/v1/volumes/" + t.volume + "/snapshots", t.tokens["member"]);
  t.volume_snapshot = std::string(vsnaps.json.at("items").at(0).at("id").as_string());
}

// Puts a small qcow2 file in the server's image import folder.
inline void drop_image_file(TestServer& s, const std::string& file) {
  std::string dir = s.data_dir() + "/image-imports";
  std::filesystem::create_directories(dir);
  std::string cmd = "qemu-img create -q -f qcow2 '" + dir + "/" + file + "' 1G";
  EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
}

// Gives `token`'s person a pending request in B and a notification about B (b-admin approves
// a second request).
inline void own_objects_in_b(TestServer& s, World& w, NarrowedPrincipal& n,
                             const std::string& token) {
  auto vm = json::value(json::object{{"service", "custom-vm"},
                                     {"org_id", w.b.system},
                                     {"params", json::object{{"flavor", "2c4g"}, {"vcpu", 1}}}});
  n.own_b_request = id_of(s.call("POST", "/api/v1/requests", token, vm));
  std::string approved = id_of(s.call("POST", "/api/v1/requests", token, vm));
  auto ok = s.call("POST", "/api/v1/requests/" + approved + "/approve", w.b.tokens["tenant-admin"],
                   json::value(json::object{{"comment", "ok"}}));
  EXPECT_EQ(ok.status, 200) << ok.body;
  auto notes = s.call("GET", "/api/v1/notifications", token);
  n.own_b_notification = std::string(notes.json.at("items").at(0).at("id").as_string());
}

inline void build_narrowed(TestServer& s, World& w) {
  const std::string& mu = w.tokens["mu-admin"];
  NarrowedPrincipal key{"mu-admin key→A", "", "", ""};
  own_objects_in_b(s, w, key, mu);
  auto k = s.call("POST", "/api/v1/auth/api-keys", mu,
                  json::value(json::object{{"name", "a-only"}, {"scope_org_id", w.a.org}}));
  EXPECT_EQ(k.status, 201) << k.body;
  key.token = std::string(k.json.at("secret").as_string());
  w.narrowed.push_back(key);

  NarrowedPrincipal assumed{"ab-user assumed member@A", "", "", ""};
  std::string ab = make_user(s, mu, "ab-user", w.mu);
  std::string member_a = grant(s, mu, ab, "member", w.a.org);
  grant(s, mu, ab, "tenant-admin", w.b.org);
  std::string ab_token = s.login("ab-user");
  own_objects_in_b(s, w, assumed, ab_token);
  auto a = s.call("POST", "/api/v1/auth/assume-role", ab_token,
                  json::value(json::object{{"binding_id", member_a}, {"minutes", 30}}));
  EXPECT_EQ(a.status, 201) << a.body;
  assumed.token = std::string(a.json.at("token").as_string());
  w.narrowed.push_back(assumed);
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
  w.mu =
      id_of(s.call("POST", "/api/v1/orgs", admin,
                   json::value(json::object{
                       {"parent_id", w.root}, {"type", "management_unit"}, {"name", "区数据局"}})));
  w.supervision = id_of(
      s.call("POST", "/api/v1/orgs", admin,
             json::value(json::object{
                 {"parent_id", w.root}, {"type", "supervision_unit"}, {"name", "监管中心"}})));
  for (auto [post, home] : std::map<std::string, std::string>{
           {"auditadmin", w.root}, {"ops", w.root}, {"supervisor", w.supervision}}) {
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
         json::value(json::object{{"limits", json::object{{"vcpu", 10000},
                                                          {"memory_gb", 40000},
                                                          {"storage_normal_gb", 100000}}}}));
  w.mu_vdc = id_of(s.call(
      "POST", "/api/v1/vdcs", admin,
      json::value(json::object{{"org_id", w.mu}, {"parent_id", w.pool_vdc}, {"name", "mu"}})));
  s.call("PUT", "/api/v1/vdcs/" + w.mu_vdc + "/quota", admin,
         json::value(json::object{
             {"limits",
              json::object{{"vcpu", 5000}, {"memory_gb", 20000}, {"storage_normal_gb", 50000}}}}));
  w.price_list = id_of(s.call("POST", "/api/v1/price-lists", w.tokens["mu-admin"],
                              json::value(json::object{{"name", "区价目"}, {"org_id", w.mu}})));
  s.call("POST", "/api/v1/price-lists/" + w.price_list + "/prices", w.tokens["mu-admin"],
         json::value(json::object{{"service", "compute-memory"}, {"amount", "20"}}));
  // A VM-shaped custom service approved by the tenant's admin.
  auto svc = s.call("POST", "/api/v1/catalog", admin, json::parse(R"({
      "code":"custom-vm","category":"custom","name_zh":"云主机","name_en":"VM","unit":"vm",
      "period":"month",
      "params":[{"name":"flavor","type":"enum","enum":["2c4g","4c8g"],"required":true},
                {"name":"vcpu","type":"integer","min":1,"max":64,"required":true}],
      "policy":{"request":{"steps":[{"role":"tenant-admin","level":"tenant"}]}},
      "quota":{"vcpu":"vcpu"}})"));
  EXPECT_EQ(svc.status, 201) << svc.body;
  build_tenant(s, w, w.a, "a");
  build_tenant(s, w, w.b, "b");
  // Compute (issue 9): a sim host, a global image, and a VM of each tenant.
  EXPECT_EQ(s.call("POST", "/api/v1/hosts", w.tokens["ops"],
                   json::value(json::object{{"name", "sim-1"},
                                            {"site", "dc1"},
                                            {"pool", "general"},
                                            {"domain", "egov"},
                                            {"driver", "sim"},
                                            {"uri", "sim://?cores=64&memory_gb=256"}}))
                .status,
            201);
  drop_image_file(s, "tiny.qcow2");
  EXPECT_EQ(s.call("POST", "/api/v1/images", w.tokens["ops"],
                   json::value(json::object{{"name", "tiny-global"}, {"source", "tiny.qcow2"}}))
                .status,
            201);
  build_vm(s, w, w.a, "a");
  build_vm(s, w, w.b, "b");
  build_narrowed(s, w);
  return w;
}

// One server and one world for all the cases of a test binary:
// ::testing::AddGlobalTestEnvironment(new SharedWorld(server, world)).
class SharedWorld : public ::testing::Environment {
 public:
  SharedWorld(TestServer*& server, World*& world) : server_(server), world_(world) {}
  void SetUp() override {
    server_ = new TestServer();
    world_ = new World(build_world(*server_));
  }
  void TearDown() override {
    delete world_;
    delete server_;
  }

 private:
  TestServer*& server_;
  World*& world_;
};

}  // namespace govcloud::testing
