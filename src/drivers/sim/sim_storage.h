// The in-process twin of the libvirt storage driver (decision 0011): volumes, their snapshots
// and the disks on guests held in memory, with the data a guest would have written kept as a
// string so snapshots, restores and secure deletes can be checked. Running guests are those the
// sim compute driver runs. With a state file the volumes and disks outlive the process, as a
// real host's files and guests do (the crash tests kill the server mid-operation); a host's
// "latency_ms" slows its storage calls as it slows its guest calls. Passes the same contract tests
// as the real driver (tests/drivers/storage_contract_test.cc).
#pragma once

#include <boost/json/fwd.hpp>
#include <map>
#include <mutex>
#include <set>
#include <string>

#include "drivers/sim/sim_compute.h"
#include "storage/storage.h"

namespace govcloud {

class SimStorageDriver final : public StorageDriver {
 public:
  explicit SimStorageDriver(SimComputeDriver& compute, std::string state_file = "");
  std::string kind() const override { return "sim"; }
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

  // What a guest writes to the volume, and reads back (tests).
  void write(const HostId& host, const std::string& volume, const std::string& data);
  std::string read(const HostId& host, const std::string& volume) const;
  std::int64_t size_gb(const HostId& host, const std::string& volume) const;
  bool exists(const HostId& host, const std::string& volume) const;
  // Whether a deleted volume's data was overwritten first (secure delete).
  bool wiped(const std::string& volume) const;
  // Faults: the host's next storage call fails; a guest holds its disk and refuses to let go.
  void fail_next(const HostId& host, const std::string& message);
  void hold_disk(const std::string& domain, bool held);

 private:
  struct SimVolume {
    VolumeSpec spec;
    std::string data;
    std::map<std::string, std::pair<std::string, std::int64_t>> snapshots;  // data, size
  };
  struct SimHost {
    std::string fail_next;
    std::map<std::string, SimVolume> volumes;
    std::map<std::string, std::map<std::string, DiskSpec>> disks;  // domain → target → disk
  };
  Status reach(const Host& host, SimHost*& out);
  void load();
  void load_from(const boost::json::value& root);
  void save_locked() const;
  // The domain exists on the host and whether it runs (the sim compute driver says).
  Result<bool> running(const Host& host, const std::string& domain);

  SimComputeDriver& compute_;
  std::string state_file_;
  mutable std::mutex mu_;
  std::map<std::string, SimHost> hosts_;
  std::map<std::string, bool> removed_;  // volume → wiped
  std::set<std::string> held_;           // domains that do not release disks
};

}  // namespace govcloud
