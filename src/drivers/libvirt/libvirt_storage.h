// Block storage on libvirt (decision 0011): one directory pool per tier on each host
// (<pool>-normal, <pool>-performance beside the system-disk pool), qcow2 files for volumes one
// guest writes and sparse raw files for shareable ones; disks go on guests as virtio-blk with
// the tier's iotune. The pool type is the only directory-specific part: LVM or Ceph RBD pools
// plug in behind the same calls.
#pragma once

#include <string>

#include "drivers/libvirt/libvirt_compute.h"
#include "storage/storage.h"

namespace govcloud {

class LibvirtStorageDriver final : public StorageDriver {
 public:
  // Shares the compute driver's connections (one per host) and its pool location.
  explicit LibvirtStorageDriver(LibvirtComputeDriver& compute) : compute_(compute) {}
  std::string kind() const override { return "libvirt"; }
  Status create_volume(const Host& host, const VolumeSpec& spec) override;
  Status create_from_snapshot(const Host& host, const VolumeSpec& source,
                              const std::string& snapshot, const VolumeSpec& spec) override;
  Status delete_volume(const Host& host, const VolumeSpec& spec, bool wipe,
                       const ProgressFn& progress) override;
  Status grow_volume(const Host& host, const VolumeSpec& spec,
                     const std::vector<DiskSpec>& attached) override;
  Result<std::int64_t> snapshot_volume(const Host& host, const VolumeSpec& spec,
                                       const std::string& snapshot,
                                       const std::vector<DiskSpec>& attached) override;
  Status restore_volume(const Host& host, const VolumeSpec& spec,
                        const std::string& snapshot) override;
  Status delete_volume_snapshot(const Host& host, const VolumeSpec& spec,
                                const std::string& snapshot) override;
  Status attach(const Host& host, const DiskSpec& disk) override;
  Status detach(const Host& host, const DiskSpec& disk, bool force) override;
  Status set_limits(const Host& host, const DiskSpec& disk) override;
  Result<std::vector<EngineDisk>> disks(const Host& host) override;

  // The libvirt pool of a tier, and the file a volume or its snapshot is in it.
  std::string pool_name(const std::string& tier) const;
  static std::string file_of(const VolumeSpec& spec);
  static std::string snapshot_file(const VolumeSpec& spec, const std::string& snapshot);
  // How long a running guest is given to release a disk being detached.
  std::chrono::seconds release_timeout{15};

 private:
  Status ensure_pool(_virConnect* conn, const std::string& tier);
  // The guests of the host whose definition or running state holds the volume (the same
  // refusals as the sim twin: no delete or restore under a guest, one guest unless shareable).
  Result<std::vector<std::string>> guests_holding(const Host& host, const std::string& volume);

  LibvirtComputeDriver& compute_;
};

}  // namespace govcloud
