// Catalog (CAT-01–03, 07, 08) and price lists with history (CAT-04, CAT-05).
#include <boost/json.hpp>
#include <regex>

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

json::value service_json(const CatalogService& s) {
  return json::object{{"code", s.code},
                      {"category", s.category},
                      {"name_zh", s.name_zh},
                      {"name_en", s.name_en},
                      {"unit", s.unit},
                      {"period", s.period.empty() ? json::value(nullptr) : json::value(s.period)},
                      {"free", s.free},
                      {"price_ceiling", s.price_ceiling ? json::value(s.price_ceiling->str())
                                                        : json::value(nullptr)},
                      {"price_ceiling_basis", s.ceiling_basis},
                      {"origin", s.origin},
                      {"params", parsed(s.params_json)},
                      {"policy", parsed(s.policy_json)},
                      {"quota", parsed(s.quota_json)},
                      {"fulfilment", s.fulfilment},
                      {"details", parsed(s.details_json)},
                      {"retired", s.retired},
                      {"updated_at", format_iso8601(s.updated_at)}};
}

json::value price_json(const Price& p, int utc_offset) {
  return json::object{{"price_list_id", p.price_list_id},
                      {"service", p.service_code},
                      {"amount", p.amount.str()},
                      {"per", p.per},
                      {"unit", p.unit},
                      {"period", p.period},
                      {"effective_from", format_iso8601(p.effective_from)},
                      // the date in the platform's time zone; the price applies to all of it
                      {"effective_date", format_local_date(p.effective_from, utc_offset)},
                      {"created_by", p.created_by},
                      {"created_at", format_iso8601(p.created_at)}};
}

json::value list_json(const PriceList& l) {
  return json::object{{"id", l.id},
                      {"name", l.name},
                      {"org_id", l.org.value},
                      {"description", l.description},
                      {"created_at", format_iso8601(l.created_at)}};
}

Status check_code(const std::string& code) {
  static const std::regex kCode("^[a-z][a-z0-9-]{1,63}$");
  if (!std::regex_match(code, kCode))
    return invalid("code", "'" + code.substr(0, 64) + "' is not a service code");
  return ok_status();
}

Status check_list(const std::string& list) {
  if (list.empty() || list.size() > 100) return invalid("list", "not a price list id or name");
  return ok_status();
}

const std::vector<std::string> kPeriods = {"month", "year", "once", "traffic"};

std::vector<FieldSpec> service_fields(bool create) {
  return {{"code", FieldType::kString, create, "our code, <category>-<slug>", 0, 0, 64},
          {"category", FieldType::kString, false, "", 0, 0, 40},
          {"name_zh", FieldType::kString, create, "", 0, 0, 300},
          {"name_en", FieldType::kString, create, "", 0, 0, 300},
          {"unit", FieldType::kString, create, "billing unit", 0, 0, 40},
          {"period", FieldType::kString, false, "", 0, 0, 10, kPeriods},
          {"free", FieldType::kBoolean, false, "included, never billed (CAT-02)"},
          {"price_ceiling", FieldType::kString, false, "最高限价 in yuan", 0, 0, 30},
          {"params", FieldType::kJson, false, "request parameters (CAT-07)"},
          {"policy", FieldType::kJson, false, "approval chains for request/modify/delete (CAT-08)"},
          {"quota", FieldType::kJson, false, "resource → integer parameter"},
          {"details", FieldType::kJson, false, "technical specifications (CAT-03)"},
          {"fulfilment", FieldType::kString, false, "", 0, 0, 10, {"manual", "auto"}}};
}

ServiceInput service_input(const json::object& b) {
  ServiceInput in;
  auto opt = [&](const char* k, std::optional<std::string>& out) {
    if (has_field(b, k)) out = str_field(b, k);
  };
  opt("code", in.code);
  opt("category", in.category);
  opt("name_zh", in.name_zh);
  opt("name_en", in.name_en);
  opt("unit", in.unit);
  opt("period", in.period);
  opt("fulfilment", in.fulfilment);
  opt("price_ceiling", in.price_ceiling);
  if (has_field(b, "free")) in.free = bool_field(b, "free", false);
  for (auto [k, target] : {std::pair{"params", &in.params}, std::pair{"policy", &in.policy},
                           std::pair{"quota", &in.quota}, std::pair{"details", &in.details}})
    if (has_field(b, k)) *target = b.at(k);
  return in;
}

}  // namespace

