// govcloud bill show TENANT MONTH (issue 11 §5): a tenant's month per business system and
// catalog code, each line with the arithmetic that made it; -o json gives the whole bill.
#include <boost/json.hpp>
#include <iostream>

#include "cli/cli_internal.h"

namespace govcloud::cli {

namespace json = boost::json;

namespace {

const std::vector<Column> kLineColumns = {
    {"SYSTEM", "system"}, {"CODE", "code"},     {"QUANTITY", "quantity"}, {"PRICE", "unit_price"},
    {"PER", "period"},    {"AMOUNT", "amount"}, {"HOW", "arithmetic"}};

}  // namespace

void register_bill(CLI::App& app) {
  auto* bill = app.add_subcommand("bill", "账单 (bills): a tenant's month per system and code");
  bill->require_subcommand(1);
  struct ShowFlags {
    std::string tenant, month, price_list;
  };
  auto f = std::make_shared<ShowFlags>();
  auto* show = bill->add_subcommand("show", "A tenant's bill for a month (YYYY-MM)");
  show->add_option("tenant", f->tenant, "tenant, id or name")
      ->required()
      ->transform(id_or_name("org"));
  show->add_option("month", f->month, "YYYY-MM")->required();
  show->add_option("--price-list", f->price_list, "rate with this list (id or name)");
  show->callback([f] {
    std::string q = f->price_list.empty() ? "" : "?price_list=" + query_escape(f->price_list);
    auto b = call("GET", "/api/v1/bills/" + f->tenant + "/" + query_escape(f->month) + q);
    if (globals().output == "json") return print(b, {});
    json::array rows;
    for (const auto& s : b.at("systems").as_array())
      for (const auto& l : s.at("lines").as_array()) {
        json::object row = l.as_object();
        row["system"] = s.at("name");
        rows.push_back(std::move(row));
      }
    print(json::object{{"items", std::move(rows)}}, kLineColumns);
    if (globals().output == "csv") return;
    for (const auto& s : b.at("systems").as_array())
      std::cout << cell_text(s.at("name")) << ": " << cell_text(s.at("total")) << " 元\n";
    std::cout << cell_text(b.at("tenant")) << " " << cell_text(b.at("month")) << ": "
              << cell_text(b.at("total")) << " 元 (" << cell_text(b.at("price_list")) << ", "
              << cell_text(b.at("state")) << ")\n";
  });
}

}  // namespace govcloud::cli
