#include "cli/cli.h"

#include <sys/stat.h>

#include <boost/json.hpp>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/cli_internal.h"
#include "cli/http_client.h"

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
  std::cerr << "govcloud: " << message << "\n";
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
  auto res = client.send(req);
  if (!res.ok()) fail(res.error().message);
  if (res->status >= 400) {
    boost::system::error_code ec;
    auto v = json::parse(res->body, ec);
    std::string msg = "HTTP " + std::to_string(res->status);
    if (!ec && v.is_object() && v.as_object().contains("error")) {
      const auto& e = v.as_object().at("error").as_object();
      msg = cell_text(e.at("message")) + " [" + cell_text(e.at("code")) + "]";
      if (auto* f = e.if_contains("field")) msg += " (field: " + cell_text(*f) + ")";
    }
    if (res->status == 401) msg += "; run 'govcloud login'";
    fail(msg);
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

void print(const json::value& v, const std::vector<Column>& columns) {
  if (globals().output == "json") {
    std::cout << json::serialize(v) << "\n";
    return;
  }
  if (v.is_null()) return;
  if (v.is_object() && v.as_object().contains("items") && v.as_object().at("items").is_array()) {
    const auto& o = v.as_object();
    std::cout << render_table(o.at("items").as_array(), columns);
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
  app.add_option("-o,--output", cli::globals().output, "table or json (quotes also csv, xlsx)")
      ->check(CLI::IsMember({"table", "json", "csv", "xlsx"}));
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
}

}  // namespace govcloud
