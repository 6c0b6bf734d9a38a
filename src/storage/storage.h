// The storage module's face (STO-01–05, 12, issue 10): the driver interface every block-storage
// engine implements, and the volume service. Implementations of the driver live in
// src/drivers/<engine>/ (libvirt directory pools, sim) and are wired by src/server; this module
// never includes a driver (decision 0011).
//
// Every driver call is idempotent by volume name, so an operation interrupted by a crash can
// simply be run again; driver calls never run inside a store transaction.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "common/workers.h"
#include "compute/vms.h"
#include "model/storage.h"
#include "store/storage_tx.h"
#include "workflow/workflow.h"

namespace govcloud {

// The catalog code of the service whose approved requests become volumes (云硬盘).
inline constexpr const char* kCloudDiskService = "cloud-disk";

// What a tier lets one disk do, enforced by the hypervisor (libvirt iotune).
struct IoLimits {
  std::int64_t iops = 0;
  std::int64_t bytes_per_sec = 0;
  friend bool operator==(const IoLimits&, const IoLimits&) = default;
};

// A volume as the engine keeps it: a file in its tier's pool on one host.
struct VolumeSpec {
  std::string name;  // unique on the host: "gcv-<volume id>"
  std::string tier;  // normal, performance
  std::int64_t size_gb = 0;
  bool shareable = false;  // raw, for several writers (qcow2 cannot be shared safely)
};

// A volume on a guest: the guest's device, its serial (what the guest sees in
// /dev/disk/by-id) and the tier's limits.
struct DiskSpec {
  VolumeSpec volume;
  std::string domain;  // "gc-<vm id>"
  std::string target;  // vdb, vdc, …
  IoLimits limits;
};

// A gcv-* disk an engine reports on a guest (the reconciler compares these with the store).
struct EngineDisk {
  std::string domain;
  std::string volume;  // "gcv-<volume id>"
  std::string target;
  IoLimits limits;
};

// How far a long engine call is (0–100), for the operation's progress.
using ProgressFn = std::function<void(int percent)>;

class StorageDriver {
 public:
  virtual ~StorageDriver() = default;
  virtual std::string kind() const = 0;  // "libvirt", "sim"

  // An empty volume of spec.size_gb in the tier's pool; an identical one existing is fine.
  virtual Status create_volume(const Host& host, const VolumeSpec& spec) = 0;
  // A new volume holding a snapshot's data, grown to spec.size_gb.
  virtual Status create_from_snapshot(const Host& host, const VolumeSpec& source,
                                      const std::string& snapshot, const VolumeSpec& spec) = 0;
  // Removes the volume (missing is fine); `wipe` overwrites its blocks first (secure delete).
  virtual Status delete_volume(const Host& host, const VolumeSpec& spec, bool wipe,
                               const ProgressFn& progress) = 0;
  // Grows the volume to spec.size_gb (never shrinks): through each running guest it is
  // attached to, so the guest sees the new size at once (virtio-blk), else on the file.
  virtual Status grow_volume(const Host& host, const VolumeSpec& spec,
                             const std::vector<DiskSpec>& attached) = 0;
  // A copy of the volume's data kept beside it; guests writing it are paused for the copy so
  // it is consistent. Returns the bytes the snapshot takes.
  virtual Result<std::int64_t> snapshot_volume(const Host& host, const VolumeSpec& spec,
                                               const std::string& snapshot,
                                               const std::vector<DiskSpec>& attached) = 0;
  // Puts the snapshot's data back into the (detached) volume, keeping its current size.
  virtual Status restore_volume(const Host& host, const VolumeSpec& spec,
                                const std::string& snapshot) = 0;
  virtual Status delete_volume_snapshot(const Host& host, const VolumeSpec& spec,
                                        const std::string& snapshot) = 0;

