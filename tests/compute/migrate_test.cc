// Live migration on demand and maintenance drain on the sim twin (issue 9 §9, CMP-14): ops move
// a VM without reading it; the target stays in the VM's pool and network domain and keeps
// anti-affinity; a failed move leaves the VM where it ran; a host put in maintenance empties
// itself on the next heartbeat tick, and a VM with nowhere to go stays and says why.
#include <gtest/gtest.h>

#include "compute/vms.h"
#include "drivers/sim/sim_compute.h"
#include "test_env.h"

namespace govcloud {
namespace {

using testing::Env;
using testing::must;

struct Migration : ::testing::Test {
  Env env;
  SimComputeDriver sim;
  Principal ops;
  std::vector<Host> hosts;  // h0, h1: pool-a/egov; h2: pool-a/internet; h3: pool-b/egov

  void SetUp() override {
    env.build_tree();
    env.set->compute.add_driver(sim);
    User u = env.add_user(env.secadmin, "ops-1", env.root);
    env.grant(env.secadmin, u, Role::kOps, env.root);
    ops = env.login("ops-1");
    const std::vector<std::pair<const char*, const char*>> where = {
        {"pool-a", "egov"}, {"pool-a", "egov"}, {"pool-a", "internet"}, {"pool-b", "egov"}};
    for (std::size_t i = 0; i < where.size(); ++i)
      hosts.push_back(must(env.set->compute.register_host(
          ops,
          NewHost{"h" + std::to_string(i), "dc1", where[i].first, where[i].second, "sim",
                  "sim://?cores=16&memory_gb=32", false},
          env.ctx)));
    ASSERT_TRUE(env.store
                    ->transact([&](Tx& tx) -> Status {
                      tx.compute().insert_network(GuestNetwork{"net-m", env.vdc_a.id.value, "",
                                                               "gcbrm", "10.97.0.0/24", "10.97.0.1",
                                                               0});
                      Image img;
                      img.id = "img-m";
                      img.name = "m";
                      img.format = "qcow2";
                      tx.compute().insert_image(img);
                      // On h0: web-0 running, web-1 stopped, db-0 of group db (db-1 is on h1).
                      add(tx, "vm-web-0", "web-0", 0, VmState::kRunning, "");
                      add(tx, "vm-web-1", "web-1", 0, VmState::kStopped, "");
                      add(tx, "vm-db-0", "db-0", 0, VmState::kRunning, "db");
                      add(tx, "vm-db-1", "db-1", 1, VmState::kRunning, "db");
                      return ok_status();
                    })
                    .ok());
    for (const char* id : {"vm-web-0", "vm-web-1", "vm-db-0", "vm-db-1"}) {
      Vm vm = must(env.set->vms.get(env.a_admin, VmId{id}));
      DomainSpec spec;
      spec.name = "gc-" + vm.id.value;
      spec.vcpu = vm.vcpu;
      spec.memory_mb = vm.memory_mb;
      Host h = host_of(vm);
      ASSERT_TRUE(sim.define(h, spec).ok());
      if (vm.state == VmState::kRunning) {
        ASSERT_TRUE(sim.start(h, spec.name).ok());
      }
    }
    ASSERT_TRUE(env.set->vms.start().ok());
  }

  void add(Tx& tx, const std::string& id, const std::string& name, std::size_t host, VmState state,
           const std::string& group) {
    Vm vm;
    vm.id = VmId{id};
    vm.name = name;
    vm.org_id = env.system_a.id.value;
    vm.org_path = env.system_a.path;
    vm.vdc_id = env.vdc_a.id.value;
    vm.owner = "a-member";
    vm.host_id = hosts[host].id.value;
    vm.state = state;
    vm.vcpu = 2;
    vm.memory_mb = 4096;
    vm.disk_gb = 10;
    vm.image_id = "img-m";
    vm.network_id = "net-m";
    vm.anti_affinity_group = group;
    tx.compute().insert_vm(vm);
  }

  Host host_of(const Vm& vm) {
    for (const auto& h : hosts)
      if (h.id.value == vm.host_id) return h;
    return {};
  }

  Result<Operation> migrate(const Principal& who, const char* vm, const std::string& to = "") {
    VmActionInput in;
    in.action = VmAction::kMigrate;
    in.host = to;
    return env.set->vms.act(who, VmId{vm}, in, env.ctx);
  }

