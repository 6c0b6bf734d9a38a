#include "cli/cli.h"

#include <sys/stat.h>

#include <boost/json.hpp>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

#include "cli/cli_internal.h"
#include "cli/http_client.h"
#include "common/csv.h"
#include "common/ids.h"
#include "common/utf8.h"

namespace govcloud {
namespace cli {

namespace json = boost::json;

Globals& globals() {
  static Globals g;
  return g;
}

namespace {

std::string credentials_path() {
  if (const char* p = std::getenv("GOVCLOUD_CREDENTIALS")) return p;
  const char* home = std::getenv("HOME");
  return std::string(home ? home : ".") + "/.config/govcloud/credentials.json";
}

}  // namespace

Saved load_saved() {
  Saved s;
  std::ifstream in(credentials_path());
  if (in) {
    std::stringstream buf;
    buf << in.rdbuf();
    boost::system::error_code ec;
    auto v = json::parse(buf.str(), ec);
    if (!ec && v.is_object()) {
      if (auto* p = v.as_object().if_contains("server"); p && p->is_string())
        s.server = std::string(p->as_string());
      if (auto* p = v.as_object().if_contains("token"); p && p->is_string())
        s.token = std::string(p->as_string());
    }
  }
  if (const char* t = std::getenv("GOVCLOUD_TOKEN")) s.token = t;
  return s;
}

void save(const Saved& s) {
  std::string path = credentials_path();
  auto slash = path.rfind('/');
  if (slash != std::string::npos) {
    std::string dir = path.substr(0, slash);
    std::string partial;
    for (std::size_t i = 0; i <= dir.size(); ++i) {
      if (i == dir.size() || dir[i] == '/') {
        if (!partial.empty()) ::mkdir(partial.c_str(), 0700);
      }
      if (i < dir.size()) partial += dir[i];
    }
  }
  ::umask(077);
  std::ofstream out(path, std::ios::trunc);
  if (!out) fail("cannot write " + path);
  out << json::serialize(json::object{{"server", s.server}, {"token", s.token}}) << "\n";
}

std::string server_url() {
  if (!globals().server.empty()) return globals().server;
  if (const char* e = std::getenv("GOVCLOUD_SERVER")) return e;
  Saved s = load_saved();
  if (!s.server.empty()) return s.server;
  return "http://127.0.0.1:8080";
}

void fail(const std::string& message) {
  fail_with("cli_error", message, "");
}

void fail_with(const std::string& code, const std::string& message, const std::string& field) {
  if (globals().output == "json") {
    // Machine-readable output stays machine-readable when something goes wrong.
    json::object e{{"code", code}, {"message", message}};
    if (!field.empty()) e["field"] = field;
    std::cout << json::serialize(json::object{{"error", std::move(e)}}) << "\n";
  } else {
    std::cerr << "govcloud: " << message << "\n";
  }
  throw CLI::RuntimeError(1);
}

json::value call(const std::string& method, const std::string& target,
                 const std::optional<json::value>& body, bool raw_text, std::string* raw_out) {
  HttpClient client(server_url());
  ClientRequest req;
  req.method = method;
  req.target = target;
  req.token = load_saved().token;
  if (body) req.body = json::serialize(*body);
  if (globals().no_bom) {
    // Every CSV-producing route takes bom=false: the exports and quotes.
    if (method == "GET" &&
        (target.find("/export") != std::string::npos || target.find("/quote") != std::string::npos))
      req.target += (target.find('?') == std::string::npos ? "?" : "&") + std::string("bom=false");
    if (target == "/api/v1/quotes" && body && body->is_object()) {
      json::object b = body->as_object();
      b["bom"] = false;
      req.body = json::serialize(b);
    }
  }
  auto res = client.send(req);
  if (!res.ok()) fail_with("unreachable", res.error().message, "");
  if (res->status >= 400) {
    boost::system::error_code ec;
    auto v = json::parse(res->body, ec);
    std::string msg = "HTTP " + std::to_string(res->status);
    std::string code = "http_" + std::to_string(res->status), field;
    if (!ec && v.is_object() && v.as_object().contains("error")) {
      const auto& e = v.as_object().at("error").as_object();
      code = cell_text(e.at("code"));
      msg = cell_text(e.at("message"));
      if (auto* f = e.if_contains("field"); f && f->is_string()) field = cell_text(*f);
      if (globals().output != "json") {
        msg += " [" + code + "]";
        if (!field.empty()) msg += " (field: " + field + ")";
      }
    }
    if (res->status == 401 && globals().output != "json") msg += "; run 'govcloud login'";
    fail_with(code, msg, field);
  }
  if (raw_text) {
    if (raw_out) *raw_out = res->body;
    return nullptr;
  }
  if (res->body.empty()) return nullptr;
  boost::system::error_code ec;
  auto v = json::parse(res->body, ec);
  if (ec) fail("the server sent a reply that is not JSON");
  return v;
}

namespace {

// Tables show names beside ids (issue 7 §5): a column of org ids gets a column of their names,
// looked up once per command from the orgs the caller can see (none when it can see none).
const std::set<std::string> kOrgIdKeys = {"org_id", "scope_org_id", "tenant_org_id"};

std::vector<Column> with_org_names(json::value& v, std::vector<Column> columns) {
  bool wanted = false;
  for (const auto& c : columns) wanted |= kOrgIdKeys.count(c.key) > 0;
  if (!wanted) return columns;
  std::map<std::string, std::string> names;
  HttpClient client(server_url());
  ClientRequest req;
  req.method = "GET";
  req.target = "/api/v1/orgs?limit=1000";
  req.token = load_saved().token;
  auto res = client.send(req);
  if (!res.ok() || res->status != 200) return columns;
  boost::system::error_code ec;
  auto orgs = json::parse(res->body, ec);
  if (ec || !orgs.is_object()) return columns;
  for (const auto& o : orgs.at("items").as_array())
    names[cell_text(o.at("id"))] = cell_text(o.at("name"));
  std::vector<Column> out;
  for (const auto& c : columns) {
    out.push_back(c);
    if (kOrgIdKeys.count(c.key)) out.push_back({c.header + "-NAME", c.key + "_name"});
  }
  for (auto& item : v.as_object().at("items").as_array()) {
    if (!item.is_object()) continue;
    auto& o = item.as_object();
    for (const auto& key : kOrgIdKeys)
      if (auto* id = o.if_contains(key); id && id->is_string()) {
        auto it = names.find(std::string(id->as_string()));
        if (it != names.end()) o[key + "_name"] = it->second;
      }
  }
  return out;
}

// -o csv: the same rows and columns as the table, as RFC 4180 CSV.
void print_csv(const json::value& v, const std::vector<Column>& columns) {
  if (v.is_object() && v.as_object().contains("items") && v.as_object().at("items").is_array()) {
    const auto& items = v.as_object().at("items").as_array();
    std::vector<Column> cols = columns;
    if (cols.empty() && !items.empty() && items[0].is_object())
      for (const auto& kv : items[0].as_object())
        cols.push_back({std::string(kv.key()), std::string(kv.key())});
    std::vector<std::string> header;
    header.reserve(cols.size());
    for (const auto& c : cols) header.push_back(c.key);
    if (!globals().no_bom) std::cout << "\xEF\xBB\xBF";
    std::cout << csv_row(header);
    for (const auto& row : items) {
      std::vector<std::string> cells;
      cells.reserve(cols.size());
      for (const auto& c : cols) cells.push_back(table_cell(row, c.key));
      std::cout << csv_row(cells);
    }
    return;
  }
  if (v.is_object()) {
    if (!globals().no_bom) std::cout << "\xEF\xBB\xBF";
    std::cout << csv_row({"field", "value"});
    for (const auto& kv : v.as_object())
      std::cout << csv_row({std::string(kv.key()), cell_text(kv.value())});
    return;
  }
  fail("-o csv: this command prints no table; use -o json");
}

}  // namespace

void print(const json::value& v, const std::vector<Column>& columns) {
  if (globals().output == "json") {
    std::cout << json::serialize(v) << "\n";
    return;
  }
  if (globals().output == "xlsx")
    fail("-o xlsx is for quotes (govcloud contract quote … -o xlsx --out FILE); use -o csv here");
  if (v.is_null()) return;
  std::vector<Column> cols = columns;
  json::value named = v;
  if (named.is_object() && named.as_object().contains("items") &&
      named.as_object().at("items").is_array())
    cols = with_org_names(named, columns);
  if (globals().output == "csv") return print_csv(named, cols);
  if (v.is_object() && v.as_object().contains("items") && v.as_object().at("items").is_array()) {
    const auto& o = named.as_object();
    std::cout << render_table(o.at("items").as_array(), cols);
    if (auto* note = o.if_contains("note"); note && note->is_string() && !note->as_string().empty())
      std::cout << cell_text(*note) << "\n";
    if (auto* total = o.if_contains("total")) {
      std::cout << "(" << cell_text(*total) << " in all";
      if (auto* off = o.if_contains("offset"); off && cell_text(*off) != "0")
        std::cout << ", from " << cell_text(*off);
      std::cout << ")\n";
    }
    return;
  }
  if (v.is_object()) {
    std::cout << render_object(v.as_object());
    return;
  }
  std::cout << json::serialize(v) << "\n";
}

std::string resolve(const std::string& kind, const std::string& value) {
  if (is_valid_id(value, kind) || value.empty()) return value;
  struct Source {
    const char* target;
    std::vector<const char*> keys;
    const char* what;
  };
  static const std::map<std::string, Source> kSources = {
      {"org", {"/api/v1/orgs?limit=1000", {"name"}, "org"}},
      {"vdc", {"/api/v1/vdcs?limit=1000", {"name"}, "VDC"}},
      {"usr", {"/api/v1/users?limit=1000", {"username"}, "user"}},
      {"ct", {"/api/v1/contracts", {"package_id", "name"}, "contract"}},
      {"host", {"/api/v1/hosts?limit=1000", {"name"}, "host"}},
      {"vm", {"/api/v1/vms?limit=500&name=", {"name"}, "VM"}},
      {"img", {"/api/v1/images?limit=500", {"name"}, "image"}},
      {"vol", {"/api/v1/volumes?limit=500&name=", {"name"}, "volume"}}};
  auto src = kSources.find(kind);
  if (src == kSources.end()) return value;
  std::string target = src->second.target;
  if (kind == "vm" || kind == "vol")
    target += query_escape(value);  // a name prefix narrows the list
  auto list = call("GET", target);
  std::vector<std::string> found;
  std::string described;
  for (const auto& item : list.at("items").as_array()) {
    const auto& o = item.as_object();
    bool match = false;
    for (const char* key : src->second.keys)
      match |= o.contains(key) && o.at(key).is_string() && o.at(key).as_string() == value;
    if (!match) continue;
    found.push_back(cell_text(o.at("id")));
    described += (described.empty() ? "" : ", ") + found.back();
    if (auto* t = o.if_contains("type")) described += " (" + cell_text(*t) + ")";
  }
  if (found.size() == 1) return found.front();
  if (found.empty())
    fail_with("not_found", std::string("no ") + src->second.what + " named '" + value + "'", "");
  fail_with("ambiguous",
            std::string("the ") + src->second.what + " name '" + value +
                "' is ambiguous: " + described + "; give the id",
            "");
}

CLI::Validator id_or_name(const std::string& kind) {
  return CLI::Validator(
      [kind](std::string& v) {
        v = resolve(kind, v);
        return std::string();
      },
      "ID|NAME");
}

std::string query_escape(const std::string& s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

json::object parse_amounts(const std::vector<std::string>& pairs, const char* what) {
  json::object out;
  for (const auto& p : pairs) {
    auto eq = p.find('=');
    if (eq == std::string::npos || eq == 0)
      fail(std::string(what) + ": expected resource=amount, got '" + p + "'");
    try {
      std::size_t used = 0;
      long long n = std::stoll(p.substr(eq + 1), &used);
      if (used != p.size() - eq - 1) throw std::invalid_argument("trailing");
      out[p.substr(0, eq)] = n;
    } catch (const std::exception&) {
      fail(std::string(what) + ": '" + p.substr(eq + 1) + "' is not an integer");
    }
  }
  return out;
}

void emit(const std::string& file, const std::string& text) {
  if (file.empty()) {
    std::cout << text;
    return;
  }
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  if (!out) fail("cannot write " + file);
  out << text;
  out.close();
  if (!out) fail("cannot write " + file);
  // Lines are counted for text exports (CSV, YAML), not for a workbook.
  bool text_file = is_valid_utf8(text);
  std::size_t lines = 0;
  for (char c : text) lines += c == '\n';
  if (globals().output == "json") {
    json::object o{{"wrote", file}, {"bytes", static_cast<std::int64_t>(text.size())}};
    if (text_file) o["lines"] = static_cast<std::int64_t>(lines);
    std::cout << json::serialize(o) << "\n";
  } else {
    std::cout << "wrote " << file << " (" << text.size() << " bytes";
    if (text_file) std::cout << ", " << lines << " lines";
    std::cout << ")\n";
  }
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail("cannot read " + path);
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

}  // namespace cli

void register_cli_commands(CLI::App& app) {
  app.add_option("--server", cli::globals().server,
                 "API base URL (default: saved by login, GOVCLOUD_SERVER, "
                 "http://127.0.0.1:8080)");
  app.add_option("-o,--output", cli::globals().output,
                 "table, json or csv (quotes also xlsx); under json, errors are JSON too")
      ->check(CLI::IsMember({"table", "json", "csv", "xlsx"}));
  app.add_flag("--no-bom", cli::globals().no_bom,
               "CSV without the UTF-8 BOM (the default BOM lets Excel open Chinese text)");
  cli::register_auth(app);
  cli::register_org(app);
  cli::register_user(app);
  cli::register_role(app);
  cli::register_quota(app);
  cli::register_audit(app);
  cli::register_catalog(app);
  cli::register_contract(app);
  cli::register_request(app);
  cli::register_workorder(app);
  cli::register_host(app);
  cli::register_vm(app);
  cli::register_volume(app);
  cli::register_usage(app);
  cli::register_bill(app);
  cli::register_image(app);
}

}  // namespace govcloud
