// Who may do what where. A Principal is the caller of one request: the user and the grants
// in force for this credential. Every check is a (action, org-node path) question; a grant
// at a node covers that node's whole subtree (IAM-03, IAM-08).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/ids.h"
#include "model/iam.h"

namespace govcloud {

enum class Action {
  kOrgRead,
  kOrgCreateUnit,   // management and supervision units under the platform
  kOrgCreateChild,  // tenants under a management unit (TEN-10), systems under a tenant
  kOrgUpdate,
  kVdcRead,
  kVdcWrite,
  kQuotaRead,
  kQuotaWrite,
  kQuotaHold,  // set capacity aside directly, with a reason (the one direct reservation)
  kUserRead,
  kUserWrite,
  kRoleRead,
  kRoleGrant,          // tenant roles
  kRoleGrantPlatform,  // platform roles (三员, ops, supervisor)
  kAuditRead,
  kAuditExport,
  kAuditPurge,
  kPlatformMonitor,  // hosts, pools, alarms (IAM-06)
  kCatalogWrite,     // add, change, retire services (CAT-01, CAT-07)
  kPriceWrite,       // price lists and prices (CAT-04, CAT-05)
  kContractRead,
  kContractWrite,    // import procurement packages as contracts (TEN-06)
  kRequest,          // request, modify, delete services for a business system (CAT-08)
  kApprove,          // decide approval steps that name one's role (IAM-09)
  kFulfil,           // complete manual fulfilment orders (CAT-09)
  kReclaim,          // 回收: take back a resource, releasing its quota
  kWorkOrder,        // open and follow work orders (OPS-22)
  kWorkOrderHandle,  // handle work orders as operations staff
  kHostManage,       // register hosts, put them in maintenance (CMP-06, issue 9)
  kVmRead,           // see VMs, their operations and images (CMP-01)
  kVmOperate,        // start, stop, reboot, delete VMs; import private images (CMP-02–04)
  kImageManage,      // global images (the platform's)
  kUsageRead,        // usage intervals of the systems in scope (issue 11, BIL-*)
  kUsageReport,      // report counters and import usage history (the provider's systems)
  kBillManage,       // close months (at the platform), post adjustments (at a tenant's unit)
};
inline constexpr Action kLastAction = Action::kBillManage;

const char* action_name(Action a);
bool role_allows(Role role, Action action);
// Tenant roles ordered by power: granting is allowed only up to one's own (IAM-03).
int tenant_role_rank(Role role);

struct Grant {
  Role role;
  BindingId binding;
  OrgId scope;
  std::string scope_path;
};

struct Principal {
  UserId user;
  std::string username;
  OrgId home_org;
  std::string home_path;
  std::vector<Grant> grants;
  std::string assumed_role;  // non-empty in a role-assumption session
  std::string token_hash;    // of the session; empty for API keys
  std::optional<ApiKeyId> api_key;
  TimeMs expires_at = 0;
  bool totp_enrolment_only = false;  // IAM-14: may only enrol a second factor
  // The credential narrows the person: an API key held to a subtree, or an assumed role. The
  // grants above are already cut down; `reaches` applies the same cut to the person's own
  // objects (own requests, notifications), which are found by owner rather than by grant.
  bool narrowed = false;

  bool can(Action action, const std::string& target_path) const;
  bool can_anywhere(Action action) const;
  bool holds(Role role) const;
  // The subtrees where `action` is allowed, for list queries (isolation by construction).
  std::vector<std::string> paths_for(Action action) const;
  // Whether the person's own objects at `path` are within this credential's reach.
  bool reaches(const std::string& path) const;
  // The subtrees this credential reaches, for "mine" list queries; unset when not narrowed.
  std::optional<std::vector<std::string>> reach() const;
  // Only the person's own login session, neither narrowed nor an API key, may mint credentials
  // or change how the person signs in (API keys, TOTP, role assumption).
  bool is_full_session() const { return !api_key && assumed_role.empty() && !narrowed; }
  // A short "actor role" string for audit records.
  std::string role_summary() const;
};

}  // namespace govcloud
