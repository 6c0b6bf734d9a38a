// Virtual machines (云主机, CMP-01–05), their images, the VDC network a guest joins and the
// addresses handed out on it (IPAM). A VM owns the quota it holds (decision 0010).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "model/compute.h"

namespace govcloud {

struct VmId {
  std::string value;
  friend bool operator==(const VmId&, const VmId&) = default;
};

// The explicit state machine (vm_transition in compute decides what may follow what).
enum class VmState {
  kCreating,
  kRunning,
  kStopped,
  kStarting,
  kStopping,
  kRebooting,
  kDeleting,
  kResizing,      // stopped (gracefully), resized, started again if it ran
  kSnapshotting,  // a snapshot is being taken
  kReverting,     // going back to a snapshot
  kCloning,       // its disk is being copied into a new VM; it stays shut off meanwhile
  kMigrating,     // moving to another host (live when it runs)
  kDeleted,
  kError,  // creation failed or the engine lost it; `reason` says why
};
const char* vm_state_name(VmState s);
std::optional<VmState> parse_vm_state(std::string_view text);

struct Vm {
  VmId id;
  std::string name;
  std::string org_id;    // the business system (业务系统)
  std::string org_path;  // for subtree filters: tenant, department, system
  std::string vdc_id;
  std::string owner;       // the user it was created for
  std::string request_id;  // the service request it fulfils, if any
  std::string host_id;     // empty until placed
  VmState state = VmState::kCreating;
  Arch arch = Arch::kX86;
  int vcpu = 0;
  std::int64_t memory_mb = 0;
  std::int64_t disk_gb = 0;
  std::string disk_tier = "normal";  // normal, performance
  std::string image_id;
  std::string network_id;
  std::string mac;
  std::string ip;
  std::vector<std::string> tags;
  std::string reservation_id;  // the quota it owns
  std::string reason;          // the last failure, shown to the user
  TimeMs created_at = 0;
  TimeMs updated_at = 0;
  // VMs of one business system in the same group never share a host (CMP-13, hard rule): the
  // scheduler keeps them apart at creation and when HA restarts them elsewhere.
  std::string anti_affinity_group;
  // CMP-07: the slowest CPU it may run on (the request's, at least the platform's floor for
  // its architecture); kept with the VM so HA restarts and migrations honour it too.
  int min_cpu_mhz = 0;
};

// A base image (CMP-04): global (the platform's), or private to an org's subtree.
struct Image {
  std::string id;
  std::string name;
  std::string scope = "global";  // global, private
  std::string org_id;            // owner, for private images
  std::string org_path;
  Arch arch = Arch::kX86;
  std::string os_type;          // linux, windows
  std::string format;           // qcow2 or raw: what the stored file is after conversion
  std::int64_t size_bytes = 0;  // of the stored file
  std::int64_t virtual_gb = 0;  // the disk size the image needs at least
  std::string sha256;
  std::string path;  // the stored file
  // Direct kernel boot (the test guest; appliance images): empty for disk-boot images.
  std::string kernel;
  std::string initrd;
  std::string cmdline;
  std::string created_by;
  TimeMs created_at = 0;
};

// A snapshot of a VM's system disk, and of its memory when it was taken running (CMP-05): kept
// with the disk on its host, so deleting the VM deletes its snapshots.
struct Snapshot {
  std::string id;
  std::string vm_id;
  std::string name;
  std::string org_id;
  std::string org_path;
  std::string state = "creating";  // creating, ready, deleting
  bool with_memory = false;        // taken while the VM ran: reverting resumes it running
  TimeMs created_at = 0;
};

// Something the engine reported about a VM, kept on the VM (CMP-15): a guest watchdog firing
// (with the action the hypervisor took) is the first kind.
struct VmEvent {
  std::string id;
  std::string vm_id;
  std::string org_path;
  std::string kind;    // "watchdog"
  std::string detail;  // "reset", "poweroff", …
  TimeMs at = 0;
};

// The one isolated network of a VDC until VPCs arrive (issue 9 §7): a bridge with DHCP.
struct GuestNetwork {
  std::string id;
  std::string vdc_id;
  std::string org_path;
  std::string bridge;  // gcbr-<n>
  std::string cidr;    // 10.<a>.<b>.0/24
  std::string gateway;
  TimeMs created_at = 0;
};

// One address of a guest network held by a VM (IPAM): only the VM's deletion frees it.
struct Address {
  std::string network_id;
  std::string ip;
  std::string mac;
  std::string vm_id;
  TimeMs allocated_at = 0;
};

struct VmQuery {
  std::vector<std::string> within_paths;  // visible subtrees; empty list means nothing
  std::optional<VmState> state;
  std::string name_prefix;
  std::string ip;
  std::string tag;
  std::string host_id;
  bool include_deleted = false;
  int limit = 50;
  int offset = 0;
};

}  // namespace govcloud
