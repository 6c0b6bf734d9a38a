// Shared volume helpers: engine specs, usage events, audit and names.
#include <algorithm>

#include "storage/volume_internal.h"

namespace govcloud::volume_detail {

VolumeSpec volume_spec(const Volume& v) {
  return VolumeSpec{engine_name(v.id), v.tier, v.size_gb, v.shareable};
}

std::string usage_code(const Volume& v) {
  if (v.purpose == VolumePurpose::kBackup) return "storage-backup-space";
  return v.tier == "performance" ? "storage-high-perf" : "storage-normal";
}

std::vector<std::pair<std::string, std::int64_t>> volume_amounts(const Volume& v) {
  std::string resource = v.purpose == VolumePurpose::kBackup ? "storage_backup_gb"
                         : v.tier == "performance"           ? "storage_performance_gb"
                                                             : "storage_normal_gb";
  return {{resource, v.size_gb}};
}

void record_usage(Tx& tx, const Volume& v, const std::string& what, TimeMs now) {
  tx.operations().insert_usage_event(UsageEvent{0, now, what, v.id, usage_code(v), v.size_gb,
                                                tenant_of_path(tx, v.org_path), v.org_id,
                                                v.vdc_id});
}

void record_snapshot_usage(Tx& tx, const Volume& v, const VolumeSnapshot& s,
                           const std::string& what, TimeMs now) {
  constexpr std::int64_t kGiB = std::int64_t{1} << 30;
  std::int64_t gb = (s.used_bytes + kGiB - 1) / kGiB;
  tx.operations().insert_usage_event(UsageEvent{0, now, what, s.id, "storage-snapshot", gb,
                                                tenant_of_path(tx, v.org_path), v.org_id,
                                                v.vdc_id});
}

void audit_volume(Tx& tx, const Clock& clock, const Principal* who, const RequestContext& ctx,
                  const std::string& action, const Volume& v, const std::string& outcome,
                  const std::vector<std::pair<std::string, std::string>>& details) {
  AuditEvent e{action, v.id, v.org_id, outcome, {}};
  e.detail["name"] = v.name;
  for (const auto& [k, val] : details) e.detail[k] = val;
  write_audit(tx, clock, who, ctx, e);
}

bool valid_volume_name(const std::string& name) {
  if (name.empty() || name.size() > 64 * 3) return false;
  std::size_t chars = 0;
  for (unsigned char c : name) {
    if (c < 0x20 || c == 0x7f || c == '/' || c == ',') return false;
    if ((c & 0xc0) != 0x80) ++chars;
  }
  return chars <= 64;
}

IoLimits limits_of(Tx& tx, const std::string& tier) {
  if (auto t = tx.storage().find_tier(tier)) return IoLimits{t->iops, t->bytes_per_sec};
  return VolumeService::default_limits(tier);
}

std::string next_target(const std::vector<VolumeAttachment>& on_vm) {
  for (char c = 'b'; c <= 'z'; ++c) {
    std::string t = std::string("vd") + c;
    if (std::none_of(on_vm.begin(), on_vm.end(),
                     [&](const VolumeAttachment& a) { return a.target == t; }))
      return t;
  }
  return "";
}

DiskSpec disk_spec(Tx& tx, const Volume& v, const VolumeAttachment& a) {
  return DiskSpec{volume_spec(v), domain_of(a.vm_id), a.target, limits_of(tx, v.tier)};
}

}  // namespace govcloud::volume_detail
