// Block storage (云硬盘, STO-01–05, 12): volumes in tiers, their attachments to VMs and their
// snapshots. A volume owns the quota its request reserved and only its deletion releases it
// (decision 0011).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"

namespace govcloud {

enum class VolumeState {
  kCreating,
  kAvailable,  // exists, attached to nothing
  kInUse,      // attached to one VM, or several when shareable
  kAttaching,
  kDetaching,
  kResizing,
  kSnapshotting,
  kRestoring,
  kDeleting,
  kDeleted,
  kError,  // creation failed or the engine lost it; `reason` says why
};
const char* volume_state_name(VolumeState s);
std::optional<VolumeState> parse_volume_state(std::string_view text);

// What a volume is for decides how it is billed (STO-12): business storage, or backup space.
enum class VolumePurpose { kBusiness, kBackup };
const char* volume_purpose_name(VolumePurpose p);
std::optional<VolumePurpose> parse_volume_purpose(std::string_view text);

struct Volume {
  std::string id;
  std::string name;
  std::string org_id;    // the business system it serves
  std::string org_path;  // for subtree filters
  std::string vdc_id;
  std::string owner;            // the user it was created for
  std::string request_id;       // the service request it fulfils
  std::string host_id;          // where its file lives (a local pool: attach to VMs of that host)
  std::string tier = "normal";  // normal, performance
  VolumePurpose purpose = VolumePurpose::kBusiness;
  bool shareable = false;  // may be attached to several VMs at once (STO-03)
  std::int64_t size_gb = 0;
  VolumeState state = VolumeState::kCreating;
  std::vector<std::string> tags;
  std::string reservation_id;  // the quota it owns
  std::string reason;          // the last failure, shown to the user
  TimeMs created_at = 0;
  TimeMs updated_at = 0;
};

// A volume's place on a VM: the unique index on (volume) for non-shareable volumes is what
// makes two racing attaches impossible (decision 0011).
struct VolumeAttachment {
  std::string volume_id;
  std::string vm_id;
  std::string target;  // the guest's device: vdb, vdc, …
  bool shareable = false;
  TimeMs since = 0;
};

struct VolumeSnapshot {
  std::string id;
  std::string volume_id;
  std::string name;
  std::string org_path;
  std::string group_id;            // the snapshots of one VM's disks taken together share it
  std::int64_t size_gb = 0;        // of the volume when taken
  std::int64_t used_bytes = 0;     // space the snapshot takes: what is metered (STO-05)
  std::string state = "creating";  // creating, ready, deleting
  TimeMs created_at = 0;
};

// A tier's limits, applied to every attachment through libvirt iotune (STO-01).
struct StorageTier {
  std::string name;  // normal, performance
  std::int64_t iops = 0;
  std::int64_t bytes_per_sec = 0;
  TimeMs updated_at = 0;
};

struct VolumeQuery {
  std::vector<std::string> within_paths;  // visible subtrees; empty list means nothing
  std::optional<VolumeState> state;
  std::string name_prefix;
  std::string tag;
  std::string vm_id;  // attached to this VM
  std::string tier;
  bool include_deleted = false;
  int limit = 50;
  int offset = 0;
};

}  // namespace govcloud
