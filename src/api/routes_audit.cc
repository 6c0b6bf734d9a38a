// Audit trail: query, export, online verification, retention purge (AUD-01–03).
#include <algorithm>
#include <boost/json.hpp>

#include "api/json_out.h"
#include "api/router.h"

namespace govcloud {

namespace json = boost::json;

namespace {

std::vector<QueryParam> audit_filters(bool paged) {
  std::vector<QueryParam> q = {{"from", FieldType::kTimestamp, "records at or after"},
                               {"to", FieldType::kTimestamp, "records before"},
                               {"actor_id", FieldType::kString, ""},
                               {"action", FieldType::kString, "action prefix, e.g. role."},
                               {"org_id", FieldType::kString, ""},
                               {"result", FieldType::kString, "success, failed, denied"}};
  if (paged) {
    q.push_back({"limit", FieldType::kInteger, ""});
    q.push_back({"offset", FieldType::kInteger, ""});
  }
  return q;
}

AuditQuery audit_query(Call& c) {
  AuditQuery q;
  q.page = page_from(c);
  TimeMs t = 0;
  if (c.query.count("from") && parse_iso8601(c.query["from"], t)) q.from = t;
  if (c.query.count("to") && parse_iso8601(c.query["to"], t)) q.to = t;
  if (c.query.count("actor_id")) q.actor_id = c.query["actor_id"];
  if (c.query.count("action")) q.action_prefix = c.query["action"];
  if (c.query.count("org_id")) q.org_id = c.query["org_id"];
  if (c.query.count("result")) q.result = c.query["result"];
  return q;
}

}  // namespace

void add_audit_routes(std::vector<Route>& routes, Services& s) {
  routes.push_back(Route{"GET",
                         "/api/v1/audit",
                         Access::Requires(Action::kAuditRead),
                         "audit",
                         "Query audit records, newest first",
                         {},
                         audit_filters(true),
                         [&s](Call& c) -> Result<Reply> {
                           AuditQuery q = audit_query(c);
                           GC_ASSIGN_OR_RETURN(auto l, s.audit.query(*c.who, q));
                           return json_reply(listing_json(l, q.page));
                         }});
  routes.push_back(Route{"GET",
                         "/api/v1/audit/export",
                         Access::Requires(Action::kAuditExport),
                         "audit",
                         "Export matching audit records as CSV (audited)",
                         {},
                         with_bom(audit_filters(false)),
                         [&s](Call& c) -> Result<Reply> {
                           GC_ASSIGN_OR_RETURN(auto csv,
                                               s.audit.export_csv(*c.who, audit_query(c), c.ctx));
                           Reply r;
                           r.content_type = "text/csv; charset=utf-8";
                           r.raw = std::move(csv);
                           return r;
                         }});
  routes.push_back(
      Route{"GET",
            "/api/v1/audit/verify",
            Access::Requires(Action::kAuditRead),
            "audit",
            "Check the keyed SM3 chain of the whole trail against its signed checkpoints",
            {},
            {},
            [&s](Call& c) -> Result<Reply> {
              // Only a platform-wide auditor may see the chain as a whole.
              bool platform_wide = false;
              for (const auto& p : c.who->paths_for(Action::kAuditRead))
                platform_wide |= std::count(p.begin(), p.end(), '/') == 2;
              if (!platform_wide)
                return denied("verifying the whole chain is a platform audit task");
              auto rep = verify_audit_chain(s.store, s.checkpoints.options().file);
              return json_reply(verify_report_json(rep));
            }});
  routes.push_back(
      Route{"POST",
            "/api/v1/audit/purge",
            Access::Requires(Action::kAuditPurge),
            "audit",
            "Remove records older than the retention period (≥ 1 year, AUD-02); audited",
            BodySchema{{{"before", FieldType::kTimestamp, true, "", 0, 0, 30}}},
            {},
            [&s](Call& c) -> Result<Reply> {
              TimeMs before = 0;
              parse_iso8601(str_field(c.body, "before"), before);
              GC_ASSIGN_OR_RETURN(auto n, s.audit.purge(*c.who, before, c.ctx));
              return json_reply(json::object{{"removed", n}});
            }});
}

}  // namespace govcloud
