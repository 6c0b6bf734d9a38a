#include "drivers/sim/sim_storage.h"

namespace govcloud {

SimStorageDriver::SimStorageDriver(SimComputeDriver& compute, std::string state_file)
    : compute_(compute), state_file_(std::move(state_file)) {
  if (!state_file_.empty()) load();
}

Status SimStorageDriver::reach(const Host& host, SimHost*& out) {
  SimHost& h = hosts_[host.id.value];
  if (!h.fail_next.empty()) {
    std::string message = std::move(h.fail_next);
    h.fail_next.clear();
    return Error{ErrorCode::kConflict, message, {}};
  }
  // A guest that is gone took its disks with it, as an undefined libvirt domain does.
  for (auto it = h.disks.begin(); it != h.disks.end();) {
    auto guest = compute_.inspect(host, it->first);
    if (!guest.ok() && guest.error().code == ErrorCode::kNotFound)
      it = h.disks.erase(it);
    else
      ++it;
  }
  out = &h;
  return ok_status();
}

Result<bool> SimStorageDriver::running(const Host& host, const std::string& domain) {
  auto info = compute_.inspect(host, domain);
  if (!info.ok()) return info.error();
  return info->state == DomainState::kRunning;
}

Status SimStorageDriver::create_volume(const Host& host, const VolumeSpec& spec) {
  if (spec.name.empty() || spec.size_gb <= 0)
    return invalid("spec", "a volume needs a name and a size");
  SimComputeDriver::pause(host);
  std::lock_guard lock(mu_);
  SimHost* h = nullptr;
  GC_TRY(reach(host, h));
  if (auto it = h->volumes.find(spec.name); it != h->volumes.end()) {
    if (it->second.spec.size_gb != spec.size_gb || it->second.spec.tier != spec.tier)
      return conflict("a different volume named " + spec.name + " exists");
    return ok_status();
  }
  h->volumes[spec.name] = SimVolume{spec, "", {}};
  save_locked();
  return ok_status();
}

Status SimStorageDriver::create_from_snapshot(const Host& host, const VolumeSpec& source,
                                              const std::string& snapshot, const VolumeSpec& spec) {
  SimComputeDriver::pause(host);
  std::lock_guard lock(mu_);
  SimHost* h = nullptr;
  GC_TRY(reach(host, h));
  auto src = h->volumes.find(source.name);
  if (src == h->volumes.end() || !src->second.snapshots.contains(snapshot))
    return not_found("snapshot " + snapshot + " of " + source.name);
  if (h->volumes.contains(spec.name)) return ok_status();
  h->volumes[spec.name] = SimVolume{spec, src->second.snapshots.at(snapshot).first, {}};
  save_locked();
  return ok_status();
}

Status SimStorageDriver::delete_volume(const Host& host, const VolumeSpec& spec, bool wipe,
                                       const ProgressFn& progress) {
  SimComputeDriver::pause(host);
  std::lock_guard lock(mu_);
  SimHost* h = nullptr;
  GC_TRY(reach(host, h));
  for (const auto& [domain, disks] : h->disks)
    for (const auto& [target, disk] : disks)
      if (disk.volume.name == spec.name)
        return conflict(spec.name + " is still on guest " + domain);
  auto it = h->volumes.find(spec.name);
  if (it == h->volumes.end()) return ok_status();
  if (wipe) {
    for (int p = 0; p <= 100; p += 25)
      if (progress) progress(p);
    it->second.data.assign(it->second.data.size(), '\0');
  }
  removed_[spec.name] = wipe;
  h->volumes.erase(it);
  save_locked();
  return ok_status();
}

Status SimStorageDriver::grow_volume(const Host& host, const VolumeSpec& spec,
                                     const std::vector<DiskSpec>& attached) {
  (void)attached;  // the guests see the new size at once; nothing more to do here
  SimComputeDriver::pause(host);
  std::lock_guard lock(mu_);
  SimHost* h = nullptr;
  GC_TRY(reach(host, h));
  auto it = h->volumes.find(spec.name);
  if (it == h->volumes.end()) return not_found("volume " + spec.name);
  if (spec.size_gb < it->second.spec.size_gb) return conflict("a volume never shrinks");
  it->second.spec.size_gb = spec.size_gb;
  for (auto& [domain, disks] : h->disks)
    for (auto& [target, disk] : disks)
      if (disk.volume.name == spec.name) disk.volume.size_gb = spec.size_gb;
  save_locked();
  return ok_status();
}

Result<std::int64_t> SimStorageDriver::snapshot_volume(const Host& host, const VolumeSpec& spec,
                                                       const std::string& snapshot,
                                                       const std::vector<DiskSpec>& attached) {
  (void)attached;
  SimComputeDriver::pause(host);
  std::lock_guard lock(mu_);
  SimHost* h = nullptr;
  GC_TRY(reach(host, h));
  auto it = h->volumes.find(spec.name);
  if (it == h->volumes.end()) return not_found("volume " + spec.name);
  auto& snaps = it->second.snapshots;
  if (!snaps.contains(snapshot)) snaps[snapshot] = {it->second.data, it->second.spec.size_gb};
  save_locked();
  // Space taken: the data, at least one 64 KiB cluster (as qcow2 would).
  return std::max<std::int64_t>(65536, static_cast<std::int64_t>(snaps[snapshot].first.size()));
}

Status SimStorageDriver::restore_volume(const Host& host, const VolumeSpec& spec,
                                        const std::string& snapshot) {
  SimComputeDriver::pause(host);
  std::lock_guard lock(mu_);
  SimHost* h = nullptr;
  GC_TRY(reach(host, h));
  auto it = h->volumes.find(spec.name);
  if (it == h->volumes.end()) return not_found("volume " + spec.name);
  auto snap = it->second.snapshots.find(snapshot);
  if (snap == it->second.snapshots.end()) return not_found("snapshot " + snapshot);
  for (const auto& [domain, disks] : h->disks)
    for (const auto& [target, disk] : disks)
      if (disk.volume.name == spec.name) return conflict(spec.name + " is on guest " + domain);
  it->second.data = snap->second.first;
  save_locked();
  return ok_status();
}

Status SimStorageDriver::delete_volume_snapshot(const Host& host, const VolumeSpec& spec,
                                                const std::string& snapshot) {
  SimComputeDriver::pause(host);
  std::lock_guard lock(mu_);
  SimHost* h = nullptr;
  GC_TRY(reach(host, h));
  if (auto it = h->volumes.find(spec.name); it != h->volumes.end())
    it->second.snapshots.erase(snapshot);
  save_locked();
  return ok_status();
}

Status SimStorageDriver::attach(const Host& host, const DiskSpec& disk) {
  GC_ASSIGN_OR_RETURN(bool runs, running(host, disk.domain));
  (void)runs;  // live or not, the sim guest has the disk from now on
  SimComputeDriver::pause(host);
  std::lock_guard lock(mu_);
  SimHost* h = nullptr;
  GC_TRY(reach(host, h));
  if (!h->volumes.contains(disk.volume.name)) return not_found("volume " + disk.volume.name);
  auto& on_guest = h->disks[disk.domain];
  if (auto it = on_guest.find(disk.target); it != on_guest.end()) {
    if (it->second.volume.name == disk.volume.name) return ok_status();
    return conflict(disk.domain + " already has a disk at " + disk.target);
  }
  if (!disk.volume.shareable)
    for (const auto& [domain, disks] : h->disks)
      for (const auto& [target, d] : disks)
        if (d.volume.name == disk.volume.name)
          return conflict(disk.volume.name + " is not shareable and is on guest " + domain);
  on_guest[disk.target] = disk;
  save_locked();
  return ok_status();
}

Status SimStorageDriver::detach(const Host& host, const DiskSpec& disk, bool force) {
  auto runs = running(host, disk.domain);
  SimComputeDriver::pause(host);
  std::lock_guard lock(mu_);
  SimHost* h = nullptr;
  GC_TRY(reach(host, h));
  auto& on_guest = h->disks[disk.domain];
  auto it = on_guest.find(disk.target);
  if (it == on_guest.end() || it->second.volume.name != disk.volume.name) return ok_status();
  if (runs.ok() && runs.value() && held_.contains(disk.domain) && !force)
    return conflict("the guest did not release " + disk.target +
                    " (it may be mounted); unmount it, or detach with force");
  on_guest.erase(it);
  save_locked();
  return ok_status();
}

Status SimStorageDriver::set_limits(const Host& host, const DiskSpec& disk) {
  SimComputeDriver::pause(host);
  std::lock_guard lock(mu_);
  SimHost* h = nullptr;
  GC_TRY(reach(host, h));
  auto& on_guest = h->disks[disk.domain];
  auto it = on_guest.find(disk.target);
  if (it == on_guest.end()) return not_found(disk.volume.name + " on " + disk.domain);
  it->second.limits = disk.limits;
  save_locked();
  return ok_status();
}

Result<std::vector<EngineDisk>> SimStorageDriver::disks(const Host& host) {
  if (auto probe = compute_.probe(host); !probe.ok()) return probe.error();
  std::lock_guard lock(mu_);
  SimHost* h = nullptr;
  GC_TRY(reach(host, h));
  std::vector<EngineDisk> out;
  for (const auto& [domain, disks] : h->disks)
    for (const auto& [target, d] : disks)
      out.push_back(EngineDisk{domain, d.volume.name, target, d.limits});
  return out;
}

void SimStorageDriver::write(const HostId& host, const std::string& volume,
                             const std::string& data) {
  std::lock_guard lock(mu_);
  hosts_[host.value].volumes[volume].data = data;
  save_locked();
}

std::string SimStorageDriver::read(const HostId& host, const std::string& volume) const {
  std::lock_guard lock(mu_);
  auto h = hosts_.find(host.value);
  if (h == hosts_.end() || !h->second.volumes.contains(volume)) return "";
  return h->second.volumes.at(volume).data;
}

std::int64_t SimStorageDriver::size_gb(const HostId& host, const std::string& volume) const {
  std::lock_guard lock(mu_);
  auto h = hosts_.find(host.value);
  if (h == hosts_.end() || !h->second.volumes.contains(volume)) return 0;
  return h->second.volumes.at(volume).spec.size_gb;
}

bool SimStorageDriver::exists(const HostId& host, const std::string& volume) const {
  std::lock_guard lock(mu_);
  auto h = hosts_.find(host.value);
  return h != hosts_.end() && h->second.volumes.contains(volume);
}

bool SimStorageDriver::wiped(const std::string& volume) const {
  std::lock_guard lock(mu_);
  auto it = removed_.find(volume);
  return it != removed_.end() && it->second;
}

void SimStorageDriver::fail_next(const HostId& host, const std::string& message) {
  std::lock_guard lock(mu_);
  hosts_[host.value].fail_next = message;
}

void SimStorageDriver::hold_disk(const std::string& domain, bool held) {
  std::lock_guard lock(mu_);
  if (held)
    held_.insert(domain);
  else
    held_.erase(domain);
}

}  // namespace govcloud
