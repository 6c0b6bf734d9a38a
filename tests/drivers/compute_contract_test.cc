// One contract for every compute driver (decision 0010): the sim twin and the real libvirt
// driver must answer the same calls the same way, idempotency included, so tests that use the
// twin say something about the real engine. Each driver joins by adding its factory below.
#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <ostream>

#include "compute/compute.h"
#include "drivers/sim/sim_compute.h"

namespace govcloud {
namespace {

struct DriverUnderTest {
  std::string name;
  std::function<std::unique_ptr<ComputeDriver>()> make;
  std::function<Host()> host;
};

void PrintTo(const DriverUnderTest& d, std::ostream* os) {
  *os << d.name;
}

Host sim_host() {
  Host h;
  h.id = HostId{"sim-1"};
  h.name = "sim-1";
  h.arch = Arch::kX86;
  h.cpu_model = "sim";
  h.cpu_mhz = 2400;
  h.cores = 8;
  h.memory_mb = 32768;
  h.driver = "sim";
  h.uri = "sim://";
  return h;
}

class ComputeContract : public ::testing::TestWithParam<DriverUnderTest> {
 protected:
  void SetUp() override {
    driver = GetParam().make();
    host = GetParam().host();
  }
  DomainSpec spec(const std::string& name) {
    DomainSpec s;
    s.name = name;
    s.uuid = "00000000-0000-4000-8000-000000000001";
    s.vcpu = 1;
    s.memory_mb = 128;
    s.disk_gb = 1;
    return s;
  }
  std::unique_ptr<ComputeDriver> driver;
  Host host;
};

TEST_P(ComputeContract, ProbeReportsTheHost) {
  auto r = driver->probe(host);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_GT(r->cores, 0);
  EXPECT_GT(r->memory_mb, 0);
  EXPECT_EQ(r->arch, host.arch);
}

TEST_P(ComputeContract, DefineStartStopRemoveAreIdempotent) {
  auto s = spec("gc-contract-1");
  ASSERT_TRUE(driver->define(host, s).ok());
  ASSERT_TRUE(driver->define(host, s).ok());  // again: the same guest
  auto info = driver->inspect(host, s.name);
  ASSERT_TRUE(info.ok()) << info.error().message;
  EXPECT_EQ(info->state, DomainState::kShutOff);
  EXPECT_EQ(info->vcpu, 1);
  EXPECT_EQ(info->memory_mb, 128);
  ASSERT_TRUE(driver->start(host, s.name).ok());
  ASSERT_TRUE(driver->start(host, s.name).ok());
  EXPECT_EQ(driver->inspect(host, s.name)->state, DomainState::kRunning);
  ASSERT_TRUE(driver->stop(host, s.name, true).ok());
  ASSERT_TRUE(driver->stop(host, s.name, true).ok());
  EXPECT_EQ(driver->inspect(host, s.name)->state, DomainState::kShutOff);
  ASSERT_TRUE(driver->remove(host, s.name, false).ok());
  ASSERT_TRUE(driver->remove(host, s.name, false).ok());
  EXPECT_EQ(driver->inspect(host, s.name).error().code, ErrorCode::kNotFound);
}

TEST_P(ComputeContract, ADifferentGuestUnderATakenNameIsAConflict) {
  auto s = spec("gc-contract-2");
  ASSERT_TRUE(driver->define(host, s).ok());
  auto bigger = s;
  bigger.memory_mb = 256;
  EXPECT_EQ(driver->define(host, bigger).error().code, ErrorCode::kConflict);
  ASSERT_TRUE(driver->remove(host, s.name, false).ok());
}

TEST_P(ComputeContract, ProbeListsTheGuests) {
  auto s = spec("gc-contract-3");
  ASSERT_TRUE(driver->define(host, s).ok());
  auto r = driver->probe(host);
  ASSERT_TRUE(r.ok());
  bool seen = false;
  for (const auto& d : r->domains) seen |= d.name == s.name;
  EXPECT_TRUE(seen);
  ASSERT_TRUE(driver->remove(host, s.name, false).ok());
}

TEST_P(ComputeContract, ImpossibleSpecsAreRefused) {
  auto s = spec("gc-contract-4");
  s.vcpu = 0;
  EXPECT_EQ(driver->define(host, s).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(driver->start(host, "gc-never-defined").error().code, ErrorCode::kNotFound);
}

INSTANTIATE_TEST_SUITE_P(Drivers, ComputeContract,
                         ::testing::Values(DriverUnderTest{
                             "sim", [] { return std::make_unique<SimComputeDriver>(); }, sim_host}),
                         [](const ::testing::TestParamInfo<DriverUnderTest>& info) {
                           return info.param.name;
                         });

// Faults only the twin can inject: they are what HA and reconciler tests rely on.
TEST(SimCompute, FaultsAreInjectable) {
  SimComputeDriver sim;
  Host h = sim_host();
  DomainSpec s;
  s.name = "gc-fault";
  s.vcpu = 1;
  s.memory_mb = 64;
  sim.fail_next(h.id, "libvirt: internal error");
  EXPECT_EQ(sim.define(h, s).error().message, "libvirt: internal error");
  EXPECT_TRUE(sim.define(h, s).ok());
  sim.set_reachable(h.id, false);
  EXPECT_FALSE(sim.probe(h).ok());
  sim.set_reachable(h.id, true);
  sim.set_state_behind_our_back(h.id, s.name, DomainState::kCrashed);
  EXPECT_EQ(sim.inspect(h, s.name)->state, DomainState::kCrashed);
  EXPECT_TRUE(sim.remove(h, s.name, true).ok());
  EXPECT_TRUE(sim.wiped(s.name));
}

}  // namespace
}  // namespace govcloud
