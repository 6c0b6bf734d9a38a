#include "iam/authz.h"

#include <gtest/gtest.h>

namespace govcloud {

Principal with(Role r, const std::string& path) {
  Principal p;
  p.grants.push_back(Grant{r, BindingId{"rb"}, OrgId{"org"}, path});
  return p;
}

TEST(Authz, GrantsCoverTheirSubtreeOnly) {
  Principal admin = with(Role::kTenantAdmin, "/root/mu/a/");
  EXPECT_TRUE(admin.can(Action::kUserWrite, "/root/mu/a/"));
  EXPECT_TRUE(admin.can(Action::kUserWrite, "/root/mu/a/sys/"));
  EXPECT_FALSE(admin.can(Action::kUserWrite, "/root/mu/b/"));
  EXPECT_FALSE(admin.can(Action::kUserWrite, "/root/mu/"));
}

TEST(Authz, SysadminCreatesUnitsButNotTenantsNorAccounts) {
  Principal sys = with(Role::kSysAdmin, "/root/");
  EXPECT_TRUE(sys.can(Action::kOrgCreateUnit, "/root/"));
  EXPECT_FALSE(sys.can(Action::kOrgCreateChild, "/root/mu/"));  // TEN-10
  EXPECT_FALSE(sys.can(Action::kUserWrite, "/root/"));          // 三员: accounts are secadmin's
  EXPECT_FALSE(sys.can(Action::kRoleGrant, "/root/"));
  EXPECT_FALSE(sys.can(Action::kAuditRead, "/root/"));
}

TEST(Authz, OpsMonitorsButReadsNoTenantData) {
  Principal ops = with(Role::kOps, "/root/");
  EXPECT_TRUE(ops.can(Action::kPlatformMonitor, "/root/"));
  for (Action a : {Action::kOrgRead, Action::kVdcRead, Action::kQuotaRead, Action::kUserRead,
                   Action::kAuditRead, Action::kQuotaHold})
    EXPECT_FALSE(ops.can(a, "/root/mu/a/")) << action_name(a);
}

TEST(Authz, SupervisorIsReadOnly) {
  Principal sup = with(Role::kSupervisor, "/root/");
  EXPECT_TRUE(sup.can(Action::kQuotaRead, "/root/mu/a/"));
  EXPECT_TRUE(sup.can(Action::kAuditExport, "/root/"));
  for (Action a : {Action::kOrgUpdate, Action::kVdcWrite, Action::kQuotaWrite, Action::kQuotaHold,
                   Action::kUserWrite, Action::kRoleGrant})
    EXPECT_FALSE(sup.can(a, "/root/mu/a/")) << action_name(a);
}

TEST(Authz, EnrolmentOnlySessionsCanDoNothing) {
  Principal p = with(Role::kSysAdmin, "/root/");
  p.totp_enrolment_only = true;
  EXPECT_FALSE(p.can(Action::kOrgRead, "/root/"));
  EXPECT_TRUE(p.paths_for(Action::kOrgRead).empty());
}

TEST(Authz, SeparatedDutiesAreExactlyTheThreeAdmins) {
  int n = 0;
  for (Role r : kAllRoles) n += is_separated_duty(r);
  EXPECT_EQ(n, 3);
  EXPECT_GT(tenant_role_rank(Role::kTenantAdmin), tenant_role_rank(Role::kMember));
  EXPECT_GT(tenant_role_rank(Role::kMember), tenant_role_rank(Role::kViewer));
}

}  // namespace govcloud
