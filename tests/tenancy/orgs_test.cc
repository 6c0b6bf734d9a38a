#include <gtest/gtest.h>

#include "test_env.h"

namespace govcloud {
namespace {

using testing::Env;
using testing::must;

TEST(Orgs, OnlyTheManagementUnitCreatesTenants) {
  Env env;
  env.build_tree();
  auto by_sysadmin = env.tenancy->create_org(
      env.admin, NewOrg{env.mu.id, OrgType::kTenant, "provider's own", "", {}}, env.ctx);
  ASSERT_FALSE(by_sysadmin.ok());
  EXPECT_EQ(by_sysadmin.error().code, ErrorCode::kPermissionDenied);  // TEN-10
  auto t = must(env.tenancy->create_org(
      env.mu_admin, NewOrg{env.mu.id, OrgType::kTenant, "C局", "", {}}, env.ctx));
  EXPECT_EQ(t.created_by, env.mu_admin.user.value);
}

TEST(Orgs, TreeShapeIsEnforced) {
  Env env;
  env.build_tree();
  auto system_under_mu =
      env.tenancy->create_org(env.mu_admin,
                              NewOrg{env.mu.id, OrgType::kBusinessSystem, "x", "",
                                     BusinessSystemProfile{2, false, false, "internet"}},
                              env.ctx);
  EXPECT_EQ(system_under_mu.error().field, "type");
  auto no_profile = env.tenancy->create_org(
      env.a_admin, NewOrg{env.tenant_a.id, OrgType::kBusinessSystem, "y", "", std::nullopt},
      env.ctx);
  EXPECT_EQ(no_profile.error().code, ErrorCode::kInvalidArgument);
  auto bad_level =
      env.tenancy->create_org(env.a_admin,
                              NewOrg{env.tenant_a.id, OrgType::kBusinessSystem, "z", "",
                                     BusinessSystemProfile{5, false, false, "internet"}},
                              env.ctx);
  EXPECT_EQ(bad_level.error().field, "dengbao_level");
  auto dup = env.tenancy->create_org(env.mu_admin,
                                     NewOrg{env.mu.id, OrgType::kTenant, "A局", "", {}}, env.ctx);
  EXPECT_EQ(dup.error().code, ErrorCode::kConflict);
}

TEST(Orgs, BusinessSystemProfileIsKeptAndUpdated) {
  Env env;
  env.build_tree();
  ASSERT_TRUE(env.system_a.system.has_value());
  EXPECT_EQ(env.system_a.system->dengbao_level, 3);
  OrgPatch p;
  p.important = true;
  p.network_domain = "egov_extranet";
  auto o = must(env.tenancy->update_org(env.a_admin, env.system_a.id, p, env.ctx));
  EXPECT_TRUE(o.system->important);
  EXPECT_EQ(o.system->network_domain, "egov_extranet");
  EXPECT_TRUE(o.system->internet_facing);
}

TEST(Orgs, VisibilityFollowsGrants) {
  Env env;
  env.build_tree();
  auto a_sees = must(env.tenancy->list_orgs(env.a_member, OrgQuery{}));
  EXPECT_EQ(a_sees.total, 2);  // tenant A and its system
  EXPECT_EQ(env.tenancy->get_org(env.a_member, env.tenant_b.id).error().code, ErrorCode::kNotFound);
  auto mu_sees = must(env.tenancy->list_orgs(env.mu_admin, OrgQuery{}));
  EXPECT_EQ(mu_sees.total, 4);
}

TEST(Orgs, NonEmptyNodesAndVdcsCannotBeDeleted) {
  Env env;
  env.build_tree();
  EXPECT_EQ(env.tenancy->delete_org(env.mu_admin, env.tenant_a.id, env.ctx).error().code,
            ErrorCode::kConflict);
  EXPECT_EQ(env.tenancy->delete_vdc(env.admin, env.mu_vdc.id, env.ctx).error().code,
            ErrorCode::kConflict);  // TEN-03: has sub-VDCs
  ASSERT_TRUE(env.tenancy->delete_vdc(env.mu_admin, env.vdc_b.id, env.ctx).ok());
  auto empty = must(env.tenancy->create_org(
      env.mu_admin, NewOrg{env.mu.id, OrgType::kTenant, "空局", "", {}}, env.ctx));
  EXPECT_TRUE(env.tenancy->delete_org(env.mu_admin, empty.id, env.ctx).ok());
  EXPECT_EQ(env.tenancy->delete_org(env.a_admin, env.tenant_a.id, env.ctx).error().code,
            ErrorCode::kPermissionDenied);
}

}  // namespace
}  // namespace govcloud
