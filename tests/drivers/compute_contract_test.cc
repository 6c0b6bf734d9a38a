// One contract for every compute driver (decision 0010): the sim twin and the real libvirt
// driver must answer the same calls the same way, idempotency included, so tests that use the
// twin say something about the real engine. Each driver joins by adding its factory below.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <ostream>
#include <thread>

#include "compute/compute.h"
#include "drivers/sim/sim_compute.h"
#ifdef GOVCLOUD_LIBVIRT_CONTRACT
#include <unistd.h>

#include <chrono>
#include <thread>

#include "drivers/libvirt/libvirt_compute.h"
#endif

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

#ifndef GOVCLOUD_LIBVIRT_CONTRACT
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
#endif

#ifdef GOVCLOUD_LIBVIRT_CONTRACT
// This machine as a libvirt host (root only: the test starts libvirtd and virtlogd when they
// are not running). QEMU runs the contract's guests under TCG; they sit in the firmware.
bool libvirt_ready() {
  if (::geteuid() != 0) return false;
  if (!LibvirtComputeDriver::reachable("qemu:///system")) {
    (void)std::system("pgrep -x virtlogd >/dev/null || virtlogd -d");
    (void)std::system("pgrep -x libvirtd >/dev/null || libvirtd -d");
    for (int i = 0; i < 100 && !LibvirtComputeDriver::reachable("qemu:///system"); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(100));  // the daemon's own start
  }
  return LibvirtComputeDriver::reachable("qemu:///system");
}

Host libvirt_host() {
  Host h;
  h.id = HostId{"this-machine"};
  h.name = "this-machine";
  h.arch = Arch::kX86;
  h.driver = "libvirt";
  h.uri = "qemu:///system";
  return h;
}

std::unique_ptr<ComputeDriver> make_libvirt() {
  LibvirtOptions o;
  o.pool_dir = "/var/tmp/govcloud-contract-pool";
  o.console_dir = "/var/tmp/govcloud-contract-consoles";
  o.stop_timeout = std::chrono::seconds(5);
  return std::make_unique<LibvirtComputeDriver>(o);
}
#endif

