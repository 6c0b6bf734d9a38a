// The audit record and its SM3 hash chain (AUD-01). Each record's hash covers its own fields
// and the previous record's hash, so a changed, removed or reordered record breaks the chain
// from that point on.
#pragma once

#include <cstdint>
#include <string>

#include "common/clock.h"

namespace govcloud {

struct AuditRecord {
  std::int64_t seq = 0;  // 1, 2, 3, … with no gaps
  TimeMs at = 0;
  std::string actor_id;
  std::string actor_name;
  std::string assumed_role;  // set when acting through a role assumption (IAM-07)
  std::string org_id;        // the org node the action concerns
  std::string action;        // e.g. "user.create", "auth.login"
  std::string target;        // the object acted on
  std::string result;        // "success", "denied", "failed", …
  std::string source_ip;
  std::string request_id;
  std::string detail;  // JSON object text, no secrets
  std::string prev_hash;
  std::string hash;
};

// Hex SM3 over the previous hash and the record's fields, length-prefixed so that no two
// different records share a serialisation.
std::string audit_chain_hash(const std::string& prev_hash, const AuditRecord& record);

// The hash that precedes record 1.
inline const std::string kAuditGenesisHash(64, '0');

}  // namespace govcloud
