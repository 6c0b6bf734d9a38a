// The compute facet, continued: VM snapshots (CMP-05).
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

}  // namespace govcloud::sqlite
