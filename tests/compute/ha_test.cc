// HA at scale on the sim twin (issue 9 acceptance, CMP-13, CMP-14): 1,000 hosts hold 10,000
// VMs in anti-affinity groups of five; 50 hosts lose power. The heartbeat job fences them and,
// in the same tick, without an operator, every VM they held is placed elsewhere and restarted:
// none lost, none running twice (also once the dead hosts power back on), anti-affinity kept,
// the scheduler's counts equal what the VMs hold.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "compute/vms.h"
#include "drivers/sim/sim_compute.h"
#include "test_env.h"

namespace govcloud {
namespace {

using testing::Env;
using testing::must;

constexpr int kHosts = 1000;
constexpr int kVms = 10000;
constexpr int kGroupSize = 5;
constexpr int kKilled = 50;

struct Fleet {
  Env env;
  SimComputeDriver sim;
  Principal ops;
  std::vector<Host> hosts;
  std::vector<VmId> vms;

  Fleet() {
    env.build_tree();
    env.set->compute.add_driver(sim);
    User u = env.add_user(env.secadmin, "ops-1", env.root);
    env.grant(env.secadmin, u, Role::kOps, env.root);
    ops = env.login("ops-1");
    for (int i = 0; i < kHosts; ++i)
      hosts.push_back(must(
          env.set->compute.register_host(ops,
                                         NewHost{"h" + std::to_string(i), "dc1", "pool-a", "egov",
                                                 "sim", "sim://?cores=32&memory_gb=128", false},
                                         env.ctx)));
    seed_vms();
    // What a restarted server does: claims (and group members) are read back from the store.
    EXPECT_TRUE(env.set->vms.start().ok());
  }

  // 10,000 running VMs as provisioning leaves them: VM i on host i mod 1,000, so the five
  // members of each anti-affinity group sit on five different hosts.
  void seed_vms() {
    GuestNetwork net{"net-ha", env.vdc_a.id.value, "", "gcbrha", "10.99.0.0/24", "10.99.0.1", 0};
    Image img;
    img.id = "img-ha";
    img.name = "ha-guest";
    img.format = "qcow2";
    img.path = "/nonexistent/ha.qcow2";
    img.virtual_gb = 1;
    ASSERT_TRUE(env.store
                    ->transact([&](Tx& tx) -> Status {
                      tx.compute().insert_network(net);
                      tx.compute().insert_image(img);
                      for (int i = 0; i < kVms; ++i) {
                        Vm vm;
                        vm.id = VmId{"vm-ha-" + std::to_string(i)};
                        vm.name = "node-" + std::to_string(i);
                        vm.org_id = env.system_a.id.value;
                        vm.org_path = env.system_a.path;
                        vm.vdc_id = env.vdc_a.id.value;
                        vm.owner = "a-member";
                        vm.host_id = hosts[static_cast<std::size_t>(i % kHosts)].id.value;
                        vm.state = VmState::kRunning;
                        vm.vcpu = 2;
                        vm.memory_mb = 4096;
                        vm.disk_gb = 10;
                        vm.image_id = img.id;
                        vm.network_id = net.id;
                        vm.anti_affinity_group = "g" + std::to_string(i / kGroupSize);
                        tx.compute().insert_vm(vm);
                        vms.push_back(vm.id);
                      }
                      return ok_status();
                    })
                    .ok());
    for (int i = 0; i < kVms; ++i) {
      const Host& h = hosts[static_cast<std::size_t>(i % kHosts)];
      DomainSpec spec;
      spec.name = "gc-" + vms[static_cast<std::size_t>(i)].value;
      spec.vcpu = 2;
      spec.memory_mb = 4096;
      ASSERT_TRUE(sim.define(h, spec).ok());
      ASSERT_TRUE(sim.start(h, spec.name).ok());
    }
  }

