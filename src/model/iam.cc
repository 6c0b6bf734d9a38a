#include "model/iam.h"

namespace govcloud {

const char* role_name(Role role) {
  switch (role) {
    case Role::kSysAdmin:
      return "sysadmin";
    case Role::kSecAdmin:
      return "secadmin";
    case Role::kAuditAdmin:
      return "auditadmin";
    case Role::kOps:
      return "ops";
    case Role::kSupervisor:
      return "supervisor";
    case Role::kTenantAdmin:
      return "tenant-admin";
    case Role::kMember:
      return "member";
    case Role::kViewer:
      return "viewer";
  }
  return "viewer";
}

bool parse_role(std::string_view text, Role& out) {
  for (Role r : kAllRoles) {
    if (text == role_name(r)) {
      out = r;
      return true;
    }
  }
  return false;
}

bool is_separated_duty(Role role) {
  return role == Role::kSysAdmin || role == Role::kSecAdmin || role == Role::kAuditAdmin;
}

bool is_platform_role(Role role) {
  return is_separated_duty(role) || role == Role::kOps || role == Role::kSupervisor;
}

}  // namespace govcloud
