// The storage facet of a unit of work (decision 0011): volumes, their attachments and
// snapshots, and the tiers' limits, each a typed table.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "model/storage.h"
#include "store/store.h"

namespace govcloud {

class StorageTx {
 public:
  virtual ~StorageTx() = default;
  virtual void insert_volume(const Volume& v) = 0;
  virtual void update_volume(const Volume& v) = 0;
  virtual std::optional<Volume> find_volume(const std::string& id) = 0;
  virtual std::optional<Volume> find_volume_by_request(const std::string& request_id) = 0;
  // A live (not deleted) volume of this name in this org.
  virtual std::optional<Volume> find_volume_by_name(const std::string& org_id,
                                                    const std::string& name) = 0;
  virtual Listing<Volume> list_volumes(const VolumeQuery& q) = 0;
  // Every volume that is not deleted (the reconciler reads these).
  virtual std::vector<Volume> live_volumes() = 0;

  // False when the volume is not shareable and already attached (the unique index refuses).
  virtual bool insert_attachment(const VolumeAttachment& a) = 0;
  virtual void delete_attachment(const std::string& volume_id, const std::string& vm_id) = 0;
  virtual std::vector<VolumeAttachment> attachments_of_volume(const std::string& volume_id) = 0;
  virtual std::vector<VolumeAttachment> attachments_of_vm(const std::string& vm_id) = 0;

  virtual void insert_volume_snapshot(const VolumeSnapshot& s) = 0;
  virtual void update_volume_snapshot(const VolumeSnapshot& s) = 0;
  virtual void delete_volume_snapshot(const std::string& id) = 0;
  virtual std::optional<VolumeSnapshot> find_volume_snapshot(const std::string& id) = 0;
  // Oldest first.
  virtual std::vector<VolumeSnapshot> snapshots_of_volume(const std::string& volume_id) = 0;

  virtual void put_tier(const StorageTier& t) = 0;
  virtual std::optional<StorageTier> find_tier(const std::string& name) = 0;
  virtual std::vector<StorageTier> tiers() = 0;
};

}  // namespace govcloud