  // Every guest running anywhere, by name → how many hosts run it.
  std::map<std::string, int> running_guests() const {
    std::map<std::string, int> out;
    for (const auto& h : hosts)
      for (const auto& name : sim.running_on(h.id)) out[name] += 1;
    return out;
  }
};

TEST(Ha, FencedHostsVmsRestartElsewhereKeepingAntiAffinityNoneLostNoneTwice) {
  Fleet f;
  ASSERT_EQ(f.running_guests().size(), static_cast<std::size_t>(kVms));
  std::set<std::string> dead;
  for (int i = 0; i < kKilled; ++i) {
    // Every 20th host: 50 hosts spread over the fleet, 500 VMs among them.
    const Host& h = f.hosts[static_cast<std::size_t>(i * (kHosts / kKilled))];
    f.sim.power_off(h.id);
    dead.insert(h.id.value);
  }

  // The heartbeat job runs every 10 s: three misses fence a host, and the same tick restarts
  // its VMs. Nobody calls anything else.
  for (int tick = 0; tick < ComputeService::kMissesBeforeFence; ++tick) {
    f.env.clock.advance(10 * kSecondMs);
    f.env.set->jobs.run_due();
  }
  TimeMs detected = f.env.clock.now();
  f.env.set->workers.wait_idle();

  for (const auto& id : dead)
    EXPECT_EQ(must(f.env.set->compute.get_host(f.ops, HostId{id})).state, HostState::kFenced);
  // Every VM runs, on a live host; the moved ones through one operation each, begun at the
  // moment of detection.
  std::map<std::string, std::set<std::string>> group_hosts;
  int moved = 0;
  for (const auto& id : f.vms) {
    Vm vm = must(f.env.set->vms.get(f.env.a_admin, id));
    ASSERT_EQ(vm.state, VmState::kRunning) << vm.id.value << ": " << vm.reason;
    EXPECT_FALSE(dead.count(vm.host_id)) << vm.id.value;
    group_hosts[vm.anti_affinity_group].insert(vm.host_id);
    auto ops = must(f.env.set->vms.operations_of(f.env.a_admin, id));
    if (ops.empty()) continue;
    ++moved;
    ASSERT_EQ(ops.size(), 1u);
    EXPECT_EQ(ops[0].kind, "vm.ha-restart");
    EXPECT_EQ(ops[0].state, OpState::kSucceeded) << ops[0].error;
    EXPECT_EQ(ops[0].created_at, detected);
  }
  EXPECT_EQ(moved, kVms / kHosts * kKilled);
  // Anti-affinity kept: each group's five VMs on five hosts.
  for (const auto& [group, on] : group_hosts)
    EXPECT_EQ(on.size(), static_cast<std::size_t>(kGroupSize)) << group;

  // None lost, none twice — also after the dead hosts have power again.
  for (const auto& id : dead) f.sim.set_reachable(HostId{id}, true);
  auto guests = f.running_guests();
  EXPECT_EQ(guests.size(), static_cast<std::size_t>(kVms));
  for (const auto& [name, count] : guests) EXPECT_EQ(count, 1) << name;

  // The scheduler counts what the VMs hold: 10,000 VMs on the 950 live hosts, none on the dead.
  int counted = 0;
  for (const auto& h : f.hosts) {
    auto load = f.env.set->compute.scheduler().load(h.id);
    ASSERT_TRUE(load.has_value());
    if (dead.count(h.id.value)) {
      EXPECT_EQ(load->vms, 0) << h.name;
    }
    counted += load->vms;
  }
  EXPECT_EQ(counted, kVms);
  // A fenced host stays out until a person brings it back; the audit shows each restart.
  AuditQuery q;
  q.action_prefix = "vm.ha-restart";
  EXPECT_EQ(must(f.env.audit->query(f.env.auditor, q)).total, 2 * moved);
}

TEST(Ha, AVmWithNowhereToGoIsInErrorWithTheReasonAndHoldsNoHost) {
  Env env;
  env.build_tree();
  SimComputeDriver sim;
  env.set->compute.add_driver(sim);
  User u = env.add_user(env.secadmin, "ops-1", env.root);
  env.grant(env.secadmin, u, Role::kOps, env.root);
  Principal ops = env.login("ops-1");
  // Two hosts; a group of two on them: when one dies the other already holds a member.
  std::vector<Host> hosts;
  for (int i = 0; i < 2; ++i)
    hosts.push_back(must(env.set->compute.register_host(
        ops, NewHost{"h" + std::to_string(i), "dc1", "pool-a", "egov", "sim", "sim://", false},
        env.ctx)));
  ASSERT_TRUE(env.store
                  ->transact([&](Tx& tx) -> Status {
                    tx.compute().insert_network(GuestNetwork{
                        "net-x", env.vdc_a.id.value, "", "gcbrx", "10.98.0.0/24", "10.98.0.1", 0});
                    Image img;
                    img.id = "img-x";
                    img.name = "x";
                    img.format = "qcow2";
                    tx.compute().insert_image(img);
                    for (int i = 0; i < 2; ++i) {
                      Vm vm;
                      vm.id = VmId{"vm-x-" + std::to_string(i)};
                      vm.name = "db-" + std::to_string(i);
                      vm.org_id = env.system_a.id.value;
                      vm.org_path = env.system_a.path;
                      vm.vdc_id = env.vdc_a.id.value;
                      vm.host_id = hosts[static_cast<std::size_t>(i)].id.value;
                      vm.state = VmState::kRunning;
                      vm.vcpu = 1;
                      vm.memory_mb = 1024;
                      vm.disk_gb = 1;
                      vm.image_id = "img-x";
                      vm.network_id = "net-x";
                      vm.anti_affinity_group = "db";
                      tx.compute().insert_vm(vm);
                    }
                    return ok_status();
                  })
                  .ok());
  ASSERT_TRUE(env.set->vms.start().ok());
  sim.power_off(hosts[0].id);
  for (int tick = 0; tick < ComputeService::kMissesBeforeFence; ++tick) {
    env.clock.advance(10 * kSecondMs);
    env.set->jobs.run_due();
  }
  env.set->workers.wait_idle();
  Vm stranded = must(env.set->vms.get(env.a_admin, VmId{"vm-x-0"}));
  EXPECT_EQ(stranded.state, VmState::kError);
  EXPECT_TRUE(stranded.host_id.empty());
  EXPECT_NE(stranded.reason.find("already holding a member of group"), std::string::npos)
      << stranded.reason;
  auto ops_of = must(env.set->vms.operations_of(env.a_admin, stranded.id));
  ASSERT_EQ(ops_of.size(), 1u);
  EXPECT_EQ(ops_of[0].state, OpState::kFailed);
  // Not tried again on every tick, and the survivor was never touched.
  env.clock.advance(10 * kSecondMs);
  env.set->jobs.run_due();
  EXPECT_EQ(must(env.set->vms.operations_of(env.a_admin, stranded.id)).size(), 1u);
  EXPECT_EQ(must(env.set->vms.get(env.a_admin, VmId{"vm-x-1"})).state, VmState::kRunning);
  EXPECT_EQ(env.set->compute.scheduler().load(hosts[0].id)->vms, 0);
  // Its owner can still delete it: the quota and address go back through its own lifecycle.
  VmActionInput remove;
  remove.action = VmAction::kDelete;
  auto del = env.set->vms.act(env.a_admin, stranded.id, remove, env.ctx);
  ASSERT_TRUE(del.ok()) << del.error().message;
  env.set->workers.wait_idle();
  EXPECT_EQ(must(env.set->vms.get(env.a_admin, stranded.id)).state, VmState::kDeleted);
}

}  // namespace
}  // namespace govcloud