  // Puts the disk on the guest: live when it runs, and in its definition either way.
  // Already there is fine.
  virtual Status attach(const Host& host, const DiskSpec& disk) = 0;
  // Takes the disk off the guest. A running guest must release it (it is asked, as a hot
  // unplug button is pressed); one that does not is an error unless `force`, which takes the
  // disk out of the definition anyway so it is gone at the guest's next power-off.
  virtual Status detach(const Host& host, const DiskSpec& disk, bool force) = 0;
  // Applies the disk's limits to the running guest and its definition.
  virtual Status set_limits(const Host& host, const DiskSpec& disk) = 0;
  // Every gcv-* disk on every guest of the host.
  virtual Result<std::vector<EngineDisk>> disks(const Host& host) = 0;
};

// Lifecycle actions on an existing volume.
enum class VolumeAction {
  kAttach,
  kDetach,
  kExpand,
  kSnapshot,
  kRestore,
  kDeleteSnapshot,
  kDelete
};
std::optional<VolumeAction> parse_volume_action(std::string_view text);
const char* volume_action_name(VolumeAction a);

struct VolumeActionInput {
  VolumeAction action = VolumeAction::kAttach;
  std::string vm;  // attach, detach: the VM (id or name in the volume's system)
  bool force = false;
  bool secure = false;       // delete: overwrite the blocks first
  std::int64_t size_gb = 0;  // expand: the new size
  std::string name;          // snapshot: its name
  std::string snapshot;      // restore, delete-snapshot: id or name
  std::string idempotency_key;
};

// What the storage reconciler found: a disk on a guest the store does not know, or an
// attachment the engine does not have (shown to ops, never "fixed").
struct StorageDrift {
  std::string host;
  std::string domain;
  std::string volume;
  std::string kind;  // attached_in_engine_only, attached_in_store_only, limits
  std::string detail;
};

// Volumes (云硬盘): created by approved cloud-disk requests through the workflow, attached,
// detached, grown, snapshotted, restored and deleted as operations (begin → engine → finish).
// Rights are the VM rights of the volume's business system: vm.read to see, vm.operate to act.
class VolumeService final : public Provisioner {
 public:
  VolumeService(Store& store, const Clock& clock, ComputeService& compute, VmService& vms,
                Workers& workers);
  VolumeService(const VolumeService&) = delete;
  VolumeService& operator=(const VolumeService&) = delete;

  // Wiring (src/server): one driver per host kind.
  void add_driver(StorageDriver& driver);
  // At start: tier limits are seeded, and every volume operation a stop interrupted is
  // finished or failed with a reason.
  Status start();

  Status validate(Tx& tx, const Org& system, const boost::json::object& params) override;
  void provision(const std::string& request_id) override;

  Result<Listing<Volume>> list(const Principal& who, VolumeQuery q);
  Result<Volume> get(const Principal& who, const std::string& id);
  Result<std::vector<VolumeAttachment>> attachments_of(const Principal& who, const std::string& id);
  Result<std::vector<VolumeSnapshot>> snapshots_of(const Principal& who, const std::string& id);
  Result<std::vector<Operation>> operations_of(const Principal& who, const std::string& id);
  Result<Operation> act(const Principal& who, const std::string& id, const VolumeActionInput& in,
                        const RequestContext& ctx);

  // Tiers: everyone signed in reads them (they are part of the catalog); changing one is the
  // provider's (host.manage) and re-applies the limits to every attached disk of the tier.
  Result<std::vector<StorageTier>> tiers(const Principal& who);
  Result<StorageTier> set_tier(const Principal& who, const std::string& name, IoLimits limits,
                               const RequestContext& ctx);
  // Guest OSes whose volumes grow online (STO-04): the guest sees the new size at once.
  static std::vector<std::pair<std::string, std::string>> online_expansion_os();

  // A job: compares the gcv-* disks every reachable host reports with the store's attachments.
  std::vector<StorageDrift> reconcile();
  Result<std::vector<StorageDrift>> reconcile_now(const Principal& who);

  // The tier limits the catalog gives by default (the iops_max of storage-normal and
  // storage-high-perf; throughput is ours: 150 and 350 MiB/s).
  static IoLimits default_limits(const std::string& tier);

 private:
  struct Work;  // what an operation's engine half reads (volume_ops.cc)
  Result<Work> load_work(const std::string& op_id);
  void create_on_engine(const std::string& op_id);
  void act_on_engine(const std::string& op_id);
  void finish(const std::string& op_id, const std::string& failure, std::int64_t used_bytes);
  void progress(const std::string& op_id, int percent, const std::string& step);
  void reapply_limits(const std::string& tier);
  void fail_request(const std::string& request_id, const std::string& reason);
  // VM hooks: a deleted VM's disks come off it; a VM may not move while it has local volumes.
  void on_vm_deleted(Tx& tx, const Vm& vm, TimeMs now);
  Status guard_vm_action(Tx& tx, const Vm& vm, VmAction action);
  StorageDriver* driver(const std::string& kind);

  Store& store_;
  const Clock& clock_;
  ComputeService& compute_;
  VmService& vms_;
  Workers& workers_;
  std::map<std::string, StorageDriver*> drivers_;
};

}  // namespace govcloud
