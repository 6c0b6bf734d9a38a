// What the end-to-end tests on real engines share: shell and virsh calls, bounded waits for
// what an engine does in its own time, this machine registered as a libvirt host, the busybox
// guest imported as an image, and a fixture that starts libvirtd and builds the guest once.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "api/world.h"

namespace govcloud::testing {

constexpr int kAttempts = 30000;  // ≈ 3 minutes of polling the API for a real guest
using SteadyClock = std::chrono::steady_clock;

inline std::string run(const std::string& cmd) {
  std::string out;
  FILE* p = popen((cmd + " 2>&1").c_str(), "r");
  if (!p) return out;
  char buf[4096];
  std::size_t n = 0;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  pclose(p);
  return out;
}

inline std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Waits, bounded, for something a real engine does in its own time.
template <typename F>
bool eventually(F done, std::chrono::seconds limit) {
  auto deadline = SteadyClock::now() + limit;
  while (SteadyClock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  return done();
}

inline std::string virsh(const std::string& args) {
  return run("virsh -c qemu:///system " + args);
}

// The guests, networks and pools a run of these tests made (and a crashed earlier run left).
inline void remove_test_engine_objects() {
  std::string n;
  std::istringstream doms(virsh("list --all --name"));
  while (std::getline(doms, n))
    if (n.rfind("gc-vm-", 0) == 0) {
      virsh("destroy " + n);
      virsh("undefine " + n + " --snapshots-metadata");
    }
  std::istringstream nets(virsh("net-list --all --name"));
  while (std::getline(nets, n))
    if (n.rfind("gc-net-", 0) == 0) {
      virsh("net-destroy " + n);
      virsh("net-undefine " + n);
    }
  std::istringstream pools(virsh("pool-list --all --name"));
  while (std::getline(pools, n))
    if (n.rfind("gc-pool-", 0) == 0) {
      virsh("pool-destroy " + n);
      virsh("pool-undefine " + n);
    }
}

// Puts the sim hosts in maintenance and registers this machine's libvirtd as the only host
// that takes new VMs and volumes.
inline void use_only_this_machine(TestServer& s, const std::string& ops) {
  auto sims = s.call("GET", "/api/v1/hosts", ops);
  for (const auto& h : sims.json.at("items").as_array())
    s.call("POST", "/api/v1/hosts/" + std::string(h.at("id").as_string()) + "/state", ops,
           obj({{"state", "maintenance"}}));
  auto host = s.call("POST", "/api/v1/hosts", ops,
                     obj({{"name", "this-machine"},
                          {"site", "dc1"},
                          {"pool", "general"},
                          {"domain", "egov"},
                          {"driver", "libvirt"},
                          {"uri", "qemu:///system"}}));
  ASSERT_EQ(host.status, 201) << host.body;
  EXPECT_GT(host.json.at("cores").as_int64(), 0);
}

// The busybox guest as the public image "busybox-guest".
inline void import_guest_image(TestServer& s, const std::string& ops, const std::string& guest) {
  namespace fs = std::filesystem;
  std::string imports = s.data_dir() + "/image-imports";
  fs::create_directories(imports);
  for (const char* f : {"vmlinuz", "initrd.img", "disk.raw"})
    fs::copy_file(guest + "/" + f, imports + "/" + f, fs::copy_options::overwrite_existing);
  auto image = s.call("POST", "/api/v1/images", ops,
                      obj({{"name", "busybox-guest"},
                           {"source", "disk.raw"},
                           {"format", "raw"},
                           {"kernel", "vmlinuz"},
                           {"initrd", "initrd.img"},
                           {"cmdline", "console=ttyS0 panic=1"}}));
  ASSERT_EQ(image.status, 201) << image.body;
}

// The serial console log libvirt keeps for a govcloud domain.
inline std::string console_log(TestServer& s, const std::string& domain) {
  return s.data_dir() + "-storage/consoles/" + domain + ".console.log";
}

class LibvirtEngine : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // libvirtd and virtlogd, started here when they are not running (the test runs as root).
    if (run("pgrep -x virtlogd").empty()) run("virtlogd -d");
    if (run("pgrep -x libvirtd").empty()) run("libvirtd -d");
    ASSERT_TRUE(eventually([] { return virsh("version").find("libvirt") != std::string::npos; },
                           std::chrono::seconds(30)))
        << "libvirtd does not answer at qemu:///system: " << virsh("version");
    remove_test_engine_objects();
    guest_dir_ = std::filesystem::absolute(GOVCLOUD_GUEST_DIR).string();
    std::string built =
        run(std::string(GOVCLOUD_SOURCE_DIR) + "/tests/e2e/build-guest " + guest_dir_);
    ASSERT_TRUE(std::filesystem::exists(guest_dir_ + "/vmlinuz")) << built;
  }
  static void TearDownTestSuite() { remove_test_engine_objects(); }
  static inline std::string guest_dir_;
};

}  // namespace govcloud::testing
