// The audit record and its keyed SM3 chain (AUD-01, issue 8 §1). Each record's hash is an
// HMAC-SM3, under a key kept outside the database, of its own fields and the previous record's
// hash: a changed, removed or reordered record breaks the chain from that point on, and someone
// who can write the database but not read the key cannot recompute the hashes after an edit.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/clock.h"
#include "common/digest.h"

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

// The chain's key and the first record it covers. Stores written before the key existed keep
// their older records under plain SM3; `keyed_from` says where the keyed part starts.
struct AuditKey {
  Bytes key;
  std::int64_t keyed_from = 1;
};

// The newest record's place in the chain.
struct AuditHead {
  std::int64_t seq = 0;
  std::string hash;
};

// What a purge removed and the record the chain now starts after.
struct AuditPurge {
  std::int64_t removed = 0;
  AuditHead anchor;
};

// What one committed transaction did to the chain.
struct AuditCommit {
  AuditHead head;
  std::optional<AuditHead> anchor;  // set when it purged
};

// Hex HMAC-SM3 (plain SM3 for records before keyed_from) over the previous hash and the
// record's fields, length-prefixed so that no two different records share a serialisation.
std::string audit_chain_hash(const AuditKey& key, const std::string& prev_hash,
                             const AuditRecord& record);

// The hash that precedes record 1.
inline const std::string kAuditGenesisHash(64, '0');

}  // namespace govcloud