  Vm vm(const char* id) { return must(env.set->vms.get(env.a_admin, VmId{id})); }
  int load(std::size_t host) { return env.set->compute.scheduler().load(hosts[host].id)->vms; }
};

TEST_F(Migration, OpsMoveARunningVmLiveInsideItsPoolAndDomain) {
  auto op = migrate(ops, "vm-web-0");
  ASSERT_TRUE(op.ok()) << op.error().message;
  EXPECT_EQ(op->kind, "vm.migrate");
  env.set->workers.wait_idle();
  Vm moved = vm("vm-web-0");
  EXPECT_EQ(moved.state, VmState::kRunning) << moved.reason;
  EXPECT_EQ(moved.host_id, hosts[1].id.value);  // not h2 (internet) nor h3 (pool-b)
  // The guest runs on the target only, never stopped on the way.
  auto on1 = sim.running_on(hosts[1].id);
  EXPECT_NE(std::find(on1.begin(), on1.end(), "gc-vm-web-0"), on1.end());
  auto on0 = sim.running_on(hosts[0].id);
  EXPECT_EQ(std::find(on0.begin(), on0.end(), "gc-vm-web-0"), on0.end());
  EXPECT_EQ(must(env.set->vms.get_operation(env.a_admin, op->id)).state, OpState::kSucceeded);
  EXPECT_EQ(load(0), 2);  // web-1 and db-0 stay
  EXPECT_EQ(load(1), 2);
  // A stopped VM moves too, and stays stopped.
  ASSERT_TRUE(migrate(ops, "vm-web-1", "h1").ok());
  env.set->workers.wait_idle();
  EXPECT_EQ(vm("vm-web-1").host_id, hosts[1].id.value);
  EXPECT_EQ(vm("vm-web-1").state, VmState::kStopped);
  AuditQuery q;
  q.action_prefix = "vm.migrate";
  EXPECT_EQ(must(env.audit->query(env.auditor, q)).total, 4);  // accepted + success, twice
}

TEST_F(Migration, RefusalsNameTheFieldAndTenantsCannotMove) {
  auto same = migrate(ops, "vm-web-0", "h0");
  ASSERT_FALSE(same.ok());
  EXPECT_EQ(same.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(same.error().field, "host");
  auto unknown = migrate(ops, "vm-web-0", "h9");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, ErrorCode::kNotFound);
  auto other_domain = migrate(ops, "vm-web-0", "h2");  // 互联网域: never from 政务外网域
  ASSERT_FALSE(other_domain.ok());
  EXPECT_EQ(other_domain.error().field, "host");
  EXPECT_NE(other_domain.error().message.find("domain"), std::string::npos)
      << other_domain.error().message;
  auto group = migrate(ops, "vm-db-0", "h1");  // db-1 is there: hard anti-affinity
  ASSERT_FALSE(group.ok());
  EXPECT_NE(group.error().message.find("group"), std::string::npos) << group.error().message;
  // Hosts are the provider's: a tenant admin may not move its VM, another tenant sees nothing.
  auto tenant = migrate(env.a_admin, "vm-web-0");
  ASSERT_FALSE(tenant.ok());
  EXPECT_EQ(tenant.error().code, ErrorCode::kPermissionDenied);
  auto stranger = migrate(env.b_admin, "vm-web-0");
  ASSERT_FALSE(stranger.ok());
  EXPECT_EQ(stranger.error().code, ErrorCode::kNotFound);
  // Nothing was claimed by the refusals.
  EXPECT_EQ(load(1), 1);
  EXPECT_EQ(load(2), 0);
  EXPECT_EQ(vm("vm-web-0").state, VmState::kRunning);
}

TEST_F(Migration, AFailedMoveLeavesTheVmRunningWhereItWasAndFreesTheTarget) {
  sim.fail_next(hosts[1].id, "target refused the incoming guest");
  auto op = migrate(ops, "vm-web-0", "h1");
  ASSERT_TRUE(op.ok());
  env.set->workers.wait_idle();
  auto done = must(env.set->vms.get_operation(env.a_admin, op->id));
  EXPECT_EQ(done.state, OpState::kFailed);
  EXPECT_NE(done.error.find("refused"), std::string::npos) << done.error;
  Vm stayed = vm("vm-web-0");
  EXPECT_EQ(stayed.host_id, hosts[0].id.value);
  EXPECT_EQ(stayed.state, VmState::kRunning);
  EXPECT_NE(stayed.reason.find("vm.migrate failed"), std::string::npos);
  EXPECT_EQ(load(0), 3);
  EXPECT_EQ(load(1), 1);
}

TEST_F(Migration, MaintenanceDrainsAHostOnTheNextTickAndTheStrandedSayWhy) {
  must(env.set->compute.set_host_state(ops, hosts[0].id, HostState::kMaintenance, env.ctx));
  env.clock.advance(10 * kSecondMs);
  env.set->jobs.run_due();
  env.set->workers.wait_idle();
  EXPECT_EQ(vm("vm-web-0").host_id, hosts[1].id.value);
  EXPECT_EQ(vm("vm-web-0").state, VmState::kRunning);
  EXPECT_EQ(vm("vm-web-1").host_id, hosts[1].id.value);
  EXPECT_EQ(vm("vm-web-1").state, VmState::kStopped);
  // db-0 cannot join db-1 on h1 and may not leave pool-a/egov: it stays, and says why.
  Vm stranded = vm("vm-db-0");
  EXPECT_EQ(stranded.host_id, hosts[0].id.value);
  EXPECT_EQ(stranded.state, VmState::kRunning);
  EXPECT_NE(stranded.reason.find("maintenance"), std::string::npos) << stranded.reason;
  EXPECT_NE(stranded.reason.find("group"), std::string::npos) << stranded.reason;
  // A new host in the pool: the next tick moves it, without an operator.
  hosts.push_back(must(env.set->compute.register_host(
      ops, NewHost{"h4", "dc1", "pool-a", "egov", "sim", "sim://?cores=16&memory_gb=32", false},
      env.ctx)));
  env.clock.advance(10 * kSecondMs);
  env.set->jobs.run_due();
  env.set->workers.wait_idle();
  EXPECT_EQ(vm("vm-db-0").host_id, hosts[4].id.value);
  EXPECT_TRUE(vm("vm-db-0").reason.empty());
  EXPECT_EQ(load(0), 0);
  EXPECT_TRUE(sim.running_on(hosts[0].id).empty());
}

}  // namespace
}  // namespace govcloud
