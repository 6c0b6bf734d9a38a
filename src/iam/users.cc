// User accounts (IAM-01), delegated administration (IAM-03) and second factors (IAM-14).
#include <regex>

#include "common/digest.h"
#include "iam/iam.h"
#include "iam/password.h"
#include "iam/separation.h"
#include "iam/totp.h"

namespace govcloud {
namespace {

Status validate_username(const std::string& name) {
  static const std::regex kPattern("^[a-z][a-z0-9._-]{2,63}$");
  if (!std::regex_match(name, kPattern))
    return invalid("username",
                   "username must be 3-64 characters: lower-case letters, digits, '.', '_' or "
                   "'-', starting with a letter");
  return ok_status();
}

Status validate_contact(const std::optional<std::string>& email,
                        const std::optional<std::string>& phone,
                        const std::optional<std::string>& display_name) {
  if (email && !email->empty()) {
    static const std::regex kEmail("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$");
    if (email->size() > 254 || !std::regex_match(*email, kEmail))
      return invalid("email", "email is not a valid address");
  }
  if (phone && !phone->empty()) {
    static const std::regex kPhone("^\\+?[0-9][0-9 -]{5,19}$");
    if (!std::regex_match(*phone, kPhone)) return invalid("phone", "phone is not a valid number");
  }
  if (display_name && display_name->size() > 200)
    return invalid("display_name", "display_name must be at most 200 bytes");
  return ok_status();
}

bool holds_separated_duty(Tx& tx, const UserId& user) {
  BindingQuery q;
  q.user = user;
  for (const auto& b : tx.list_bindings(q)) {
    if (is_platform_role(b.role)) return true;
  }
  return false;
}

}  // namespace

Result<User> IamService::visible_user(Tx& tx, const Principal& who, const UserId& id,
                                      Action action) {
  auto user = tx.find_user(id);
  if (!user) return not_found("user");
  if (user->id == who.user && action == Action::kUserRead) return *user;
  auto org = tx.find_org(user->org);
  if (!org || !who.can(Action::kUserRead, org->path)) return not_found("user");
  if (!who.can(action, org->path)) return denied("not allowed to change this user");
  return *user;
}

// IAM-04/IAM-11: accounts holding platform roles are managed by the security admin only, so no
// other post can take them over by resetting a password.
Status IamService::check_manage_user(Tx& tx, const Principal& who, const User& target) {
  if (holds_separated_duty(tx, target.id) && !who.can_anywhere(Action::kRoleGrantPlatform))
    return denied("accounts with platform roles are managed by the security administrator");
  return ok_status();
}

Result<User> IamService::create_user(const Principal& who, const NewUser& in,
                                     const RequestContext& ctx) {
  GC_TRY(validate_username(in.username));
  GC_TRY(validate_contact(in.email, in.phone, in.display_name));
  GC_TRY(check_password_policy(config_.password, in.username, in.password));
  if (!who.assumed_role.empty())
    return denied(
        "an assumed role (代入角色) creates no accounts: what it made would outlive "
        "the temporary access (decision 0008)");
  auto result = store_.transact([&](Tx& tx) -> Result<User> {
    auto org = tx.find_org(in.org);
    if (!org || !(who.can(Action::kOrgRead, org->path) || who.can(Action::kUserRead, org->path)))
      return Error{ErrorCode::kNotFound, "org not found", "org_id"};
    bool allowed = who.can(Action::kUserWrite, org->path);
    if (!allowed && who.holds(Role::kSysAdmin) && !org->parent) {
      // Bootstrap of 三员分立: until a security and an audit administrator exist, the
      // system administrator may create platform accounts (docs/decisions/0003).
      allowed = separation_bootstrap_open(tx, Role::kSecAdmin) ||
                separation_bootstrap_open(tx, Role::kAuditAdmin);
    }
    if (!allowed) return denied("not allowed to create users in this org");
    if (tx.find_user_by_name(in.username))
      return conflict("username '" + in.username + "' is taken", "username");
    TimeMs now = clock_.now();
    User u;
    u.id = UserId{new_id("usr")};
    u.username = in.username;
    u.display_name = in.display_name;
    u.email = in.email;
    u.phone = in.phone;
    u.org = in.org;
    u.password_hash = hash_password(in.password);
    u.password_changed_at = now;
    // Someone else chose this password: the user sets their own at first sign-in (issue 8 §2).
    u.must_change_password = true;
    u.created_at = now;
    u.updated_at = now;
    tx.insert_user(u);
    write_audit(
        tx, clock_, &who, ctx,
        AuditEvent{
            "user.create", u.id.value, org->id.value, "success", {{"username", u.username}}});
    return u;
  });
  return result;
}

Result<User> IamService::get_user(const Principal& who, const UserId& id) {
  return store_.read([&](Tx& tx) { return visible_user(tx, who, id, Action::kUserRead); });
}

Result<Listing<User>> IamService::list_users(const Principal& who, UserQuery q) {
  q.within_paths = who.paths_for(Action::kUserRead);
  return store_.read([&](Tx& tx) -> Result<Listing<User>> { return tx.list_users(q); });
}

Result<User> IamService::update_user(const Principal& who, const UserId& id, const UserPatch& patch,
                                     const RequestContext& ctx) {
  GC_TRY(validate_contact(patch.email, patch.phone, patch.display_name));
  return store_.transact([&](Tx& tx) -> Result<User> {
    GC_ASSIGN_OR_RETURN(User u, visible_user(tx, who, id, Action::kUserWrite));
    GC_TRY(check_manage_user(tx, who, u));
    if (patch.display_name) u.display_name = *patch.display_name;
    if (patch.email) u.email = *patch.email;
    if (patch.phone) u.phone = *patch.phone;
    u.updated_at = clock_.now();
    tx.update_user(u);
    write_audit(tx, clock_, &who, ctx,
                AuditEvent{"user.update", u.id.value, u.org.value, "success", {}});
    return u;
  });
}

Result<User> IamService::set_disabled(const Principal& who, const UserId& id, bool disabled,
                                      const RequestContext& ctx) {
  if (id == who.user) return invalid("id", "you cannot disable or enable your own account");
  auto result = store_.transact([&](Tx& tx) -> Result<User> {
    GC_ASSIGN_OR_RETURN(User u, visible_user(tx, who, id, Action::kUserWrite));
    GC_TRY(check_manage_user(tx, who, u));
    u.disabled = disabled;
    u.updated_at = clock_.now();
    tx.update_user(u);
    AuditEvent ev{
        disabled ? "user.disable" : "user.enable", u.id.value, u.org.value, "success", {}};
    if (disabled) {
      // IAM-10: a leaver loses every session and key at once.
      ev.detail["sessions_ended"] = std::to_string(tx.delete_sessions_for_user(u.id));
      ev.detail["api_keys_revoked"] = std::to_string(tx.revoke_api_keys_for_user(u.id));
    }
    write_audit(tx, clock_, &who, ctx, ev);
    return u;
  });
  invalidate_cache();
  return result;
}

Status IamService::delete_user(const Principal& who, const UserId& id, const RequestContext& ctx) {
  if (id == who.user) return invalid("id", "you cannot delete your own account");
  auto st = store_.transact([&](Tx& tx) -> Status {
    GC_ASSIGN_OR_RETURN(User u, visible_user(tx, who, id, Action::kUserWrite));
    GC_TRY(check_manage_user(tx, who, u));
    tx.delete_user(u.id);  // bindings, sessions and keys go with it
    write_audit(
        tx, clock_, &who, ctx,
        AuditEvent{"user.delete", u.id.value, u.org.value, "success", {{"username", u.username}}});
    return ok_status();
  });
  invalidate_cache();
  return st;
}

Result<std::string> IamService::reset_password(const Principal& who, const UserId& id,
                                               const std::optional<std::string>& password,
                                               const RequestContext& ctx) {
  std::string fresh = password ? *password : generate_password();
  auto result = store_.transact([&](Tx& tx) -> Result<std::string> {
    GC_ASSIGN_OR_RETURN(User u, visible_user(tx, who, id, Action::kUserWrite));
    GC_TRY(check_manage_user(tx, who, u));
    GC_TRY(check_password_policy(config_.password, u.username, fresh));
    set_one_time_password(u, fresh, clock_.now());
    tx.update_user(u);
    end_sign_ins(tx, u.id);
    write_audit(tx, clock_, &who, ctx,
                AuditEvent{"user.reset_password", u.id.value, u.org.value, "success", {}});
    return fresh;
  });
  invalidate_cache();
  return result;
}

Result<User> IamService::unlock(const Principal& who, const UserId& id, const RequestContext& ctx) {
  return store_.transact([&](Tx& tx) -> Result<User> {
    GC_ASSIGN_OR_RETURN(User u, visible_user(tx, who, id, Action::kUserWrite));
    GC_TRY(check_manage_user(tx, who, u));
    u.failed_logins = 0;
    u.locked_until = 0;
    u.updated_at = clock_.now();
    tx.update_user(u);
    write_audit(tx, clock_, &who, ctx,
                AuditEvent{"user.unlock", u.id.value, u.org.value, "success", {}});
    return u;
  });
}

Result<TotpEnrolment> IamService::begin_totp(const Principal& who, const std::string& password,
                                             const RequestContext& ctx) {
  if (!who.is_full_session())
    return denied(
        "two-factor login is set up from one's own login session, not from an API key "
        "or an assumed role");
  GC_TRY(check_password_rate(who.username, ctx, "user.totp_begin"));
  return store_.transact([&](Tx& tx) -> Result<TotpEnrolment> {
    auto u = tx.find_user(who.user);
    if (!u) return not_found("user");
    if (!verify_password(u->password_hash, password))
      return Error{ErrorCode::kUnauthenticated, "the password is wrong", "password"};
    if (u->totp_enabled) return conflict("two-factor login is already enabled");
    u->totp_secret = base32_encode(random_bytes(20));
    u->updated_at = clock_.now();
    tx.update_user(*u);
    write_audit(tx, clock_, &who, ctx,
                AuditEvent{"user.totp_begin", u->id.value, u->org.value, "success", {}});
    return TotpEnrolment{u->totp_secret, totp_uri("govcloud", u->username, u->totp_secret)};
  });
}

Status IamService::confirm_totp(const Principal& who, const std::string& code,
                                const RequestContext& ctx) {
  if (!who.is_full_session())
    return denied(
        "two-factor login is set up from one's own login session, not from an API key "
        "or an assumed role");
  auto st = store_.transact([&](Tx& tx) -> Status {
    auto u = tx.find_user(who.user);
    if (!u) return not_found("user");
    if (u->totp_enabled) return conflict("two-factor login is already enabled");
    Bytes secret;
    if (u->totp_secret.empty() || !base32_decode(u->totp_secret, secret))
      return conflict("start enrolment first (POST /api/v1/auth/totp)");
    auto step = totp_match_step(secret, code, clock_.now() / 1000);
    if (!step) return invalid("code", "the one-time code is wrong or expired");
    u->totp_enabled = true;
    u->totp_last_step = *step;  // the enrolment code cannot sign in again
    u->updated_at = clock_.now();
    tx.update_user(*u);
    // An enrolment-only session has done its job; the next login is a full one.
    if (who.totp_enrolment_only) tx.delete_session(who.token_hash);
    write_audit(tx, clock_, &who, ctx,
                AuditEvent{"user.totp_enable", u->id.value, u->org.value, "success", {}});
    return ok_status();
  });
  invalidate_cache();
  return st;
}

Status IamService::reset_totp(const Principal& who, const UserId& id, const RequestContext& ctx) {
  return store_.transact([&](Tx& tx) -> Status {
    GC_ASSIGN_OR_RETURN(User u, visible_user(tx, who, id, Action::kUserWrite));
    GC_TRY(check_manage_user(tx, who, u));
    u.totp_enabled = false;
    u.totp_secret.clear();
    u.updated_at = clock_.now();
    tx.update_user(u);
    write_audit(tx, clock_, &who, ctx,
                AuditEvent{"user.totp_reset", u.id.value, u.org.value, "success", {}});
    return ok_status();
  });
}

}  // namespace govcloud