void add_catalog_routes(std::vector<Route>& routes, Services& s) {
  routes.push_back(Route{"GET",
                         "/api/v1/catalog",
                         Access::Authenticated(),
                         "catalog",
                         "Browse the service catalog by category and keyword (Chinese or English)",
                         {},
                         {{"category", FieldType::kString, ""},
                          {"q", FieldType::kString, "keyword in code, names or source aliases"},
                          {"origin", FieldType::kString, "catalog or custom"},
                          {"include_retired", FieldType::kBoolean, "catalog administrators only"},
                          {"limit", FieldType::kInteger, ""},
                          {"offset", FieldType::kInteger, ""}},
                         [&s](Call& c) -> Result<Reply> {
                           CatalogQuery q;
                           q.page = page_from(c);
                           q.category = c.query["category"];
                           q.keyword = c.query["q"];
                           q.origin = c.query["origin"];
                           q.include_retired = c.query["include_retired"] == "true";
                           GC_ASSIGN_OR_RETURN(auto l, s.catalog.list(*c.who, q));
                           json::array items;
                           for (const auto& x : l.items) items.push_back(service_json(x));
                           return json_reply(json::object{{"items", std::move(items)},
                                                          {"total", l.total},
                                                          {"limit", q.page.limit},
                                                          {"offset", q.page.offset}});
                         }});
  routes.push_back(Route{"GET",
                         "/api/v1/catalog/{code}",
                         Access::Authenticated(),
                         "catalog",
                         "One service with its specifications, parameters and approval policy",
                         {},
                         {},
                         [&s](Call& c) -> Result<Reply> {
                           GC_TRY(check_code(c.params["code"]));
                           GC_ASSIGN_OR_RETURN(auto x, s.catalog.get(*c.who, c.params["code"]));
                           return json_reply(service_json(x));
                         }});
  routes.push_back(Route{"POST",
                         "/api/v1/catalog",
                         Access::Requires(Action::kCatalogWrite),
                         "catalog",
                         "Define a custom service (服务自定义, CAT-07)",
                         BodySchema{service_fields(true)},
                         {},
                         [&s](Call& c) -> Result<Reply> {
                           GC_ASSIGN_OR_RETURN(
                               auto x, s.catalog.create(*c.who, service_input(c.body), c.ctx));
                           return json_reply(service_json(x), 201);
                         },
                         201});
  BodySchema patch{service_fields(false)};
  patch.fields.erase(patch.fields.begin());  // the code is the path
  routes.push_back(
      Route{"PATCH",
            "/api/v1/catalog/{code}",
            Access::Requires(Action::kCatalogWrite),
            "catalog",
            "Change a service",
            patch,
            {},
            [&s](Call& c) -> Result<Reply> {
              GC_TRY(check_code(c.params["code"]));
              GC_ASSIGN_OR_RETURN(
                  auto x, s.catalog.update(*c.who, c.params["code"], service_input(c.body), c.ctx));
              return json_reply(service_json(x));
            }});
  routes.push_back(Route{"POST",
                         "/api/v1/catalog/{code}/retire",
                         Access::Requires(Action::kCatalogWrite),
                         "catalog",
                         "Retire a service: no new requests; history stays",
                         {},
                         {},
                         [&s](Call& c) -> Result<Reply> {
                           GC_TRY(check_code(c.params["code"]));
                           GC_ASSIGN_OR_RETURN(auto x,
                                               s.catalog.retire(*c.who, c.params["code"], c.ctx));
                           return json_reply(service_json(x));
                         }});

  routes.push_back(Route{"GET",
                         "/api/v1/price-lists",
                         Access::Authenticated(),
                         "prices",
                         "Price lists (one per management unit's cloud, CAT-05)",
                         {},
                         {},
                         [&s](Call& c) -> Result<Reply> {
                           GC_ASSIGN_OR_RETURN(auto lists, s.billing.list_price_lists(*c.who));
                           json::array items;
                           for (const auto& l : lists) items.push_back(list_json(l));
                           return json_reply(json::object{{"items", std::move(items)}});
                         }});
  routes.push_back(Route{
      "POST",
      "/api/v1/price-lists",
      Access::Requires(Action::kPriceWrite),
      "prices",
      "Create a price list for a management unit",
      BodySchema{{{"name", FieldType::kString, true, "", 0, 0, 100},
                  {"org_id", FieldType::kString, true, "management unit or platform", 0, 0, 40},
                  {"description", FieldType::kString, false, "", 0, 0, 2000}}},
      {},
      [&s](Call& c) -> Result<Reply> {
        std::string org = str_field(c.body, "org_id");
        if (!is_valid_id(org, "org")) return invalid("org_id", "not a valid org id");
        GC_ASSIGN_OR_RETURN(
            auto l, s.billing.create_price_list(*c.who, str_field(c.body, "name"), OrgId{org},
                                                str_field(c.body, "description"), c.ctx));
        return json_reply(list_json(l), 201);
      },
      201});
  routes.push_back(
      Route{"GET",
            "/api/v1/price-lists/{list}/prices",
            Access::Authenticated(),
            "prices",
            "Prices in force on a date (default today), or every version with history=true",
            {},
            {{"at", FieldType::kTimestamp, "date to price at"},
             {"service", FieldType::kString, "one service"},
             {"history", FieldType::kBoolean, "every version"}},
            [&s](Call& c) -> Result<Reply> {
              GC_TRY(check_list(c.params["list"]));
              std::optional<TimeMs> at = s.clock.now();
              if (c.query.count("at")) parse_iso8601(c.query["at"], *at);
              if (c.query["history"] == "true") at.reset();
              GC_ASSIGN_OR_RETURN(
                  auto prices, s.billing.prices(*c.who, c.params["list"], at, c.query["service"]));
              json::array items;
              int off = s.config.utc_offset_minutes;
              for (const auto& p : prices) items.push_back(price_json(p, off));
              json::object out{{"items", std::move(items)}};
              if (at && prices.empty()) {
                // An empty answer says why.
                GC_ASSIGN_OR_RETURN(auto all, s.billing.prices(*c.who, c.params["list"],
                                                               std::nullopt, c.query["service"]));
                TimeMs earliest = 0;
                for (const auto& p : all)
                  if (earliest == 0 || p.effective_from < earliest) earliest = p.effective_from;
                out["note"] =
                    "no price in force on " + format_local_date(*at, off) +
                    (earliest ? "; the earliest takes effect on " + format_local_date(earliest, off)
                              : std::string("; the list has no prices yet"));
              }
              return json_reply(std::move(out));
            }});
  routes.push_back(
      Route{"POST",
            "/api/v1/price-lists/{list}/prices",
            Access::Requires(Action::kPriceWrite),
            "prices",
            "Add a price version; a price above the ceiling (最高限价) is refused",
            BodySchema{{{"service", FieldType::kString, true, "", 0, 0, 64},
                        {"amount", FieldType::kString, true, "yuan, e.g. \"0.30\"", 0, 0, 30},
                        {"per", FieldType::kInteger, false,
                         "units the amount is for, e.g. 100 (GB)", 1, 1000000},
                        {"period", FieldType::kString, false, "", 0, 0, 10, kPeriods},
                        {"effective_from", FieldType::kTimestamp, false, "default now", 0, 0, 30}}},
            {},
            [&s](Call& c) -> Result<Reply> {
              GC_TRY(check_list(c.params["list"]));
              PriceInput in;
              in.service_code = str_field(c.body, "service");
              in.amount = str_field(c.body, "amount");
              in.per = int_field(c.body, "per", 1);
              in.period = str_field(c.body, "period");
              if (has_field(c.body, "effective_from"))
                parse_iso8601(str_field(c.body, "effective_from"), in.effective_from);
              GC_ASSIGN_OR_RETURN(auto p, s.billing.set_price(*c.who, c.params["list"], in, c.ctx));
              return json_reply(price_json(p, s.config.utc_offset_minutes), 201);
            },
            201});
  routes.push_back(Route{
      "POST",
      "/api/v1/price-lists/{list}/import",
      Access::Requires(Action::kPriceWrite),
      "prices",
      "Import prices from YAML or CSV text; all rows or none",
      BodySchema{{{"format", FieldType::kString, true, "", 0, 0, 10, {"yaml", "csv"}},
                  {"content", FieldType::kString, true, "the file's text", 0, 0, 900000}}},
      {},
      [&s](Call& c) -> Result<Reply> {
        GC_TRY(check_list(c.params["list"]));
        GC_ASSIGN_OR_RETURN(
            int n, s.billing.import_prices(*c.who, c.params["list"], str_field(c.body, "format"),
                                           str_field(c.body, "content"), c.ctx));
        return json_reply(json::object{{"imported", n}});
      }});
  routes.push_back(
      Route{"GET",
            "/api/v1/price-lists/{list}/export",
            Access::Authenticated(),
            "prices",
            "Export prices as YAML or CSV (in force at a date, or all versions)",
            {},
            {{"format", FieldType::kString, "yaml (default) or csv"},
             {"at", FieldType::kTimestamp, ""},
             {"history", FieldType::kBoolean, ""},
             kBomParam},
            [&s](Call& c) -> Result<Reply> {
              GC_TRY(check_list(c.params["list"]));
              std::string format = c.query.count("format") ? c.query["format"] : "yaml";
              std::optional<TimeMs> at = s.clock.now();
              if (c.query.count("at")) parse_iso8601(c.query["at"], *at);
              if (c.query["history"] == "true") at.reset();
              GC_ASSIGN_OR_RETURN(auto text,
                                  s.billing.export_prices(*c.who, c.params["list"], format, at));
              Reply r;
              r.content_type = format == "csv" ? "text/csv; charset=utf-8" : "application/yaml";
              r.raw = std::move(text);
              return r;
            }});
}

}  // namespace govcloud
