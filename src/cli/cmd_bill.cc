// govcloud bill show|close|adjust|closed and govcloud settlement show (issue 11 §5): a tenant's
// month per business system and catalog code with each line's arithmetic (-o json|csv|xlsx
// exports it as the server renders it), closing a month, adjustments, and a contract settled
// by actual usage.
#include <boost/json.hpp>
#include <iostream>

#include "cli/cli_internal.h"

namespace govcloud::cli {

namespace json = boost::json;

namespace {

const std::vector<Column> kLineColumns = {
    {"SYSTEM", "system"}, {"CODE", "code"},     {"QUANTITY", "quantity"}, {"PRICE", "unit_price"},
    {"PER", "period"},    {"AMOUNT", "amount"}, {"HOW", "arithmetic"}};

void print_bill(const json::value& b) {
  json::array rows;
  for (const auto& s : b.at("systems").as_array())
    for (const auto& l : s.at("lines").as_array()) {
      json::object row = l.as_object();
      row["system"] = s.at("name");
      rows.push_back(std::move(row));
    }
  print(json::object{{"items", std::move(rows)}}, kLineColumns);
  for (const auto& s : b.at("systems").as_array())
    std::cout << cell_text(s.at("name")) << ": " << cell_text(s.at("total")) << " 元\n";
  for (const auto& a : b.at("adjustments").as_array())
    std::cout << "调整 " << cell_text(a.at("kind")) << ": " << cell_text(a.at("amount")) << " 元 ("
              << cell_text(a.at("reason")) << ")\n";
  std::cout << cell_text(b.at("tenant")) << " " << cell_text(b.at("month")) << ": "
            << cell_text(b.at("total")) << " 元 (" << cell_text(b.at("price_list")) << ", "
            << cell_text(b.at("state")) << ")\n";
}

struct ShowFlags {
  std::string tenant, month, price_list, out;
  bool rerate = false;
};

void show_bill(const ShowFlags& f, const std::string& format) {
  std::string q = "?format=" + std::string(format == "csv" || format == "xlsx" ? format : "json");
  if (!f.price_list.empty()) q += "&price_list=" + query_escape(f.price_list);
  if (f.rerate) q += "&rerate=true";
  std::string target = "/api/v1/bills/" + f.tenant + "/" + query_escape(f.month) + q;
  if (format == "csv" || format == "xlsx") {
    std::string raw;
    call("GET", target, std::nullopt, true, &raw);
    emit(f.out.empty() && format == "xlsx" ? "bill-" + f.month + ".xlsx" : f.out, raw);
    return;
  }
  auto b = call("GET", target);
  if (format == "json") return print(b, {});
  print_bill(b);
}

void print_settlement(const json::value& s) {
  print(json::object{{"items", s.at("items")}}, {{"CODE", "code"},
                                                 {"CONTRACTED", "contracted"},
                                                 {"PEAK", "peak"},
                                                 {"AVERAGE", "average"},
                                                 {"RATED", "rated"},
                                                 {"COST", "cost"},
                                                 {"OVER", "over_headroom"}});
  std::cout << "\n";
  print(json::object{{"items", s.at("milestones")}},
        {{"#", "number"}, {"AMOUNT", "amount"}, {"FINAL", "final"}, {"BASIS", "basis"}});
  std::cout << "\n"
            << cell_text(s.at("contract")) << " (" << cell_text(s.at("price_list")) << ")\n"
            << "contract total " << cell_text(s.at("contract_total")) << " 元; cost to "
            << cell_text(s.at("settled_to")) << ": " << cell_text(s.at("cost_to_date")) << " 元 ("
            << cell_text(s.at("budget_used_pct")) << "%); forecast " << cell_text(s.at("forecast"))
            << " 元\n";
  for (const auto& n : s.at("notes").as_array()) std::cout << "note: " << cell_text(n) << "\n";
}

}  // namespace

void register_bill(CLI::App& app) {
  auto* bill = app.add_subcommand("bill", "账单 (bills): a tenant's month per system and code");
  bill->require_subcommand(1);
  auto f = std::make_shared<ShowFlags>();
  auto* show =
      bill->add_subcommand("show", "A tenant's bill for a month (YYYY-MM); -o csv|xlsx exports it");
  show->add_option("tenant", f->tenant, "tenant, id or name")
      ->required()
      ->transform(id_or_name("org"));
  show->add_option("month", f->month, "YYYY-MM")->required();
  show->add_option("--price-list", f->price_list, "rate with this list (id or name)");
  show->add_flag("--rerate", f->rerate, "rate an issued month afresh (it must not differ)");
  show->add_option("--out", f->out,
                   "file for csv/xlsx (default: standard output / bill-MONTH.xlsx)");
  show->callback([f] { show_bill(*f, globals().output); });

  // The same bill as a file: the form the finance office files (CSV with a BOM, or XLSX).
  auto e = std::make_shared<ShowFlags>();
  auto format = std::make_shared<std::string>("xlsx");
  auto* export_cmd =
      bill->add_subcommand("export", "Export a tenant's bill for a month as XLSX or CSV");
  export_cmd->add_option("tenant", e->tenant, "tenant, id or name")
      ->required()
      ->transform(id_or_name("org"));
  export_cmd->add_option("month", e->month, "YYYY-MM")->required();
  export_cmd->add_option("--format", *format, "xlsx (default) or csv")
      ->check(CLI::IsMember({"xlsx", "csv"}));
  export_cmd->add_option("--price-list", e->price_list, "rate with this list (id or name)");
  export_cmd->add_option("--out", e->out, "file (default: bill-MONTH.xlsx / standard output)");
  export_cmd->callback([e, format] { show_bill(*e, *format); });

  auto month = std::make_shared<std::string>();
  auto* close = bill->add_subcommand(
      "close", "Close an ended month: issue every tenant's bill and freeze its usage and prices");
  close->add_option("month", *month, "YYYY-MM")->required();
  close->callback([month] {
    auto r = call("POST", "/api/v1/bills/close", json::value(json::object{{"month", *month}}));
    if (globals().output == "json") return print(r, {});
    std::cout << "closed " << cell_text(r.at("month")) << ": " << cell_text(r.at("bills"))
              << " bill(s) issued, " << cell_text(r.at("total")) << " 元 in all\n";
  });
  bill->add_subcommand("closed", "The closed months, latest first")->callback([] {
    print(call("GET", "/api/v1/bills/closed"),
          {{"MONTH", "month"}, {"CLOSED-AT", "closed_at"}, {"BY", "closed_by"}});
  });

  struct AdjustFlags {
    std::string tenant, month, kind, amount, reason, refers_to;
  };
  auto a = std::make_shared<AdjustFlags>();
  auto* adjust = bill->add_subcommand(
      "adjust", "Post a credit, penalty or correction on a tenant's open month (its unit only)");
  adjust->add_option("tenant", a->tenant, "tenant, id or name")
      ->required()
      ->transform(id_or_name("org"));
  adjust->add_option("--kind", a->kind, "credit, penalty or correction")->required();
  adjust->add_option("--amount", a->amount, "yuan, signed: a credit or penalty is negative")
      ->required();
  adjust->add_option("--reason", a->reason)->required();
  adjust->add_option("--month", a->month, "YYYY-MM (default: this month)");
  adjust->add_option("--refers-to", a->refers_to, "e.g. the closed month corrected");
  adjust->callback([a] {
    json::object body{{"kind", a->kind}, {"amount", a->amount}, {"reason", a->reason}};
    if (!a->month.empty()) body["month"] = a->month;
    if (!a->refers_to.empty()) body["refers_to"] = a->refers_to;
    print(call("POST", "/api/v1/bills/" + a->tenant + "/adjustments", json::value(body)), {});
  });

  auto* settlement =
      app.add_subcommand("settlement", "据实结算: contracts settled by actual usage");
  settlement->require_subcommand(1);
  auto contract = std::make_shared<std::string>();
  auto* sshow = settlement->add_subcommand("show", "A contract's settlement so far");
  sshow->add_option("contract", *contract, "contract: id, package id or name")
      ->required()
      ->transform(id_or_name("ct"));
  sshow->callback([contract] {
    auto s = call("GET", "/api/v1/contracts/" + query_escape(*contract) + "/settlement");
    if (globals().output == "json") return print(s, {});
    print_settlement(s);
  });
}

}  // namespace govcloud::cli
