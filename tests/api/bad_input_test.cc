// Bad input never yields a 5xx: a corpus of malformed requests against every route, plus
// targeted checks that each problem gets the right 4xx and names the field.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "api/world.h"

namespace govcloud::testing {
namespace {

TEST(BadInput, TargetedCasesGetClearErrors) {
  TestServer s({"--set", "max_body_bytes=65536"});
  std::string admin = s.login("admin");
  auto me = s.call("GET", "/api/v1/auth/me", admin);
  std::string root(me.json.at("org_id").as_string());
  struct Case {
    std::string method, target, body, content_type;
    int status;
    std::string code, field;
  };
  std::vector<Case> cases = {
      {"POST", "/api/v1/orgs", "{", "application/json", 400, "invalid_argument", "body"},
      {"POST", "/api/v1/orgs", "[1,2]", "application/json", 400, "invalid_argument", "body"},
      {"POST", "/api/v1/orgs", R"({"parent_id":7,"type":"tenant","name":"x"})", "application/json",
       400, "invalid_argument", "parent_id"},
      {"POST", "/api/v1/orgs",
       R"({"parent_id":")" + root + R"(","type":"management_unit","name":"x","colour":"red"})",
       "application/json", 400, "invalid_argument", "colour"},
      {"POST", "/api/v1/orgs", R"({"parent_id":")" + root + R"(","type":"castle","name":"x"})",
       "application/json", 400, "invalid_argument", "type"},
      {"POST", "/api/v1/orgs", R"({"parent_id":"org-zz","type":"tenant","name":"x"})",
       "application/json", 400, "invalid_argument", "parent_id"},
      {"POST", "/api/v1/orgs", R"({"parent_id":")" + root + R"(","type":"tenant","name":"x"})",
       "text/plain", 415, "unsupported_media_type", "content-type"},
      {"GET", "/api/v1/orgs/not-an-id", "", "", 400, "invalid_argument", "id"},
      {"GET", "/api/v1/orgs/org-0123456789abcdef", "", "", 404, "not_found", ""},
      {"GET", "/api/v1/orgs?limit=abc", "", "", 400, "invalid_argument", "limit"},
      {"GET", "/api/v1/orgs?colour=red", "", "", 400, "invalid_argument", "colour"},
      {"GET", "/api/v1/audit?from=yesterday", "", "", 403, "permission_denied", ""},
      {"DELETE", "/api/v1/orgs", "", "", 405, "method_not_allowed", ""},
      {"GET", "/api/v1/nothing-here", "", "", 404, "not_found", ""},
      {"POST", "/api/v1/users",
       R"({"username":"Bad Name","password":"Gov#Cloud2026","org_id":")" + root + R"("})",
       "application/json", 400, "invalid_argument", "username"},
      {"POST", "/api/v1/vdcs", R"({"org_id":")" + root + R"(","name":""})", "application/json",
       400, "invalid_argument", "name"},
      {"POST", "/api/v1/role-bindings",
       R"({"user_id":"usr-0123456789abcdef","role":"emperor","scope_org_id":")" + root + R"("})",
       "application/json", 400, "invalid_argument", "role"},
      {"POST", "/api/v1/auth/logout", R"({"unexpected":true})", "application/json", 400,
       "invalid_argument", "body"},
  };
  for (const auto& c : cases) {
    auto r = s.call(c.method, c.target, admin, c.body, c.content_type);
    std::string where = c.method + " " + c.target + " " + c.body;
    EXPECT_EQ(r.status, c.status) << where << " → " << r.body;
    EXPECT_EQ(r.error_code(), c.code) << where;
    if (!c.field.empty()) {
      EXPECT_EQ(r.error_field(), c.field) << where;
    }
    ASSERT_TRUE(r.json.is_object()) << where;
    EXPECT_FALSE(r.json.at("error").at("message").as_string().empty()) << where;
    EXPECT_TRUE(r.json.at("error").as_object().contains("request_id")) << where;
  }
  // Oversized body: refused before it is read in full.
  auto big = s.call("POST", "/api/v1/orgs", admin, std::string(200000, 'x'));
  EXPECT_EQ(big.status, 413);
  EXPECT_EQ(big.error_code(), "payload_too_large");
  // Expired, forged, logged-out and disabled-user tokens.
  EXPECT_EQ(s.call("GET", "/api/v1/orgs", "gct_forged").status, 401);
  EXPECT_EQ(s.call("GET", "/api/v1/orgs", "gck_key-0123456789abcdef_x").status, 401);
  EXPECT_EQ(s.call("GET", "/api/v1/orgs", "").status, 401);
  std::string t = s.login("admin");
  s.call("POST", "/api/v1/auth/logout", t);
  auto out = s.call("GET", "/api/v1/orgs", t);
  EXPECT_EQ(out.status, 401);
  EXPECT_EQ(out.error_code(), "unauthenticated");
}

TEST(BadInput, ExpiredTokensAreRefused) {
  // A one-minute token lifetime and a server clock that cannot be moved: wait it out, once.
  TestServer s({"--set", "token_ttl_minutes=1"});
  std::string t = s.login("admin");
  EXPECT_EQ(s.call("GET", "/api/v1/auth/me", t).status, 200);
  std::this_thread::sleep_for(std::chrono::seconds(61));
  auto r = s.call("GET", "/api/v1/auth/me", t);
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.error_code(), "unauthenticated");
}

TEST(BadInput, CorpusAgainstEveryRouteNeverYields5xx) {
  TestServer s({"--set", "max_body_bytes=65536"});
  World w = build_world(s);
  auto doc = s.call("GET", "/api/v1/openapi.json");
  const std::vector<std::string> bodies = {
      "",
      "{",
      "null",
      "[]",
      "\"text\"",
      "12345678901234567890123",
      "{}",
      R"({"name":null})",
      R"({"name":{"$gt":""}})",
      R"({"limits":{"vcpu":1e400}})",
      R"({"amounts":{"vcpu":-9223372036854775808}})",
      R"({"amounts":{"vcpu":18446744073709551615}})",
      R"({"username":"' OR 1=1 --","password":"x"})",
      R"({"parent_id":"org-0000000000000000","type":"tenant","name":"\u0000"})",
      R"({"expires_at":"9999-99-99"})",
      R"({"before":"1969-12-31"})",
      std::string(3000, '[') + std::string(3000, ']'),
      "{\"a\":\"" + std::string(70000, 'x') + "\"}",
      "\xff\xfe\xfd",
  };
  const std::vector<std::string> ids = {"x", "org-", "usr-zzzzzzzzzzzzzzzz", "..%2F..%2Fetc",
                                        "vdc-0123456789abcdef", "%00", std::string(300, 'a')};
  std::vector<std::string> tokens = {"", "garbage", w.a.tokens["member"], w.tokens["admin"]};
  int sent = 0, server_errors = 0;
  for (const auto& [path, ops] : doc.json.at("paths").as_object()) {
    for (const auto& [m, op] : ops.as_object()) {
      std::string id(op.at("operationId").as_string());
      std::string method = id.substr(0, id.find(' '));
      std::string route = id.substr(id.find(' ') + 1);
      std::vector<std::string> targets;
      if (route.find('{') == std::string::npos) {
        targets = {route, route + "?limit=-1", route + "?offset=99999999999999", route + "?%zz=1"};
      } else {
        for (const auto& x : ids) {
          std::string t = route;
          auto open = t.find('{');
          t.replace(open, t.find('}') - open + 1, x);
          targets.push_back(t);
        }
      }
      for (const auto& target : targets) {
        for (const auto& token : tokens) {
          for (const auto& body : (method == "GET" ? std::vector<std::string>{""} : bodies)) {
            if (route == "/api/v1/auth/logout" && !token.empty() && token != "garbage") continue;
            auto r = s.call(method, target, token, body);
            ++sent;
            if (r.status >= 500 || r.status == 0) {
              ++server_errors;
              ADD_FAILURE() << method << " " << target << " body=" << body.substr(0, 80) << " → "
                            << r.status << " " << r.body.substr(0, 200);
            }
          }
        }
      }
    }
  }
  EXPECT_GT(sent, 2000);
  EXPECT_EQ(server_errors, 0);
  EXPECT_EQ(s.call("GET", "/healthz").status, 200);
}

}  // namespace
}  // namespace govcloud::testing
