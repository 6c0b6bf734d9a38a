#include "audit/audit.h"

#include "common/csv.h"

namespace govcloud {

VerifyReport verify_audit_chain(Store& store) {
  auto result = store.read([&](Tx& tx) -> Result<VerifyReport> {
    VerifyReport rep;
    std::int64_t expect_seq = 1;
    std::string prev = kAuditGenesisHash;
    if (auto anchor = tx.get_meta("audit_anchor_seq")) {
      expect_seq = std::stoll(*anchor) + 1;
      prev = tx.get_meta("audit_anchor_hash").value_or(kAuditGenesisHash);
    }
    auto fail = [&](std::int64_t seq, std::string problem) {
      rep.ok = false;
      rep.first_bad_seq = seq;
      rep.problem = std::move(problem);
      return false;
    };
    tx.scan_audit([&](const AuditRecord& r) {
      if (r.seq != expect_seq)
        return fail(expect_seq, r.seq > expect_seq
                                    ? "record " + std::to_string(expect_seq) + " is missing"
                                    : "record " + std::to_string(r.seq) + " is out of order");
      if (r.prev_hash != prev)
        return fail(r.seq, "record " + std::to_string(r.seq) +
                               " does not follow its predecessor (reordered or replaced)");
      if (audit_chain_hash(prev, r) != r.hash)
        return fail(r.seq, "record " + std::to_string(r.seq) + " was changed after it was written");
      prev = r.hash;
      ++expect_seq;
      ++rep.checked;
      return true;
    });
    if (rep.ok) {
      std::int64_t head_seq = std::stoll(tx.get_meta("audit_head_seq").value_or("0"));
      std::string head_hash = tx.get_meta("audit_head_hash").value_or(kAuditGenesisHash);
      if (head_seq != expect_seq - 1 || (head_seq > 0 && head_hash != prev)) {
        rep.ok = false;
        rep.first_bad_seq = expect_seq;
        rep.problem = "the chain ends at record " + std::to_string(expect_seq - 1) +
                      " but its head says " + std::to_string(head_seq) +
                      " (newest records removed?)";
      }
    }
    return rep;
  });
  if (!result.ok()) {
    VerifyReport rep;
    rep.ok = false;
    rep.problem = result.error().message;
    return rep;
  }
  return result.value();
}

AuditService::AuditService(Store& store, const Clock& clock, const Config& config)
    : store_(store), clock_(clock), config_(config) {}

Status AuditService::scope_query(Tx& tx, const Principal& who, Action action, AuditQuery& q) {
  auto paths = who.paths_for(action);
  if (paths.empty()) return denied(std::string("not allowed: ") + action_name(action));
  auto root = tx.find_root_org();
  for (const auto& p : paths) {
    if (root && p == root->path) return ok_status();  // platform-wide view
  }
  // Narrower grants see the records of their own subtree's nodes only.
  OrgQuery oq;
  oq.within_paths = paths;
  oq.page.limit = 100000;
  q.org_ids.clear();
  for (const auto& o : tx.list_orgs(oq).items) q.org_ids.push_back(o.id.value);
  if (q.org_ids.empty()) q.org_ids.push_back("-");
  return ok_status();
}

Result<Listing<AuditRecord>> AuditService::query(const Principal& who, AuditQuery q) {
  return store_.read([&](Tx& tx) -> Result<Listing<AuditRecord>> {
    GC_TRY(scope_query(tx, who, Action::kAuditRead, q));
    return tx.list_audit(q);
  });
}

Result<std::string> AuditService::export_csv(const Principal& who, AuditQuery q,
                                             const RequestContext& ctx) {
  q.page.limit = 100000;
  q.page.offset = 0;
  GC_ASSIGN_OR_RETURN(auto listing, store_.read([&](Tx& tx) -> Result<Listing<AuditRecord>> {
    GC_TRY(scope_query(tx, who, Action::kAuditExport, q));
    return tx.list_audit(q);
  }));
  std::string out =
      "seq,time,actor_id,actor_name,assumed_role,org_id,action,target,result,source_ip,"
      "request_id,detail,hash\n";
  for (auto it = listing.items.rbegin(); it != listing.items.rend(); ++it) {
    const auto& r = *it;
    for (const std::string& f :
         {std::to_string(r.seq), format_iso8601(r.at), r.actor_id, r.actor_name, r.assumed_role,
          r.org_id, r.action, r.target, r.result, r.source_ip, r.request_id, r.detail}) {
      out += csv_field(f);
      out += ',';
    }
    out += r.hash;
    out += '\n';
  }
  GC_TRY(store_.transact([&](Tx& tx) -> Status {
    write_audit(tx, clock_, &who, ctx,
                AuditEvent{"audit.export",
                           "audit_log",
                           who.home_org.value,
                           "success",
                           {{"records", std::to_string(listing.items.size())}}});
    return ok_status();
  }));
  return out;
}

Result<std::int64_t> AuditService::purge(const Principal& who, TimeMs before,
                                         const RequestContext& ctx) {
  TimeMs horizon = clock_.now() - static_cast<TimeMs>(config_.audit_retention_days) * kDayMs;
  if (before > horizon)
    return invalid("before", "records younger than " +
                                 std::to_string(config_.audit_retention_days) +
                                 " days are kept (AUD-02); before must be on or before " +
                                 format_iso8601(horizon));
  return store_.transact([&](Tx& tx) -> Result<std::int64_t> {
    auto root = tx.find_root_org();
    if (!root || !who.can(Action::kAuditPurge, root->path))
      return denied("not allowed: audit.purge");
    std::int64_t removed = tx.purge_audit_before(before);
    write_audit(
        tx, clock_, &who, ctx,
        AuditEvent{"audit.purge",
                   "audit_log",
                   root->id.value,
                   "success",
                   {{"before", format_iso8601(before)}, {"removed", std::to_string(removed)}}});
    return removed;
  });
}

}  // namespace govcloud
