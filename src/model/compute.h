// Compute topology and placement (CMP-06–09, 13, 17–20): hosts in resource pools (资源池) of
// sites (数据中心) and network domains (政务外网域, 互联网域, 测试域), with their architecture
// (一云多芯: x86, ARM, C86), CPU, memory and accelerators.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/ids.h"

namespace govcloud {

struct HostId {
  std::string value;
  friend bool operator==(const HostId&, const HostId&) = default;
  friend auto operator<=>(const HostId&, const HostId&) = default;
};

enum class Arch { kX86, kArm, kC86 };
const char* arch_name(Arch a);
std::optional<Arch> parse_arch(std::string_view text);

enum class HostState { kUp, kDown, kMaintenance, kFenced };
const char* host_state_name(HostState s);
std::optional<HostState> parse_host_state(std::string_view text);

// A passthrough device (CMP-17–19): a GPU or NPU of a class the catalog sells, e.g. "gpu-16g".
struct Accelerator {
  std::string id;     // the host's device address, e.g. "0000:3b:00.0"
  std::string cls;    // "gpu-8g", "gpu-12g", "gpu-16g", "npu-24g"
  std::string model;  // "NVIDIA T4"
  int memory_gb = 0;
};

struct Host {
  HostId id;
  std::string name;
  std::string site;    // 数据中心
  std::string pool;    // 资源池
  std::string domain;  // 网络域: "egov" (政务外网), "internet" (互联网), "test" (测试)
  Arch arch = Arch::kX86;
  std::string cpu_model;
  int cpu_mhz = 0;             // base frequency (CMP-07 floors are checked against it)
  int cores = 0;               // physical cores
  std::int64_t memory_mb = 0;  // usable for guests: the host's own reserve is already taken off
  std::int64_t disk_gb = 0;    // local storage for system disks
  std::vector<Accelerator> accelerators;
  bool bare_metal = false;  // CMP-20: rented whole to one tenant
  std::string driver;       // "libvirt" or "sim"
  std::string uri;          // e.g. qemu:///system, qemu+tls://h3/system
  HostState state = HostState::kUp;
  TimeMs heartbeat_at = 0;
  int missed_heartbeats = 0;  // probes in a row that got no answer (HA fences after a few)
  TimeMs created_at = 0;
};

}  // namespace govcloud
