#include "model/audit.h"

#include "common/digest.h"

namespace govcloud {
namespace {

void put(std::string& out, const std::string& field) {
  out += std::to_string(field.size());
  out += ':';
  out += field;
  out += ';';
}

}  // namespace

std::string audit_chain_hash(const AuditKey& key, const std::string& prev_hash,
                             const AuditRecord& r) {
  std::string buf;
  buf.reserve(256 + r.detail.size());
  put(buf, prev_hash);
  put(buf, std::to_string(r.seq));
  put(buf, std::to_string(r.at));
  put(buf, r.actor_id);
  put(buf, r.actor_name);
  put(buf, r.assumed_role);
  put(buf, r.org_id);
  put(buf, r.action);
  put(buf, r.target);
  put(buf, r.result);
  put(buf, r.source_ip);
  put(buf, r.request_id);
  put(buf, r.detail);
  if (r.seq < key.keyed_from || key.key.empty()) return to_hex(sm3(buf));
  return to_hex(hmac("SM3", key.key, Bytes(buf.begin(), buf.end())));
}

}  // namespace govcloud
