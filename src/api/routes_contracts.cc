// Contracts from procurement packages (TEN-06, BIL-05, BIL-07) and quotes (分项报价表).
#include <boost/json.hpp>

#include "api/json_out.h"
#include "api/router.h"

namespace govcloud {

namespace json = boost::json;

namespace {

json::value parsed(const std::string& text) {
  boost::system::error_code ec;
  auto v = json::parse(text, ec);
  return ec ? json::value(text) : v;
}

json::value contract_json(const Contract& c) {
  return json::object{{"id", c.id},
                      {"tenant_org_id", c.tenant.value},
                      {"vdc_id", c.vdc ? json::value(c.vdc->value) : json::value(nullptr)},
                      {"package_id", c.package_id},
                      {"name", c.name},
                      {"buyer", c.buyer},
                      {"budget", c.budget ? json::value(c.budget->str()) : json::value(nullptr)},
                      {"service_period", c.service_period_text},
                      {"months", c.months ? json::value(*c.months) : json::value(nullptr)},
                      {"starts_at", format_iso8601(c.starts_at)},
                      {"free_headroom_pct", c.free_headroom_pct},
                      {"price_list_id", c.price_list_id},
                      {"payment", parsed(c.payment_json)},
                      {"uninterpreted", parsed(c.uninterpreted_json)},
                      {"created_at", format_iso8601(c.created_at)}};
}

json::value item_json(const ContractItem& i) {
  return json::object{
      {"line", i.line},
      {"service", i.service_code},
      {"name_zh", i.name_zh},
      {"quantity", i.quantity},
      {"unit", i.unit_text},
      {"price_unit", i.price_unit_text},
      {"months", i.months ? json::value(*i.months) : json::value(i.months_text)},
      {"batch", i.batch ? json::value(*i.batch) : json::value(nullptr)},
      {"system", i.system},
      {"starts_at", format_iso8601(i.starts_at)},
      {"ends_at", i.ends_at ? json::value(format_iso8601(i.ends_at)) : json::value(nullptr)},
      {"note", i.note}};
}

Result<std::map<std::string, TimeMs>> date_map(const json::object& body, const char* key) {
  std::map<std::string, TimeMs> out;
  auto* v = body.if_contains(key);
  if (v == nullptr || v->is_null()) return out;
  if (!v->is_object()) return invalid(key, std::string(key) + " maps names to dates");
  for (const auto& kv : v->as_object()) {
    TimeMs t = 0;
    if (!kv.value().is_string() || !parse_iso8601(std::string(kv.value().as_string()), t))
      return invalid(std::string(key) + "." + std::string(kv.key()), "must be a date");
    out[std::string(kv.key())] = t;
  }
  return out;
}

Result<Reply> quote_reply(const Quote& q, const std::string& format) {
  Reply r;
  if (format == "csv") {
    r.content_type = "text/csv; charset=utf-8";
    r.raw = quote_csv(q);
  } else if (format == "xlsx") {
    GC_ASSIGN_OR_RETURN(r.raw, quote_xlsx(q));
    r.content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    r.headers.emplace_back("Content-Disposition", "attachment; filename=\"quote.xlsx\"");
  } else if (format == "json" || format.empty()) {
    return json_reply(quote_json(q));
  } else {
    return invalid("format", "format must be json, csv or xlsx");
  }
  return r;
}

TimeMs at_or_now(Services& s, const std::string& text) {
  TimeMs t = s.clock.now();
  if (!text.empty()) parse_iso8601(text, t);
  return t;
}

}  // namespace

void add_contract_routes(std::vector<Route>& routes, Services& s) {
  routes.push_back(Route{"GET",
                         "/api/v1/contracts",
                         Access::Requires(Action::kContractRead),
                         "contracts",
                         "Contracts visible to the caller",
                         {},
                         {},
                         [&s](Call& c) -> Result<Reply> {
                           GC_ASSIGN_OR_RETURN(auto list, s.billing.list_contracts(*c.who));
                           json::array items;
                           for (const auto& x : list) items.push_back(contract_json(x));
                           return json_reply(json::object{{"items", std::move(items)}});
                         }});
  routes.push_back(Route{
      "POST",
      "/api/v1/contracts",
      Access::Requires(Action::kContractWrite),
      "contracts",
      "Import a procurement package (packages.yaml format) as a tenant's contract; sets its "
      "quotas from the line items, each from its batch's start (TEN-06)",
      BodySchema{
          {{"package", FieldType::kJson, true, "one package as in packages.yaml"},
           {"tenant_org_id", FieldType::kString, true, "", 0, 0, 40},
           {"vdc_id", FieldType::kString, false, "default: the tenant's top VDC", 0, 0, 40},
           {"starts_at", FieldType::kTimestamp, false, "signing date; default today", 0, 0, 30},
           {"free_headroom_pct", FieldType::kInteger, false, "免费扩展 headroom, default 20", 0,
            100},
           {"batch_starts", FieldType::kJson, false, "batch number → start date"},
           {"system_starts", FieldType::kJson, false, "system name → start date"},
           {"price_list", FieldType::kString, false,
            "the list its usage is billed with (id or name); default: the unit's default", 0, 0,
            100},
           {"dry_run", FieldType::kBoolean, false,
            "show the quota plan (needed, available, at which level) and change nothing"}}},
      {},
      [&s](Call& c) -> Result<Reply> {
        ContractImport in;
        in.package = c.body.at("package");
        std::string tenant = str_field(c.body, "tenant_org_id");
        if (!is_valid_id(tenant, "org")) return invalid("tenant_org_id", "not a valid org id");
        in.tenant = OrgId{tenant};
        if (has_field(c.body, "vdc_id")) {
          std::string v = str_field(c.body, "vdc_id");
          if (!is_valid_id(v, "vdc")) return invalid("vdc_id", "not a valid VDC id");
          in.vdc = VdcId{v};
        }
        if (has_field(c.body, "starts_at"))
          parse_iso8601(str_field(c.body, "starts_at"), in.starts_at);
        in.free_headroom_pct = static_cast<int>(int_field(c.body, "free_headroom_pct", 20));
        GC_ASSIGN_OR_RETURN(in.batch_starts, date_map(c.body, "batch_starts"));
        GC_ASSIGN_OR_RETURN(in.system_starts, date_map(c.body, "system_starts"));
        in.price_list = str_field(c.body, "price_list");
        if (c.body.contains("dry_run") && c.body.at("dry_run").is_bool() &&
            c.body.at("dry_run").as_bool()) {
          GC_ASSIGN_OR_RETURN(auto plan, s.billing.plan_contract(*c.who, in));
          json::array lines;
          bool fits = true;
          for (const auto& q : plan.quota) {
            fits &= q.fits;
            lines.push_back(json::object{{"resource", q.resource},
                                         {"vdc", q.vdc_name},
                                         {"from_vdc", q.from_vdc_name},
                                         {"current", q.current},
                                         {"needed", q.needed},
                                         {"available", q.available},
                                         {"in_use", q.in_use},
                                         {"fits", q.fits}});
          }
          return json_reply(json::object{{"dry_run", true},
                                         {"fits", fits},
                                         {"package_id", plan.contract.package_id},
                                         {"items", std::move(lines)}});
        }
        GC_ASSIGN_OR_RETURN(auto contract, s.billing.import_contract(*c.who, in, c.ctx));
        return json_reply(contract_json(contract), 201);
      },
      201});
  routes.push_back(Route{"GET",
                         "/api/v1/contracts/{id:ct}",
                         Access::Requires(Action::kContractRead),
                         "contracts",
                         "A contract with its line items",
                         {},
                         {},
                         [&s](Call& c) -> Result<Reply> {
                           GC_ASSIGN_OR_RETURN(auto pair,
                                               s.billing.get_contract(*c.who, c.params["id"]));
                           json::value out = contract_json(pair.first);
                           json::array items;
                           for (const auto& i : pair.second) items.push_back(item_json(i));
                           out.as_object()["items"] = std::move(items);
                           return json_reply(out);
                         }});
  routes.push_back(Route{"GET",
                         "/api/v1/contracts/{id:ct}/quote",
                         Access::Requires(Action::kContractRead),
                         "contracts",
                         "Itemised quote of a contract against a price list (json, csv or xlsx)",
                         {},
                         {{"price_list", FieldType::kString, "id or name"},
                          {"at", FieldType::kTimestamp, "price date; default today"},
                          {"format", FieldType::kString, "json, csv or xlsx"},
                          kBomParam},
                         [&s](Call& c) -> Result<Reply> {
                           if (c.query["price_list"].empty())
                             return invalid("price_list", "price_list is required");
                           GC_ASSIGN_OR_RETURN(
                               auto q, s.billing.quote_contract(*c.who, c.params["id"],
                                                                c.query["price_list"],
                                                                at_or_now(s, c.query["at"])));
                           return quote_reply(q, c.query["format"]);
                         }});
  routes.push_back(Route{
      "POST",
      "/api/v1/quotes",
      Access::Authenticated(),
      "contracts",
      "Itemised quote of a package not yet imported (json, csv or xlsx)",
      BodySchema{
          {{"package", FieldType::kJson, true, "one package as in packages.yaml"},
           {"price_list", FieldType::kString, true, "id or name", 0, 0, 100},
           {"at", FieldType::kTimestamp, false, "", 0, 0, 30},
           {"format", FieldType::kString, false, "", 0, 0, 10, {"json", "csv", "xlsx"}},
           {"bom", FieldType::kBoolean, false, "CSV: start with a UTF-8 BOM (default true)"}}},
      {},
      [&s](Call& c) -> Result<Reply> {
        GC_ASSIGN_OR_RETURN(auto q, s.billing.quote_package(*c.who, c.body.at("package"),
                                                            str_field(c.body, "price_list"),
                                                            at_or_now(s, str_field(c.body, "at"))));
        return quote_reply(q, str_field(c.body, "format"));
      }});
}

}  // namespace govcloud
