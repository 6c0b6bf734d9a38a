// Guest events the engine reports on its own (issue 9 §10, CMP-15): a watchdog firing on the sim
// twin becomes an event on the VM, its reason, and an audit record; events for guests that are
// not govcloud's are ignored; after the service stops, the driver's sink records nothing.
#include <gtest/gtest.h>

#include "compute/vms.h"
#include "drivers/sim/sim_compute.h"
#include "test_env.h"

namespace govcloud {
namespace {

using testing::Env;
using testing::must;

struct EngineEvents : ::testing::Test {
  Env env;
  SimComputeDriver sim;
  Host host;

  void SetUp() override {
    env.build_tree();
    env.set->compute.add_driver(sim);
    User u = env.add_user(env.secadmin, "ops-1", env.root);
    env.grant(env.secadmin, u, Role::kOps, env.root);
    Principal ops = env.login("ops-1");
    host = must(env.set->compute.register_host(
        ops, NewHost{"h0", "dc1", "pool-a", "egov", "sim", "sim://", false}, env.ctx));
    ASSERT_TRUE(env.store
                    ->transact([&](Tx& tx) -> Status {
                      Vm vm;
                      vm.id = VmId{"vm-wd"};
                      vm.name = "wd";
                      vm.org_id = env.system_a.id.value;
                      vm.org_path = env.system_a.path;
                      vm.vdc_id = env.vdc_a.id.value;
                      vm.owner = "a-member";
                      vm.host_id = host.id.value;
                      vm.state = VmState::kRunning;
                      vm.vcpu = 1;
                      vm.memory_mb = 512;
                      vm.disk_gb = 1;
                      tx.compute().insert_vm(vm);
                      return ok_status();
                    })
                    .ok());
    DomainSpec spec;
    spec.name = "gc-vm-wd";
    spec.vcpu = 1;
    spec.memory_mb = 512;
    ASSERT_TRUE(sim.define(host, spec).ok());
    ASSERT_TRUE(sim.start(host, spec.name).ok());
    ASSERT_TRUE(env.set->vms.start().ok());
  }
};

TEST_F(EngineEvents, AWatchdogFiringIsKeptOnTheVmAndAudited) {
  env.clock.advance(5000);
  sim.fire_watchdog(host.id, "gc-vm-wd", "reset");
  sim.fire_watchdog(host.id, "stranger", "reset");  // not a guest the engine has
  env.set->workers.wait_idle();
  auto events = must(env.set->vms.events_of(env.a_member, VmId{"vm-wd"}));
  ASSERT_EQ(events.size(), 1U);
  EXPECT_EQ(events[0].kind, "watchdog");
  EXPECT_EQ(events[0].detail, "reset");
  EXPECT_EQ(events[0].at, env.clock.now());
  Vm vm = must(env.set->vms.get(env.a_member, VmId{"vm-wd"}));
  EXPECT_NE(vm.reason.find("watchdog fired"), std::string::npos) << vm.reason;
  EXPECT_EQ(vm.state, VmState::kRunning);  // a reset guest runs on
  // Another tenant learns nothing of it.
  EXPECT_EQ(env.set->vms.events_of(env.b_admin, VmId{"vm-wd"}).error().code, ErrorCode::kNotFound);
}

TEST_F(EngineEvents, AStoppedServiceRecordsNothing) {
  env.set->vms.stop_events();
  sim.fire_watchdog(host.id, "gc-vm-wd", "reset");
  env.set->workers.wait_idle();
  EXPECT_TRUE(must(env.set->vms.events_of(env.a_member, VmId{"vm-wd"})).empty());
}

}  // namespace
}  // namespace govcloud
