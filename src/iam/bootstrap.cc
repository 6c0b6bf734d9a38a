// First start: the platform root node and the `admin` system administrator.
#include "iam/iam.h"
#include "iam/password.h"

namespace govcloud {

Result<BootstrapResult> IamService::bootstrap(const std::string& password) {
  std::string pw = password.empty() ? generate_password() : password;
  if (!password.empty())
    GC_TRY(check_password_policy(config_.password, "admin", pw, "GOVCLOUD_BOOTSTRAP_PASSWORD"));
  return store_.transact([&](Tx& tx) -> Result<BootstrapResult> {
    BootstrapResult out;
    if (auto root = tx.find_root_org()) {
      out.platform = root->id;
      return out;
    }
    TimeMs now = clock_.now();
    Org root;
    root.id = OrgId{new_id("org")};
    root.type = OrgType::kPlatform;
    root.name = "政务云平台";
    root.path = "/" + root.id.value + "/";
    root.created_by = "system";
    root.created_at = now;
    root.updated_at = now;
    tx.insert_org(root);
    User admin;
    admin.id = UserId{new_id("usr")};
    admin.username = "admin";
    admin.display_name = "平台系统管理员";
    admin.org = root.id;
    admin.password_hash = hash_password(pw);
    admin.password_changed_at = now;
    admin.created_at = now;
    admin.updated_at = now;
    tx.insert_user(admin);
    RoleBinding b;
    b.id = BindingId{new_id("rb")};
    b.user = admin.id;
    b.role = Role::kSysAdmin;
    b.scope = root.id;
    b.granted_by = "system";
    b.created_at = now;
    tx.insert_binding(b);
    RequestContext ctx{"local", "bootstrap"};
    write_audit(tx, clock_, nullptr, ctx,
                AuditEvent{"platform.bootstrap",
                           admin.id.value,
                           root.id.value,
                           "success",
                           {{"username", "system"}, {"admin", "admin"}}});
    out.created = true;
    out.platform = root.id;
    if (password.empty()) out.admin_password = pw;
    return out;
  });
}

Result<std::string> IamService::recover_password(const std::string& username,
                                                 const RequestContext& ctx) {
  if (username.empty()) return invalid("user", "name the account to recover");
  std::string pw = generate_password();
  auto st = store_.transact([&](Tx& tx) -> Status {
    auto user = tx.find_user_by_name(username);
    if (!user) return Error{ErrorCode::kNotFound, "no user named '" + username + "'", "user"};
    set_one_time_password(*user, pw, clock_.now());
    tx.update_user(*user);
    end_sign_ins(tx, user->id);
    write_audit(tx, clock_, nullptr, ctx,
                AuditEvent{"auth.recover_password",
                           user->id.value,
                           user->org.value,
                           "success",
                           {{"username", "offline-recovery"}, {"account", user->username}}});
    return ok_status();
  });
  if (!st.ok()) return st.error();
  invalidate_cache();
  return pw;
}

}  // namespace govcloud
