// A store in a temporary directory with the services on a manual clock, and a small org tree:
// platform → management unit → tenants A and B (A has a business system), users for each post.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "api/service_set.h"
#include "common/yaml_json.h"

namespace govcloud::testing {

inline const std::string kPassword = "Gov#Cloud2026";
// What an administrator gives a new account; its user replaces it at first sign-in (issue 8 §2).
inline const std::string kFirstPassword = "First#Cloud2026";

template <typename T>
T must(Result<T> r, const char* what = "") {
  if (!r.ok()) ADD_FAILURE() << what << ": " << r.error().message;
  EXPECT_TRUE(r.ok());
  return std::move(r).value();
}

// The procurement packages of share/packages.yaml, each as the JSON the API takes.
inline std::vector<boost::json::value> packages() {
  YAML::Node root = YAML::LoadFile(std::string(GOVCLOUD_SHARE_DIR) + "/packages.yaml");
  std::vector<boost::json::value> out;
  for (const auto& p : root["packages"]) out.push_back(yaml_to_json(p));
  return out;
}

inline boost::json::value package(const std::string& id) {
  for (auto& p : packages())
    if (p.at("id").as_string() == id) return p;
  ADD_FAILURE() << "no package " << id;
  return nullptr;
}

// A local time in the platform's zone (Asia/Shanghai), "2026-02-15T00:00:00", as an instant.
inline TimeMs shanghai(const std::string& local) {
  TimeMs t = 0;
  EXPECT_TRUE(parse_iso8601_instant(local + "+08:00", t)) << local;
  return t;
}

class Env {
 public:
  Env() : clock(1795000000000) {
    // Unit tests sign in far faster than people do, on a clock that does not move by itself.
    config.password_rate = PasswordRateLimit{1000000, 1000000};
    dir = std::filesystem::temp_directory_path() /
          ("govcloud-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter()++));
    std::filesystem::remove_all(dir);
    store = std::move(open_sqlite_store(dir.string())).value();
    wire();
  }
  // (Re)creates the services over `store`, e.g. after reopening it.
  void wire() {
    set.reset();  // the old set's checkpointer stops listening before the new one starts
    set = std::make_unique<ServiceSet>(*store, clock, config, dir.string());
    if (auto st = set->start(); !st.ok()) ADD_FAILURE() << st.error().message;
    iam = &set->iam;
    tenancy = &set->tenancy;
    audit = &set->audit;
    catalog = &set->catalog;
    billing = &set->billing;
    workflow = &set->workflow;
  }
  ~Env() {
    set.reset();
    store.reset();
    std::filesystem::remove_all(dir);
  }

  // Checkpoints the trail as it stands, then checks it against its checkpoints.
  VerifyReport verify_audit() {
    if (auto st = set->checkpoints.flush(); !st.ok()) ADD_FAILURE() << st.error().message;
    return verify_audit_chain(*store, (dir / "audit-checkpoints.log").string());
  }

  Principal login(const std::string& user, const std::string& pw = kPassword) {
    auto token = iam->login(LoginInput{user, pw, ""}, ctx);
    if (!token.ok()) ADD_FAILURE() << "login " << user << ": " << token.error().message;
    return must(iam->authenticate(token->token), "authenticate");
  }

  // Creates the account as `by` would, then sets its own password as its user would.
  User add_user(const Principal& by, const std::string& name, const OrgId& org) {
    User u = must(iam->create_user(by, NewUser{name, kFirstPassword, name, "", "", org}, ctx),
                  "create_user");
    auto st = iam->change_password(name, kFirstPassword, kPassword, "", ctx);
    if (!st.ok()) ADD_FAILURE() << "change_password " << name << ": " << st.error().message;
    return u;
  }

  void grant(const Principal& by, const User& u, Role r, const OrgId& scope) {
    must(iam->grant(by, GrantInput{u.id, r, scope, false, 0}, ctx), "grant");
  }

  // Builds the standard tree and posts. Call once per test that needs it.
  void build_tree() {
    root = must(iam->bootstrap(kPassword)).platform;
    must(catalog->seed_builtin(), "seed catalog");
    admin = login("admin");
    User sec = add_user(admin, "sec", root);
    grant(admin, sec, Role::kSecAdmin, root);
    secadmin = login("sec");
    User aud = add_user(secadmin, "aud", root);
    grant(secadmin, aud, Role::kAuditAdmin, root);
    auditor = login("aud");
    mu = must(tenancy->create_org(admin, NewOrg{root, OrgType::kManagementUnit, "区数据局", "", {}},
                                  ctx));
    User mua = add_user(secadmin, "mu-admin", mu.id);
    grant(secadmin, mua, Role::kTenantAdmin, mu.id);
    mu_admin = login("mu-admin");
    tenant_a =
        must(tenancy->create_org(mu_admin, NewOrg{mu.id, OrgType::kTenant, "A局", "", {}}, ctx));
    tenant_b =
        must(tenancy->create_org(mu_admin, NewOrg{mu.id, OrgType::kTenant, "B局", "", {}}, ctx));
    system_a = must(tenancy->create_org(mu_admin,
                                        NewOrg{tenant_a.id, OrgType::kBusinessSystem, "A系统", "",
                                               BusinessSystemProfile{3, true, false, "internet"}},
                                        ctx));
    User aa = add_user(mu_admin, "a-admin", tenant_a.id);
    grant(mu_admin, aa, Role::kTenantAdmin, tenant_a.id);
    a_admin = login("a-admin");
    User am = add_user(a_admin, "a-member", tenant_a.id);
    grant(a_admin, am, Role::kMember, tenant_a.id);
    a_member = login("a-member");
    User ba = add_user(mu_admin, "b-admin", tenant_b.id);
    grant(mu_admin, ba, Role::kTenantAdmin, tenant_b.id);
    b_admin = login("b-admin");
    pool = must(tenancy->create_vdc(admin, NewVdc{root, std::nullopt, "pool", ""}, ctx));
    must(tenancy->set_quota(admin, pool.id, {{"vcpu", 1000}, {"memory_gb", 4000}}, ctx));
    mu_vdc = must(tenancy->create_vdc(admin, NewVdc{mu.id, pool.id, "mu", ""}, ctx));
    must(tenancy->set_quota(admin, mu_vdc.id, {{"vcpu", 500}, {"memory_gb", 2000}}, ctx));
    vdc_a = must(tenancy->create_vdc(mu_admin, NewVdc{tenant_a.id, mu_vdc.id, "a", ""}, ctx));
    vdc_b = must(tenancy->create_vdc(mu_admin, NewVdc{tenant_b.id, mu_vdc.id, "b", ""}, ctx));
  }

  std::filesystem::path dir;
  ManualClock clock;
  Config config;
  std::unique_ptr<Store> store;
  std::unique_ptr<ServiceSet> set;
  // Short names for the services in `set`, which owns them.
  IamService* iam = nullptr;
  TenancyService* tenancy = nullptr;
  AuditService* audit = nullptr;
  Catalog* catalog = nullptr;
  Billing* billing = nullptr;
  Workflow* workflow = nullptr;
  RequestContext ctx{"127.0.0.1", "req-test"};

  OrgId root;
  Org mu, tenant_a, tenant_b, system_a;
  Vdc pool, mu_vdc, vdc_a, vdc_b;
  Principal admin, secadmin, auditor, mu_admin, a_admin, a_member, b_admin;

 private:
  static int& counter() {
    static int n = 0;
    return n;
  }
};

}  // namespace govcloud::testing
