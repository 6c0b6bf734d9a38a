// The scheduler: every filter, every policy, concurrent placements, explained refusals.
// Requirements CMP-06, 07, 08, 09, 13, 17, 18, 20.
#include "compute/scheduler.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace govcloud {
namespace {

Host host(const std::string& id, int cores, std::int64_t memory_gb, Arch arch = Arch::kX86,
          const std::string& pool = "p1") {
  Host h;
  h.id = HostId{id};
  h.name = id;
  h.site = "dc1";
  h.pool = pool;
  h.domain = "egov";
  h.arch = arch;
  h.cpu_mhz = 2400;
  h.cores = cores;
  h.memory_mb = memory_gb * 1024;
  h.driver = "sim";
  return h;
}

Demand vm(int vcpu, std::int64_t memory_gb) {
  Demand d;
  d.vcpu = vcpu;
  d.memory_mb = memory_gb * 1024;
  return d;
}

std::string placed(Scheduler& s, const Demand& d, const std::string& name = "vm") {
  auto p = s.place(d, name);
  EXPECT_TRUE(p.ok()) << (p.ok() ? "" : p.error().message);
  return p.ok() ? p->host.value : "";
}

TEST(Scheduler, ArchitectureIsAFilterAndARefusalSaysSo) {  // CMP-06
  Scheduler s;
  s.put_host(host("x1", 8, 32, Arch::kX86));
  s.put_host(host("a1", 8, 32, Arch::kArm));
  Demand d = vm(2, 4);
  d.arch = Arch::kArm;
  EXPECT_EQ(placed(s, d), "a1");
  d.arch = Arch::kC86;
  auto none = s.place(d, "vm");
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().code, ErrorCode::kConflict);
  EXPECT_NE(none.error().message.find("c86"), std::string::npos) << none.error().message;
  EXPECT_NE(none.error().message.find("2 in another architecture, pool, site or domain"),
            std::string::npos)
      << none.error().message;
}

TEST(Scheduler, PoolSiteAndDomainAreFilters) {
  Scheduler s;
  Host a = host("a", 8, 32, Arch::kX86, "p1");
  Host b = host("b", 8, 32, Arch::kX86, "p2");
  b.domain = "internet";
  Host c = host("c", 8, 32, Arch::kX86, "p2");
  c.site = "dc2";
  for (const auto& h : {a, b, c}) s.put_host(h);
  Demand d = vm(1, 1);
  d.pool = "p2";
  d.domain = "internet";
  EXPECT_EQ(placed(s, d), "b");
  d.domain.clear();
  d.site = "dc2";
  EXPECT_EQ(placed(s, d), "c");
}

TEST(Scheduler, VcpuOvercommitIsAtMostFourToOnePerPool) {  // CMP-08
  Scheduler s;
  s.put_host(host("h", 4, 512));  // 4 cores: 16 vCPU at 4:1
  for (int i = 0; i < 4; ++i) placed(s, vm(4, 1));
  auto refused = s.place(vm(1, 1), "vm");
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("closest: host h lacks 1 vCPU"), std::string::npos)
      << refused.error().message;
  EXPECT_FALSE(s.set_overcommit("p1", 500).ok());  // beyond 4:1 is refused
  ASSERT_TRUE(s.set_overcommit("p1", 200).ok());   // 2:1 → 8 vCPU: already over, nothing fits
  EXPECT_FALSE(s.place(vm(1, 1), "vm").ok());
  EXPECT_EQ(s.overcommit("p1"), 200);
  EXPECT_EQ(s.overcommit("other"), 400);
}

TEST(Scheduler, MemoryIsNeverOvercommitted) {  // CMP-09
  Scheduler s;
  s.put_host(host("h", 64, 16));
  placed(s, vm(1, 10));
  auto refused = s.place(vm(1, 7), "vm");
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("lacks 1 GB memory"), std::string::npos)
      << refused.error().message;
  placed(s, vm(1, 6));
  EXPECT_EQ(s.load(HostId{"h"})->memory_mb, 16 * 1024);
}

