// Helpers shared by the files of the storage module (not part of its face).
#pragma once

#include <boost/json/object.hpp>
#include <string>
#include <vector>

#include "storage/storage.h"
#include "tenancy/tenancy.h"

namespace govcloud::volume_detail {

inline std::string engine_name(const std::string& volume_id) {
  return "gcv-" + volume_id;
}
// The libvirt domain of a VM (compute names them so).
inline std::string domain_of(const std::string& vm_id) {
  return "gc-" + vm_id;
}
// The engine's name of a snapshot: unique per volume.
inline std::string engine_snapshot(const VolumeSnapshot& s) {
  return s.id;
}

VolumeSpec volume_spec(const Volume& v);
// What the volume is billed as (STO-12): business storage by tier, or backup space.
std::string usage_code(const Volume& v);
// The quota the volume holds: one resource, size_gb of it.
std::vector<std::pair<std::string, std::int64_t>> volume_amounts(const Volume& v);
// Usage events for metering (issue 11), in the change's transaction: created, resized,
// attached, detached, deleted; snapshots as storage-snapshot, in whole GB rounded up.
void record_usage(Tx& tx, const Volume& v, const std::string& what, TimeMs now);
void record_snapshot_usage(Tx& tx, const Volume& v, const VolumeSnapshot& s,
                           const std::string& what, TimeMs now);
void audit_volume(Tx& tx, const Clock& clock, const Principal* who, const RequestContext& ctx,
                  const std::string& action, const Volume& v, const std::string& outcome,
                  const std::vector<std::pair<std::string, std::string>>& details);
// 1–64 characters, no control characters, '/' or ','.
bool valid_volume_name(const std::string& name);
// The tier's limits as stored (seeded from the catalog at start).
IoLimits limits_of(Tx& tx, const std::string& tier);
// The first free guest device after the system disk (vdb … vdz), or "" when all are taken.
std::string next_target(const std::vector<VolumeAttachment>& on_vm);
DiskSpec disk_spec(Tx& tx, const Volume& v, const VolumeAttachment& a);

}  // namespace govcloud::volume_detail
