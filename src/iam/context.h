// What every mutating service call needs besides its arguments: where the request came from,
// for the audit record (AUD-01), and the helper that writes that record inside the caller's
// transaction, so a change and its audit record commit together or not at all.
#pragma once

#include <map>
#include <string>

#include "common/clock.h"
#include "iam/authz.h"
#include "store/store.h"

namespace govcloud {

struct RequestContext {
  std::string source_ip;
  std::string request_id;
};

struct AuditEvent {
  std::string action;
  std::string target;
  std::string org_id;
  std::string result = "success";
  std::map<std::string, std::string> detail;  // no secrets
};

// Appends one record; `who` may be null (unauthenticated or system actions), in which case
// actor_name can be given in detail["username"].
void write_audit(Tx& tx, const Clock& clock, const Principal* who, const RequestContext& ctx,
                 const AuditEvent& event);

}  // namespace govcloud
