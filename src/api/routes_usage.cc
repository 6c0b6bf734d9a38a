// Usage (issue 11 §1, BIL-*): usage intervals per tenant, system, code and period; counters
// reported by other systems in batches (POST /api/v1/usage/events, deduplicated by the
// sender's event id); history imported from CSV (POST /api/v1/usage/import).
#include <boost/json.hpp>

#include "api/json_out.h"
#include "api/router.h"

namespace govcloud {

namespace json = boost::json;

namespace {

json::object interval_json(const UsageInterval& i) {
  return json::object{{"id", i.id},
                      {"source", usage_source_name(i.source)},
                      {"tenant_id", i.tenant_id},
                      {"system_id", i.system_id},
                      {"vdc_id", i.vdc_id},
                      {"resource_id", i.resource_id},
                      {"code", i.code},
                      {"quantity", i.quantity.str()},
                      {"written", i.written},
                      {"start", format_iso8601(i.start)},
                      {"end", i.end ? json::value(format_iso8601(*i.end)) : json::value(nullptr)},
                      {"key", i.key}};
}

json::object intake_json(const UsageIntake& in) {
  return json::object{{"accepted", in.accepted}, {"duplicates", in.duplicates}};
}

std::string text_of(const json::object& o, const char* key) {
  auto it = o.find(key);
  if (it == o.end() || it->value().is_null()) return "";
  if (it->value().is_string()) return std::string(it->value().as_string());
  return json::serialize(it->value());  // a number stays as written: 12.5, not 12.500000
}

Result<std::vector<ReportedUsage>> events_of(const json::object& body) {
  auto it = body.find("events");
  if (it == body.end() || !it->value().is_array())
    return invalid("events", "events must be an array of usage events");
  std::vector<ReportedUsage> out;
  int n = 0;
  for (const auto& v : it->value().as_array()) {
    std::string at = "events[" + std::to_string(n++) + "]";
    if (!v.is_object()) return invalid(at, "each event is an object");
    const auto& e = v.as_object();
    for (const char* key : {"event_id", "system", "code", "quantity", "start"})
      if (text_of(e, key).empty()) return invalid(at + "." + key, std::string(key) + " is needed");
    out.push_back(ReportedUsage{text_of(e, "event_id"), text_of(e, "tenant"), text_of(e, "system"),
                                text_of(e, "code"), text_of(e, "quantity"), text_of(e, "unit"),
                                text_of(e, "start"), text_of(e, "end")});
  }
  return out;
}

}  // namespace

void add_usage_routes(std::vector<Route>& routes, Services& s) {
  routes.push_back(Route{
      "GET",
      "/api/v1/usage",
      Access::Requires(Action::kUsageRead),
      "usage",
      "Usage intervals of the systems the caller may read, by tenant, system, code and period",
      {},
      {{"tenant", FieldType::kString, "tenant id"},
       {"system", FieldType::kString, "business system id"},
       {"code", FieldType::kString, "catalog code"},
       {"from", FieldType::kTimestamp, "intervals overlapping [from, to)"},
       {"to", FieldType::kTimestamp, ""},
       {"limit", FieldType::kInteger, ""},
       {"offset", FieldType::kInteger, ""}},
      [&s](Call& c) -> Result<Reply> {
        UsageQuery q;
        auto page = page_from(c);
        q.limit = page.limit;
        q.offset = page.offset;
        q.tenant_id = c.query["tenant"];
        q.system_id = c.query["system"];
        q.code = c.query["code"];
        if (!c.query["from"].empty()) parse_iso8601(c.query["from"], q.from);
        if (!c.query["to"].empty()) parse_iso8601(c.query["to"], q.to);
        GC_ASSIGN_OR_RETURN(auto l, s.metering.list(*c.who, q));
        json::array items;
        for (const auto& i : l.items) items.push_back(interval_json(i));
        return json_reply(json::object{{"items", std::move(items)},
                                       {"total", l.total},
                                       {"limit", q.limit},
                                       {"offset", q.offset}});
      }});
  routes.push_back(Route{
      "POST",
      "/api/v1/usage/events",
      Access::Requires(Action::kUsageReport),
      "usage",
      "Report usage counters in a batch (up to 10,000): event_id (the sender's, deduplicated per "
      "tenant), system, code, quantity, unit, start, end; all of the batch or none",
      BodySchema{{{"events", FieldType::kJson, true, "the events"}}},
      {},
      [&s](Call& c) -> Result<Reply> {
        GC_ASSIGN_OR_RETURN(auto events, events_of(c.body));
        GC_ASSIGN_OR_RETURN(auto in, s.metering.report(*c.who, events, c.ctx));
        return json_reply(intake_json(in));
      }});
  routes.push_back(Route{
      "POST",
      "/api/v1/usage/import",
      Access::Requires(Action::kUsageReport),
      "usage",
      "Import usage history from CSV (event_id,tenant,system,code,quantity,unit,start,end); every "
      "bad row is named by its line and nothing of a failing file is kept",
      BodySchema{{{"content", FieldType::kString, true, "the file's text", 0, 0, 64 << 20}}},
      {},
      [&s](Call& c) -> Result<Reply> {
        GC_ASSIGN_OR_RETURN(auto in,
                            s.metering.import_csv(*c.who, str_field(c.body, "content"), c.ctx));
        return json_reply(intake_json(in));
      }});
}

}  // namespace govcloud
