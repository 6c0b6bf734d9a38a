// One contract for every storage driver (decision 0011): the sim twin and the real libvirt
// directory-pool driver answer the same calls the same way, idempotency included, so the
// storage tests that run on the twin say something about the real engine.
#include <gtest/gtest.h>

#include <cstdlib>
#include <functional>
#include <memory>
#include <ostream>

#include "drivers/sim/sim_compute.h"
#include "drivers/sim/sim_storage.h"
#include "storage/storage.h"
#ifdef GOVCLOUD_LIBVIRT_CONTRACT
#include <unistd.h>

#include <chrono>
#include <thread>

#include "drivers/libvirt/libvirt_compute.h"
#include "drivers/libvirt/libvirt_storage.h"
#endif

namespace govcloud {
namespace {

// A compute driver (for the guests disks go on) and the storage driver under test.
struct Engines {
  std::unique_ptr<ComputeDriver> compute;
  std::unique_ptr<StorageDriver> storage;
};

struct DriverUnderTest {
  std::string name;
  std::function<Engines()> make;
  std::function<Host()> host;
};

void PrintTo(const DriverUnderTest& d, std::ostream* os) {
  *os << d.name;
}

#ifdef GOVCLOUD_LIBVIRT_CONTRACT
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

Host this_machine() {
  Host h;
  h.id = HostId{"this-machine"};
  h.name = "this-machine";
  h.arch = Arch::kX86;
  h.driver = "libvirt";
  h.uri = "qemu:///system";
  return h;
}

Engines make_libvirt() {
  LibvirtOptions o;
  o.pool_dir = "/var/tmp/govcloud-storage-contract";
  o.console_dir = "/var/tmp/govcloud-storage-contract-consoles";
  o.stop_timeout = std::chrono::seconds(5);
  auto compute = std::make_unique<LibvirtComputeDriver>(o);
  auto storage = std::make_unique<LibvirtStorageDriver>(*compute);
  return Engines{std::move(compute), std::move(storage)};
}
#else
Host sim_host() {
  Host h;
  h.id = HostId{"sim-1"};
  h.name = "sim-1";
  h.arch = Arch::kX86;
  h.cores = 8;
  h.memory_mb = 32768;
  h.driver = "sim";
  h.uri = "sim://";
  return h;
}

Engines make_sim() {
  auto compute = std::make_unique<SimComputeDriver>();
  auto storage = std::make_unique<SimStorageDriver>(*compute);
  return Engines{std::move(compute), std::move(storage)};
}
#endif

class StorageContract : public ::testing::TestWithParam<DriverUnderTest> {
 protected:
  void SetUp() override {
#ifdef GOVCLOUD_LIBVIRT_CONTRACT
    if (!libvirt_ready()) GTEST_SKIP() << "libvirtd is not reachable as root at qemu:///system";
#endif
    engines = GetParam().make();
    host = GetParam().host();
    // What an interrupted earlier run left on a real engine.
    for (const char* g : {"gc-scontract-a", "gc-scontract-b", "gc-scontract-c", "gc-scontract-d"}) {
      (void)compute().stop(host, g, true);
      (void)compute().remove(host, g, false);
    }
    for (int i = 1; i <= 8; ++i)
      for (bool shareable : {false, true})
        (void)storage().delete_volume(
            host, volume("gcv-contract-" + std::to_string(i), 1, shareable), false, {});
  }
  StorageDriver& storage() {
    return *engines.storage;
  }
  ComputeDriver& compute() {
    return *engines.compute;
  }
  static VolumeSpec volume(const std::string& name, std::int64_t gb = 1, bool shareable = false) {
    return VolumeSpec{name, "normal", gb, shareable};
  }
  // A shut-off guest to put disks on.
  std::string guest(const std::string& name, const std::string& uuid_tail) {
    DomainSpec s;
    s.name = name;
    s.uuid = "00000000-0000-4000-8000-0000000000" + uuid_tail;
    s.vcpu = 1;
    s.memory_mb = 128;
    s.disk_gb = 1;
    EXPECT_TRUE(compute().define(host, s).ok());
    return name;
  }
  static DiskSpec disk(const VolumeSpec& v, const std::string& domain, const std::string& target) {
    return DiskSpec{v, domain, target, IoLimits{3000, 150 << 20}};
  }
  std::vector<EngineDisk> disks_of(const std::string& domain) {
    auto all = storage().disks(host);
    EXPECT_TRUE(all.ok()) << all.error().message;
    std::vector<EngineDisk> out;
    for (const auto& d : all.value())
      if (d.domain == domain) out.push_back(d);
    return out;
  }
  Engines engines;
  Host host;
};

TEST_P(StorageContract, CreateGrowAndDeleteAreIdempotentAndNeverShrink) {
  auto v = volume("gcv-contract-1");
  ASSERT_TRUE(storage().create_volume(host, v).ok());
  ASSERT_TRUE(storage().create_volume(host, v).ok());  // again: the same volume
  EXPECT_EQ(storage().create_volume(host, volume(v.name, 3)).error().code, ErrorCode::kConflict);
  auto grown = volume(v.name, 2);
  auto g = storage().grow_volume(host, grown, {});
  ASSERT_TRUE(g.ok()) << g.error().message;
  ASSERT_TRUE(storage().grow_volume(host, grown, {}).ok());
  EXPECT_EQ(storage().grow_volume(host, volume(v.name, 1), {}).error().code, ErrorCode::kConflict);
  int last = -1;
  auto del = storage().delete_volume(host, grown, true, [&](int p) { last = p; });
  ASSERT_TRUE(del.ok()) << del.error().message;
  EXPECT_EQ(last, 100);  // a secure delete reports its progress to the end
  ASSERT_TRUE(storage().delete_volume(host, grown, false, {}).ok());
  EXPECT_EQ(storage().grow_volume(host, grown, {}).error().code, ErrorCode::kNotFound);
}

TEST_P(StorageContract, AttachAndDetachAreIdempotentAndShowInTheEnginesDisks) {
  auto v = volume("gcv-contract-2");
  ASSERT_TRUE(storage().create_volume(host, v).ok());
  std::string g = guest("gc-scontract-a", "21");
  auto d = disk(v, g, "vdb");
  auto a = storage().attach(host, d);
  ASSERT_TRUE(a.ok()) << a.error().message;
  ASSERT_TRUE(storage().attach(host, d).ok());
  auto seen = disks_of(g);
  ASSERT_EQ(seen.size(), 1U);
  EXPECT_EQ(seen[0].volume, v.name);
  EXPECT_EQ(seen[0].target, "vdb");
  EXPECT_EQ(seen[0].limits, d.limits);
  // New limits reach the disk.
  d.limits = IoLimits{2500, 100 << 20};
  ASSERT_TRUE(storage().set_limits(host, d).ok());
  EXPECT_EQ(disks_of(g).at(0).limits, d.limits);
  // An attached volume is not deleted from under its guest.
  EXPECT_EQ(storage().delete_volume(host, v, false, {}).error().code, ErrorCode::kConflict);
  ASSERT_TRUE(storage().detach(host, d, false).ok());
  ASSERT_TRUE(storage().detach(host, d, false).ok());
  EXPECT_TRUE(disks_of(g).empty());
  EXPECT_EQ(storage().attach(host, disk(v, "gc-never-defined", "vdb")).error().code,
            ErrorCode::kNotFound);
  EXPECT_EQ(storage().attach(host, disk(volume("gcv-never-made"), g, "vdc")).error().code,
            ErrorCode::kNotFound);
  ASSERT_TRUE(compute().remove(host, g, false).ok());
  ASSERT_TRUE(storage().delete_volume(host, v, false, {}).ok());
}

TEST_P(StorageContract, ANonShareableVolumeIsOnOneGuestAShareableOneOnSeveral) {
  auto only = volume("gcv-contract-3");
  auto shared = volume("gcv-contract-4", 1, true);
  ASSERT_TRUE(storage().create_volume(host, only).ok());
  ASSERT_TRUE(storage().create_volume(host, shared).ok());
  std::string a = guest("gc-scontract-b", "22"), b = guest("gc-scontract-c", "23");
  ASSERT_TRUE(storage().attach(host, disk(only, a, "vdb")).ok());
  EXPECT_EQ(storage().attach(host, disk(only, b, "vdb")).error().code, ErrorCode::kConflict);
  ASSERT_TRUE(storage().attach(host, disk(shared, a, "vdc")).ok());
  auto second = storage().attach(host, disk(shared, b, "vdc"));
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_EQ(disks_of(a).size(), 2U);
  EXPECT_EQ(disks_of(b).size(), 1U);
  for (const auto& g : {a, b}) ASSERT_TRUE(compute().remove(host, g, false).ok());
  ASSERT_TRUE(storage().delete_volume(host, only, false, {}).ok());
  ASSERT_TRUE(storage().delete_volume(host, shared, false, {}).ok());
}

TEST_P(StorageContract, SnapshotsRestoreCopyAndDeleteAreIdempotent) {
  auto v = volume("gcv-contract-5");
  ASSERT_TRUE(storage().create_volume(host, v).ok());
  auto taken = storage().snapshot_volume(host, v, "s1", {});
  ASSERT_TRUE(taken.ok()) << taken.error().message;
  EXPECT_GT(taken.value(), 0);
  ASSERT_TRUE(storage().snapshot_volume(host, v, "s1", {}).ok());
  auto restored = storage().restore_volume(host, v, "s1");
  ASSERT_TRUE(restored.ok()) << restored.error().message;
  EXPECT_EQ(storage().restore_volume(host, v, "s-none").error().code, ErrorCode::kNotFound);
  auto copy = volume("gcv-contract-6", 2);
  auto made = storage().create_from_snapshot(host, v, "s1", copy);
  ASSERT_TRUE(made.ok()) << made.error().message;
  ASSERT_TRUE(storage().create_from_snapshot(host, v, "s1", copy).ok());
  EXPECT_EQ(
      storage().create_from_snapshot(host, v, "s-none", volume("gcv-contract-7")).error().code,
      ErrorCode::kNotFound);
  ASSERT_TRUE(storage().delete_volume_snapshot(host, v, "s1").ok());
  ASSERT_TRUE(storage().delete_volume_snapshot(host, v, "s1").ok());
  EXPECT_EQ(storage().restore_volume(host, v, "s1").error().code, ErrorCode::kNotFound);
  ASSERT_TRUE(storage().delete_volume(host, v, false, {}).ok());
  ASSERT_TRUE(storage().delete_volume(host, copy, false, {}).ok());
}

TEST_P(StorageContract, AVolumeGrowsUnderARunningGuest) {
  auto v = volume("gcv-contract-8");
  ASSERT_TRUE(storage().create_volume(host, v).ok());
  std::string g = guest("gc-scontract-d", "24");
  ASSERT_TRUE(compute().start(host, g).ok());
  auto d = disk(v, g, "vdb");
  auto live = storage().attach(host, d);
  ASSERT_TRUE(live.ok()) << live.error().message;
  d.volume.size_gb = 2;
  auto grown = storage().grow_volume(host, d.volume, {d});
  ASSERT_TRUE(grown.ok()) << grown.error().message;
  // Restoring needs the volume off every guest.
  ASSERT_TRUE(storage().snapshot_volume(host, d.volume, "s1", {d}).ok());
  EXPECT_EQ(storage().restore_volume(host, d.volume, "s1").error().code, ErrorCode::kConflict);
  ASSERT_TRUE(compute().stop(host, g, true).ok());
  ASSERT_TRUE(storage().detach(host, d, false).ok());
  ASSERT_TRUE(storage().restore_volume(host, d.volume, "s1").ok());
  ASSERT_TRUE(compute().remove(host, g, false).ok());
  ASSERT_TRUE(storage().delete_volume(host, d.volume, false, {}).ok());
}

#ifdef GOVCLOUD_LIBVIRT_CONTRACT
INSTANTIATE_TEST_SUITE_P(Drivers, StorageContract,
                         ::testing::Values(DriverUnderTest{"libvirt", make_libvirt, this_machine}),
                         [](const ::testing::TestParamInfo<DriverUnderTest>& info) {
                           return info.param.name;
                         });
#else
INSTANTIATE_TEST_SUITE_P(Drivers, StorageContract,
                         ::testing::Values(DriverUnderTest{"sim", make_sim, sim_host}),
                         [](const ::testing::TestParamInfo<DriverUnderTest>& info) {
                           return info.param.name;
                         });
#endif

}  // namespace
}  // namespace govcloud
