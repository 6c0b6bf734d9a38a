// Users, role bindings, sessions and API keys (IAM-*).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/ids.h"

namespace govcloud {

enum class Role {
  kSysAdmin,     // platform 系统管理员
  kSecAdmin,     // platform 安全管理员
  kAuditAdmin,   // platform 审计管理员
  kOps,          // 运维: sees hosts, pools, alarms; no tenant data
  kSupervisor,   // 监管: read-only usage, alarms, audit of all tenants
  kTenantAdmin,  // 租户管理员 (at a management unit: the management unit's admin)
  kMember,       // 租户用户
  kViewer,       // 只读
};

inline constexpr Role kAllRoles[] = {Role::kSysAdmin, Role::kSecAdmin,   Role::kAuditAdmin,
                                     Role::kOps,      Role::kSupervisor, Role::kTenantAdmin,
                                     Role::kMember,   Role::kViewer};

const char* role_name(Role role);
bool parse_role(std::string_view text, Role& out);
// 三员分立 (IAM-04): sysadmin, secadmin, auditadmin are mutually exclusive.
bool is_separated_duty(Role role);
// Platform roles are granted only at the platform root.
bool is_platform_role(Role role);

struct User {
  UserId id;
  std::string username;
  std::string display_name;
  std::string email;
  std::string phone;
  OrgId org;  // home node: the user belongs to this node's subtree
  std::string password_hash;
  TimeMs password_changed_at = 0;
  bool must_change_password = false;
  bool disabled = false;
  int failed_logins = 0;
  TimeMs locked_until = 0;
  std::string totp_secret;  // base32; set once enrolment starts (sealed at rest by the store)
  bool totp_enabled = false;
  std::int64_t totp_last_step = 0;  // RFC 6238 §5.2: each time step's code is accepted once
  std::vector<std::string> password_history;  // earlier argon2id hashes, newest first
  TimeMs created_at = 0;
  TimeMs updated_at = 0;
};

struct RoleBinding {
  BindingId id;
  UserId user;
  Role role = Role::kViewer;
  OrgId scope;  // rights apply to this node and its subtree
  // IAM-07/IAM-11: an assume-only grant is usable only through a time-limited role assumption.
  bool assume_only = false;
  TimeMs expires_at = 0;  // 0: no expiry
  std::string granted_by;
  TimeMs created_at = 0;
};

struct Session {
  std::string token_hash;  // SHA-256 of the bearer token; the token itself is never stored
  UserId user;
  TimeMs created_at = 0;
  TimeMs expires_at = 0;
  std::optional<BindingId> assumed;  // set for a role-assumption session
  std::string parent;                // an assumed session's parent session (token hash)
  std::string source_ip;
  bool totp_enrolment_only = false;  // IAM-14: admin without a second factor yet
};

struct ApiKey {
  ApiKeyId id;
  UserId user;
  std::string name;
  std::string secret_hash;
  std::optional<OrgId> scope;  // IAM-16: narrows the user's rights to this subtree
  TimeMs expires_at = 0;
  TimeMs created_at = 0;
  bool revoked = false;
};

}  // namespace govcloud
