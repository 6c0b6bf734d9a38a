// The iam module's face: login and sessions, users, role bindings, role assumption, API keys
// and first-start bootstrap (IAM-01, 03–08, 10–14, 16). Every call that changes something
// takes the caller (Principal) and the request context, checks rights on the server, and
// writes its audit record in the same transaction as the change.
#pragma once

#include <atomic>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/config.h"
#include "iam/authz.h"
#include "iam/context.h"
#include "iam/rate_limit.h"
#include "store/store.h"

namespace govcloud {

struct LoginInput {
  std::string username;
  std::string password;
  std::string otp;
};

struct IssuedToken {
  std::string token;  // shown once; only its hash is stored
  TimeMs expires_at = 0;
  UserId user;
  std::string assumed_role;
  bool totp_enrolment_only = false;
};

struct NewUser {
  std::string username;
  std::string password;
  std::string display_name;
  std::string email;
  std::string phone;
  OrgId org;
};

struct UserPatch {
  std::optional<std::string> display_name;
  std::optional<std::string> email;
  std::optional<std::string> phone;
};

struct GrantInput {
  UserId user;
  Role role = Role::kViewer;
  OrgId scope;
  bool assume_only = false;
  TimeMs expires_at = 0;
};

struct TotpEnrolment {
  std::string secret_base32;
  std::string uri;
};

struct NewApiKey {
  ApiKey key;
  std::string secret;  // "gck_<id>_<secret>", shown once
};

struct BootstrapResult {
  bool created = false;
  OrgId platform;
  std::string admin_password;  // set only when generated
};

class IamService {
 public:
  IamService(Store& store, const Clock& clock, const Config& config);

  // Sessions (IAM-07, IAM-10, IAM-13, IAM-14)
  Result<IssuedToken> login(const LoginInput& in, const RequestContext& ctx);
  Result<Principal> authenticate(const std::string& bearer);
  Status logout(const Principal& who, const RequestContext& ctx);
  Result<IssuedToken> assume_role(const Principal& who, const BindingId& binding, int minutes,
                                  const RequestContext& ctx);
  // `otp`: the current code, required when the account has two-factor login.
  Status change_password(const std::string& username, const std::string& old_password,
                         const std::string& new_password, const std::string& otp,
                         const RequestContext& ctx);

  // Users (IAM-01, IAM-03)
  Result<User> create_user(const Principal& who, const NewUser& in, const RequestContext& ctx);
  Result<User> get_user(const Principal& who, const UserId& id);
  Result<Listing<User>> list_users(const Principal& who, UserQuery q);
  Result<User> update_user(const Principal& who, const UserId& id, const UserPatch& patch,
                           const RequestContext& ctx);
  Result<User> set_disabled(const Principal& who, const UserId& id, bool disabled,
                            const RequestContext& ctx);
  Status delete_user(const Principal& who, const UserId& id, const RequestContext& ctx);
  // Returns the new password (generated when none is given); the user must change it.
  Result<std::string> reset_password(const Principal& who, const UserId& id,
                                     const std::optional<std::string>& password,
                                     const RequestContext& ctx);
  Result<User> unlock(const Principal& who, const UserId& id, const RequestContext& ctx);
  // Enrolment asks for the password again: a bearer token alone (a stolen session) cannot put
  // its own second factor on the account (issue 8 §14).
  Result<TotpEnrolment> begin_totp(const Principal& who, const std::string& password,
                                   const RequestContext& ctx);
  Status confirm_totp(const Principal& who, const std::string& code, const RequestContext& ctx);
  Status reset_totp(const Principal& who, const UserId& id, const RequestContext& ctx);

  // Roles (IAM-03, 04, 08, 11)
  Result<RoleBinding> grant(const Principal& who, const GrantInput& in, const RequestContext& ctx);
  Status revoke(const Principal& who, const BindingId& id, const RequestContext& ctx);
  Result<std::vector<RoleBinding>> list_bindings(const Principal& who, BindingQuery q);

  // API keys (IAM-16)
  Result<NewApiKey> create_api_key(const Principal& who, const std::string& name,
                                   const std::optional<OrgId>& scope, int days,
                                   const RequestContext& ctx);
  Result<std::vector<ApiKey>> list_api_keys(const Principal& who, const UserId& user);
  Status revoke_api_key(const Principal& who, const ApiKeyId& id, const RequestContext& ctx);

  // First start: platform root and the `admin` sysadmin (docs/decisions/0003).
  Result<BootstrapResult> bootstrap(const std::string& password);
  // Offline recovery of a lost password by whoever can open the data dir (`govcloud
  // recover-admin`): a new one-time password that must be changed at the next sign-in, the
  // account unlocked, its sessions ended, and an audit record in the chain.
  Result<std::string> recover_password(const std::string& username, const RequestContext& ctx);

  // Any change to who may do what makes cached principals stale.
  void invalidate_cache() { ++generation_; }

 private:
  struct Cached {
    Principal principal;
    std::uint64_t generation;
  };
  Result<Principal> load_principal(Tx& tx, const User& user, const Session* session,
                                   const ApiKey* key);
  Result<IssuedToken> issue_session(Tx& tx, const User& user, const RequestContext& ctx,
                                    std::optional<BindingId> assumed, TimeMs expires_at,
                                    bool enrolment_only, const std::string& parent = "");
  // Refuses a password check beyond the per-user or per-source rate (issue 8 §5), before any
  // argon2id work is spent; the first refusal of a run is audited.
  Status check_password_rate(const std::string& username, const RequestContext& ctx,
                             const char* action);
  // The user as the caller may see it; not_found otherwise (isolation by construction).
  Result<User> visible_user(Tx& tx, const Principal& who, const UserId& id, Action action);
  Status check_manage_user(Tx& tx, const Principal& who, const User& target);

  Store& store_;
  const Clock& clock_;
  const Config& config_;
  RateLimiter user_rate_;
  RateLimiter source_rate_;
  std::atomic<std::uint64_t> generation_{1};
  std::shared_mutex cache_mu_;
  std::unordered_map<std::string, Cached> cache_;
};

}  // namespace govcloud
