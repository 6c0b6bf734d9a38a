// govcloud contract import | list | show | quote
#include <yaml-cpp/yaml.h>

#include <boost/json.hpp>
#include <fstream>
#include <iostream>

#include "cli/cli_internal.h"
#include "common/yaml_json.h"

namespace govcloud::cli {

namespace json = boost::json;

namespace {

json::value find_package(const YAML::Node& root, const std::string& file, const std::string& id) {
  const YAML::Node list = root.IsMap() && root["packages"] ? root["packages"] : root;
  if (list.IsSequence()) {
    std::string ids;
    for (const auto& p : list) {
      std::string pid = p.IsMap() && p["id"] ? p["id"].as<std::string>() : "";
      if (pid == id) return yaml_to_json(p);
      ids += (ids.empty() ? "" : ", ") + pid;
    }
    fail("package '" + id + "' is not in " + file + " (it has: " + ids + ")");
  }
  if (list.IsMap() && (id.empty() || (list["id"] && list["id"].as<std::string>() == id)))
    return yaml_to_json(list);
  fail(file + " holds no package list");
}

json::value load_package(const std::string& file, const std::string& id) {
  try {
    return find_package(YAML::LoadFile(file), file, id);
  } catch (const YAML::Exception& e) {  // unreadable, not YAML, or not shaped like packages.yaml
    fail("cannot read " + file + ": " + e.what());
  }
}

void print_quote(const json::value& q) {
  if (globals().output == "json") return print(q, {});
  std::cout << cell_text(q.at("package_id")) << "  " << cell_text(q.at("name")) << "  (price list "
            << cell_text(q.at("price_list")) << ", prices in force on " << cell_text(q.at("date"))
            << ")\n";
  print(json::object{{"items", q.at("lines")}}, {{"#", "line"},
                                                 {"SERVICE", "service_code"},
                                                 {"QTY", "quantity"},
                                                 {"UNIT", "unit"},
                                                 {"CONVERTED", "conversion"},
                                                 {"MONTHS", "months"},
                                                 {"UNIT PRICE", "unit_price"},
                                                 {"TOTAL", "total"}});
  std::cout << "total  " << cell_text(q.at("total")) << " 元";
  std::cout << "   budget  "
            << (q.at("budget").is_null() ? "not stated" : cell_text(q.at("budget")) + " 元");
  if (q.at("over_budget").as_bool()) std::cout << "   OVER BUDGET";
  if (q.at("unpriced_lines").as_int64() > 0)
    std::cout << "   " << cell_text(q.at("unpriced_lines")) << " line(s) without a price";
  std::cout << "\n";
  if (!cell_text(q.at("note")).empty()) std::cout << cell_text(q.at("note")) << "\n";
}

}  // namespace

void register_contract(CLI::App& app) {
  auto* contract = app.add_subcommand("contract", "Contracts from procurement packages (采购包)");
  contract->require_subcommand(1);
  struct ImportFlags {
    std::string file, package, tenant, vdc, starts, price_list;
    int headroom = 20;
    bool dry_run = false;
    std::vector<std::string> batch_starts, system_starts;
  };
  auto f = std::make_shared<ImportFlags>();
  auto* import = contract->add_subcommand("import", "Import a package as a tenant's contract");
  import->add_option("file", f->file, "packages.yaml (or one package)")->required();
  import->add_option("--package", f->package, "package id, e.g. 004")->required();
  import->add_option("--tenant", f->tenant, "tenant, id or name")
      ->required()
      ->transform(id_or_name("org"));
  import->add_option("--vdc", f->vdc, "VDC for the quotas (default: the tenant's top VDC)")
      ->transform(id_or_name("vdc"));
  import->add_option("--starts", f->starts, "signing date, e.g. 2026-03-26");
  import->add_option("--free-headroom", f->headroom, "免费扩展 headroom in percent (default 20)");
  import->add_option("--batch-start", f->batch_starts, "N=DATE, a batch's start");
  import->add_option("--system-start", f->system_starts, "NAME=DATE, a system's start");
  import->add_option("--price-list", f->price_list,
                     "the list its usage is billed with (default: the unit's default list)");
  import->add_flag("--dry-run", f->dry_run,
                   "show the quota plan (per resource: needed, available, at which level); change "
                   "nothing");
  import->callback([f] {
    json::object body{{"package", load_package(f->file, f->package)},
                      {"tenant_org_id", f->tenant},
                      {"free_headroom_pct", f->headroom}};
  if (!f->vdc.empty()) body["vdc_id"] = f->vdc;
  if (!f->starts.empty()) body["starts_at"] = f->starts;
  if (!f->price_list.empty()) body["price_list"] = f->price_list;
  for (auto [key, list] : {std::pair{"batch_starts", &f->batch_starts},
                           std::pair{"system_starts", &f->system_starts}}) {
    json::object m;
    for (const auto& kv : *list) {
      auto eq = kv.find('=');
      if (eq == std::string::npos) fail(std::string(key) + ": expected NAME=DATE, got " + kv);
      m[kv.substr(0, eq)] = kv.substr(eq + 1);
    }
    if (!m.empty()) body[key] = std::move(m);
  }
  if (f->dry_run) {
    body["dry_run"] = true;
    auto plan = call("POST", "/api/v1/contracts", json::value(body));
    print(plan, {{"RESOURCE", "resource"},
                 {"VDC", "vdc"},
                 {"NOW", "current"},
                 {"NEEDED", "needed"},
                 {"AVAILABLE", "available"},
                 {"FROM", "from_vdc"},
                 {"IN-USE", "in_use"},
                 {"FITS", "fits"}});
    if (globals().output == "table")
      std::cout << (plan.at("fits").as_bool() ? "the contract fits; nothing was changed\n"
                                              : "the contract does not fit; nothing was changed\n");
    return;
  }
  print(call("POST", "/api/v1/contracts", json::value(body)), {});
});
contract->add_subcommand("list", "Contracts you can see")->callback([] {
  print(call("GET", "/api/v1/contracts"), {{"ID", "id"},
                                           {"PACKAGE", "package_id"},
                                           {"NAME", "name"},
                                           {"TENANT", "tenant_org_id"},
                                           {"BUDGET", "budget"},
                                           {"STARTS", "starts_at"}});
});
auto id = std::make_shared<std::string>();
auto* show = contract->add_subcommand("show", "A contract with its line items");
show->add_option("id", *id, "contract id, package id or name")
    ->required()
    ->transform(id_or_name("ct"));
show->callback([id] {
  auto v = call("GET", "/api/v1/contracts/" + query_escape(*id));
  if (globals().output == "json") return print(v, {});
  json::object head = v.as_object();
  json::value items = head.at("items");
  head.erase("items");
  print(head, {});
  print(json::object{{"items", items}}, {{"#", "line"},
                                         {"SERVICE", "service"},
                                         {"QTY", "quantity"},
                                         {"UNIT", "unit"},
                                         {"MONTHS", "months"},
                                         {"BATCH", "batch"},
                                         {"STARTS", "starts_at"},
                                         {"ENDS", "ends_at"}});
});
struct QuoteFlags {
  std::string file, package, contract, list, at, out;
};
auto q = std::make_shared<QuoteFlags>();
auto* quote = contract->add_subcommand(
    "quote",
    "Itemised quote (分项报价表) of a package file or an imported contract; "
    "-o json|csv|xlsx");
quote->add_option("file", q->file, "packages.yaml (omit with --contract)");
quote->add_option("--package", q->package, "package id in the file");
quote->add_option("--contract", q->contract, "an imported contract: id, package id or name")
    ->transform(id_or_name("ct"));
quote->add_option("--price-list", q->list, "price list id or name")->required();
quote->add_option("--at", q->at, "price date (default today)");
quote->add_option("--out", q->out,
                  "file for csv/xlsx output (default: standard output / quote.xlsx)");
quote->callback([q] {
  std::string format = globals().output == "table" ? "json" : globals().output;
  std::string raw;
  json::value v;
  bool text = format == "csv" || format == "xlsx";
  if (!q->contract.empty()) {
    std::string t = "/api/v1/contracts/" + query_escape(q->contract) +
                    "/quote?price_list=" + query_escape(q->list) + "&format=" + format;
    if (!q->at.empty()) t += "&at=" + query_escape(q->at);
    v = call("GET", t, std::nullopt, text, &raw);
  } else {
    if (q->file.empty() || q->package.empty())
      fail("give a package file and --package, or --contract");
    json::object body{{"package", load_package(q->file, q->package)},
                      {"price_list", q->list},
                      {"format", format}};
    if (!q->at.empty()) body["at"] = q->at;
    v = call("POST", "/api/v1/quotes", json::value(body), text, &raw);
  }
  if (!text) return print_quote(v);
  emit(q->out.empty() && format == "xlsx" ? "quote.xlsx" : q->out, raw);
});
}  // namespace govcloud::cli

}  // namespace govcloud::cli
