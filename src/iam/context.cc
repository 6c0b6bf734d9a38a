#include "iam/context.h"

#include <boost/json.hpp>

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
  r.org_id = event.org_id;
  r.action = event.action;
  r.target = event.target;
  r.result = event.result;
  r.source_ip = ctx.source_ip;
  r.request_id = ctx.request_id;
  boost::json::object detail;
  for (const auto& [k, v] : event.detail) detail[k] = v;
  if (who != nullptr && who->api_key) detail["api_key"] = who->api_key->value;
  r.detail = boost::json::serialize(detail);
  tx.append_audit(r);
}

}  // namespace govcloud
