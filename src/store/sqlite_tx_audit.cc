#include "store/sqlite_tx.h"

namespace govcloud::sqlite {
namespace {

constexpr const char* kAuditColumns =
    "seq, at, actor_id, actor_name, assumed_role, org_id, action, target, result, source_ip, "
    "request_id, detail, prev_hash, hash";

AuditRecord audit_from(const Stmt& s) {
  AuditRecord r;
  r.seq = s.i64(0);
  r.at = s.i64(1);
  r.actor_id = s.text(2);
  r.actor_name = s.text(3);
  r.assumed_role = s.text(4);
  r.org_id = s.text(5);
  r.action = s.text(6);
  r.target = s.text(7);
  r.result = s.text(8);
  r.source_ip = s.text(9);
  r.request_id = s.text(10);
  r.detail = s.text(11);
  r.prev_hash = s.text(12);
  r.hash = s.text(13);
  return r;
}

}  // namespace

AuditHead SqliteTx::stored_audit_head() {
  AuditHead head{0, kAuditGenesisHash};
  auto s = db_.prepare(
      "SELECT (SELECT value FROM meta WHERE key = 'audit_head_seq'), "
      "(SELECT value FROM meta WHERE key = 'audit_head_hash')");
  if (s.step()) {
    std::string seq = s.text(0);
    if (!seq.empty()) head.seq = std::strtoll(seq.c_str(), nullptr, 10);
    if (!s.text(1).empty()) head.hash = s.text(1);
  }
  return head;
}

void SqliteTx::append_audit(AuditRecord& r) {
  if (!writer_) throw StoreError(SQLITE_MISUSE, "audit records are appended by the writer only");
  // The chain head lives in meta so that appending needs no scan.
  AuditHead head = appended_ ? *appended_ : stored_audit_head();
  r.seq = head.seq + 1;
  r.prev_hash = head.hash;
  r.hash = audit_chain_hash(keys_.audit, r.prev_hash, r);
  db_.prepare(std::string("INSERT INTO audit_log (") + kAuditColumns +
              ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)")
      .bind(r.seq)
      .bind(r.at)
      .bind(r.actor_id)
      .bind(r.actor_name)
      .bind(r.assumed_role)
      .bind(r.org_id)
      .bind(r.action)
      .bind(r.target)
      .bind(r.result)
      .bind(r.source_ip)
      .bind(r.request_id)
      .bind(r.detail)
      .bind(r.prev_hash)
      .bind(r.hash)
      .run();
  set_meta("audit_head_seq", std::to_string(r.seq));
  set_meta("audit_head_hash", r.hash);
  appended_ = AuditHead{r.seq, r.hash};
}

Listing<AuditRecord> SqliteTx::list_audit(const AuditQuery& q) {
  std::string where = "1";
  std::vector<std::string> args;
  std::vector<std::int64_t> times;
  if (q.from) where += " AND at >= " + std::to_string(*q.from);
  if (q.to) where += " AND at < " + std::to_string(*q.to);
  if (!q.actor_id.empty()) {
    where += " AND actor_id = ?";
    args.push_back(q.actor_id);
  }
  if (!q.action_prefix.empty()) {
    where += " AND substr(action, 1, length(?)) = ?";
    args.push_back(q.action_prefix);
    args.push_back(q.action_prefix);
  }
  if (!q.org_id.empty()) {
    where += " AND org_id = ?";
    args.push_back(q.org_id);
  }
  if (!q.result.empty()) {
    where += " AND result = ?";
    args.push_back(q.result);
  }
  if (!q.org_ids.empty()) {
    where += " AND org_id IN (";
    for (std::size_t i = 0; i < q.org_ids.size(); ++i) {
      where += i ? ",?" : "?";
      args.push_back(q.org_ids[i]);
    }
    where += ")";
  }
  Listing<AuditRecord> out;
  out.total = count_of(db_, "SELECT COUNT(*) FROM audit_log WHERE " + where, args);
  auto s = db_.prepare(std::string("SELECT ") + kAuditColumns + " FROM audit_log WHERE " + where +
                       " ORDER BY seq DESC LIMIT ? OFFSET ?");
  for (const auto& a : args) s.bind(a);
  s.bind(q.page.limit).bind(q.page.offset);
  while (s.step()) out.items.push_back(audit_from(s));
  return out;
}

void SqliteTx::scan_audit(std::int64_t after_seq,
                          const std::function<bool(const AuditRecord&)>& fn) {
  auto s = db_.prepare(std::string("SELECT ") + kAuditColumns +
                       " FROM audit_log WHERE seq > ? ORDER BY seq");
  s.bind(after_seq);
  while (s.step()) {
    if (!fn(audit_from(s))) break;
  }
}

AuditPurge SqliteTx::purge_audit_before(TimeMs before) {
  // The anchor is the last removed record: verification starts from it.
  auto s = db_.prepare("SELECT seq, hash FROM audit_log WHERE at < ? ORDER BY seq DESC LIMIT 1");
  s.bind(before);
  if (!s.step()) return {};
  std::int64_t anchor_seq = s.i64(0);
  std::string anchor_hash = s.text(1);
  set_meta("audit_purge_horizon", std::to_string(before));
  auto d = db_.prepare("DELETE FROM audit_log WHERE seq <= ?");
  d.bind(anchor_seq).run();
  std::int64_t removed = d.changes();
  set_meta("audit_anchor_seq", std::to_string(anchor_seq));
  set_meta("audit_anchor_hash", anchor_hash);
  set_meta("audit_purge_horizon", "0");
  purged_anchor_ = AuditHead{anchor_seq, anchor_hash};
  return AuditPurge{removed, *purged_anchor_};
}

}  // namespace govcloud::sqlite
