// The compute facet, continued: VM snapshots (CMP-05) and engine events on VMs (CMP-15).
#include "store/sqlite_compute_tx.h"

namespace govcloud::sqlite {
namespace {

constexpr const char* kSnapshotColumns =
    "id, vm_id, name, org_id, org_path, state, with_memory, created_at";

Snapshot snapshot_from(const Stmt& s) {
  return Snapshot{s.text(0), s.text(1), s.text(2),    s.text(3),
                  s.text(4), s.text(5), s.boolean(6), s.i64(7)};
}

}  // namespace

void SqliteComputeTx::insert_snapshot(const Snapshot& snap) {
  db_.prepare(std::string("INSERT INTO snapshots (") + kSnapshotColumns +
              ") VALUES (?,?,?,?,?,?,?,?)")
      .bind(snap.id)
      .bind(snap.vm_id)
      .bind(snap.name)
      .bind(snap.org_id)
      .bind(snap.org_path)
      .bind(snap.state)
      .bind(snap.with_memory)
      .bind(snap.created_at)
      .run();
}

void SqliteComputeTx::update_snapshot(const Snapshot& snap) {
  db_.prepare("UPDATE snapshots SET state = ?, with_memory = ? WHERE id = ?")
      .bind(snap.state)
      .bind(snap.with_memory)
      .bind(snap.id)
      .run();
}

void SqliteComputeTx::delete_snapshot(const std::string& id) {
  db_.prepare("DELETE FROM snapshots WHERE id = ?").bind(id).run();
}

std::optional<Snapshot> SqliteComputeTx::find_snapshot(const std::string& id) {
  auto s = db_.prepare(std::string("SELECT ") + kSnapshotColumns + " FROM snapshots WHERE id = ?");
  s.bind(id);
  if (!s.step()) return std::nullopt;
  return snapshot_from(s);
}

std::vector<Snapshot> SqliteComputeTx::snapshots_of(const std::string& vm_id) {
  auto s = db_.prepare(std::string("SELECT ") + kSnapshotColumns +
                       " FROM snapshots WHERE vm_id = ? ORDER BY created_at, id");
  s.bind(vm_id);
  std::vector<Snapshot> out;
  while (s.step()) out.push_back(snapshot_from(s));
  return out;
}

void SqliteComputeTx::insert_vm_event(const VmEvent& e) {
  db_.prepare("INSERT INTO vm_events (id, vm_id, org_path, kind, detail, at) VALUES (?,?,?,?,?,?)")
      .bind(e.id)
      .bind(e.vm_id)
      .bind(e.org_path)
      .bind(e.kind)
      .bind(e.detail)
      .bind(e.at)
      .run();
}

std::vector<VmEvent> SqliteComputeTx::events_of(const std::string& vm_id, int limit) {
  auto s = db_.prepare(
      "SELECT id, vm_id, org_path, kind, detail, at FROM vm_events WHERE vm_id = ? "
      "ORDER BY at DESC, id DESC LIMIT ?");
  s.bind(vm_id).bind(static_cast<std::int64_t>(limit));
  std::vector<VmEvent> out;
  while (s.step())
    out.push_back(VmEvent{s.text(0), s.text(1), s.text(2), s.text(3), s.text(4), s.i64(5)});
  return out;
}

}  // namespace govcloud::sqlite
