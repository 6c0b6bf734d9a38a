// Bills and settlement (issue 11 §3–5, BIL-*): a tenant's month per business system and catalog
// code with its adjustments; closing a month; a contract settled by actual usage. A tenant reads
// its own; its management unit reads its tenants'; the supervision unit reads all (usage.read,
// contract.read). Closing needs bill.manage at the platform, adjusting at the tenant's unit.
#include <boost/json.hpp>

#include "api/json_out.h"
#include "api/router.h"

namespace govcloud {

namespace json = boost::json;

namespace {

Result<Reply> bill_reply(const Bill& b, const std::string& format) {
  Reply r;
  if (format == "csv") {
    r.content_type = "text/csv; charset=utf-8";
    r.raw = bill_csv(b);
  } else if (format == "xlsx") {
    GC_ASSIGN_OR_RETURN(r.raw, bill_xlsx(b));
    r.content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    r.headers.emplace_back("Content-Disposition",
                           "attachment; filename=\"bill-" + b.month + ".xlsx\"");
  } else if (format == "json" || format.empty()) {
    return json_reply(bill_json(b));
  } else {
    return invalid("format", "format must be json, csv or xlsx");
  }
  return r;
}

json::object closed_json(const ClosedMonth& m) {
  return json::object{{"month", m.month},
                      {"from", format_iso8601(m.start)},
                      {"to", format_iso8601(m.end)},
                      {"closed_by", m.closed_by},
                      {"closed_at", format_iso8601(m.closed_at)}};
}

}  // namespace

void add_bill_routes(std::vector<Route>& routes, Services& s) {
  routes.push_back(
      Route{"GET",
            "/api/v1/bills/{id:org}/{month}",
            Access::Requires(Action::kUsageRead),
            "bills",
            "A tenant's bill for a month (YYYY-MM): per business system and catalog code with its "
            "adjustments; an issued month gives the bill as issued (rerate=true rates it afresh); "
            "json, csv or xlsx",
            {},
            {{"price_list", FieldType::kString,
              "id or name; default: the contract's, else the unit's "
              "default list"},
             {"format", FieldType::kString, "json, csv or xlsx"},
             {"rerate", FieldType::kBoolean, "rate an issued month afresh (it must not differ)"},
             kBomParam},
            [&s](Call& c) -> Result<Reply> {
              GC_TRY(s.metering.collect());  // lifecycle events up to now are on the bill
              GC_ASSIGN_OR_RETURN(
                  auto b, s.billing.bill(*c.who, OrgId{c.params["id"]}, c.params["month"],
                                         c.query["price_list"], c.query["rerate"] == "true"));
              return bill_reply(b, c.query["format"]);
            }});
  routes.push_back(Route{
      "GET",
      "/api/v1/bills/closed",
      Access::Requires(Action::kUsageRead),
      "bills",
      "The closed months, latest first: their bills are issued, their usage and prices frozen",
      {},
      {},
      [&s](Call& c) -> Result<Reply> {
        GC_ASSIGN_OR_RETURN(auto months, s.billing.closed_months(*c.who));
        json::array items;
        for (const auto& m : months) items.push_back(closed_json(m));
        return json_reply(json::object{{"items", std::move(items)}});
      }});
  routes.push_back(Route{
      "POST",
      "/api/v1/bills/close",
      Access::Requires(Action::kBillManage),
      "bills",
      "Close an ended month (after the one before it): issues every tenant's bill; from then on "
      "the month's usage and prices are frozen and corrections are adjustments",
      BodySchema{{{"month", FieldType::kString, true, "YYYY-MM", 0, 0, 7}}},
      {},
      [&s](Call& c) -> Result<Reply> {
        GC_TRY(s.metering.collect());
        GC_ASSIGN_OR_RETURN(auto r,
                            s.billing.close_month(*c.who, str_field(c.body, "month"), c.ctx));
        json::object out = closed_json(r.month);
        out["bills"] = r.bills;
        out["total"] = r.total.str();
        return json_reply(out, 201);
      },
      201});
  routes.push_back(Route{
      "POST",
      "/api/v1/bills/{id:org}/adjustments",
      Access::Requires(Action::kBillManage),
      "bills",
      "Post an adjustment (credit, SLA penalty, correction of a closed month) on a tenant's open "
      "month; a credit or penalty is negative",
      BodySchema{
          {{"month", FieldType::kString, false, "YYYY-MM; default: this month", 0, 0, 7},
           {"kind", FieldType::kString, true, "", 0, 0, 20, {"credit", "penalty", "correction"}},
           {"amount", FieldType::kString, true, "yuan, signed, whole fen", 0, 0, 30},
           {"reason", FieldType::kString, true, "", 0, 0, 1000},
           {"refers_to", FieldType::kString, false, "e.g. the month corrected", 0, 0, 200}}},
      {},
      [&s](Call& c) -> Result<Reply> {
        AdjustmentInput in{str_field(c.body, "month"), str_field(c.body, "kind"),
                           str_field(c.body, "amount"), str_field(c.body, "reason"),
                           str_field(c.body, "refers_to")};
        GC_ASSIGN_OR_RETURN(auto a, s.billing.adjust(*c.who, OrgId{c.params["id"]}, in, c.ctx));
        return json_reply(json::object{{"id", a.id},
                                       {"tenant_id", a.tenant_id},
                                       {"month", a.month},
                                       {"kind", a.kind},
                                       {"amount", a.amount.str()},
                                       {"reason", a.reason},
                                       {"refers_to", a.refers_to}},
                          201);
      },
      201});
  routes.push_back(Route{
      "GET",
      "/api/v1/contracts/{id:ct}/settlement",
      Access::Requires(Action::kContractRead),
      "contracts",
      "A contract settled by actual usage so far (据实结算): cost to date per item with the free "
      "headroom, contracted against peak and average use, months, payment milestones and the "
      "forecast at the current run rate",
      {},
      {},
      [&s](Call& c) -> Result<Reply> {
        GC_TRY(s.metering.collect());
        GC_ASSIGN_OR_RETURN(auto st, s.billing.settlement(*c.who, c.params["id"]));
        return json_reply(settlement_json(st));
      }});
  routes.push_back(Route{
      "POST",
      "/api/v1/price-lists/{list}/default",
      Access::Requires(Action::kPriceWrite),
      "prices",
      "Make a list its unit's default: tenants whose contract names no list are billed with it",
      {},
      {},
      [&s](Call& c) -> Result<Reply> {
        GC_ASSIGN_OR_RETURN(auto l,
                            s.billing.set_default_price_list(*c.who, c.params["list"], c.ctx));
        return json_reply(json::object{{"id", l.id}, {"name", l.name}, {"default", true}});
      }});
}

}  // namespace govcloud
