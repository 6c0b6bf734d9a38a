#include "iam/context.h"

#include <boost/json.hpp>

#include "common/utf8.h"

namespace govcloud {

void write_audit(Tx& tx, const Clock& clock, const Principal* who, const RequestContext& ctx,
                 const AuditEvent& event) {
  AuditRecord r;
  r.at = clock.now();
  if (who != nullptr) {
    r.actor_id = who->user.value;
    r.actor_name = who->username;
    r.assumed_role = who->assumed_role;
  } else {
    auto it = event.detail.find("username");
    r.actor_id = "";
    r.actor_name = it != event.detail.end() ? it->second : "anonymous";
  }
  // Whatever the caller sent (a path with invalid bytes, say) is stored as valid UTF-8, so the
  // trail can always be read and exported (issue 8 §9).
  r.actor_name = valid_utf8(r.actor_name);
  r.org_id = valid_utf8(event.org_id);
  r.action = valid_utf8(event.action);
  r.target = valid_utf8(event.target);
  r.result = event.result;
  r.source_ip = valid_utf8(ctx.source_ip);
  r.request_id = valid_utf8(ctx.request_id);
  boost::json::object detail;
  for (const auto& [k, v] : event.detail) detail[valid_utf8(k)] = valid_utf8(v);
  if (who != nullptr && who->api_key) detail["api_key"] = who->api_key->value;
  r.detail = boost::json::serialize(detail);
  tx.append_audit(r);
}

}  // namespace govcloud