TEST(Scheduler, CpuFrequencyFloorExcludesSlowHosts) {  // CMP-07
  Scheduler s;
  Host slow = host("slow", 64, 256);
  slow.cpu_mhz = 2000;
  Host fast = host("fast", 8, 32);
  fast.cpu_mhz = 2600;
  s.put_host(slow);
  s.put_host(fast);
  Demand d = vm(1, 1);
  d.min_cpu_mhz = 2400;
  EXPECT_EQ(placed(s, d), "fast");
  d.min_cpu_mhz = 3000;
  auto refused = s.place(d, "vm");
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("2 below the CPU frequency floor"), std::string::npos);
}

TEST(Scheduler, AcceleratorsByClassAndCountAreHandedOutAndBack) {  // CMP-17, 18
  Scheduler s;
  Host g = host("gpu-host", 32, 256);
  g.accelerators = {{"0000:3b:00.0", "gpu-16g", "T4", 16},
                    {"0000:3c:00.0", "gpu-16g", "T4", 16},
                    {"0000:5e:00.0", "npu-24g", "Atlas", 24}};
  s.put_host(g);
  s.put_host(host("plain", 32, 256));
  Demand d = vm(4, 16);
  d.accelerator_class = "gpu-16g";
  d.accelerators = 2;
  auto p = s.place(d, "vm1");
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_EQ(p->host.value, "gpu-host");
  EXPECT_EQ(p->accelerators.size(), 2u);
  d.accelerators = 1;
  auto none = s.place(d, "vm2");
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.error().message.find("without free gpu-16g"), std::string::npos)
      << none.error().message;
  Demand taken = d;
  taken.accelerators = 2;
  s.release(p->host, taken, "vm1", p->accelerators);
  EXPECT_TRUE(s.place(d, "vm2").ok());
  // Re-registering the host keeps handed-out devices handed out.
  s.put_host(g, *s.load(HostId{"gpu-host"}));
  d.accelerators = 2;
  EXPECT_FALSE(s.place(d, "vm3").ok());
}

TEST(Scheduler, HostsThatAreNotUpTakeNothing) {
  Scheduler s;
  s.put_host(host("a", 8, 32));
  s.put_host(host("b", 8, 32));
  s.set_state(HostId{"a"}, HostState::kMaintenance);
  s.set_state(HostId{"b"}, HostState::kFenced);
  auto refused = s.place(vm(1, 1), "vm");
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("2 down, fenced or in maintenance"), std::string::npos);
  s.set_state(HostId{"b"}, HostState::kUp);
  EXPECT_EQ(placed(s, vm(1, 1)), "b");
}

TEST(Scheduler, PackFillsTheFullestHostSpreadTheEmptiest) {
  for (auto policy : {PlacementPolicy::kPack, PlacementPolicy::kSpread}) {
    Scheduler s(policy);
    s.put_host(host("a", 16, 64));
    s.put_host(host("b", 16, 64));
    s.put_host(host("c", 16, 64));
    std::set<std::string> used;
    for (int i = 0; i < 3; ++i) used.insert(placed(s, vm(1, 8)));
    EXPECT_EQ(used.size(), policy == PlacementPolicy::kPack ? 1u : 3u) << policy_name(policy);
  }
}

TEST(Scheduler, LoadAwarePicksTheLeastVcpuLoadedHost) {
  Scheduler s(PlacementPolicy::kLoadAware);
  s.put_host(host("busy", 4, 64), HostLoad{12, 8 * 1024, 0, 3});
  s.put_host(host("idle", 4, 16), HostLoad{2, 8 * 1024, 0, 1});
  // Spread would choose "busy" (more free memory); load-aware chooses the idle CPU.
  EXPECT_EQ(placed(s, vm(1, 1)), "idle");
}

