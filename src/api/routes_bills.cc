// Bills (issue 11 §3, BIL-*): a tenant's month, per business system and catalog code, each line
// with the arithmetic that made it. A tenant reads its own; its management unit reads its
// tenants'; the supervision unit reads all (usage.read).
#include <boost/json.hpp>

#include "api/json_out.h"
#include "api/router.h"

namespace govcloud {

namespace json = boost::json;

namespace {

json::object line_json(const RatedLine& l) {
  return json::object{{"code", l.code},
                      {"from", format_iso8601(l.from)},
                      {"to", format_iso8601(l.to)},
                      {"priced", l.priced},
                      {"unit_price", l.unit_price.str()},
                      {"per", l.per},
                      {"period", l.period},
                      {"quantity", l.quantity.str()},
                      {"amount", l.amount.str()},
                      {"arithmetic", l.arithmetic}};
}

json::object bill_json(const Bill& b) {
  json::array systems;
  for (const auto& s : b.systems) {
    json::array lines;
    for (const auto& l : s.lines) lines.push_back(line_json(l));
    systems.push_back(json::object{{"system_id", s.system_id},
                                   {"name", s.name},
                                   {"total", s.total.str()},
                                   {"lines", std::move(lines)}});
  }
  return json::object{{"tenant_id", b.tenant_id},
                      {"tenant", b.tenant_name},
                      {"month", b.month},
                      {"from", format_iso8601(b.from)},
                      {"to", format_iso8601(b.to)},
                      {"price_list", b.price_list},
                      {"state", "open"},
                      {"total", b.total.str()},
                      {"unpriced_lines", b.unpriced_lines},
                      {"systems", std::move(systems)},
                      {"adjustments", json::array{}}};
}

}  // namespace

void add_bill_routes(std::vector<Route>& routes, Services& s) {
  routes.push_back(Route{
      "GET",
      "/api/v1/bills/{id:org}/{month}",
      Access::Requires(Action::kUsageRead),
      "bills",
      "A tenant's bill for a month (YYYY-MM): per business system and catalog code, rated with "
      "the price list named, else the one list of the tenant's unit",
      {},
      {{"price_list", FieldType::kString, "id or name"}},
      [&s](Call& c) -> Result<Reply> {
        GC_TRY(s.metering.collect());  // lifecycle events up to now are on the bill
        GC_ASSIGN_OR_RETURN(auto b, s.billing.bill(*c.who, OrgId{c.params["id"]}, c.params["month"],
                                                   c.query["price_list"]));
        return json_reply(bill_json(b));
      }});
}

}  // namespace govcloud
