// The storage facet: volumes, their attachments and snapshots, and tier limits (issue 10).
#include <sqlite3.h>

#include "store/sqlite_tx.h"

namespace govcloud::sqlite {
namespace {

constexpr const char* kVolumeColumns =
    "id, name, org_id, org_path, vdc_id, owner, request_id, host_id, tier, purpose, shareable, "
    "size_gb, state, tags, reservation_id, reason, created_at, updated_at";
constexpr const char* kSnapshotColumns =
    "id, volume_id, name, org_path, group_id, size_gb, used_bytes, state, created_at";

Volume volume_from(const Stmt& s) {
  Volume v;
  v.id = s.text(0);
  v.name = s.text(1);
  v.org_id = s.text(2);
  v.org_path = s.text(3);
  v.vdc_id = s.text(4);
  v.owner = s.text(5);
  v.request_id = s.text(6);
  v.host_id = s.text(7);
  v.tier = s.text(8);
  v.purpose = parse_volume_purpose(s.text(9)).value_or(VolumePurpose::kBusiness);
  v.shareable = s.boolean(10);
  v.size_gb = s.i64(11);
  v.state = parse_volume_state(s.text(12)).value_or(VolumeState::kError);
  v.tags = tags_from(s.text(13));
  v.reservation_id = s.text(14);
  v.reason = s.text(15);
  v.created_at = s.i64(16);
  v.updated_at = s.i64(17);
  return v;
}

VolumeSnapshot snapshot_from(const Stmt& s) {
  return VolumeSnapshot{s.text(0), s.text(1), s.text(2), s.text(3), s.text(4),
                        s.i64(5),  s.i64(6),  s.text(7), s.i64(8)};
}

VolumeAttachment attachment_from(const Stmt& s) {
  return VolumeAttachment{s.text(0), s.text(1), s.text(2), s.boolean(3), s.i64(4)};
}

class SqliteStorageTx final : public StorageTx {
 public:
  explicit SqliteStorageTx(Db& db) : db_(db) {}

