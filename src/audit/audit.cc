#include "audit/audit.h"

#include <map>

#include "common/csv.h"

namespace govcloud {

namespace {

VerifyReport broken(std::int64_t seq, std::string problem, VerifyReport rep) {
  rep.ok = false;
  rep.first_bad_seq = seq;
  rep.problem = std::move(problem);
  return rep;
}

}  // namespace

VerifyReport verify_audit_chain(Store& store, const std::string& checkpoint_file) {
  VerifyReport rep;
  const AuditKey& key = store.audit_key();
  auto log = read_checkpoints(checkpoint_file, key);
  if (!log.found || log.entries.empty())
    return broken(0,
                  "no signed checkpoint in " + checkpoint_file +
                      ": the trail cannot be checked against anything outside the database",
                  rep);
  if (!log.problem.empty()) return broken(0, "checkpoint file: " + log.problem, rep);
  const Checkpoint& latest = log.entries.back();
  rep.checkpoints = static_cast<std::int64_t>(log.entries.size());
  rep.vouched_seq = latest.seq;
  rep.checkpoint_at = format_iso8601(latest.at);
  AuditKey signed_key{key.key, latest.keyed_from};
  // The hash each checkpointed record must still have (those after the purge anchor).
  std::map<std::int64_t, const Checkpoint*> vouched;
  for (const auto& c : log.entries)
    if (c.seq > latest.anchor.seq) vouched[c.seq] = &c;

  auto result = store.read([&](Tx& tx) -> Result<VerifyReport> {
    std::int64_t expect = latest.anchor.seq + 1;
    std::string prev = latest.anchor.hash;
    bool failed = false;
    auto fail = [&](std::int64_t seq, std::string problem) {
      rep = broken(seq, std::move(problem), rep);
      failed = true;
      return false;
    };
    tx.scan_audit(latest.anchor.seq, [&](const AuditRecord& r) {
      if (r.seq != expect) {
        if (expect == latest.anchor.seq + 1)
          return fail(expect, "records " + std::to_string(expect) + ".." +
                                  std::to_string(r.seq - 1) +
                                  " were removed from the start of the trail (the signed purge "
                                  "anchor is record " +
                                  std::to_string(latest.anchor.seq) + ")");
        return fail(expect, r.seq > expect
                                ? "record " + std::to_string(expect) + " is missing"
                                : "record " + std::to_string(r.seq) + " is out of order");
      }
      if (r.prev_hash != prev)
        return fail(r.seq, "record " + std::to_string(r.seq) +
                               " does not follow its predecessor (reordered or replaced)");
      if (audit_chain_hash(signed_key, prev, r) != r.hash)
        return fail(r.seq, "record " + std::to_string(r.seq) + " was changed after it was written");
      if (auto it = vouched.find(r.seq); it != vouched.end() && it->second->head != r.hash)
        return fail(r.seq, "record " + std::to_string(r.seq) + " differs from the checkpoint of " +
                               format_iso8601(it->second->at) +
                               " (the trail was rewritten up to here)");
      prev = r.hash;
      ++expect;
      ++rep.checked;
      return true;
    });
    if (failed) return rep;
    std::int64_t last = expect - 1;
    if (last < latest.seq) {
      std::string what = last == latest.anchor.seq
                             ? "the trail is empty"
                             : "the trail ends at record " + std::to_string(last);
      return broken(last + 1,
                    what + " but the checkpoint of " + rep.checkpoint_at + " vouches for record " +
                        std::to_string(latest.seq) + ": records " + std::to_string(last + 1) +
                        ".." + std::to_string(latest.seq) + " were removed",
                    rep);
    }
    AuditHead stored = tx.stored_audit_head();
    if (stored.seq != last)
      return broken(last + 1,
                    "the chain ends at record " + std::to_string(last) + " but its head says " +
                        std::to_string(stored.seq) + " (newest records removed?)",
                    rep);
    return rep;
  });
  if (!result.ok()) return broken(0, result.error().message, rep);
  return result.value();
}

boost::json::object verify_report_json(const VerifyReport& rep) {
  return boost::json::object{{"ok", rep.ok},
                             {"checked", rep.checked},
                             {"first_bad_seq", rep.first_bad_seq},
                             {"problem", rep.problem},
                             {"checkpoints", rep.checkpoints},
                             {"vouched_seq", rep.vouched_seq},
                             {"checkpoint_at", rep.checkpoint_at}};
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
    std::int64_t removed = tx.purge_audit_before(before).removed;
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
