// Block storage end to end on real engines (issue 10, STO-01–05): volumes requested through the
// workflow become qcow2 (or shareable raw) files in libvirt directory pools and virtio disks of
// real busybox guests. A guest writes a marker on a volume, the volume moves to a second guest
// which reads it, grows online and the guest sees the new size, comes back from a snapshot, is
// shared by two running guests at once, carries the tier's iotune in `virsh dumpxml`, rides in
// a VM snapshot with the system disk, and is securely deleted leaving no trace of the marker.
// Needs root: the fixture starts libvirtd and virtlogd.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <sstream>
#include <vector>

#include "e2e/e2e_support.h"

namespace govcloud::testing {
namespace {

namespace fs = std::filesystem;

using LibvirtVolume = LibvirtEngine;

std::string guest(const std::string& ip, const std::string& path) {
  return run("curl -s -m 10 'http://" + ip + path + "'");
}

// The guest's disks as (name, serial, size in sectors); a disk without a serial has "".
struct GuestDisk {
  std::string name, serial, sectors;
};
std::vector<GuestDisk> disks_of(const std::string& ip) {
  std::vector<GuestDisk> out;
  std::istringstream lines(guest(ip, "/cgi-bin/disks"));
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream fields(line);
    std::vector<std::string> f;
    for (std::string x; fields >> x;) f.push_back(x);
    if (f.size() == 3) out.push_back({f[0], f[1], f[2]});
    if (f.size() == 2) out.push_back({f[0], "", f[1]});
  }
  return out;
}

// The guest's device for a volume, found by the serial govcloud gives the disk ("" if none).
std::string device_of(const std::string& ip, const std::string& volume) {
  for (const auto& d : disks_of(ip))
    if (d.serial == volume.substr(0, 20)) return d.name;
  return "";
}

std::string sectors_of(const std::string& ip, const std::string& device) {
  for (const auto& d : disks_of(ip))
    if (d.name == device) return d.sectors;
  return "";
}

bool reads(const std::string& ip, const std::string& device, const std::string& word) {
  return eventually(
      [&] {
        return guest(ip, "/cgi-bin/vread?" + device).find("GOVCLOUD-VOL-" + word + "\n") !=
               std::string::npos;
      },
      std::chrono::seconds(30));
}

struct Guest {
  std::string vm, ip;
};

// A requested cloud host on this machine, running its busybox guest and answering HTTP.
Guest boot(TestServer& s, TenantObjects& t, const std::string& name) {
  auto rq = request_vm(s, t, name, "busybox-guest");
  EXPECT_EQ(rq.status, 200) << rq.body;
  Guest g{std::string(rq.json.at("ref").as_string()), ""};
  auto vm = settled_vm(s, t.tokens["member"], g.vm, kAttempts);
  EXPECT_EQ(vm.json.at("state").as_string(), "running") << vm.body;
  g.ip = std::string(vm.json.at("ip").as_string());
  std::string console = console_log(s, "gc-" + g.vm);
  EXPECT_TRUE(
      eventually([&] { return slurp(console).find("GOVCLOUD-GUEST-READY") != std::string::npos; },
                 std::chrono::seconds(180)))
      << slurp(console);
  EXPECT_TRUE(eventually(
      [&] { return guest(g.ip, "/").find("hello from govcloud guest") != std::string::npos; },
      std::chrono::seconds(60)));
  return g;
}

TEST_F(LibvirtVolume, AVolumeMovesGrowsRestoresSharesAndIsSecurelyDeleted) {
  TestServer s;
  World w = build_world(s);
  const std::string& ops = w.tokens["ops"];
  use_only_this_machine(s, ops);
  import_guest_image(s, ops, guest_dir_);
  const std::string& member = w.a.tokens["member"];
  Guest one = boot(s, w.a, "e2e-one");
  Guest two = boot(s, w.a, "e2e-two");
  ASSERT_FALSE(one.ip.empty());
  ASSERT_FALSE(two.ip.empty());

  // An expansion takes quota without a request: the tenant administrator's (quota.hold).
  auto act = [&](const std::string& vol, const std::string& verb, json::object body) {
    auto r = s.call("POST", "/api/v1/volumes/" + vol + "/" + verb,
                    verb == "expand" ? w.a.tokens["tenant-admin"] : member,
                    json::value(std::move(body)));
    EXPECT_EQ(r.status, 202) << verb << ": " << r.body;
    return settled_volume(s, member, vol, kAttempts);
  };

  // STO-01/02: a 1 GB normal-tier volume, a qcow2 file in the tier's pool on this machine.
  auto created = request_volume(s, w.a, json::object{{"name", "e2e-data"}, {"size_gb", 1}});
  ASSERT_EQ(created.json.at("state").as_string(), "available") << created.body;
  std::string vol(created.json.at("id").as_string());
  std::string pool_dir = s.data_dir() + "-storage/disks-normal";
  std::string file = pool_dir + "/gcv-" + vol + ".qcow2";
  ASSERT_TRUE(fs::exists(file)) << run("ls -l " + pool_dir);

  // Attached live: the running guest sees a 1 GiB disk with the volume's serial, and the
  // domain's disk carries the tier's limits as iotune.
  EXPECT_EQ(act(vol, "attach", {{"vm", one.vm}}).json.at("state").as_string(), "in_use");
  std::string dev;
  ASSERT_TRUE(
      eventually([&] { return !(dev = device_of(one.ip, vol)).empty(); }, std::chrono::seconds(30)))
      << guest(one.ip, "/cgi-bin/disks");
  EXPECT_EQ(sectors_of(one.ip, dev), "2097152");
  auto tiers = s.call("GET", "/api/v1/storage/tiers", member);
  std::int64_t iops = 0, bps = 0;
  for (const auto& t : tiers.json.at("items").as_array())
    if (t.at("name").as_string() == "normal") {
      iops = t.at("iops").as_int64();
      bps = t.at("bytes_per_sec").as_int64();
    }
  ASSERT_GT(iops, 0) << tiers.body;
  std::string xml = virsh("dumpxml gc-" + one.vm);
  EXPECT_NE(xml.find("<total_iops_sec>" + std::to_string(iops) + "</total_iops_sec>"),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("<total_bytes_sec>" + std::to_string(bps) + "</total_bytes_sec>"),
            std::string::npos)
      << xml;
  // Ops change the tier's limits: the attached disk gets them at once.
  auto tier = s.call("PUT", "/api/v1/storage/tiers/normal", ops,
                     obj({{"iops", 2500}, {"bytes_per_sec", 104857600}}));
  ASSERT_EQ(tier.status, 200) << tier.body;
  EXPECT_TRUE(eventually(
      [&] {
        return virsh("blkdeviotune gc-" + one.vm + " " + dev).find("total_iops_sec : 2500") !=
               std::string::npos;
      },
      std::chrono::seconds(10)))
      << virsh("blkdeviotune gc-" + one.vm + " " + dev);

  // The guest writes a marker; the volume moves to the second guest, which reads it.
  guest(one.ip, "/cgi-bin/vwrite?" + dev + "&one");
  ASSERT_TRUE(reads(one.ip, dev, "one")) << guest(one.ip, "/cgi-bin/vread?" + dev);
  EXPECT_EQ(act(vol, "detach", {}).json.at("state").as_string(), "available");
  EXPECT_TRUE(eventually([&] { return device_of(one.ip, vol).empty(); }, std::chrono::seconds(30)));
  EXPECT_EQ(virsh("dumpxml gc-" + one.vm).find(vol), std::string::npos);
  EXPECT_EQ(act(vol, "attach", {{"vm", two.vm}}).json.at("state").as_string(), "in_use");
  std::string dev2;
  ASSERT_TRUE(eventually([&] { return !(dev2 = device_of(two.ip, vol)).empty(); },
                         std::chrono::seconds(30)));
  EXPECT_TRUE(reads(two.ip, dev2, "one")) << guest(two.ip, "/cgi-bin/vread?" + dev2);

  // STO-04: grown online to 2 GB, the running guest sees the new size without a reboot.
  auto grown = act(vol, "expand", {{"size_gb", 2}});
  EXPECT_EQ(grown.json.at("size_gb").as_int64(), 2) << grown.body;
  EXPECT_TRUE(
      eventually([&] { return sectors_of(two.ip, dev2) == "4194304"; }, std::chrono::seconds(30)))
      << guest(two.ip, "/cgi-bin/disks");

  // STO-05: a snapshot while attached, the marker overwritten, the volume restored (detached)
  // and attached again: the original marker is back.
  act(vol, "snapshots", {{"name", "s1"}});
  auto snaps = s.call("GET", "/api/v1/volumes/" + vol + "/snapshots", member);
  ASSERT_EQ(snaps.json.at("items").as_array().size(), 1U) << snaps.body;
  guest(two.ip, "/cgi-bin/vwrite?" + dev2 + "&two");
  ASSERT_TRUE(reads(two.ip, dev2, "two"));
  act(vol, "detach", {});
  EXPECT_EQ(act(vol, "restore", {{"snapshot", "s1"}}).json.at("state").as_string(), "available");
  act(vol, "attach", {{"vm", two.vm}});
  ASSERT_TRUE(eventually([&] { return !(dev2 = device_of(two.ip, vol)).empty(); },
                         std::chrono::seconds(30)));
  EXPECT_TRUE(reads(two.ip, dev2, "one")) << guest(two.ip, "/cgi-bin/vread?" + dev2);

  // A VM snapshot holds all of the VM's disks together: the attached volume comes back with
  // the system disk when the VM is reverted.
  auto vsnap =
      s.call("POST", "/api/v1/vms/" + two.vm + "/snapshots", member, obj({{"name", "whole"}}));
  ASSERT_EQ(vsnap.status, 202) << vsnap.body;
  EXPECT_EQ(settled_vm(s, member, two.vm, kAttempts).json.at("state").as_string(), "running");
  guest(two.ip, "/cgi-bin/vwrite?" + dev2 + "&three");
  ASSERT_TRUE(reads(two.ip, dev2, "three"));
  ASSERT_EQ(
      s.call("POST", "/api/v1/vms/" + two.vm + "/revert", member, obj({{"snapshot", "whole"}}))
          .status,
      202);
  EXPECT_EQ(settled_vm(s, member, two.vm, kAttempts).json.at("state").as_string(), "running");
  EXPECT_TRUE(reads(two.ip, dev2, "one")) << guest(two.ip, "/cgi-bin/vread?" + dev2);
  auto vm_snaps = s.call("GET", "/api/v1/vms/" + two.vm + "/snapshots", member);
  ASSERT_EQ(vm_snaps.json.at("items").as_array().size(), 1U);
  ASSERT_EQ(s.call("DELETE",
                   "/api/v1/vms/" + two.vm + "/snapshots/" +
                       std::string(vm_snaps.json.at("items").at(0).at("id").as_string()),
                   member)
                .status,
            202);
  settled_vm(s, member, two.vm, kAttempts);

  // STO-03: a shareable volume on both running guests at once; what one writes the other reads.
  auto shared = request_volume(
      s, w.a, json::object{{"name", "e2e-shared"}, {"size_gb", 1}, {"shareable", true}});
  ASSERT_EQ(shared.json.at("state").as_string(), "available") << shared.body;
  std::string svol(shared.json.at("id").as_string());
  act(svol, "attach", {{"vm", one.vm}});
  EXPECT_EQ(act(svol, "attach", {{"vm", two.vm}}).json.at("state").as_string(), "in_use");
  std::string s1, s2;
  ASSERT_TRUE(eventually(
      [&] {
        s1 = device_of(one.ip, svol);
        s2 = device_of(two.ip, svol);
        return !s1.empty() && !s2.empty();
      },
      std::chrono::seconds(30)));
  for (const auto& vm : {one.vm, two.vm}) {
    std::string dx = virsh("dumpxml gc-" + vm);
    EXPECT_NE(dx.find("<shareable/>"), std::string::npos) << dx;
  }
  guest(one.ip, "/cgi-bin/vwrite?" + s1 + "&shared");
  EXPECT_TRUE(reads(two.ip, s2, "shared")) << guest(two.ip, "/cgi-bin/vread?" + s2);
  act(svol, "detach", {{"vm", one.vm}});
  EXPECT_EQ(act(svol, "detach", {{"vm", two.vm}}).json.at("state").as_string(), "available");

  // Secure delete: a second name for the volume's file keeps its blocks reachable after the
  // deletion, so the test sees that they were overwritten.
  act(vol, "detach", {});
  std::string witness = s.data_dir() + "-storage/witness-volume";
  ASSERT_NE(slurp(file).find("GOVCLOUD-VOL-one"), std::string::npos);
  ASSERT_EQ(link(file.c_str(), witness.c_str()), 0);
  auto del = s.call("DELETE", "/api/v1/volumes/" + vol + "?secure=true", member);
  ASSERT_EQ(del.status, 202) << del.body;
  EXPECT_EQ(settled_volume(s, member, vol, kAttempts).json.at("state").as_string(), "deleted");
  EXPECT_FALSE(fs::exists(file));
  EXPECT_EQ(slurp(witness).find("GOVCLOUD-VOL-"), std::string::npos)
      << "the deleted volume's blocks still hold the guest's marker";
  fs::remove(witness);
  ASSERT_EQ(s.call("DELETE", "/api/v1/volumes/" + svol, member).status, 202);
  settled_volume(s, member, svol, kAttempts);

  // The engine and the store agree.
  auto drift = s.call("POST", "/api/v1/storage/reconcile", ops);
  EXPECT_EQ(drift.json.at("items").as_array().size(), 0U) << drift.body;
}

}  // namespace
}  // namespace govcloud::testing
