#include "drivers/libvirt/libvirt_storage.h"

#include <sys/stat.h>

#include <algorithm>
#include <thread>

#include "common/process.h"
#include "drivers/libvirt/domain_xml.h"
#include "drivers/libvirt/libvirt_handles.h"
#include "drivers/libvirt/wipe.h"

namespace govcloud {

using namespace libvirt;

namespace {

std::string format_of(const VolumeSpec& spec) {
  return spec.shareable ? "raw" : "qcow2";
}

unsigned long long bytes_of(std::int64_t gb) {        // NOLINT(google-runtime-int): libvirt's type
  return static_cast<unsigned long long>(gb) << 30U;  // NOLINT(google-runtime-int)
}

std::string xml_of(virDomainPtr d, unsigned flags) {
  char* xml = virDomainGetXMLDesc(d, flags);
  std::string text = xml ? xml : "";
  free(xml);  // NOLINT(cppcoreguidelines-no-malloc): libvirt allocates with malloc
  return text;
}

std::string path_of(virStorageVolPtr v) {
  char* p = virStorageVolGetPath(v);
  std::string out = p ? p : "";
  free(p);  // NOLINT(cppcoreguidelines-no-malloc)
  return out;
}

std::string attr(const std::string& element, const std::string& name) {
  auto a = element.find(" " + name + "='");
  if (a == std::string::npos) return "";
  a += name.size() + 3;
  auto b = element.find('\'', a);
  return b == std::string::npos ? "" : element.substr(a, b - a);
}

std::int64_t number_in(const std::string& text, const std::string& tag) {
  auto a = text.find("<" + tag + ">");
  if (a == std::string::npos) return 0;
  return std::atoll(text.c_str() + a + tag.size() + 2);
}

// The <disk> elements of a domain's XML that hold a gcv-* volume.
std::vector<EngineDisk> gcv_disks(const std::string& domain, const std::string& xml) {
  std::vector<EngineDisk> out;
  std::size_t at = 0;
  while ((at = xml.find("<disk ", at)) != std::string::npos) {
    auto end = xml.find("</disk>", at);
    if (end == std::string::npos) break;
    std::string disk = xml.substr(at, end - at);
    at = end;
    auto src = disk.find("<source ");
    auto tgt = disk.find("<target ");
    if (src == std::string::npos || tgt == std::string::npos) continue;
    std::string source = disk.substr(src, disk.find('>', src) - src);
    std::string volume = attr(source, "volume");
    if (volume.empty()) {  // a live XML names the file
      std::string file = attr(source, "file");
      volume = file.substr(file.rfind('/') + 1);
    }
    if (volume.rfind("gcv-", 0) != 0) continue;
    volume = volume.substr(0, volume.rfind('.'));
    std::string target = attr(disk.substr(tgt, disk.find('>', tgt) - tgt), "dev");
    out.push_back(EngineDisk{
        domain, volume, target,
        IoLimits{number_in(disk, "total_iops_sec"), number_in(disk, "total_bytes_sec")}});
  }
  return out;
}

bool has_disk(virDomainPtr d, unsigned flags, const std::string& volume,
              const std::string& target) {
  for (const auto& disk : gcv_disks("", xml_of(d, flags)))
    if (disk.volume == volume && disk.target == target) return true;
  return false;
}

}  // namespace

std::string LibvirtStorageDriver::pool_name(const std::string& tier) const {
  return compute_.options().pool + "-" + tier;
}

std::string LibvirtStorageDriver::file_of(const VolumeSpec& spec) {
  return spec.name + "." + format_of(spec);
}

std::string LibvirtStorageDriver::snapshot_file(const VolumeSpec& spec,
                                                const std::string& snapshot) {
  return spec.name + "-" + snapshot + "." + format_of(spec);
}

Status LibvirtStorageDriver::ensure_pool(virConnectPtr conn, const std::string& tier) {
  std::string name = pool_name(tier);
  Pool p(virStoragePoolLookupByName(conn, name.c_str()));
  if (!p) {
    std::string dir = compute_.options().pool_dir + "-" + tier;
    p.reset(virStoragePoolDefineXML(conn, pool_xml(name, dir).c_str(), 0));
    if (!p) return engine_error("defining storage pool " + name);
    virStoragePoolBuild(p.get(), 0);
    virStoragePoolSetAutostart(p.get(), 1);
  }
  if (virStoragePoolIsActive(p.get()) != 1 && virStoragePoolCreate(p.get(), 0) != 0)
    return engine_error("starting storage pool " + name);
  virStoragePoolRefresh(p.get(), 0);
  return ok_status();
}

Status LibvirtStorageDriver::create_volume(const Host& host, const VolumeSpec& spec) {
  if (spec.name.empty() || spec.size_gb <= 0)
    return invalid("spec", "a volume needs a name and a size");
  GC_ASSIGN_OR_RETURN(auto conn, compute_.connection(host.uri));
  GC_TRY(ensure_pool(conn, spec.tier));
  Pool pool(virStoragePoolLookupByName(conn, pool_name(spec.tier).c_str()));
  std::string file = file_of(spec);
  if (Vol have(virStorageVolLookupByName(pool.get(), file.c_str())); have) {
    virStorageVolInfo info{};
    if (virStorageVolGetInfo(have.get(), &info) == 0 && info.capacity != bytes_of(spec.size_gb))
      return conflict("a different volume " + file + " exists");
    return ok_status();
  }
  Vol made(virStorageVolCreateXML(
      pool.get(), volume_xml(file, spec.size_gb, "", "", format_of(spec)).c_str(), 0));
  if (!made) return engine_error("creating " + file);
  return ok_status();
}

Status LibvirtStorageDriver::create_from_snapshot(const Host& host, const VolumeSpec& source,
                                                  const std::string& snapshot,
                                                  const VolumeSpec& spec) {
  GC_ASSIGN_OR_RETURN(auto conn, compute_.connection(host.uri));
  GC_TRY(ensure_pool(conn, spec.tier));
  Pool pool(virStoragePoolLookupByName(conn, pool_name(spec.tier).c_str()));
  std::string file = file_of(spec);
  if (Vol have(virStorageVolLookupByName(pool.get(), file.c_str())); !have) {
    std::string snap_name = snapshot_file(source, snapshot);
    Pool src_pool(virStoragePoolLookupByName(conn, pool_name(source.tier).c_str()));
    Vol snap(src_pool ? virStorageVolLookupByName(src_pool.get(), snap_name.c_str()) : nullptr);
    if (!snap) return not_found("snapshot " + snap_name);
    Vol made(virStorageVolCreateXMLFrom(
        pool.get(), volume_xml(file, spec.size_gb, "", "", format_of(spec)).c_str(), snap.get(),
        0));
    if (!made) return engine_error("copying " + snap_name + " into " + file);
  }
  // The copy has the snapshot's size; the new volume may be larger.
  return grow_volume(host, spec, {});
}

Status LibvirtStorageDriver::delete_volume(const Host& host, const VolumeSpec& spec, bool wipe,
                                           const ProgressFn& progress) {
  GC_ASSIGN_OR_RETURN(auto conn, compute_.connection(host.uri));
  Pool pool(virStoragePoolLookupByName(conn, pool_name(spec.tier).c_str()));
  if (!pool) return ok_status();
  virStoragePoolRefresh(pool.get(), 0);
  std::string file = file_of(spec);
  Vol vol(virStorageVolLookupByName(pool.get(), file.c_str()));
  if (!vol) return ok_status();
  GC_ASSIGN_OR_RETURN(auto holders, guests_holding(host, spec.name));
  if (!holders.empty()) return conflict(spec.name + " is still on guest " + holders.front());
  if (wipe) {
    // Here the file is overwritten in place, with progress; a remote host's by libvirt.
    std::string path = path_of(vol.get());
    Status wiped = LibvirtComputeDriver::is_local(host.uri) && !path.empty()
                       ? overwrite_with_zeros(path, progress)
                   : virStorageVolWipe(vol.get(), 0) == 0 ? ok_status()
                                                          : Status{engine_error("wiping " + file)};
    if (!wiped.ok()) return wiped;
  }
  if (virStorageVolDelete(vol.get(), 0) != 0) return engine_error("deleting " + file);
  return ok_status();
}

Status LibvirtStorageDriver::grow_volume(const Host& host, const VolumeSpec& spec,
                                         const std::vector<DiskSpec>& attached) {
  GC_ASSIGN_OR_RETURN(auto conn, compute_.connection(host.uri));
  Pool pool(virStoragePoolLookupByName(conn, pool_name(spec.tier).c_str()));
  std::string file = file_of(spec);
  Vol vol(pool ? virStorageVolLookupByName(pool.get(), file.c_str()) : nullptr);
  if (!vol) return not_found("volume " + file);
  virStorageVolInfo info{};
  if (virStorageVolGetInfo(vol.get(), &info) != 0) return engine_error("reading " + file);
  auto bytes = bytes_of(spec.size_gb);
  if (bytes < info.capacity) return conflict("a volume never shrinks");
  // Through a running guest, so it learns the new size at once (virtio-blk capacity change).
  bool live = false;
  for (const auto& disk : attached) {
    Domain d(virDomainLookupByName(conn, disk.domain.c_str()));
    if (!d || virDomainIsActive(d.get()) != 1) continue;
    if (virDomainBlockResize(d.get(), disk.target.c_str(), bytes, VIR_DOMAIN_BLOCK_RESIZE_BYTES) !=
        0)
      return engine_error("growing " + disk.target + " of " + disk.domain);
    live = true;
  }
  if (!live && bytes > info.capacity && virStorageVolResize(vol.get(), bytes, 0) != 0)
    return engine_error("growing " + file + " to " + std::to_string(spec.size_gb) + " GB");
  return ok_status();
}

Result<std::int64_t> LibvirtStorageDriver::snapshot_volume(const Host& host, const VolumeSpec& spec,
                                                           const std::string& snapshot,
                                                           const std::vector<DiskSpec>& attached) {
  GC_ASSIGN_OR_RETURN(auto conn, compute_.connection(host.uri));
  Pool pool(virStoragePoolLookupByName(conn, pool_name(spec.tier).c_str()));
  std::string file = file_of(spec);
  Vol vol(pool ? virStorageVolLookupByName(pool.get(), file.c_str()) : nullptr);
  if (!vol) return not_found("volume " + file);
  std::string snap_name = snapshot_file(spec, snapshot);
  Vol snap(virStorageVolLookupByName(pool.get(), snap_name.c_str()));
  if (!snap) {
    // The running guests writing it are paused (QEMU flushes on pause) for a consistent copy.
    std::vector<Domain> paused;
    for (const auto& disk : attached) {
      Domain d(virDomainLookupByName(conn, disk.domain.c_str()));
      if (d && virDomainIsActive(d.get()) == 1) {
        if (virDomainSuspend(d.get()) != 0) {
          for (auto& p : paused) virDomainResume(p.get());
          return engine_error("pausing " + disk.domain);
        }
        paused.push_back(std::move(d));
      }
    }
    Status copied = ok_status();
    if (paused.empty()) {
      snap.reset(virStorageVolCreateXMLFrom(
          pool.get(), volume_xml(snap_name, spec.size_gb, "", "", format_of(spec)).c_str(),
          vol.get(), 0));
      if (!snap) copied = engine_error("copying " + file);
    } else if (!LibvirtComputeDriver::is_local(host.uri)) {
      copied = conflict("a volume on a running guest of a remote host is snapshotted stopped");
    } else {
      // QEMU holds the image's lock while the guest is paused: qemu-img reads it shared.
      std::string src = path_of(vol.get());
      std::string dst = src.substr(0, src.rfind('/') + 1) + snap_name;
      auto r = run_program({"qemu-img", "convert", "-U", "-f", format_of(spec), "-O",
                            format_of(spec), "--", src, dst});
      if (!r.ok() || r->exit_code != 0)
        copied = Error{ErrorCode::kConflict,
                       "copying " + file + ": " + (r.ok() ? r->out : r.error().message),
                       {}};
      virStoragePoolRefresh(pool.get(), 0);
      snap.reset(virStorageVolLookupByName(pool.get(), snap_name.c_str()));
      if (copied.ok() && !snap) copied = engine_error("finding the copy " + snap_name);
    }
    for (auto& p : paused) virDomainResume(p.get());
    if (!copied.ok()) return copied.error();
  }
  virStorageVolInfo info{};
  if (virStorageVolGetInfo(snap.get(), &info) != 0) return engine_error("reading " + snap_name);
  return static_cast<std::int64_t>(info.allocation);
}

Status LibvirtStorageDriver::restore_volume(const Host& host, const VolumeSpec& spec,
                                            const std::string& snapshot) {
  GC_ASSIGN_OR_RETURN(auto conn, compute_.connection(host.uri));
  Pool pool(virStoragePoolLookupByName(conn, pool_name(spec.tier).c_str()));
  std::string file = file_of(spec);
  std::string snap_name = snapshot_file(spec, snapshot);
  Vol snap(pool ? virStorageVolLookupByName(pool.get(), snap_name.c_str()) : nullptr);
  if (!snap) return not_found("snapshot " + snap_name);
  GC_ASSIGN_OR_RETURN(auto holders, guests_holding(host, spec.name));
  if (!holders.empty()) return conflict(spec.name + " is on guest " + holders.front());
  // The volume's file is replaced by a copy of the snapshot, then grown to the volume's size.
  if (Vol vol(virStorageVolLookupByName(pool.get(), file.c_str())); vol)
    if (virStorageVolDelete(vol.get(), 0) != 0) return engine_error("replacing " + file);
  Vol made(virStorageVolCreateXMLFrom(
      pool.get(), volume_xml(file, spec.size_gb, "", "", format_of(spec)).c_str(), snap.get(), 0));
  if (!made) return engine_error("copying " + snap_name + " back into " + file);
  return grow_volume(host, spec, {});
}

Status LibvirtStorageDriver::delete_volume_snapshot(const Host& host, const VolumeSpec& spec,
                                                    const std::string& snapshot) {
  GC_ASSIGN_OR_RETURN(auto conn, compute_.connection(host.uri));
  Pool pool(virStoragePoolLookupByName(conn, pool_name(spec.tier).c_str()));
  if (!pool) return ok_status();
  std::string snap_name = snapshot_file(spec, snapshot);
  if (Vol snap(virStorageVolLookupByName(pool.get(), snap_name.c_str())); snap)
    if (virStorageVolDelete(snap.get(), 0) != 0) return engine_error("deleting " + snap_name);
  return ok_status();
}

Status LibvirtStorageDriver::attach(const Host& host, const DiskSpec& disk) {
  GC_ASSIGN_OR_RETURN(auto conn, compute_.connection(host.uri));
  Domain d(virDomainLookupByName(conn, disk.domain.c_str()));
  if (!d) return not_found("guest " + disk.domain);
  bool running = virDomainIsActive(d.get()) == 1;
  unsigned flags =
      VIR_DOMAIN_AFFECT_CONFIG | (running ? static_cast<unsigned>(VIR_DOMAIN_AFFECT_LIVE) : 0U);
  bool in_config = has_disk(d.get(), VIR_DOMAIN_XML_INACTIVE, disk.volume.name, disk.target);
  bool in_live = !running || has_disk(d.get(), 0, disk.volume.name, disk.target);
  if (in_config && in_live) return ok_status();  // attached before a restart
  if (!in_config) {
    GC_TRY(ensure_pool(conn, disk.volume.tier));
    Pool pool(virStoragePoolLookupByName(conn, pool_name(disk.volume.tier).c_str()));
    virStoragePoolRefresh(pool.get(), 0);
    if (Vol vol(virStorageVolLookupByName(pool.get(), file_of(disk.volume).c_str())); !vol)
      return not_found("volume " + disk.volume.name);
    if (!disk.volume.shareable) {
      GC_ASSIGN_OR_RETURN(auto holders, guests_holding(host, disk.volume.name));
      for (const auto& g : holders)
        if (g != disk.domain)
          return conflict(disk.volume.name + " is not shareable and is on guest " + g);
    }
  }
  if (in_config) flags &= ~static_cast<unsigned>(VIR_DOMAIN_AFFECT_CONFIG);
  if (in_live) flags &= ~static_cast<unsigned>(VIR_DOMAIN_AFFECT_LIVE);
  std::string xml = disk_xml(disk, pool_name(disk.volume.tier), file_of(disk.volume));
  if (virDomainAttachDeviceFlags(d.get(), xml.c_str(), flags) != 0)
    return engine_error("attaching " + disk.volume.name + " to " + disk.domain);
  return ok_status();
}

Status LibvirtStorageDriver::detach(const Host& host, const DiskSpec& disk, bool force) {
  GC_ASSIGN_OR_RETURN(auto conn, compute_.connection(host.uri));
  Domain d(virDomainLookupByName(conn, disk.domain.c_str()));
  if (!d) return ok_status();  // the guest is gone, and the disk with it
  std::string xml = disk_xml(disk, pool_name(disk.volume.tier), file_of(disk.volume));
  if (virDomainIsActive(d.get()) == 1 && has_disk(d.get(), 0, disk.volume.name, disk.target)) {
    // A hot unplug is a request the guest answers; libvirt returns before it may have.
    virDomainDetachDeviceFlags(d.get(), xml.c_str(), VIR_DOMAIN_AFFECT_LIVE);
    auto deadline = std::chrono::steady_clock::now() + release_timeout;
    while (has_disk(d.get(), 0, disk.volume.name, disk.target) &&
           std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    if (has_disk(d.get(), 0, disk.volume.name, disk.target) && !force)
      return conflict("the guest did not release " + disk.target +
                      " (it may be in use); unmount it in the guest, or detach with force");
  }
  if (has_disk(d.get(), VIR_DOMAIN_XML_INACTIVE, disk.volume.name, disk.target) &&
      virDomainDetachDeviceFlags(d.get(), xml.c_str(), VIR_DOMAIN_AFFECT_CONFIG) != 0)
    return engine_error("taking " + disk.target + " out of " + disk.domain + "'s definition");
  return ok_status();
}

Status LibvirtStorageDriver::set_limits(const Host& host, const DiskSpec& disk) {
  GC_ASSIGN_OR_RETURN(auto conn, compute_.connection(host.uri));
  Domain d(virDomainLookupByName(conn, disk.domain.c_str()));
  if (!d) return not_found("guest " + disk.domain);
  virTypedParameterPtr params = nullptr;
  int n = 0;
  int max = 0;
  virTypedParamsAddULLong(&params, &n, &max, VIR_DOMAIN_BLOCK_IOTUNE_TOTAL_IOPS_SEC,
                          static_cast<unsigned long long>(disk.limits.iops));  // NOLINT
  virTypedParamsAddULLong(&params, &n, &max, VIR_DOMAIN_BLOCK_IOTUNE_TOTAL_BYTES_SEC,
                          static_cast<unsigned long long>(disk.limits.bytes_per_sec));  // NOLINT
  unsigned flags =
      VIR_DOMAIN_AFFECT_CONFIG |
      (virDomainIsActive(d.get()) == 1 ? static_cast<unsigned>(VIR_DOMAIN_AFFECT_LIVE) : 0U);
  int rc = virDomainSetBlockIoTune(d.get(), disk.target.c_str(), params, n, flags);
  virTypedParamsFree(params, n);
  if (rc != 0) return engine_error("limiting " + disk.target + " of " + disk.domain);
  return ok_status();
}

Result<std::vector<EngineDisk>> LibvirtStorageDriver::disks(const Host& host) {
  GC_ASSIGN_OR_RETURN(auto conn, compute_.connection(host.uri));
  virDomainPtr* doms = nullptr;
  int n = virConnectListAllDomains(conn, &doms, 0);
  if (n < 0) return engine_error("listing guests");
  std::vector<EngineDisk> out;
  for (int i = 0; i < n; ++i) {
    Domain d(doms[i]);
    std::string name = virDomainGetName(d.get());
    for (auto& disk : gcv_disks(name, xml_of(d.get(), 0))) out.push_back(std::move(disk));
  }
  free(doms);  // NOLINT(cppcoreguidelines-no-malloc)
  return out;
}

Result<std::vector<std::string>> LibvirtStorageDriver::guests_holding(const Host& host,
                                                                      const std::string& volume) {
  GC_ASSIGN_OR_RETURN(auto all, disks(host));
  std::vector<std::string> out;
  for (const auto& d : all)
    if (d.volume == volume && std::find(out.begin(), out.end(), d.domain) == out.end())
      out.push_back(d.domain);
  return out;
}

}  // namespace govcloud
