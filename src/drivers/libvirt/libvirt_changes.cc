// The libvirt driver, continued: resize, snapshots and clones (CMP-02, CMP-05). Snapshots are
// qcow2 internal snapshots of the system disk (and of memory when the guest runs), so they live
// in the disk file: deleting or securely wiping the disk takes them with it.
#include <cstdlib>

#include "drivers/libvirt/domain_xml.h"
#include "drivers/libvirt/libvirt_compute.h"
#include "drivers/libvirt/libvirt_handles.h"

namespace govcloud {

using namespace libvirt;

Status LibvirtComputeDriver::resize(const Host& host, const std::string& name, int vcpu,
                                    std::int64_t memory_mb, std::int64_t disk_gb) {
  GC_ASSIGN_OR_RETURN(auto conn, connect(host.uri));
  Domain d(virDomainLookupByName(conn, name.c_str()));
  if (!d) return not_found("guest " + name);
  if (virDomainIsActive(d.get()) == 1) return conflict("guest " + name + " is running");
  auto kib = static_cast<unsigned long>(memory_mb) * 1024UL;  // NOLINT(google-runtime-int)
  unsigned config = VIR_DOMAIN_AFFECT_CONFIG;
  // The maximum first when growing, the current first when shrinking: never current > max.
  bool grow_cpu = vcpu > virDomainGetVcpusFlags(d.get(), config | VIR_DOMAIN_VCPU_MAXIMUM);
  for (int step = 0; step < 2; ++step) {
    unsigned flags =
        config | ((step == 0) == grow_cpu ? static_cast<unsigned>(VIR_DOMAIN_VCPU_MAXIMUM) : 0U);
    if (virDomainSetVcpusFlags(d.get(), static_cast<unsigned>(vcpu), flags) != 0)
      return engine_error("setting " + name + " to " + std::to_string(vcpu) + " vCPU");
  }
  bool grow_mem = kib > virDomainGetMaxMemory(d.get());
  for (int step = 0; step < 2; ++step) {
    unsigned flags =
        config | ((step == 0) == grow_mem ? static_cast<unsigned>(VIR_DOMAIN_MEM_MAXIMUM) : 0U);
    if (virDomainSetMemoryFlags(d.get(), kib, flags) != 0)
      return engine_error("setting " + name + " to " + std::to_string(memory_mb) + " MiB");
  }
  Pool pool(virStoragePoolLookupByName(conn, options_.pool.c_str()));
  if (!pool) return engine_error("storage pool " + options_.pool);
  std::string volume = name + ".qcow2";
  Vol vol(virStorageVolLookupByName(pool.get(), volume.c_str()));
  if (!vol) return engine_error("the system disk " + volume);
  virStorageVolInfo info{};
  if (virStorageVolGetInfo(vol.get(), &info) != 0) return engine_error("reading " + volume);
  auto bytes = static_cast<unsigned long long>(disk_gb) << 30U;  // NOLINT(google-runtime-int)
  if (bytes < info.capacity) return conflict("a system disk never shrinks");
  if (bytes > info.capacity && virStorageVolResize(vol.get(), bytes, 0) != 0)
    return engine_error("growing " + volume + " to " + std::to_string(disk_gb) + " GB");
  return ok_status();
}

Status LibvirtComputeDriver::snapshot(const Host& host, const std::string& name,
                                      const std::string& snapshot) {
  GC_ASSIGN_OR_RETURN(auto conn, connect(host.uri));
  Domain d(virDomainLookupByName(conn, name.c_str()));
  if (!d) return not_found("guest " + name);
  if (DomainSnapshot have(virDomainSnapshotLookupByName(d.get(), snapshot.c_str(), 0)); have)
    return ok_status();
  std::string xml = "<domainsnapshot><name>" + xml_escape(snapshot) + "</name></domainsnapshot>";
  DomainSnapshot made(virDomainSnapshotCreateXML(d.get(), xml.c_str(), 0));
  if (!made) return engine_error("snapshotting " + name);
  return ok_status();
}

Status LibvirtComputeDriver::revert(const Host& host, const std::string& name,
                                    const std::string& snapshot) {
  GC_ASSIGN_OR_RETURN(auto conn, connect(host.uri));
  Domain d(virDomainLookupByName(conn, name.c_str()));
  if (!d) return not_found("guest " + name);
  DomainSnapshot snap(virDomainSnapshotLookupByName(d.get(), snapshot.c_str(), 0));
  if (!snap) return not_found("snapshot " + snapshot + " of " + name);
  if (virDomainRevertToSnapshot(snap.get(), 0) != 0)
    return engine_error("reverting " + name + " to " + snapshot);
  return ok_status();
}

Status LibvirtComputeDriver::delete_snapshot(const Host& host, const std::string& name,
                                             const std::string& snapshot) {
  GC_ASSIGN_OR_RETURN(auto conn, connect(host.uri));
  Domain d(virDomainLookupByName(conn, name.c_str()));
  if (!d) return ok_status();  // the guest is gone, and its snapshots with its disk
  DomainSnapshot snap(virDomainSnapshotLookupByName(d.get(), snapshot.c_str(), 0));
  if (!snap) return ok_status();
  if (virDomainSnapshotDelete(snap.get(), 0) != 0)
    return engine_error("deleting snapshot " + snapshot + " of " + name);
  return ok_status();
}

Status LibvirtComputeDriver::clone(const Host& host, const std::string& source,
                                   const DomainSpec& spec) {
  if (spec.name.empty() || spec.vcpu <= 0 || spec.memory_mb <= 0 || spec.disk_gb <= 0)
    return invalid("spec", "a guest needs a name, vCPU, memory and a disk");
  GC_ASSIGN_OR_RETURN(auto conn, connect(host.uri));
  if (Domain d(virDomainLookupByName(conn, spec.name.c_str())); d) return ok_status();
  Domain src(virDomainLookupByName(conn, source.c_str()));
  if (!src) return not_found("guest " + source);
  if (virDomainIsActive(src.get()) == 1) return conflict("guest " + source + " is running");
  GC_TRY(ensure_pool(conn));
  Pool pool(virStoragePoolLookupByName(conn, options_.pool.c_str()));
  std::string volume = spec.name + ".qcow2";
  Vol vol(virStorageVolLookupByName(pool.get(), volume.c_str()));
  if (!vol) {
    Vol from(virStorageVolLookupByName(pool.get(), (source + ".qcow2").c_str()));
    if (!from) return engine_error("the system disk of " + source);
    // A whole copy (qemu-img convert): the clone shares no blocks with its source.
    std::string xml = volume_xml(volume, spec.disk_gb, "", "");
    vol.reset(virStorageVolCreateXMLFrom(pool.get(), xml.c_str(), from.get(), 0));
    if (!vol) return engine_error("copying the system disk of " + source);
  }
  return define_domain(conn, host, spec, volume);
}

// Live migration, peer to peer: the source libvirtd talks to the target's (qemu+tls:// between
// real hosts), copies the system disk into the target's pool of the same name while the guest
// runs (non-shared storage), and leaves the guest defined on the target only.
Status LibvirtComputeDriver::migrate(const Host& from, const Host& to, const std::string& name) {
  if (from.uri == to.uri)
    return conflict("the source and target are the same hypervisor (" + from.uri + ")", "host");
  GC_ASSIGN_OR_RETURN(auto src, connect(from.uri));
  GC_ASSIGN_OR_RETURN(auto dst, connect(to.uri));
  Domain d(virDomainLookupByName(src, name.c_str()));
  if (!d) {
    if (Domain there(virDomainLookupByName(dst, name.c_str())); there) return ok_status();
    return not_found("guest " + name);
  }
  if (virDomainIsActive(d.get()) != 1)
    return conflict(
        "a shut-off guest moves only with shared storage (Ceph RBD, NFS: the storage "
        "issues); start it to migrate it live",
        "state");
  GC_TRY(ensure_pool(dst));  // the disk is made again in the pool of the same name
  unsigned flags = VIR_MIGRATE_LIVE | VIR_MIGRATE_PEER2PEER | VIR_MIGRATE_PERSIST_DEST |
                   VIR_MIGRATE_UNDEFINE_SOURCE | VIR_MIGRATE_NON_SHARED_DISK;
  if (virDomainMigrateToURI3(d.get(), to.uri.c_str(), nullptr, 0, flags) != 0)
    return engine_error("migrating " + name + " to " + to.name);
  return ok_status();
}

}  // namespace govcloud
