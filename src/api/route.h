// One declaration per route — method, path, access, request schema, handler — from which both
// the router and /api/v1/openapi.json are built. Access has no default: a route without a
// declared permission does not compile.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "api/http.h"
#include "api/schema.h"
#include "iam/authz.h"
#include "iam/context.h"
#include "model/operation.h"

namespace govcloud {

class Access {
 public:
  static Access Public() { return Access(Kind::kPublic, std::nullopt); }
  // Any signed-in caller; the service decides per object.
  static Access Authenticated() { return Access(Kind::kAuthenticated, std::nullopt); }
  // The caller must hold `action` somewhere; the service checks the object's scope.
  static Access Requires(Action a) { return Access(Kind::kAction, a); }

  bool is_public() const { return kind_ == Kind::kPublic; }
  const std::optional<Action>& action() const { return action_; }

 private:
  enum class Kind { kPublic, kAuthenticated, kAction };
  Access(Kind k, std::optional<Action> a) : kind_(k), action_(a) {}
  Kind kind_;
  std::optional<Action> action_;
};

struct QueryParam {
  std::string name;
  FieldType type = FieldType::kString;
  std::string description;
};

struct Call {
  const HttpRequest& http;
  const Principal* who = nullptr;  // null on public routes
  RequestContext ctx;
  boost::json::object body;
  std::map<std::string, std::string> params;  // path parameters
  std::map<std::string, std::string> query;   // validated query parameters
};

struct Reply {
  int status = 200;
  boost::json::value body;
  std::string raw;  // sent as-is when content_type is set
  std::string content_type;
  std::vector<std::pair<std::string, std::string>> headers;
  SocketAccept upgrade;  // with status 101, for routes that speak WebSocket
};

using RouteHandler = std::function<Result<Reply>(Call&)>;

struct Route {
  std::string method;
  std::string path;  // "/api/v1/orgs/{id:org}": {name:prefix} is a typed id parameter
  Access access;
  std::string tag;
  std::string summary;
  BodySchema body;
  std::vector<QueryParam> query;
  RouteHandler handler;
  int success_status = 200;
  bool audits_own_failures = false;  // login and password change write their own records
  bool allowed_during_totp_enrolment = false;
};

// Each routes_*.cc file adds its routes.
struct Services;
void add_system_routes(std::vector<Route>& routes, Services& s);
void add_auth_routes(std::vector<Route>& routes, Services& s);
void add_user_routes(std::vector<Route>& routes, Services& s);
void add_org_routes(std::vector<Route>& routes, Services& s);
void add_vdc_routes(std::vector<Route>& routes, Services& s);
void add_audit_routes(std::vector<Route>& routes, Services& s);
void add_catalog_routes(std::vector<Route>& routes, Services& s);
void add_contract_routes(std::vector<Route>& routes, Services& s);
void add_request_routes(std::vector<Route>& routes, Services& s);
void add_workorder_routes(std::vector<Route>& routes, Services& s);
void add_compute_routes(std::vector<Route>& routes, Services& s);
void add_vm_routes(std::vector<Route>& routes, Services& s);
void add_console_routes(std::vector<Route>& routes, Services& s);
void add_volume_routes(std::vector<Route>& routes, Services& s);
void add_usage_routes(std::vector<Route>& routes, Services& s);
void add_bill_routes(std::vector<Route>& routes, Services& s);

// CSV replies start with a UTF-8 BOM unless the caller passes bom=false.
inline const QueryParam kBomParam{"bom", FieldType::kBoolean,
                                  "CSV: start with a UTF-8 BOM (default true; false for tools "
                                  "that dislike it)"};
inline std::vector<QueryParam> with_bom(std::vector<QueryParam> q) {
  q.push_back(kBomParam);
  return q;
}

// Shared helpers for handlers.
Page page_from(const Call& c);
Reply json_reply(boost::json::value body, int status = 200);
Reply no_content();
// 202 with the operation a long action started, and where to follow it.
Reply accepted(const Operation& op);

}  // namespace govcloud
