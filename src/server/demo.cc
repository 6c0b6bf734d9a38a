#include "server/demo.h"

#include "iam/password.h"

namespace govcloud {
namespace {

// The demo's prices are in force from a fixed past date, so that any date a newcomer tries
// from there on (the README's `--at 2026-12-01`, today) has them.
constexpr TimeMs kDemoPricesFrom = 1767225600000;  // 2026-01-01T00:00:00Z

}  // namespace

Principal demo_installer(const Org& root, const std::vector<Role>& roles) {
  Principal installer;
  installer.user = UserId{"installer"};
  installer.username = "installer";
  installer.home_org = root.id;
  installer.home_path = root.path;
  for (Role r : roles)
    installer.grants.push_back(Grant{r, BindingId{"installer"}, root.id, root.path});
  return installer;
}

Result<std::string> seed_demo(IamService& iam, TenancyService& tenancy, Billing& billing,
                              Store& store, const std::string& password) {
  std::string pw = password.empty() ? generate_password() : password;
  auto root = store.read([](Tx& tx) -> Result<Org> {
    auto r = tx.find_root_org();
    if (!r) return not_found("platform root");
    return *r;
  });
  if (!root.ok()) return root.error();
  Principal installer =
      demo_installer(root.value(), {Role::kSysAdmin, Role::kSecAdmin, Role::kTenantAdmin});
  RequestContext ctx{"local", "demo-seed"};
  // Accounts made by someone else must change their password at first sign-in (issue 8 §2);
  // the demo's users have already done so, to the demo password the start-up prints.
  auto demo_user = [&](const std::string& name, const std::string& display,
                       const OrgId& org) -> Result<User> {
    std::string first = generate_password();
    GC_ASSIGN_OR_RETURN(
        User u, iam.create_user(installer, NewUser{name, first, display, "", "", org}, ctx));
    GC_TRY(iam.change_password(name, first, pw, "", ctx));
    return u;
  };

  GC_ASSIGN_OR_RETURN(
      Org mu,
      tenancy.create_org(
          installer,
          NewOrg{root->id, OrgType::kManagementUnit, "示例区数据局", "demo management unit", {}},
          ctx));
  GC_TRY(tenancy.create_org(
      installer,
      NewOrg{root->id, OrgType::kSupervisionUnit, "示例区监管中心", "demo supervision unit", {}},
      ctx));
  GC_ASSIGN_OR_RETURN(
      Org tenant,
      tenancy.create_org(installer,
                         NewOrg{mu.id, OrgType::kTenant, "示例委办局", "demo tenant", {}}, ctx));
  BusinessSystemProfile profile{3, true, true, "egov_extranet"};
  GC_TRY(tenancy.create_org(installer,
                            NewOrg{tenant.id, OrgType::kBusinessSystem, "示例政务服务系统",
                                   "demo business system", profile},
                            ctx));

  GC_ASSIGN_OR_RETURN(
      Vdc pool,
      tenancy.create_vdc(installer,
                         NewVdc{root->id, std::nullopt, "平台资源池", "platform capacity"}, ctx));
  // Capacity for every quota-able resource at the platform and management-unit levels, enough
  // for any one package of share/packages.yaml (the README imports 004 into the demo tenant).
  auto every_kind = [](std::int64_t scale) {
    Amounts out;
    for (const auto& k : resource_kinds()) {
      std::string unit = k.unit;
      out.emplace_back(k.code, unit == "GB" ? 1000 * scale : unit == "Mbps" ? 10 * scale : scale);
    }
    return out;
  };
  GC_TRY(tenancy.set_quota(installer, pool.id, every_kind(4000), ctx));
  GC_ASSIGN_OR_RETURN(
      Vdc mu_vdc, tenancy.create_vdc(installer, NewVdc{mu.id, pool.id, "示例区政务云", ""}, ctx));
  GC_TRY(tenancy.set_quota(installer, mu_vdc.id, every_kind(2000), ctx));
  GC_ASSIGN_OR_RETURN(
      Vdc t_vdc,
      tenancy.create_vdc(installer, NewVdc{tenant.id, mu_vdc.id, "示例委办局VDC", ""}, ctx));
  GC_TRY(tenancy.set_quota(installer, t_vdc.id,
                           {{"vcpu", 240},
                            {"memory_gb", 960},
                            {"storage_normal_gb", 20000},
                            {"storage_performance_gb", 5000},
                            {"public_ip", 4},
                            {"bandwidth_mbps", 100},
                            {"load_balancer", 2}},
                           ctx));

  GC_ASSIGN_OR_RETURN(User admin, demo_user("demo-admin", "示例租户管理员", tenant.id));
  GC_ASSIGN_OR_RETURN(User member, demo_user("demo-user", "示例用户", tenant.id));
  GC_TRY(iam.grant(installer, GrantInput{admin.id, Role::kTenantAdmin, tenant.id, false, 0}, ctx));
  GC_TRY(iam.grant(installer, GrantInput{member.id, Role::kMember, tenant.id, false, 0}, ctx));
  GC_ASSIGN_OR_RETURN(User mu_admin, demo_user("demo-mu", "示例区数据局管理员", mu.id));
  GC_TRY(iam.grant(installer, GrantInput{mu_admin.id, Role::kTenantAdmin, mu.id, false, 0}, ctx));
  // The provider's operations staff: completes fulfilment orders and handles work orders.
  GC_ASSIGN_OR_RETURN(User ops, demo_user("demo-ops", "示例运维人员", root->id));
  GC_TRY(iam.grant(installer, GrantInput{ops.id, Role::kOps, root->id, false, 0}, ctx));
  // 三员分立 beside `admin`: the security administrator (accounts, rights, unlocking) and the
  // audit administrator (the audit trail), each a different person (IAM-04).
  GC_ASSIGN_OR_RETURN(User sec, demo_user("demo-sec", "示例安全管理员", root->id));
  GC_TRY(iam.grant(installer, GrantInput{sec.id, Role::kSecAdmin, root->id, false, 0}, ctx));
  GC_ASSIGN_OR_RETURN(User aud, demo_user("demo-audit", "示例审计管理员", root->id));
  GC_TRY(iam.grant(installer, GrantInput{aud.id, Role::kAuditAdmin, root->id, false, 0}, ctx));
  // An illustrative price list: amounts at or under the 002 ceilings, not any bidder's prices.
  GC_ASSIGN_OR_RETURN(PriceList list,
                      billing.create_price_list(installer, "示例价目", mu.id, "demo prices", ctx));
  for (auto [code, amount] :
       std::vector<std::pair<std::string, std::string>>{{"compute-vcpu", "12"},
                                                        {"compute-memory", "20"},
                                                        {"storage-normal", "0.3"},
                                                        {"storage-high-perf", "0.6"},
                                                        {"storage-backup-local", "0.2"},
                                                        {"network-internet-bandwidth", "60"},
                                                        {"network-internet-ip", "50"},
                                                        {"network-lb", "0"},
                                                        {"monitoring-deep", "1000"}}) {
    PriceInput in;
    in.service_code = code;
    in.amount = amount;
    in.effective_from = kDemoPricesFrom;
    GC_TRY(billing.set_price(installer, list.id, in, ctx));
  }
  // The unit's default: the demo tenant's bills are rated with it unless a contract names one.
  GC_TRY(billing.set_default_price_list(installer, list.id, ctx));
  return pw;
}

}  // namespace govcloud
