// Shared plumbing of the CLI subcommands.
#pragma once

#include <CLI/CLI.hpp>
#include <boost/json/value.hpp>
#include <optional>
#include <string>
#include <vector>

#include "cli/table.h"

namespace govcloud::cli {

struct Globals {
  std::string server;  // --server, GOVCLOUD_SERVER, saved by login, or http://127.0.0.1:8080
  std::string output = "table";
};
Globals& globals();

struct Saved {
  std::string server;
  std::string token;
};
Saved load_saved();
void save(const Saved& s);
std::string server_url();

// Calls the API with the saved token; on an HTTP error prints "govcloud: <message>" and exits
// non-zero (by throwing CLI::RuntimeError).
boost::json::value call(const std::string& method, const std::string& target,
                        const std::optional<boost::json::value>& body = std::nullopt,
                        bool raw_text = false, std::string* raw_out = nullptr);
[[noreturn]] void fail(const std::string& message);

// Prints a list ({"items":[…]}) as a table, anything else as key/value lines; -o json prints
// the JSON as received.
void print(const boost::json::value& v, const std::vector<Column>& columns);
std::string query_escape(const std::string& s);
// "a=1" pairs → {"a": 1}
boost::json::object parse_amounts(const std::vector<std::string>& pairs, const char* what);

void register_auth(CLI::App& app);
void register_org(CLI::App& app);
void register_user(CLI::App& app);
void register_role(CLI::App& app);
void register_quota(CLI::App& app);
void register_audit(CLI::App& app);
void register_catalog(CLI::App& app);
void register_contract(CLI::App& app);
void register_request(CLI::App& app);
void register_workorder(CLI::App& app);
// Reads a whole file; fails the command when it cannot.
std::string read_file(const std::string& path);

}  // namespace govcloud::cli
