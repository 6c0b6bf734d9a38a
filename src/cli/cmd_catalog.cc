// govcloud catalog … | service … | price …
#include <boost/json.hpp>
#include <iostream>

#include "cli/cli_internal.h"

namespace govcloud::cli {

namespace json = boost::json;

namespace {

const std::vector<Column> kServiceColumns = {
    {"CODE", "code"}, {"CATEGORY", "category"}, {"名称", "name_zh"}, {"NAME", "name_en"},
    {"UNIT", "unit"}, {"PERIOD", "period"},     {"FREE", "free"},    {"CEILING", "price_ceiling"}};

json::value json_arg(const std::string& text, const char* what) {
  boost::system::error_code ec;
  auto v = json::parse(text, ec);
  if (ec) fail(std::string(what) + " is not valid JSON");
  return v;
}

}  // namespace

void register_catalog(CLI::App& app) {
  auto* catalog = app.add_subcommand("catalog", "Browse the service catalog (服务目录)");
  catalog->require_subcommand(1);
  struct ListFlags {
    std::string category, q, origin;
    bool retired = false;
    int limit = 200, offset = 0;
  };
  auto lf = std::make_shared<ListFlags>();
  auto* list = catalog->add_subcommand("list", "List services; filter by category and keyword");
  list->add_option("--category", lf->category,
                   "ai, compute, crypto, database, migration, monitoring, network, security, "
                   "service, software, storage");
  list->add_option("-q,--query", lf->q, "keyword, Chinese or English");
  list->add_option("--origin", lf->origin, "catalog or custom");
  list->add_flag("--include-retired", lf->retired);
  list->add_option("--limit", lf->limit);
  list->add_option("--offset", lf->offset);
  list->callback([lf] {
    std::string t = "/api/v1/catalog?limit=" + std::to_string(lf->limit) +
                    "&offset=" + std::to_string(lf->offset);
    if (!lf->category.empty()) t += "&category=" + query_escape(lf->category);
    if (!lf->q.empty()) t += "&q=" + query_escape(lf->q);
    if (!lf->origin.empty()) t += "&origin=" + query_escape(lf->origin);
    if (lf->retired) t += "&include_retired=true";
    print(call("GET", t), kServiceColumns);
  });
  auto code = std::make_shared<std::string>();
  auto* show = catalog->add_subcommand("show", "One service in full");
  show->add_option("code", *code)->required();
  show->callback([code] { print(call("GET", "/api/v1/catalog/" + query_escape(*code)), {}); });

  auto* service = app.add_subcommand("service", "Define custom services (服务自定义)");
  service->require_subcommand(1);
  struct DefFlags {
    std::string code, file;
    bool update = false;
  };
  auto df = std::make_shared<DefFlags>();
  auto* define = service->add_subcommand(
      "define", "Create (or with --update change) a service from a JSON definition file");
  define
      ->add_option("file", df->file,
                   "JSON: code, category, name_zh, name_en, unit, period, "
                   "params, policy, quota, fulfilment")
      ->required();
  define->add_flag("--update", df->update, "change an existing service");
  define->callback([df] {
    auto def = json_arg(read_file(df->file), "the definition");
    if (!def.is_object()) fail("the definition must be a JSON object");
    if (df->update) {
      std::string code = cell_text(def.as_object().at("code"));
      def.as_object().erase("code");
      print(call("PATCH", "/api/v1/catalog/" + query_escape(code), def), {});
    } else {
      print(call("POST", "/api/v1/catalog", def), {});
    }
  });
  auto rcode = std::make_shared<std::string>();
  auto* retire = service->add_subcommand("retire", "Retire a service");
  retire->add_option("code", *rcode)->required();
  retire->callback([rcode] {
    call("POST", "/api/v1/catalog/" + query_escape(*rcode) + "/retire");
    std::cout << "retired " << *rcode << "\n";
  });

  auto* price = app.add_subcommand("price", "Price lists and prices (CAT-04, CAT-05)");
  price->require_subcommand(1);
  price->add_subcommand("lists", "All price lists")->callback([] {
    print(call("GET", "/api/v1/price-lists"),
          {{"ID", "id"}, {"NAME", "name"}, {"ORG", "org_id"}, {"DESCRIPTION", "description"}});
  });
  struct NewList {
    std::string name, org, description;
  };
  auto nl = std::make_shared<NewList>();
  auto* create = price->add_subcommand("create-list", "Create a price list for a management unit");
  create->add_option("name", nl->name)->required();
  create->add_option("--org", nl->org, "management unit, id or name")
      ->required()
      ->transform(id_or_name("org"));
  create->add_option("--description", nl->description);
  create->callback([nl] {
    print(call("POST", "/api/v1/price-lists",
               json::value(json::object{
                   {"name", nl->name}, {"org_id", nl->org}, {"description", nl->description}})),
          {});
  });
  auto default_list = std::make_shared<std::string>();
  auto* make_default = price->add_subcommand(
      "default", "Make a list its unit's default (tenants whose contract names none use it)");
  make_default->add_option("list", *default_list, "price list, by name or id")->required();
  make_default->callback([default_list] {
    call("POST", "/api/v1/price-lists/" + query_escape(*default_list) + "/default");
    std::cout << *default_list << " is now its unit's default list\n";
  });
  struct ShowFlags {
    std::string list, at, service;
    bool history = false;
  };
  auto sf = std::make_shared<ShowFlags>();
  auto* show_prices = price->add_subcommand("show", "Prices in force on a date, or all versions");
  show_prices->add_option("--list", sf->list, "price list, by name or id")->required();
  show_prices->add_option("--at", sf->at, "date, e.g. 2027-01-01");
  show_prices->add_option("--service", sf->service);
  show_prices->add_flag("--history", sf->history);
  show_prices->callback([sf] {
    std::string t = "/api/v1/price-lists/" + query_escape(sf->list) +
                    "/prices?history=" + (sf->history ? "true" : "false");
    if (!sf->at.empty()) t += "&at=" + query_escape(sf->at);
    if (!sf->service.empty()) t += "&service=" + query_escape(sf->service);
    print(call("GET", t), {{"SERVICE", "service"},
                           {"AMOUNT", "amount"},
                           {"PER", "per"},
                           {"UNIT", "unit"},
                           {"PERIOD", "period"},
                           {"FROM", "effective_date"}});
  });
  struct SetFlags {
    std::string list, service, amount, period, from;
    std::int64_t per = 1;
  };
  auto pf = std::make_shared<SetFlags>();
  auto* set = price->add_subcommand("set", "Add a price version (never overwrites)");
  set->add_option("--list", pf->list, "price list, by name or id")->required();
  set->add_option("service", pf->service)->required();
  set->add_option("amount", pf->amount, "yuan")->required();
  set->add_option("--per", pf->per, "units the amount is for (e.g. 100 for per 100 GB)");
  set->add_option("--period", pf->period, "month, year, once, traffic");
  set->add_option("--from", pf->from, "effective date; default now");
  set->callback([pf] {
    json::object body{{"service", pf->service}, {"amount", pf->amount}, {"per", pf->per}};
    if (!pf->period.empty()) body["period"] = pf->period;
    if (!pf->from.empty()) body["effective_from"] = pf->from;
    print(call("POST", "/api/v1/price-lists/" + query_escape(pf->list) + "/prices",
               json::value(body)),
          {});
  });
  struct FileFlags {
    std::string list, file, format, at;
  };
  auto ff = std::make_shared<FileFlags>();
  auto* import = price->add_subcommand("import", "Import prices from a YAML or CSV file");
  import->add_option("file", ff->file)->required();
  import->add_option("--list", ff->list, "price list, by name or id")->required();
  import->add_option("--format", ff->format, "yaml or csv (default: by file name)");
  import->callback([ff] {
    std::string format = ff->format;
  if (format.empty())
    format = ff->file.size() > 4 && ff->file.substr(ff->file.size() - 4) == ".csv" ? "csv" : "yaml";
  print(call("POST", "/api/v1/price-lists/" + query_escape(ff->list) + "/import",
             json::value(json::object{{"format", format}, {"content", read_file(ff->file)}})),
        {});
});
auto ef = std::make_shared<FileFlags>();
auto* exp = price->add_subcommand("export", "Export prices as YAML or CSV");
exp->add_option("--list", ef->list, "price list, by name or id")->required();
exp->add_option("--format", ef->format, "yaml (default) or csv");
exp->add_option("--at", ef->at, "date");
exp->add_option("-f,--file", ef->file, "write to this file instead of standard output");
exp->callback([ef] {
  std::string t = "/api/v1/price-lists/" + query_escape(ef->list) +
                  "/export?format=" + (ef->format.empty() ? "yaml" : ef->format);
  if (!ef->at.empty()) t += "&at=" + query_escape(ef->at);
  std::string text;
  call("GET", t, std::nullopt, true, &text);
  emit(ef->file, text);
});
}  // namespace govcloud::cli

}  // namespace govcloud::cli