class ComputeContract : public ::testing::TestWithParam<DriverUnderTest> {
 protected:
  void SetUp() override {
#ifdef GOVCLOUD_LIBVIRT_CONTRACT
    if (!libvirt_ready()) GTEST_SKIP() << "libvirtd is not reachable as root at qemu:///system";
#endif
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

TEST_P(ComputeContract, SnapshotsRevertAndDeleteAreIdempotent) {
  auto s = spec("gc-contract-5");
  ASSERT_TRUE(driver->define(host, s).ok());
  ASSERT_TRUE(driver->start(host, s.name).ok());
  auto taken = driver->snapshot(host, s.name, "snap-a");
  ASSERT_TRUE(taken.ok()) << taken.error().message;
  ASSERT_TRUE(driver->snapshot(host, s.name, "snap-a").ok());
  ASSERT_TRUE(driver->stop(host, s.name, true).ok());
  // Taken running, so reverting to it leaves the guest running.
  auto reverted = driver->revert(host, s.name, "snap-a");
  ASSERT_TRUE(reverted.ok()) << reverted.error().message;
  EXPECT_EQ(driver->inspect(host, s.name)->state, DomainState::kRunning);
  EXPECT_EQ(driver->revert(host, s.name, "snap-none").error().code, ErrorCode::kNotFound);
  ASSERT_TRUE(driver->delete_snapshot(host, s.name, "snap-a").ok());
  ASSERT_TRUE(driver->delete_snapshot(host, s.name, "snap-a").ok());
  EXPECT_EQ(driver->revert(host, s.name, "snap-a").error().code, ErrorCode::kNotFound);
  ASSERT_TRUE(driver->remove(host, s.name, false).ok());
}

TEST_P(ComputeContract, ResizeNeedsAShutOffGuestAndNeverShrinksTheDisk) {
  auto s = spec("gc-contract-6");
  ASSERT_TRUE(driver->define(host, s).ok());
  auto grown = driver->resize(host, s.name, 2, 256, 2);
  ASSERT_TRUE(grown.ok()) << grown.error().message;
  ASSERT_TRUE(driver->resize(host, s.name, 2, 256, 2).ok());
  auto info = driver->inspect(host, s.name);
  EXPECT_EQ(info->vcpu, 2);
  EXPECT_EQ(info->memory_mb, 256);
  EXPECT_EQ(driver->resize(host, s.name, 2, 256, 1).error().code, ErrorCode::kConflict);
  ASSERT_TRUE(driver->resize(host, s.name, 1, 128, 2).ok());  // smaller again, but the disk
  EXPECT_EQ(driver->inspect(host, s.name)->vcpu, 1);
  ASSERT_TRUE(driver->start(host, s.name).ok());
  EXPECT_EQ(driver->resize(host, s.name, 2, 256, 2).error().code, ErrorCode::kConflict);
  ASSERT_TRUE(driver->stop(host, s.name, true).ok());
  ASSERT_TRUE(driver->remove(host, s.name, false).ok());
}

TEST_P(ComputeContract, CloneCopiesAShutOffGuest) {
  auto src = spec("gc-contract-7");
  auto copy = spec("gc-contract-8");
  copy.uuid = "00000000-0000-4000-8000-000000000002";
  ASSERT_TRUE(driver->define(host, src).ok());
  auto cloned = driver->clone(host, src.name, copy);
  ASSERT_TRUE(cloned.ok()) << cloned.error().message;
  ASSERT_TRUE(driver->clone(host, src.name, copy).ok());
  EXPECT_EQ(driver->inspect(host, copy.name)->state, DomainState::kShutOff);
  ASSERT_TRUE(driver->start(host, src.name).ok());
  auto other = spec("gc-contract-9");
  other.uuid = "00000000-0000-4000-8000-000000000003";
  EXPECT_EQ(driver->clone(host, src.name, other).error().code, ErrorCode::kConflict);
  EXPECT_EQ(driver->clone(host, "gc-never-defined", other).error().code, ErrorCode::kNotFound);
  ASSERT_TRUE(driver->stop(host, src.name, true).ok());
  ASSERT_TRUE(driver->remove(host, src.name, false).ok());
  ASSERT_TRUE(driver->remove(host, copy.name, false).ok());
}

// The serial console opens on a running guest only; close() is idempotent, ends the sink once
// and nothing reaches the sink after it.
TEST_P(ComputeContract, ConsoleOpensOnARunningGuestOnly) {
  auto s = spec("gc-contract-10");
  ASSERT_TRUE(driver->define(host, s).ok());
  std::atomic<int> ended{0};
  std::atomic<bool> after_close{false};
  std::atomic<int> late_output{0};
  auto sink = [&] {
    return ConsoleSink{[&](const std::string&) {
                         if (after_close) ++late_output;
                       },
                       [&](const std::string&) { ++ended; }};
  };
  EXPECT_EQ(driver->open_console(host, s.name, ConsoleKind::kSerial, sink()).error().code,
            ErrorCode::kConflict);
  EXPECT_EQ(
      driver->open_console(host, "gc-never-defined", ConsoleKind::kSerial, sink()).error().code,
      ErrorCode::kNotFound);
  ASSERT_TRUE(driver->start(host, s.name).ok());
  auto console = driver->open_console(host, s.name, ConsoleKind::kSerial, sink());
  ASSERT_TRUE(console.ok()) << console.error().message;
  EXPECT_TRUE((*console)->write("\r").ok());
  (*console)->close();
  after_close = true;
  (*console)->close();
  EXPECT_EQ(ended, 1);
  EXPECT_FALSE((*console)->write("x").ok());
  console->reset();
  EXPECT_EQ(late_output, 0);
  // The screen speaks RFB from its first bytes, as noVNC expects.
  std::mutex mu;
  std::string screen_bytes;
  auto screen = driver->open_console(host, s.name, ConsoleKind::kVnc,
                                     ConsoleSink{[&](const std::string& b) {
                                                   std::lock_guard lock(mu);
                                                   screen_bytes += b;
                                                 },
                                                 [](const std::string&) {}});
  ASSERT_TRUE(screen.ok()) << screen.error().message;
  for (int i = 0; i < 100; ++i) {  // a real server answers in its own time: bounded, 5 s
    {
      std::lock_guard lock(mu);
      if (screen_bytes.size() >= 12) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  (*screen)->close();
  EXPECT_EQ(screen_bytes.substr(0, 4), "RFB ");
  ASSERT_TRUE(driver->stop(host, s.name, true).ok());
  ASSERT_TRUE(driver->remove(host, s.name, false).ok());
}

#ifdef GOVCLOUD_LIBVIRT_CONTRACT
INSTANTIATE_TEST_SUITE_P(Drivers, ComputeContract,
                         ::testing::Values(DriverUnderTest{"libvirt", make_libvirt, libvirt_host}),
                         [](const ::testing::TestParamInfo<DriverUnderTest>& info) {
                           return info.param.name;
                         });
#else
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
#endif

}  // namespace
}  // namespace govcloud
