// End to end on real engines (issue 9, CMP-01–03, 10): a member requests a 云主机 through the
// workflow, the tenant admin approves, and govcloud makes a real QEMU guest through libvirt
// (TCG here, KVM on real hosts). The guest boots, prints its ready line on the serial console,
// takes the address IPAM chose over DHCP on the VDC's bridge and answers HTTP from the host;
// snapshot and revert bring back what the guest wrote, resize and clone are seen in virsh and in
// the guest; stop and start are seen in virsh; a secure delete leaves no trace of the marker
// the guest wrote on its disk; its serial console answers over the API's WebSocket; its
// watchdog fires and the firing is kept on the VM (CMP-15). Needs root:
// the test setup starts libvirtd and virtlogd.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "api/ws_client.h"
#include "e2e/e2e_support.h"

namespace govcloud::testing {
namespace {

namespace fs = std::filesystem;

using LibvirtVm = LibvirtEngine;

TEST_F(LibvirtVm, ARequestedCloudHostBootsServesHttpAndIsSecurelyDeleted) {
  TestServer s;
  World w = build_world(s);
  const std::string& ops = w.tokens["ops"];
  use_only_this_machine(s, ops);
  import_guest_image(s, ops, guest_dir_);

  // The workflow: the member asks, the tenant admin approves, the VM is made.
  auto rq = request_vm(s, w.a, "e2e-web", "busybox-guest");
  ASSERT_EQ(rq.status, 200) << rq.body;
  std::string vm(rq.json.at("ref").as_string());
  std::string domain = "gc-" + vm;
  auto running = settled_vm(s, w.a.tokens["member"], vm);
  ASSERT_EQ(running.json.at("state").as_string(), "running") << running.body;
  EXPECT_NE(virsh("domstate " + domain).find("running"), std::string::npos);
  auto done = s.call("GET", "/api/v1/requests/" + std::string(rq.json.at("id").as_string()),
                     w.a.tokens["member"]);
  EXPECT_EQ(done.json.at("state").as_string(), "completed") << done.body;
  std::string ip(running.json.at("ip").as_string());

  // The guest's own word, on its serial console: booted, with the address IPAM chose.
  std::string storage = s.data_dir() + "-storage";
  std::string console = console_log(s, domain);
  ASSERT_TRUE(
      eventually([&] { return slurp(console).find("GOVCLOUD-GUEST-READY") != std::string::npos; },
                 std::chrono::seconds(180)))
      << "no ready line; console:\n"
      << slurp(console);
  EXPECT_NE(slurp(console).find("GOVCLOUD-GUEST-READY ip=" + ip), std::string::npos)
      << slurp(console);
  // HTTP from the host, over the VDC's bridge.
  std::string page;
  EXPECT_TRUE(eventually(
      [&] {
        page = run("curl -s -m 3 http://" + ip + "/");
        return page.find("hello from govcloud guest") != std::string::npos;
      },
      std::chrono::seconds(60)))
      << page;

  const std::string& member = w.a.tokens["member"];
  const std::string& admin = w.a.tokens["tenant-admin"];

  // The serial console over the API's WebSocket: what is typed reaches the guest's shell and
  // its answer comes back ($((6*7)) is worked out by the guest, not echoed).
  auto ticket = s.call("POST", "/api/v1/vms/" + vm + "/console", member, obj({}));
  ASSERT_EQ(ticket.status, 201) << ticket.body;
  {
    WsClient ws;
    ASSERT_EQ(ws.open(s.port(), std::string(ticket.json.at("path").as_string())), 101);
    ws.send("\r");
    ws.send("echo CONSOLE-$((6*7))\r");
    std::string seen = ws.read_until("CONSOLE-42", 30000);
    EXPECT_NE(seen.find("CONSOLE-42"), std::string::npos) << seen;
  }
  // The screen: QEMU's VNC server greets in RFB through the same kind of socket.
  auto vnc = s.call("POST", "/api/v1/vms/" + vm + "/console", member, obj({{"type", "vnc"}}));
  ASSERT_EQ(vnc.status, 201) << vnc.body;
  {
    WsClient screen;
    ASSERT_EQ(screen.open(s.port(), std::string(vnc.json.at("path").as_string())), 101);
    EXPECT_EQ(screen.read_until("RFB 003.008", 10000).substr(0, 11), "RFB 003.008");
  }

  // CMP-15: the guest arms its i6300esb watchdog and never feeds it; QEMU resets the guest,
  // libvirt reports the firing, and it is kept on the VM. The guest then boots again.
  EXPECT_NE(run("curl -s -m 10 http://" + ip + "/cgi-bin/watchdog").find("armed"),
            std::string::npos);
  Resp events;
  ASSERT_TRUE(eventually(
      [&] {
        events = s.call("GET", "/api/v1/vms/" + vm + "/events", member);
        return events.status == 200 && !events.json.at("items").as_array().empty();
      },
      std::chrono::seconds(120)))
      << events.body;
  EXPECT_EQ(events.json.at("items").at(0).at("kind").as_string(), "watchdog");
  EXPECT_EQ(events.json.at("items").at(0).at("detail").as_string(), "reset");
  auto ready_lines = [&] {
    std::string text = slurp(console);
    int n = 0;
    for (auto at = text.find("GOVCLOUD-GUEST-READY"); at != std::string::npos;
         at = text.find("GOVCLOUD-GUEST-READY", at + 1))
      ++n;
    return n;
  };
  ASSERT_TRUE(eventually([&] { return ready_lines() >= 2; }, std::chrono::seconds(180)))
      << slurp(console);
  EXPECT_TRUE(eventually(
      [&] {
        return run("curl -s -m 3 http://" + ip + "/").find("hello from govcloud guest") !=
               std::string::npos;
      },
      std::chrono::seconds(60)));

  auto guest = [&](const std::string& at, const std::string& path) {
    return run("curl -s -m 5 http://" + at + path);
  };
  auto guest_reads = [&](const std::string& at, const std::string& word) {
    return eventually(
        [&] {
          return guest(at, "/cgi-bin/read").find("GOVCLOUD-MARK-" + word) != std::string::npos;
        },
        std::chrono::seconds(60));
  };

  // Snapshot and revert (CMP-05): the guest marks its disk, a snapshot is taken running, the
  // guest marks it again, and reverting brings back the first mark — and the running guest.
  guest(ip, "/cgi-bin/mark?before");
  ASSERT_TRUE(guest_reads(ip, "before")) << guest(ip, "/cgi-bin/read");
  auto snap = s.call("POST", "/api/v1/vms/" + vm + "/snapshots", member, obj({{"name", "s1"}}));
  ASSERT_EQ(snap.status, 202) << snap.body;
  EXPECT_EQ(settled_vm(s, member, vm, kAttempts).json.at("state").as_string(), "running");
  auto snaps = s.call("GET", "/api/v1/vms/" + vm + "/snapshots", member);
  ASSERT_EQ(snaps.json.at("items").as_array().size(), 1U) << snaps.body;
  std::string snap_id(snaps.json.at("items").at(0).at("id").as_string());
  EXPECT_NE(virsh("snapshot-list " + domain + " --name").find(snap_id), std::string::npos);
  guest(ip, "/cgi-bin/mark?after");
  ASSERT_TRUE(guest_reads(ip, "after"));
  ASSERT_EQ(
      s.call("POST", "/api/v1/vms/" + vm + "/revert", member, obj({{"snapshot", "s1"}})).status,
      202);
  EXPECT_EQ(settled_vm(s, member, vm, kAttempts).json.at("state").as_string(), "running");
  EXPECT_NE(virsh("domstate " + domain).find("running"), std::string::npos);
  EXPECT_TRUE(guest_reads(ip, "before")) << guest(ip, "/cgi-bin/read");
  // A snapshot keeps the old size, so it goes before a resize.
  ASSERT_EQ(s.call("DELETE", "/api/v1/vms/" + vm + "/snapshots/" + snap_id, member).status, 202);
  settled_vm(s, member, vm, kAttempts);
  EXPECT_EQ(virsh("snapshot-list " + domain + " --name").find(snap_id), std::string::npos);

  // Resize (CMP-02): the running guest is shut down, given 2 vCPU and 2 GiB, and started again.
  auto resize =
      s.call("POST", "/api/v1/vms/" + vm + "/resize", admin, obj({{"vcpu", 2}, {"memory_gb", 2}}));
  ASSERT_EQ(resize.status, 202) << resize.body;
  auto resized = settled_vm(s, member, vm, kAttempts);
  EXPECT_EQ(resized.json.at("state").as_string(), "running") << resized.body;
  EXPECT_EQ(resized.json.at("vcpu").as_int64(), 2);
  std::string info = virsh("dominfo " + domain);
  EXPECT_NE(info.find("CPU(s):         2"), std::string::npos) << info;
  EXPECT_NE(info.find("Max memory:     2097152 KiB"), std::string::npos) << info;
  EXPECT_TRUE(guest_reads(ip, "before"));  // the same disk, booted again

  // Stop and start, seen in virsh.
  ASSERT_EQ(s.call("POST", "/api/v1/vms/" + vm + "/stop", member, obj({{"force", true}})).status,
            202);
  EXPECT_EQ(settled_vm(s, member, vm, kAttempts).json.at("state").as_string(), "stopped");
  EXPECT_NE(virsh("domstate " + domain).find("shut off"), std::string::npos);
  ASSERT_EQ(s.call("POST", "/api/v1/vms/" + vm + "/start", member).status, 202);
  EXPECT_EQ(settled_vm(s, member, vm, kAttempts).json.at("state").as_string(), "running");
  EXPECT_NE(virsh("domstate " + domain).find("running"), std::string::npos);

  // Clone: the stopped VM's disk is copied whole into a new VM, which boots with its own
  // address and finds the source's mark on its disk.
  ASSERT_EQ(s.call("POST", "/api/v1/vms/" + vm + "/stop", member, obj({{"force", true}})).status,
            202);
  EXPECT_EQ(settled_vm(s, member, vm, kAttempts).json.at("state").as_string(), "stopped");
  auto clone = s.call("POST", "/api/v1/vms/" + vm + "/clone", admin, obj({{"name", "e2e-copy"}}));
  ASSERT_EQ(clone.status, 202) << clone.body;
  std::string copy(clone.json.at("target_id").as_string());
  auto copied = settled_vm(s, member, copy, kAttempts);
  ASSERT_EQ(copied.json.at("state").as_string(), "stopped") << copied.body;
  EXPECT_NE(virsh("list --all --name").find("gc-" + copy), std::string::npos);
  ASSERT_EQ(s.call("POST", "/api/v1/vms/" + copy + "/start", member).status, 202);
  EXPECT_EQ(settled_vm(s, member, copy, kAttempts).json.at("state").as_string(), "running");
  std::string copy_ip(copied.json.at("ip").as_string());
  EXPECT_NE(copy_ip, ip);
  EXPECT_TRUE(guest_reads(copy_ip, "before")) << guest(copy_ip, "/cgi-bin/read");
  ASSERT_EQ(s.call("DELETE", "/api/v1/vms/" + copy, member).status, 202);
  EXPECT_EQ(settled_vm(s, member, copy, kAttempts).json.at("state").as_string(), "deleted");
  EXPECT_EQ(virsh("list --all --name").find("gc-" + copy), std::string::npos);

  // The guest wrote a marker on its disk at boot. A second name for the disk file keeps its
  // blocks reachable after deletion, so the test can see whether they were overwritten.
  std::string disk = storage + "/disks/" + domain + ".qcow2";
  std::string witness = storage + "/witness.qcow2";
  ASSERT_TRUE(
      eventually([&] { return slurp(disk).find("GOVCLOUD-DISK-MARKER") != std::string::npos; },
                 std::chrono::seconds(120)));
  ASSERT_EQ(link(disk.c_str(), witness.c_str()), 0);
  auto del = s.call("DELETE", "/api/v1/vms/" + vm + "?secure=true", member);
  ASSERT_EQ(del.status, 202) << del.body;
  EXPECT_EQ(settled_vm(s, member, vm, kAttempts).json.at("state").as_string(), "deleted");
  EXPECT_EQ(virsh("domstate " + domain).find("running"), std::string::npos);
  EXPECT_NE(virsh("list --all --name").find("\n"), std::string::npos);
  EXPECT_EQ(virsh("list --all --name").find(domain), std::string::npos);
  EXPECT_FALSE(fs::exists(disk));
  EXPECT_EQ(slurp(witness).find("GOVCLOUD-DISK-MARKER"), std::string::npos)
      << "the deleted disk's blocks still hold the guest's marker";
  fs::remove(witness);
  // Nothing of the VM is left on the engine; the reconciler agrees with the store.
  auto drift = s.call("POST", "/api/v1/compute/reconcile", ops);
  EXPECT_EQ(drift.json.at("items").as_array().size(), 0U) << drift.body;
}

}  // namespace
}  // namespace govcloud::testing
