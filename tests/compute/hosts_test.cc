// Hosts: registration from what the engine reports, rights, maintenance, heartbeat and fencing
// on the injected clock (CMP-06, CMP-14, IAM-06). Engine calls go to the sim twin.
#include <gtest/gtest.h>

#include "compute/compute.h"
#include "drivers/sim/sim_compute.h"
#include "test_env.h"

namespace govcloud {
namespace {

using testing::Env;
using testing::must;

struct Compute {
  Env env;
  SimComputeDriver sim;
  ComputeService compute{*env.store, env.clock};
  Principal ops;
  Compute() {
    env.build_tree();
    compute.add_driver(sim);
    EXPECT_TRUE(compute.start().ok());
    User u = env.add_user(env.secadmin, "ops-1", env.root);
    env.grant(env.secadmin, u, Role::kOps, env.root);
    ops = env.login("ops-1");
  }
  NewHost new_host(const std::string& name, const std::string& uri) {
    return NewHost{name, "dc1", "pool-a", "egov", "sim", uri, false};
  }
};

TEST(Hosts, RegistrationRecordsWhatTheEngineReports) {
  Compute c;
  auto h = must(c.compute.register_host(
      c.ops, c.new_host("arm-01", "sim://?arch=arm&cores=64&memory_gb=256&mhz=2600&gpu=npu-24g:2"),
      c.env.ctx));
  EXPECT_EQ(h.arch, Arch::kArm);
  EXPECT_EQ(h.cores, 64);
  EXPECT_EQ(h.memory_mb, 256 * 1024);
  EXPECT_EQ(h.cpu_mhz, 2600);
  ASSERT_EQ(h.accelerators.size(), 2u);
  EXPECT_EQ(h.accelerators[0].cls, "npu-24g");
  EXPECT_EQ(h.state, HostState::kUp);
  auto listed = must(c.compute.list_hosts(c.ops, HostQuery{"pool-a", {}, Arch::kArm, {}}));
  ASSERT_EQ(listed.total, 1);
  EXPECT_EQ(listed.items[0].accelerators.size(), 2u);  // read back from the store
  // The scheduler knows it at once: an ARM VM with an NPU lands there.
  Demand d;
  d.vcpu = 4;
  d.memory_mb = 8192;
  d.arch = Arch::kArm;
  d.accelerator_class = "npu-24g";
  d.accelerators = 1;
  EXPECT_EQ(must(c.compute.scheduler().place(d, "vm")).host, h.id);
  AuditQuery q;
  q.action_prefix = "host.register";
  EXPECT_EQ(must(c.env.audit->query(c.env.auditor, q)).total, 1);
}

TEST(Hosts, BadRegistrationsAreRefusedAndNothingIsKept) {
  Compute c;
  auto bad_uri = c.compute.register_host(c.ops, c.new_host("x", "sim://?arch=sparc"), c.env.ctx);
  EXPECT_EQ(bad_uri.error().code, ErrorCode::kConflict);
  EXPECT_EQ(bad_uri.error().field, "uri");
  auto bad_driver = c.new_host("y", "sim://");
  bad_driver.driver = "vmware";
  EXPECT_EQ(c.compute.register_host(c.ops, bad_driver, c.env.ctx).error().field, "driver");
  EXPECT_EQ(
      c.compute.register_host(c.ops, c.new_host("bad name!", "sim://"), c.env.ctx).error().field,
      "name");
  auto no_pool = c.new_host("z", "sim://");
  no_pool.pool.clear();
  EXPECT_EQ(c.compute.register_host(c.ops, no_pool, c.env.ctx).error().field, "pool");
  must(c.compute.register_host(c.ops, c.new_host("h1", "sim://"), c.env.ctx));
  EXPECT_EQ(c.compute.register_host(c.ops, c.new_host("h1", "sim://"), c.env.ctx).error().code,
            ErrorCode::kConflict);
  c.sim.set_reachable(HostId{"nowhere"}, false);
  EXPECT_EQ(must(c.compute.list_hosts(c.ops, HostQuery{})).total, 1);
}

// IAM-06 and tenant isolation: hosts are the platform's.
TEST(Hosts, TenantsNeitherSeeNorRegisterHosts) {
  Compute c;
  must(c.compute.register_host(c.ops, c.new_host("h1", "sim://"), c.env.ctx));
  for (const Principal* p : {&c.env.a_admin, &c.env.a_member, &c.env.mu_admin, &c.env.auditor}) {
    EXPECT_EQ(c.compute.list_hosts(*p, HostQuery{}).error().code, ErrorCode::kPermissionDenied);
    EXPECT_EQ(c.compute.register_host(*p, c.new_host("h2", "sim://"), c.env.ctx).error().code,
              ErrorCode::kPermissionDenied);
  }
  EXPECT_TRUE(c.compute.list_hosts(c.env.admin, HostQuery{}).ok());  // sysadmin runs the platform
}

TEST(Hosts, MaintenanceTakesAHostOutOfPlacement) {
  Compute c;
  auto h = must(c.compute.register_host(c.ops, c.new_host("h1", "sim://"), c.env.ctx));
  must(c.compute.set_host_state(c.ops, h.id, HostState::kMaintenance, c.env.ctx));
  Demand d;
  d.vcpu = 1;
  d.memory_mb = 1024;
  EXPECT_FALSE(c.compute.scheduler().place(d, "vm").ok());
  EXPECT_EQ(c.compute.set_host_state(c.ops, h.id, HostState::kFenced, c.env.ctx).error().field,
            "state");
  must(c.compute.set_host_state(c.ops, h.id, HostState::kUp, c.env.ctx));
  EXPECT_TRUE(c.compute.scheduler().place(d, "vm").ok());
}

// CMP-14: a host that stops answering goes down, then is fenced after three missed probes.
TEST(Hosts, AHostThatStopsAnsweringIsFenced) {
  Compute c;
  auto h = must(c.compute.register_host(c.ops, c.new_host("h1", "sim://"), c.env.ctx));
  c.sim.set_reachable(h.id, false);
  c.compute.heartbeat();
  EXPECT_EQ(must(c.compute.get_host(c.ops, h.id)).state, HostState::kDown);
  c.compute.heartbeat();
  c.compute.heartbeat();
  auto fenced = must(c.compute.get_host(c.ops, h.id));
  EXPECT_EQ(fenced.state, HostState::kFenced);
  EXPECT_EQ(fenced.missed_heartbeats, 3);
  // It answers again, but a fenced host stays out until a person brings it back.
  c.sim.set_reachable(h.id, true);
  c.compute.heartbeat();
  EXPECT_EQ(must(c.compute.get_host(c.ops, h.id)).state, HostState::kFenced);
  AuditQuery q;
  q.action_prefix = "host.fence";
  EXPECT_EQ(must(c.env.audit->query(c.env.auditor, q)).total, 1);
  must(c.compute.set_host_state(c.ops, h.id, HostState::kUp, c.env.ctx));
  EXPECT_EQ(must(c.compute.get_host(c.ops, h.id)).state, HostState::kUp);
}

TEST(Hosts, ARestartLoadsRegisteredHostsIntoTheScheduler) {
  Compute c;
  must(c.compute.register_host(c.ops, c.new_host("h1", "sim://?cores=2&memory_gb=4"), c.env.ctx));
  ComputeService again(*c.env.store, c.env.clock);
  again.add_driver(c.sim);
  ASSERT_TRUE(again.start().ok());
  EXPECT_EQ(again.scheduler().host_count(), 1u);
}

}  // namespace
}  // namespace govcloud
