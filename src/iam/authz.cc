#include "iam/authz.h"

#include <algorithm>

#include "model/org.h"

namespace govcloud {

const char* action_name(Action a) {
  switch (a) {
    case Action::kOrgRead:
      return "org.read";
    case Action::kOrgCreateUnit:
      return "org.create_unit";
    case Action::kOrgCreateChild:
      return "org.create_child";
    case Action::kOrgUpdate:
      return "org.update";
    case Action::kVdcRead:
      return "vdc.read";
    case Action::kVdcWrite:
      return "vdc.write";
    case Action::kQuotaRead:
      return "quota.read";
    case Action::kQuotaWrite:
      return "quota.write";
    case Action::kQuotaHold:
      return "quota.hold";
    case Action::kUserRead:
      return "user.read";
    case Action::kUserWrite:
      return "user.write";
    case Action::kRoleRead:
      return "role.read";
    case Action::kRoleGrant:
      return "role.grant";
    case Action::kRoleGrantPlatform:
      return "role.grant_platform";
    case Action::kAuditRead:
      return "audit.read";
    case Action::kAuditExport:
      return "audit.export";
    case Action::kAuditPurge:
      return "audit.purge";
    case Action::kPlatformMonitor:
      return "platform.monitor";
    case Action::kCatalogWrite:
      return "catalog.write";
    case Action::kPriceWrite:
      return "price.write";
    case Action::kContractRead:
      return "contract.read";
    case Action::kContractWrite:
      return "contract.write";
    case Action::kRequest:
      return "request.create";
    case Action::kApprove:
      return "request.approve";
    case Action::kFulfil:
      return "fulfilment.complete";
    case Action::kReclaim:
      return "resource.reclaim";
    case Action::kWorkOrder:
      return "workorder.use";
    case Action::kWorkOrderHandle:
      return "workorder.handle";
    case Action::kHostManage:
      return "host.manage";
    case Action::kVmRead:
      return "vm.read";
    case Action::kVmOperate:
      return "vm.operate";
    case Action::kImageManage:
      return "image.manage";
    case Action::kUsageRead:
      return "usage.read";
    case Action::kUsageReport:
      return "usage.report";
    case Action::kBillManage:
      return "bill.manage";
  }
  return "unknown";
}

bool role_allows(Role role, Action a) {
  using A = Action;
  switch (role) {
    case Role::kSysAdmin:  // runs the platform; creates no tenants (TEN-10), no accounts or rights
      return a == A::kOrgRead || a == A::kOrgCreateUnit || a == A::kOrgUpdate || a == A::kVdcRead ||
             a == A::kVdcWrite || a == A::kQuotaRead || a == A::kQuotaWrite || a == A::kUserRead ||
             a == A::kRoleRead || a == A::kPlatformMonitor || a == A::kCatalogWrite ||
             a == A::kPriceWrite || a == A::kContractRead || a == A::kReclaim || a == A::kApprove ||
             a == A::kHostManage || a == A::kImageManage || a == A::kUsageRead ||
             a == A::kUsageReport || a == A::kBillManage;
    case Role::kSecAdmin:  // accounts and rights
      return a == A::kOrgRead || a == A::kUserRead || a == A::kUserWrite || a == A::kRoleRead ||
             a == A::kRoleGrant || a == A::kRoleGrantPlatform;
    case Role::kAuditAdmin:
      return a == A::kAuditRead || a == A::kAuditExport || a == A::kAuditPurge;
    case Role::kOps:  // IAM-06: monitors everything, operates and reads nothing of tenants;
                      // delivers what people deliver (CAT-09) and handles work orders (OPS-22)
      return a == A::kPlatformMonitor || a == A::kFulfil || a == A::kWorkOrderHandle ||
             a == A::kHostManage || a == A::kImageManage || a == A::kUsageReport;
    case Role::kSupervisor:  // TEN-09: read-only view across tenants
      return a == A::kOrgRead || a == A::kVdcRead || a == A::kQuotaRead || a == A::kAuditRead ||
             a == A::kAuditExport || a == A::kContractRead || a == A::kVmRead || a == A::kUsageRead;
    case Role::kTenantAdmin:
      return a == A::kOrgRead || a == A::kOrgCreateChild || a == A::kOrgUpdate ||
             a == A::kVdcRead || a == A::kVdcWrite || a == A::kQuotaRead || a == A::kQuotaWrite ||
             a == A::kQuotaHold || a == A::kUserRead || a == A::kUserWrite || a == A::kRoleRead ||
             a == A::kRoleGrant || a == A::kAuditRead || a == A::kPriceWrite ||
             a == A::kContractRead || a == A::kContractWrite || a == A::kRequest ||
             a == A::kApprove || a == A::kReclaim || a == A::kWorkOrder || a == A::kVmRead ||
             a == A::kVmOperate || a == A::kUsageRead || a == A::kBillManage;
    case Role::kMember:
      // A member consumes quota only through requests and their approvals.
      return a == A::kOrgRead || a == A::kVdcRead || a == A::kQuotaRead || a == A::kRequest ||
             a == A::kWorkOrder || a == A::kContractRead || a == A::kVmRead || a == A::kVmOperate ||
             a == A::kUsageRead;
    case Role::kViewer:
      return a == A::kOrgRead || a == A::kVdcRead || a == A::kQuotaRead || a == A::kVmRead;
  }
  return false;
}

int tenant_role_rank(Role role) {
  switch (role) {
    case Role::kTenantAdmin:
      return 3;
    case Role::kMember:
      return 2;
    case Role::kViewer:
      return 1;
    default:
      return 0;
  }
}

bool Principal::can(Action action, const std::string& target_path) const {
  if (totp_enrolment_only) return false;
  return std::any_of(grants.begin(), grants.end(), [&](const Grant& g) {
    return role_allows(g.role, action) && path_within(target_path, g.scope_path);
  });
}

bool Principal::can_anywhere(Action action) const {
  if (totp_enrolment_only) return false;
  return std::any_of(grants.begin(), grants.end(),
                     [&](const Grant& g) { return role_allows(g.role, action); });
}

bool Principal::holds(Role role) const {
  return std::any_of(grants.begin(), grants.end(), [&](const Grant& g) { return g.role == role; });
}

std::vector<std::string> Principal::paths_for(Action action) const {
  std::vector<std::string> out;
  if (totp_enrolment_only) return out;
  for (const auto& g : grants) {
    if (role_allows(g.role, action) && std::find(out.begin(), out.end(), g.scope_path) == out.end())
      out.push_back(g.scope_path);
  }
  return out;
}

bool Principal::reaches(const std::string& path) const {
  if (!narrowed) return true;
  return std::any_of(grants.begin(), grants.end(),
                     [&](const Grant& g) { return path_within(path, g.scope_path); });
}

std::optional<std::vector<std::string>> Principal::reach() const {
  if (!narrowed) return std::nullopt;
  std::vector<std::string> out;
  for (const auto& g : grants)
    if (std::find(out.begin(), out.end(), g.scope_path) == out.end()) out.push_back(g.scope_path);
  return out;
}

std::string Principal::role_summary() const {
  if (!assumed_role.empty()) return assumed_role;
  std::string out;
  for (const auto& g : grants) {
    std::string r = role_name(g.role);
    if (out.find(r) != std::string::npos) continue;
    if (!out.empty()) out += ",";
    out += r;
  }
  return out;
}

}  // namespace govcloud
