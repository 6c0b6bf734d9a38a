// govcloud usage list | import (issue 11 §1, §5): usage intervals by tenant, system, code and
// period; usage history from another platform as CSV, all of a file or none of it.
#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/cli_internal.h"
#include "common/utf8.h"

namespace govcloud::cli {

namespace json = boost::json;

namespace {

const std::vector<Column> kUsageColumns = {
    {"CODE", "code"},        {"QUANTITY", "quantity"},    {"START", "start"},  {"END", "end"},
    {"SYSTEM", "system_id"}, {"RESOURCE", "resource_id"}, {"SOURCE", "source"}};

constexpr std::uintmax_t kMaxFileBytes = 64U << 20;

}  // namespace

void register_usage(CLI::App& app) {
  auto* usage = app.add_subcommand("usage", "用量 (usage): list intervals, import history");
  usage->require_subcommand(1);

  struct ListFlags {
    std::string tenant, system, code, from, to;
  };
  auto lf = std::make_shared<ListFlags>();
  auto* list = usage->add_subcommand("list", "Usage intervals, by tenant, system, code and period");
  list->add_option("--tenant", lf->tenant, "tenant, id or name")->transform(id_or_name("org"));
  list->add_option("--system", lf->system, "business system, id or name")
      ->transform(id_or_name("org"));
  list->add_option("--code", lf->code, "catalog code");
  list->add_option("--from", lf->from, "ISO 8601: intervals overlapping [from, to)");
  list->add_option("--to", lf->to, "ISO 8601");
  list->callback([lf] {
    std::string q = "?limit=1000";
    for (const auto& [k, v] :
         {std::pair{"tenant", lf->tenant}, std::pair{"system", lf->system},
          std::pair{"code", lf->code}, std::pair{"from", lf->from}, std::pair{"to", lf->to}})
      if (!v.empty()) q += std::string("&") + k + "=" + query_escape(v);
    print(call("GET", "/api/v1/usage" + q), kUsageColumns);
  });

  auto file = std::make_shared<std::string>();
  auto* import = usage->add_subcommand(
      "import",
      "Import usage history from CSV: event_id,tenant,system,code,quantity,unit,start,end");
  import->add_option("file", *file, "the CSV file")->required();
  import->callback([file] {
    std::error_code ec;
  auto size = std::filesystem::file_size(*file, ec);
  if (ec) fail("cannot read " + *file + ": " + ec.message());
  if (size > kMaxFileBytes)
    fail(*file + " is " + std::to_string(size >> 20) +
         " MiB; at most 64 MiB per import (split it by month)");
  std::ifstream in(*file, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  // JSON carries only UTF-8, so bytes that are not are named here, by line, as the server would.
  std::string line;
  for (int n = 1; std::getline(text, line); ++n)
    if (!is_valid_utf8(line))
      fail(*file + ": line " + std::to_string(n) + " is not UTF-8 text (save the file as UTF-8)");
  text.clear();
  text.seekg(0);
  auto r = call("POST", "/api/v1/usage/import", json::value(json::object{{"content", text.str()}}));
  std::cout << "imported " << r.at("accepted").as_int64() << " row(s); "
            << r.at("duplicates").as_int64() << " already there\n";
});
}  // namespace govcloud::cli

}  // namespace govcloud::cli
