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
  bool no_bom = false;  // --no-bom: CSV without the UTF-8 BOM
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
// Fails with an error code and field; under -o json the error is printed as JSON on stdout.
[[noreturn]] void fail_with(const std::string& code, const std::string& message,
                            const std::string& field);

// Prints a list ({"items":[…]}) as a table, anything else as key/value lines; -o json prints
// the JSON as received.
void print(const boost::json::value& v, const std::vector<Column>& columns);
std::string query_escape(const std::string& s);
// Wherever an id is taken, a unique name is taken too (issue 7 §5): kind "org" (orgs by name),
// "vdc", "usr" (users by user name) or "ct" (contracts by package id or name). An ambiguous or
// unknown name fails naming the candidates.
std::string resolve(const std::string& kind, const std::string& value);
// The same as a CLI11 transform: ->transform(id_or_name("org")).
CLI::Validator id_or_name(const std::string& kind);
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
void register_host(CLI::App& app);
void register_vm(CLI::App& app);
// govcloud vm console (cmd_console.cc)
void add_vm_console(CLI::App* vm);
void register_image(CLI::App& app);
// govcloud volume … (cmd_volume.cc)
void register_volume(CLI::App& app);
void register_usage(CLI::App& app);
void register_bill(CLI::App& app);
// Follows an operation to its end, with a progress bar on a terminal; fails if it failed.
boost::json::value wait_for_operation(const std::string& op_id);
void register_workorder(CLI::App& app);
// Writes an export to `file`, saying what it wrote, or to standard output when file is empty.
void emit(const std::string& file, const std::string& text);
// Reads a whole file; fails the command when it cannot.
std::string read_file(const std::string& path);

}  // namespace govcloud::cli
