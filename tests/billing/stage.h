// A tenant with a VDC under a management unit with room for any package (contract tests).
#pragma once

#include <string>

#include "test_env.h"

namespace govcloud::testing {

struct Stage {
  Org tenant;
  Vdc vdc;
};

inline Stage stage(Env& env, const std::string& name) {
  must(env.tenancy->set_quota(env.admin, env.pool.id,
                              {{"vcpu", 1000000},
                               {"memory_gb", 10000000},
                               {"storage_normal_gb", 100000000},
                               {"storage_performance_gb", 100000000},
                               {"storage_backup_gb", 100000000},
                               {"public_ip", 100000},
                               {"bandwidth_mbps", 1000000},
                               {"load_balancer", 10000},
                               {"vpn_account", 100000},
                               {"gpu", 10000},
                               {"npu", 10000},
                               {"physical_server", 10000}},
                              env.ctx));
  must(env.tenancy->set_quota(env.admin, env.mu_vdc.id,
                              {{"vcpu", 900000},
                               {"memory_gb", 9000000},
                               {"storage_normal_gb", 90000000},
                               {"storage_performance_gb", 90000000},
                               {"storage_backup_gb", 90000000},
                               {"public_ip", 90000},
                               {"bandwidth_mbps", 900000},
                               {"load_balancer", 9000},
                               {"vpn_account", 90000},
                               {"gpu", 9000},
                               {"npu", 9000},
                               {"physical_server", 9000}},
                              env.ctx));
  Stage s;
  s.tenant = must(env.tenancy->create_org(
      env.mu_admin, NewOrg{env.mu.id, OrgType::kTenant, name, "", {}}, env.ctx));
  s.vdc = must(
      env.tenancy->create_vdc(env.mu_admin, NewVdc{s.tenant.id, env.mu_vdc.id, name, ""}, env.ctx));
  return s;
}

}  // namespace govcloud::testing
