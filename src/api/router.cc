#include "api/router.h"

#include <spdlog/spdlog.h>

#include <boost/json.hpp>
#include <boost/url/parse.hpp>
#include <chrono>
#include <stdexcept>

#include "api/access_log.h"
#include "api/errors.h"
#include "api/json_out.h"
#include "api/metrics.h"
#include "api/route_rules.h"
#include "common/digest.h"
#include "common/ids.h"

namespace govcloud {

constexpr const char* kUtf8Bom = "\xEF\xBB\xBF";

// Request ids: a random per-thread prefix and a counter, so a request costs no random-number
// call (OpenSSL's RAND checks getpid on every call; issue 7 §8). Unique, not secret.
std::string next_request_id() {
  thread_local std::uint32_t prefix = [] {
    auto b = random_bytes(4);
    return static_cast<std::uint32_t>(b[0]) << 24 | static_cast<std::uint32_t>(b[1]) << 16 |
           static_cast<std::uint32_t>(b[2]) << 8 | static_cast<std::uint32_t>(b[3]);
  }();
  thread_local std::uint32_t counter = 0;
  return fmt::format("req-{:08x}{:08x}", prefix, ++counter);
}

namespace json = boost::json;

namespace {

struct Segment {
  std::string literal;  // empty for a parameter
  std::string param;
  std::string id_prefix;
};

std::vector<Segment> split_template(const std::string& path) {
  std::vector<Segment> out;
  std::size_t i = 1;
  while (i <= path.size()) {
    std::size_t j = path.find('/', i);
    if (j == std::string::npos) j = path.size();
    std::string part = path.substr(i, j - i);
    Segment s;
    if (part.size() > 2 && part.front() == '{' && part.back() == '}') {
      std::string inner = part.substr(1, part.size() - 2);
      auto colon = inner.find(':');
      s.param = inner.substr(0, colon);
      if (colon != std::string::npos) s.id_prefix = inner.substr(colon + 1);
    } else {
      s.literal = part;
    }
    out.push_back(s);
    i = j + 1;
  }
  return out;
}

std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> out;
  std::size_t i = 1;
  while (i <= path.size()) {
    std::size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    out.emplace_back(path.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

bool is_mutating(const std::string& method) {
  return method == "POST" || method == "PUT" || method == "PATCH" || method == "DELETE";
}

Status check_query_value(const QueryParam& p, const std::string& v) {
  if (p.type == FieldType::kInteger) {
    if (v.empty() || v.size() > 12 || v.find_first_not_of("0123456789") != std::string::npos)
      return invalid(p.name, p.name + " must be a non-negative integer");
  } else if (p.type == FieldType::kBoolean) {
    if (v != "true" && v != "false") return invalid(p.name, p.name + " must be true or false");
  } else if (p.type == FieldType::kTimestamp) {
    TimeMs t = 0;
    if (!parse_iso8601(v, t)) return invalid(p.name, p.name + " must be an ISO 8601 time");
  } else if (v.size() > 200) {
    return invalid(p.name, p.name + " must be at most 200 bytes");
  }
  return ok_status();
}

}  // namespace

struct Router::Impl {
  Services& services;
  std::vector<Route> routes;
  std::vector<std::vector<Segment>> templates;

  explicit Impl(Services& s) : services(s) {}

  HttpResponse dispatch(HttpRequest& req, const std::string& request_id, std::size_t& route_index,
                        std::string& actor);
  void audit_failure(const Route& route, const Call& call, const Error& e);
};

Router::Router(Services& services) : impl_(std::make_unique<Impl>(services)) {
  auto& r = impl_->routes;
  add_system_routes(r, services);
  add_auth_routes(r, services);
  add_user_routes(r, services);
  add_org_routes(r, services);
  add_vdc_routes(r, services);
  add_audit_routes(r, services);
  add_catalog_routes(r, services);
  add_contract_routes(r, services);
  add_request_routes(r, services);
  add_workorder_routes(r, services);
  add_compute_routes(r, services);
  add_vm_routes(r, services);
  add_console_routes(r, services);
  add_volume_routes(r, services);
  add_usage_routes(r, services);
  add_bill_routes(r, services);
  std::vector<std::string> labels;
  for (const auto& route : r) {
    // Every route's owner rule is reviewed by hand; a new route without one does not start.
    if (!route_owner_rules().count(route.method + " " + route.path))
      throw std::logic_error("route " + route.method + " " + route.path +
                             " has no owner rule in src/api/route_rules.cc");
    impl_->templates.push_back(split_template(route.path));
    labels.push_back(route.method + " " + route.path);
  }
  services.metrics.set_labels(std::move(labels));
}

Router::~Router() = default;

const std::vector<Route>& Router::routes() const {
  return impl_->routes;
}

void Router::Impl::audit_failure(const Route& route, const Call& call, const Error& e) {
  if (route.audits_own_failures) return;
  AuditEvent ev;
  ev.action = "api." + route.method + " " + route.path;
  ev.target = call.http.target.substr(0, call.http.target.find('?'));
  ev.org_id = call.who ? call.who->home_org.value : "";
  ev.result = e.code == ErrorCode::kPermissionDenied || e.code == ErrorCode::kNotFound ||
                      e.code == ErrorCode::kUnauthenticated
                  ? "denied"
                  : "failed";
  ev.detail["error"] = error_code_name(e.code);
  ev.detail["message"] = e.message.substr(0, 300);
  if (!e.field.empty()) ev.detail["field"] = e.field;
  auto st = services.store.transact([&](Tx& tx) -> Status {
    write_audit(tx, services.clock, call.who, call.ctx, ev);
    return ok_status();
  });
  if (!st.ok())
    spdlog::error("request {}: cannot write audit record: {}", call.ctx.request_id,
                  st.error().message);
}

HttpResponse Router::Impl::dispatch(HttpRequest& req, const std::string& request_id,
                                    std::size_t& route_index, std::string& actor) {
  route_index = routes.size();
  auto parsed = boost::urls::parse_origin_form(req.target);
  if (!parsed) return error_response(invalid("path", "malformed request target"), request_id);
  std::string path = parsed->path();
  if (path.size() > 1 && path.back() == '/') path.pop_back();
  auto parts = split_path(path);

  const Route* route = nullptr;
  bool path_matched = false;
  std::map<std::string, std::string> params;
  std::optional<Error> param_error;
  for (std::size_t i = 0; i < routes.size(); ++i) {
    const auto& t = templates[i];
    if (t.size() != parts.size()) continue;
    bool match = true;
    for (std::size_t k = 0; k < t.size() && match; ++k)
      match = t[k].literal.empty() ? !parts[k].empty() : t[k].literal == parts[k];
    if (!match) continue;
    path_matched = true;
    if (routes[i].method != req.method) continue;
    route = &routes[i];
    route_index = i;
    for (std::size_t k = 0; k < t.size(); ++k) {
      if (t[k].param.empty()) continue;
      if (!t[k].id_prefix.empty() && !is_valid_id(parts[k], t[k].id_prefix) && !param_error)
        param_error = invalid(t[k].param, "'" + parts[k].substr(0, 64) + "' is not a valid " +
                                              t[k].id_prefix + " id");
      params[t[k].param] = parts[k];
    }
    break;
  }
  if (route == nullptr) {
    if (path_matched)
      return error_response(
          Error{ErrorCode::kMethodNotAllowed, req.method + " is not allowed on " + path, {}},
          request_id);
    return error_response(not_found("route " + path), request_id);
  }
  if (req.body_too_large)
    return error_response(
        Error{ErrorCode::kPayloadTooLarge,
              "request body exceeds " + std::to_string(services.config.max_body_bytes) + " bytes",
              "body"},
        request_id);

  Call call{req, nullptr, RequestContext{req.remote_ip, request_id}, {}, std::move(params), {}};
  std::optional<Principal> principal;
  auto fail = [&](const Error& e) {
    if (is_mutating(route->method) && (call.who != nullptr || route->access.is_public()))
      audit_failure(*route, call, e);
    return error_response(e, request_id);
  };

  if (!route->access.is_public()) {
    std::string bearer;
    if (req.authorization.rfind("Bearer ", 0) == 0) bearer = req.authorization.substr(7);
    auto who = services.iam.authenticate(bearer);
    if (!who.ok()) return error_response(who.error(), request_id);
    principal = std::move(who).value();
    call.who = &*principal;
    actor = principal->username;
    if (principal->totp_enrolment_only && !route->allowed_during_totp_enrolment)
      return fail(Error{ErrorCode::kPermissionDenied,
                        "two-factor enrolment required: POST /api/v1/auth/totp, then "
                        "/api/v1/auth/totp/confirm",
                        "otp"});
    if (route->access.action() && !principal->can_anywhere(*route->access.action()))
      return fail(denied(std::string("not allowed: ") + action_name(*route->access.action())));
  }
  if (param_error) return fail(*param_error);

  for (auto p : parsed->params()) {
    std::string key = p.key;
    const QueryParam* spec = nullptr;
    for (const auto& q : route->query) {
      if (q.name == key) spec = &q;
    }
    if (spec == nullptr)
      return fail(invalid(key, "unknown query parameter '" + key.substr(0, 64) + "'"));
    std::string value = p.has_value ? std::string(p.value) : std::string();
    if (auto st = check_query_value(*spec, value); !st.ok()) return fail(st.error());
    call.query[key] = value;
  }

  if (is_mutating(route->method) && !route->body.empty()) {
    if (!req.body.empty() && req.content_type.rfind("application/json", 0) != 0)
      return fail(Error{ErrorCode::kUnsupportedMedia, "Content-Type must be application/json",
                        "content-type"});
    auto body = decode_body(req.body, route->body);
    if (!body.ok()) return fail(body.error());
    call.body = std::move(body).value();
  } else if (is_mutating(route->method) && !req.body.empty() && req.body != "{}") {
    return fail(invalid("body", "this endpoint takes no request body"));
  }

  Result<Reply> reply = Error{ErrorCode::kInternal, "no reply", {}};
  try {
    reply = route->handler(call);
  } catch (const std::exception& e) {
    spdlog::error("request {}: {} {} threw: {}", request_id, req.method, path, e.what());
    return error_response(Error{ErrorCode::kInternal, "internal error", {}}, request_id);
  }
  if (!reply.ok()) return fail(reply.error());
  HttpResponse out;
  out.status = reply->status;
  out.headers = std::move(reply->headers);
  if (reply->upgrade) {
    out.upgrade = std::move(reply->upgrade);
    out.content_type.clear();
  } else if (!reply->content_type.empty()) {
    out.content_type = reply->content_type;
    out.body = std::move(reply->raw);
    // CSV starts with a UTF-8 BOM so that Excel on Chinese Windows opens the Chinese text
    // correctly; bom=false (query or body) for tools that dislike it (issue 7 §6).
    bool no_bom = call.query.count("bom") && call.query.at("bom") == "false";
    if (auto* b = call.body.if_contains("bom"); b && b->is_bool() && !b->as_bool()) no_bom = true;
    if (out.content_type.rfind("text/csv", 0) == 0 && !no_bom) out.body.insert(0, kUtf8Bom);
  } else if (reply->status != 204) {
    out.body = json::serialize(reply->body);
  } else {
    out.content_type.clear();
  }
  return out;
}

HttpResponse Router::handle(HttpRequest& req) {
  auto start = std::chrono::steady_clock::now();
  std::string request_id = next_request_id();
  std::size_t route_index = 0;
  std::string actor;
  HttpResponse out = impl_->dispatch(req, request_id, route_index, actor);
  out.headers.emplace_back("X-Request-Id", request_id);
  double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  impl_->services.metrics.record(route_index, out.status, ms);
  if (impl_->services.config.access_log) {
    // One structured line per request; no bodies, no secrets, no tenant data.
    std::string_view path(req.target);
    path = path.substr(0, std::min(path.find('?'), std::size_t{200}));
    access_log::append(
        fmt::format("{} info request_id={} ip={} method={} path={} status={} ms={:.2f} user={}",
                    format_iso8601(impl_->services.clock.now()), request_id, req.remote_ip,
                    std::string_view(req.method).substr(0, 10), path, out.status, ms,
                    actor.empty() ? "-" : actor));
  }
  return out;
}

Page page_from(const Call& c) {
  Page p;
  if (auto it = c.query.find("limit"); it != c.query.end())
    p.limit = static_cast<int>(std::min<long long>(std::stoll(it->second), 1000));
  if (auto it = c.query.find("offset"); it != c.query.end())
    p.offset = static_cast<int>(std::min<long long>(std::stoll(it->second), 1000000000));
  if (p.limit < 1) p.limit = 1;
  return p;
}

Reply json_reply(json::value body, int status) {
  Reply r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

Reply accepted(const Operation& op) {
  Reply r = json_reply(to_json(op), 202);
  r.headers.emplace_back("Location", "/api/v1/operations/" + op.id);
  return r;
}

Reply no_content() {
  Reply r;
  r.status = 204;
  return r;
}

}  // namespace govcloud