  void insert_volume(const Volume& v) override {
    auto s = db_.prepare(std::string("INSERT INTO volumes (") + kVolumeColumns +
                         ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    bind_volume(s, v).run();
  }

  void update_volume(const Volume& v) override {
    db_.prepare(
           "UPDATE volumes SET name = ?, host_id = ?, tier = ?, size_gb = ?, state = ?, tags = ?, "
           "reservation_id = ?, reason = ?, updated_at = ? WHERE id = ?")
        .bind(v.name)
        .bind(v.host_id)
        .bind(v.tier)
        .bind(v.size_gb)
        .bind(volume_state_name(v.state))
        .bind(tags_text(v.tags))
        .bind(v.reservation_id)
        .bind(v.reason)
        .bind(v.updated_at)
        .bind(v.id)
        .run();
  }

  std::optional<Volume> find_volume(const std::string& id) override { return one("id = ?", id); }

  std::optional<Volume> find_volume_by_request(const std::string& request_id) override {
    if (request_id.empty()) return std::nullopt;
    return one("request_id = ? AND request_id != ''", request_id);
  }

  std::optional<Volume> find_volume_by_name(const std::string& org_id,
                                            const std::string& name) override {
    auto s = db_.prepare(std::string("SELECT ") + kVolumeColumns +
                         " FROM volumes WHERE org_id = ? AND name = ? AND state != 'deleted'");
    s.bind(org_id).bind(name);
    if (!s.step()) return std::nullopt;
    return volume_from(s);
  }

  Listing<Volume> list_volumes(const VolumeQuery& q) override {
    std::vector<std::string> args;
    std::string where = paths_clause("org_path", q.within_paths);
    for (const auto& p : q.within_paths) {
      args.push_back(p);
      args.push_back(p);
    }
    if (!q.name_prefix.empty()) {
      where += " AND substr(name, 1, length(?)) = ?";
      args.push_back(q.name_prefix);
      args.push_back(q.name_prefix);
    }
    if (q.state) {
      where += " AND state = ?";
      args.emplace_back(volume_state_name(*q.state));
    } else if (!q.include_deleted) {
      where += " AND state != 'deleted'";
    }
    if (!q.tag.empty()) {
      where += " AND instr(tags, ?) > 0";
      args.push_back("," + q.tag + ",");
    }
    if (!q.tier.empty()) {
      where += " AND tier = ?";
      args.push_back(q.tier);
    }
    if (!q.vm_id.empty()) {
      where += " AND id IN (SELECT volume_id FROM volume_attachments WHERE vm_id = ?)";
      args.push_back(q.vm_id);
    }
    Listing<Volume> out;
    out.total = count_of(db_, "SELECT COUNT(*) FROM volumes WHERE " + where, args);
    auto s = db_.prepare(std::string("SELECT ") + kVolumeColumns + " FROM volumes WHERE " + where +
                         " ORDER BY name, id LIMIT ? OFFSET ?");
    for (const auto& a : args) s.bind(a);
    s.bind(q.limit).bind(q.offset);
    while (s.step()) out.items.push_back(volume_from(s));
    return out;
  }

  std::vector<Volume> live_volumes() override {
    auto s = db_.prepare(std::string("SELECT ") + kVolumeColumns +
                         " FROM volumes WHERE state != 'deleted' ORDER BY id");
    std::vector<Volume> out;
    while (s.step()) out.push_back(volume_from(s));
    return out;
  }

  bool insert_attachment(const VolumeAttachment& a) override {
    try {
      db_.prepare(
             "INSERT INTO volume_attachments (volume_id, vm_id, target, shareable, since) "
             "VALUES (?,?,?,?,?)")
          .bind(a.volume_id)
          .bind(a.vm_id)
          .bind(a.target)
          .bind(a.shareable)
          .bind(a.since)
          .run();
      return true;
    } catch (const StoreError& e) {
      if ((e.code() & 0xff) == SQLITE_CONSTRAINT) return false;
      throw;
    }
  }

  void delete_attachment(const std::string& volume_id, const std::string& vm_id) override {
    db_.prepare("DELETE FROM volume_attachments WHERE volume_id = ? AND vm_id = ?")
        .bind(volume_id)
        .bind(vm_id)
        .run();
  }

  std::vector<VolumeAttachment> attachments_of_volume(const std::string& volume_id) override {
    return attachments("volume_id = ?", volume_id);
  }

  std::vector<VolumeAttachment> attachments_of_vm(const std::string& vm_id) override {
    return attachments("vm_id = ?", vm_id);
  }

  void insert_volume_snapshot(const VolumeSnapshot& v) override {
    db_.prepare(std::string("INSERT INTO volume_snapshots (") + kSnapshotColumns +
                ") VALUES (?,?,?,?,?,?,?,?,?)")
        .bind(v.id)
        .bind(v.volume_id)
        .bind(v.name)
        .bind(v.org_path)
        .bind(v.group_id)
        .bind(v.size_gb)
        .bind(v.used_bytes)
        .bind(v.state)
        .bind(v.created_at)
        .run();
  }

  void update_volume_snapshot(const VolumeSnapshot& v) override {
    db_.prepare("UPDATE volume_snapshots SET state = ?, used_bytes = ? WHERE id = ?")
        .bind(v.state)
        .bind(v.used_bytes)
        .bind(v.id)
        .run();
  }

  void delete_volume_snapshot(const std::string& id) override {
    db_.prepare("DELETE FROM volume_snapshots WHERE id = ?").bind(id).run();
  }

  std::optional<VolumeSnapshot> find_volume_snapshot(const std::string& id) override {
    auto s = db_.prepare(std::string("SELECT ") + kSnapshotColumns +
                         " FROM volume_snapshots WHERE id = ?");
    s.bind(id);
    if (!s.step()) return std::nullopt;
    return snapshot_from(s);
  }

  std::vector<VolumeSnapshot> snapshots_of_volume(const std::string& volume_id) override {
    auto s = db_.prepare(std::string("SELECT ") + kSnapshotColumns +
                         " FROM volume_snapshots WHERE volume_id = ? ORDER BY created_at, id");
    s.bind(volume_id);
    std::vector<VolumeSnapshot> out;
    while (s.step()) out.push_back(snapshot_from(s));
    return out;
  }

  void put_tier(const StorageTier& t) override {
    db_.prepare(
           "INSERT INTO storage_tiers (name, iops, bytes_per_sec, updated_at) VALUES (?,?,?,?) "
           "ON CONFLICT(name) DO UPDATE SET iops = excluded.iops, "
           "bytes_per_sec = excluded.bytes_per_sec, updated_at = excluded.updated_at")
        .bind(t.name)
        .bind(t.iops)
        .bind(t.bytes_per_sec)
        .bind(t.updated_at)
        .run();
  }

  std::optional<StorageTier> find_tier(const std::string& name) override {
    auto s = db_.prepare(
        "SELECT name, iops, bytes_per_sec, updated_at FROM storage_tiers WHERE name = ?");
    s.bind(name);
    if (!s.step()) return std::nullopt;
    return StorageTier{s.text(0), s.i64(1), s.i64(2), s.i64(3)};
  }

  std::vector<StorageTier> tiers() override {
    auto s = db_.prepare(
        "SELECT name, iops, bytes_per_sec, updated_at FROM storage_tiers ORDER BY name");
    std::vector<StorageTier> out;
    while (s.step()) out.push_back(StorageTier{s.text(0), s.i64(1), s.i64(2), s.i64(3)});
    return out;
  }

 private:
  Stmt& bind_volume(Stmt& s, const Volume& v) {
    return s.bind(v.id)
        .bind(v.name)
        .bind(v.org_id)
        .bind(v.org_path)
        .bind(v.vdc_id)
        .bind(v.owner)
        .bind(v.request_id)
        .bind(v.host_id)
        .bind(v.tier)
        .bind(volume_purpose_name(v.purpose))
        .bind(v.shareable)
        .bind(v.size_gb)
        .bind(volume_state_name(v.state))
        .bind(tags_text(v.tags))
        .bind(v.reservation_id)
        .bind(v.reason)
        .bind(v.created_at)
        .bind(v.updated_at);
  }

  std::optional<Volume> one(const std::string& where, const std::string& arg) {
    auto s = db_.prepare(std::string("SELECT ") + kVolumeColumns + " FROM volumes WHERE " + where);
    s.bind(arg);
    if (!s.step()) return std::nullopt;
    return volume_from(s);
  }

  std::vector<VolumeAttachment> attachments(const std::string& where, const std::string& arg) {
    auto s = db_.prepare(
        "SELECT volume_id, vm_id, target, shareable, since FROM volume_attachments WHERE " + where +
        " ORDER BY since, volume_id, vm_id");
    s.bind(arg);
    std::vector<VolumeAttachment> out;
    while (s.step()) out.push_back(attachment_from(s));
    return out;
  }

  Db& db_;
};

}  // namespace

StorageTx& SqliteTx::storage() {
  if (!storage_) storage_ = std::make_unique<SqliteStorageTx>(db_);
  return *storage_;
}

}  // namespace govcloud::sqlite
