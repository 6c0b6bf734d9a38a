// The audit module's face (AUD-01–03): query, CSV export, chain verification and retention.
// Records are written by every module through write_audit (iam/context.h) inside the same
// transaction as the change they describe.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <string>

#include "audit/checkpoints.h"
#include "common/config.h"
#include "iam/authz.h"
#include "iam/context.h"
#include "store/store.h"

namespace govcloud {

struct VerifyReport {
  bool ok = true;
  std::int64_t checked = 0;
  std::int64_t first_bad_seq = 0;  // 0 when ok
  std::string problem;
  std::int64_t checkpoints = 0;  // signed checkpoints read
  std::int64_t vouched_seq = 0;  // the newest record the latest checkpoint vouches for
  std::string checkpoint_at;     // when that checkpoint was written
};

// Checks the database against the signed checkpoints in `checkpoint_file` (issue 8 §1): the
// chain starts where the latest checkpoint's purge anchor says (never where a row says), every
// record's keyed hash and link hold, every checkpointed record still has its checkpointed hash,
// and the trail reaches at least the latest checkpoint. Names truncation, deletion from either
// end, rewrites, and a damaged or forged checkpoint file.
VerifyReport verify_audit_chain(Store& store, const std::string& checkpoint_file);
// The report as the API and `govcloud audit verify -o json` give it.
boost::json::object verify_report_json(const VerifyReport& rep);

class AuditService {
 public:
  AuditService(Store& store, const Clock& clock, const Config& config);

  // auditadmin and supervisor see everything; tenant admins see their own subtree's records.
  Result<Listing<AuditRecord>> query(const Principal& who, AuditQuery q);
  // All matching records (up to 100,000) as CSV; the export itself is audited.
  Result<std::string> export_csv(const Principal& who, AuditQuery q, const RequestContext& ctx);
  // AUD-02: removes records older than `before`, which must lie beyond the retention period.
  Result<std::int64_t> purge(const Principal& who, TimeMs before, const RequestContext& ctx);

 private:
  Status scope_query(Tx& tx, const Principal& who, Action action, AuditQuery& q);

  Store& store_;
  const Clock& clock_;
  const Config& config_;
};

}  // namespace govcloud