TEST(Scheduler, HardAntiAffinityPutsEveryMemberOnItsOwnHost) {  // CMP-13
  Scheduler s(PlacementPolicy::kPack);
  for (const char* id : {"h1", "h2", "h3"}) s.put_host(host(id, 32, 256));
  Demand d = vm(2, 4);
  d.group = "web";
  d.rule = GroupRule::kAntiAffinity;
  std::set<std::string> hosts;
  for (int i = 0; i < 3; ++i) hosts.insert(placed(s, d, "web-" + std::to_string(i)));
  EXPECT_EQ(hosts.size(), 3u);
  auto fourth = s.place(d, "web-3");
  ASSERT_FALSE(fourth.ok());
  EXPECT_NE(fourth.error().message.find("3 already holding a member of group web"),
            std::string::npos)
      << fourth.error().message;
  d.hard = false;  // a soft rule bends when it must
  EXPECT_TRUE(s.place(d, "web-3").ok());
}

TEST(Scheduler, HardAffinityKeepsMembersTogether) {  // CMP-13
  Scheduler s(PlacementPolicy::kSpread);
  for (const char* id : {"h1", "h2", "h3"}) s.put_host(host(id, 8, 16));
  Demand d = vm(2, 6);
  d.group = "db";
  d.rule = GroupRule::kAffinity;
  std::string first = placed(s, d, "db-0");
  EXPECT_EQ(placed(s, d, "db-1"), first);  // spread would have chosen another host
  auto third = s.place(d, "db-2");         // the group's host is full
  ASSERT_FALSE(third.ok());
  EXPECT_NE(third.error().message.find("outside group db"), std::string::npos);
  d.hard = false;
  EXPECT_NE(placed(s, d, "db-2"), first);
}

TEST(Scheduler, BareMetalServersAreRentedWhole) {  // CMP-20
  Scheduler s;
  Host bm = host("bm1", 32, 128);
  bm.bare_metal = true;
  s.put_host(bm);
  s.put_host(host("hv", 32, 128));
  Demand whole;
  whole.bare_metal = true;
  EXPECT_EQ(placed(s, whole, "tenant-a"), "bm1");
  auto again = s.place(whole, "tenant-b");
  ASSERT_FALSE(again.ok());
  EXPECT_NE(again.error().message.find("closest: host bm1 is rented out"), std::string::npos)
      << again.error().message;
  EXPECT_EQ(placed(s, vm(2, 4)), "hv");  // VMs never land on a bare-metal server
}

TEST(Scheduler, BadDemandsAreRefusedNotPlaced) {
  Scheduler s;
  s.put_host(host("h", 8, 32));
  EXPECT_EQ(s.place(vm(0, 1), "vm").error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(s.place(vm(-1, 1), "vm").error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(s.place(vm(1, -4), "vm").error().code, ErrorCode::kInvalidArgument);
  auto huge = s.place(vm(1, 1 << 20), "vm");
  EXPECT_EQ(huge.error().code, ErrorCode::kConflict);
  EXPECT_EQ(s.load(HostId{"h"})->vms, 0);
}

TEST(Scheduler, ConcurrentPlacementsNeverDoubleBook) {
  Scheduler s(PlacementPolicy::kSpread);
  for (int i = 0; i < 20; ++i) s.put_host(host("h" + std::to_string(i), 4, 16));  // 16 vCPU
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i)  // 1,600 attempts for 20 × 8 = 160 places
        if (s.place(vm(2, 2), "vm-" + std::to_string(t) + "-" + std::to_string(i)).ok()) ++ok;
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(ok.load(), 160);
  for (int i = 0; i < 20; ++i) {
    auto l = *s.load(HostId{"h" + std::to_string(i)});
    EXPECT_LE(l.vcpu, 16);
    EXPECT_LE(l.memory_mb, 16 * 1024);
  }
}

TEST(Scheduler, PlaceOnAppliesTheSameFilters) {
  Scheduler s;
  s.put_host(host("a", 2, 8));
  s.put_host(host("b", 2, 8, Arch::kArm));
  EXPECT_TRUE(s.place_on(HostId{"a"}, vm(8, 4), "vm").ok());
  EXPECT_FALSE(s.place_on(HostId{"a"}, vm(1, 8), "vm").ok());  // memory is full enough
  Demand arm = vm(1, 1);
  arm.arch = Arch::kX86;
  EXPECT_FALSE(s.place_on(HostId{"b"}, arm, "vm").ok());
  EXPECT_EQ(s.place_on(HostId{"zz"}, vm(1, 1), "vm").error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace govcloud
