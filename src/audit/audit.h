// The audit module's face (AUD-01–03): query, CSV export, chain verification and retention.
// Records are written by every module through write_audit (iam/context.h) inside the same
// transaction as the change they describe.
#pragma once

#include <cstdint>
#include <string>

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
};

// Walks the whole chain: a changed record fails its hash, a removed one leaves a gap, a
// reordered one breaks the prev-hash link, a removed tail disagrees with the chain head.
VerifyReport verify_audit_chain(Store& store);

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
