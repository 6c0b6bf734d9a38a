// Role grants and revocations (IAM-03, IAM-04, IAM-08, IAM-11; every change audited, AUD-03).
#include <algorithm>

#include "iam/iam.h"
#include "iam/separation.h"

namespace govcloud {
namespace {

bool is_tenant_side(OrgType t) {
  return t == OrgType::kManagementUnit || t == OrgType::kTenant || t == OrgType::kBusinessSystem;
}

// Tenant-side granters give at most what they hold themselves at that scope (IAM-03).
bool holds_rank_at(const Principal& who, const std::string& scope_path, int rank) {
  return std::any_of(who.grants.begin(), who.grants.end(), [&](const Grant& g) {
    return tenant_role_rank(g.role) >= rank && path_within(scope_path, g.scope_path);
  });
}

struct GrantCheck {
  Org scope;
  User user;
  Org home;
};

}  // namespace

// The checks shared by grant and revoke: may `who` hand out or take back `role` at `scope`
// for `user`?
static Status check_grant_rights(Tx& tx, const Principal& who, Role role, const GrantCheck& c,
                                 bool revoking) {
  if (is_platform_role(role)) {
    if (c.scope.parent)
      return invalid("scope_org_id", "platform roles are granted at the platform root");
    if (c.home.type != OrgType::kPlatform && c.home.type != OrgType::kSupervisionUnit)
      return invalid("user_id",
                     "platform roles are for accounts of the platform or the supervision unit");
    if (who.can(Action::kRoleGrantPlatform, c.scope.path)) return ok_status();
    if (!revoking && who.holds(Role::kSysAdmin) &&
        (role == Role::kSecAdmin || role == Role::kAuditAdmin) &&
        separation_bootstrap_open(tx, role))
      return ok_status();  // 三员 bootstrap, decision 0003
    return denied(std::string("not allowed to grant or revoke ") + role_name(role));
  }
  if (!is_tenant_side(c.scope.type))
    return invalid("scope_org_id",
                   "tenant roles are granted on a management unit, tenant or business system");
  if (!who.can(Action::kRoleGrant, c.scope.path))
    return denied("not allowed to manage roles at this org");
  bool platform_granter = who.can_anywhere(Action::kRoleGrantPlatform);
  if (platform_granter) {
    // IAM-11: the provider cannot take away the purchaser's own administrators' roles.
    if (revoking && c.home.type != OrgType::kPlatform)
      return denied("provider accounts cannot revoke a tenant's own roles");
    return ok_status();
  }
  if (!holds_rank_at(who, c.scope.path, tenant_role_rank(role)))
    return denied(std::string("cannot grant ") + role_name(role) +
                  ", which is beyond your own role at this org");
  return ok_status();
}

Result<RoleBinding> IamService::grant(const Principal& who, const GrantInput& in,
                                      const RequestContext& ctx) {
  if (in.user == who.user) return invalid("user_id", "you cannot grant roles to yourself");
  if (!who.assumed_role.empty())
    return denied(
        "an assumed role (代入角色) grants no roles: what it granted would outlive the "
        "temporary access (decision 0008)");
  auto result = store_.transact([&](Tx& tx) -> Result<RoleBinding> {
    TimeMs now = clock_.now();
    if (in.expires_at != 0 && in.expires_at <= now)
      return invalid("expires_at", "expires_at must be in the future");
    auto user = tx.find_user(in.user);
    std::optional<Org> home = user ? tx.find_org(user->org) : std::nullopt;
    if (!user || !home || !who.can(Action::kUserRead, home->path))
      return Error{ErrorCode::kNotFound, "user not found", "user_id"};
    auto scope = tx.find_org(in.scope);
    if (!scope ||
        !(who.can(Action::kOrgRead, scope->path) || who.can(Action::kRoleGrant, scope->path) ||
          who.can(Action::kRoleGrantPlatform, scope->path)))
      return Error{ErrorCode::kNotFound, "org not found", "scope_org_id"};
    GrantCheck c{*scope, *user, *home};
    GC_TRY(check_grant_rights(tx, who, in.role, c, false));
    if (!is_platform_role(in.role) && home->type == OrgType::kPlatform &&
        (!in.assume_only || in.expires_at == 0))
      // IAM-11: provider staff get explicit, assumable, expiring grants on tenant scopes.
      return invalid("assume_only",
                     "tenant roles for platform accounts must be assume_only with expires_at");
    BindingQuery mine;
    mine.user = user->id;
    for (const auto& b : tx.list_bindings(mine)) {
      if (b.role == in.role && b.scope == in.scope)
        return conflict("the user already has this role here", "role");
      if (roles_exclude(in.role, b.role))
        return conflict(std::string("三员分立: the user already holds ") + role_name(b.role) +
                            ", which excludes " + role_name(in.role),
                        "role");
    }
    RoleBinding b;
    b.id = BindingId{new_id("rb")};
    b.user = user->id;
    b.role = in.role;
    b.scope = scope->id;
    b.assume_only = in.assume_only;
    b.expires_at = in.expires_at;
    b.granted_by = who.user.value;
    b.created_at = now;
    tx.insert_binding(b);
    close_separation_bootstrap(tx, b.role);
    write_audit(tx, clock_, &who, ctx,
                AuditEvent{"role.grant",
                           b.id.value,
                           scope->id.value,
                           "success",
                           {{"user_id", user->id.value},
                            {"username", user->username},
                            {"role", role_name(b.role)},
                            {"assume_only", b.assume_only ? "true" : "false"},
                            {"expires_at", b.expires_at ? format_iso8601(b.expires_at) : ""}}});
    return b;
  });
  invalidate_cache();
  return result;
}

Status IamService::revoke(const Principal& who, const BindingId& id, const RequestContext& ctx) {
  auto st = store_.transact([&](Tx& tx) -> Status {
    auto b = tx.find_binding(id);
    std::optional<Org> scope = b ? tx.find_org(b->scope) : std::nullopt;
    if (!b || !scope || !who.can(Action::kRoleRead, scope->path)) return not_found("role binding");
    if (b->user == who.user) return invalid("id", "you cannot revoke your own roles");
    auto user = tx.find_user(b->user);
    std::optional<Org> home = user ? tx.find_org(user->org) : std::nullopt;
    if (!user || !home) return not_found("user");
    GC_TRY(check_grant_rights(tx, who, b->role, GrantCheck{*scope, *user, *home}, true));
    tx.delete_binding(b->id);
    write_audit(tx, clock_, &who, ctx,
                AuditEvent{"role.revoke",
                           b->id.value,
                           scope->id.value,
                           "success",
                           {{"user_id", user->id.value},
                            {"username", user->username},
                            {"role", role_name(b->role)}}});
    return ok_status();
  });
  invalidate_cache();
  return st;
}

Result<std::vector<RoleBinding>> IamService::list_bindings(const Principal& who, BindingQuery q) {
  return store_.read([&](Tx& tx) -> Result<std::vector<RoleBinding>> {
    if (q.user && *q.user == who.user) {
      q.within_paths.clear();  // one's own grants are visible, as far as the credential reaches
      auto all = tx.list_bindings(q);
      if (!who.narrowed) return all;
      std::vector<RoleBinding> kept;
      for (auto& b : all)
        for (const auto& g : who.grants)
          if (g.binding == b.id) {
            kept.push_back(std::move(b));
            break;
          }
      return kept;
    }
    q.within_paths = who.paths_for(Action::kRoleRead);
    if (q.within_paths.empty()) return std::vector<RoleBinding>{};
    return tx.list_bindings(q);
  });
}

}  // namespace govcloud
