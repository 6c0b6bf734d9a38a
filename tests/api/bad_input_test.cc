// Bad input never yields a 5xx: a corpus of malformed requests against every route, plus
// targeted checks that each problem gets the right 4xx and names the field.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
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
      {"POST", "/api/v1/vdcs", R"({"org_id":")" + root + R"(","name":""})", "application/json", 400,
       "invalid_argument", "name"},
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

// Issue 3's routes: schema violations, unknown codes, negative quantities and dates out of range
// each get a 4xx naming the field, and none of them leaves anything written.
TEST(BadInput, CatalogContractAndRequestRoutesRefuseBadInput) {
  TestServer s;
  World w = build_world(s);
  const std::string& admin = w.tokens["admin"];
  const std::string& mu = w.tokens["mu-admin"];
  const std::string& ops = w.tokens["ops"];
  const std::string& member = w.a.tokens["member"];
  const std::string& ta = w.a.tokens["tenant-admin"];
  auto pkg = [](const std::string& items) {
    return R"({"package":{"id":"bad","budget_yuan":1000,"items":)" + items + "}";
  };
  auto contract = [&](const std::string& items, const std::string& extra = "") {
    return pkg(items) + R"(,"tenant_org_id":")" + w.a.org + "\"" + extra + "}";
  };
  auto req = [&](const std::string& service, const std::string& params) {
    return R"({"service":")" + service + R"(","org_id":")" + w.a.system + R"(","params":)" +
           params + "}";
  };
  const std::string pl = "/api/v1/price-lists/" + w.price_list;
  struct Case {
    std::string token, method, target, body;
    int status;
    std::string code, field;
  };
  std::vector<Case> cases = {
      // Catalog
      {admin, "POST", "/api/v1/catalog",
       R"({"code":"Bad Code!","name_zh":"x","name_en":"x","unit":"vm"})", 400, "invalid_argument",
       "code"},
      {admin, "POST", "/api/v1/catalog",
       R"({"code":"custom-x","name_zh":"x","name_en":"x","unit":"vm","params":[{"name":"n","type":"integer","min":5,"max":1}]})",
       400, "invalid_argument", "params[0].min"},
      {admin, "POST", "/api/v1/catalog",
       R"({"code":"custom-x","name_zh":"x","name_en":"x","unit":"vm","params":[{"name":"n","type":"colour"}]})",
       400, "invalid_argument", "params[0].type"},
      {admin, "POST", "/api/v1/catalog",
       R"({"code":"custom-x","name_zh":"x","name_en":"x","unit":"vm","policy":{"request":{"steps":[{"role":"emperor","level":"tenant"}]}}})",
       400, "invalid_argument", "policy.request.steps[0].role"},
      {admin, "POST", "/api/v1/catalog",
       R"({"code":"custom-x","name_zh":"x","name_en":"x","unit":"vm","price_ceiling":"-3"})", 400,
       "invalid_argument", "price_ceiling"},
      {admin, "POST", "/api/v1/catalog",
       R"({"code":"compute-vcpu","name_zh":"x","name_en":"x","unit":"vm"})", 409, "conflict",
       "code"},
      {admin, "PATCH", "/api/v1/catalog/no-such-service", R"({"name_en":"x"})", 404, "not_found",
       ""},
      // Prices
      {mu, "POST", pl + "/prices", R"({"service":"no-such-service","amount":"1"})", 404,
       "not_found", "service"},
      {mu, "POST", pl + "/prices", R"({"service":"compute-vcpu","amount":"-1"})", 400,
       "invalid_argument", "amount"},
      {mu, "POST", pl + "/prices", R"({"service":"compute-vcpu","amount":"1e3"})", 400,
       "invalid_argument", "amount"},
      {mu, "POST", pl + "/prices", R"({"service":"compute-vcpu","amount":"12.01"})", 400,
       "invalid_argument", "amount"},
      {mu, "POST", pl + "/prices", R"({"service":"compute-vcpu","amount":"1","per":0})", 400,
       "invalid_argument", "per"},
      {mu, "POST", pl + "/prices",
       R"({"service":"compute-vcpu","amount":"1","effective_from":"2026-13-45"})", 400,
       "invalid_argument", "effective_from"},
      {mu, "POST", pl + "/prices",
       R"({"service":"compute-vcpu","amount":"1","effective_from":"1899-01-01T00:00:00Z"})", 400,
       "invalid_argument", "effective_from"},
      {mu, "POST", pl + "/import",
       R"({"format":"csv","content":"service,amount\ncompute-vcpu,1\nno-such,2\n"})", 404,
       "not_found", "prices[1].service"},
      {mu, "POST", pl + "/import",
       R"({"format":"yaml","content":"prices: [ {service: compute-vcpu, amount: 13} ]"})", 400,
       "invalid_argument", "prices[0].amount"},
      {mu, "POST", pl + "/import", R"({"format":"yaml","content":"just a line of text"})", 400,
       "invalid_argument", "prices"},
      {mu, "POST", pl + "/import", R"({"format":"yaml","content":"- a\n- b\n"})", 400,
       "invalid_argument", "prices"},
      {mu, "POST", pl + "/import", R"({"format":"yaml","content":"prices: [7, [1]]"})", 400,
       "invalid_argument", "prices[0]"},
      {mu, "GET", pl + "/prices?at=tomorrow", "", 400, "invalid_argument", "at"},
      {mu, "POST", "/api/v1/price-lists", R"({"name":"x","org_id":")" + w.a.system + R"("})", 400,
       "invalid_argument", "org_id"},
      // Contracts and quotes
      {mu, "POST", "/api/v1/contracts",
       contract(R"([{"catalog":"compute-vcpu","quantity":"-5","unit":"1CPU"}])"), 400,
       "invalid_argument", "package.items[0].quantity"},
      {mu, "POST", "/api/v1/contracts",
       contract(R"([{"catalog":"no-such-service","quantity":"5","unit":"1CPU"}])"), 404,
       "not_found", "package.items[0].catalog"},
      {mu, "POST", "/api/v1/contracts", contract(R"("many")"), 400, "invalid_argument",
       "package.items"},
      {mu, "POST", "/api/v1/contracts",
       contract(R"([{"catalog":"compute-vcpu","quantity":"5","unit":"1CPU"}])",
                R"(,"starts_at":"2026-02-30")"),
       400, "invalid_argument", "starts_at"},
      {mu, "POST", "/api/v1/contracts",
       contract(R"([{"catalog":"compute-vcpu","quantity":"5","unit":"1CPU"}])",
                R"(,"batch_starts":{"1":"someday"})"),
       400, "invalid_argument", "batch_starts.1"},
      {mu, "POST", "/api/v1/contracts",
       contract(R"([{"catalog":"compute-vcpu","quantity":"5","unit":"1CPU"}])",
                R"(,"free_headroom_pct":-1)"),
       400, "invalid_argument", "free_headroom_pct"},
      {mu, "POST", "/api/v1/contracts",
       pkg(R"([{"catalog":"compute-vcpu","quantity":"5","unit":"1CPU"}])") +
           R"(,"tenant_org_id":")" + w.a.system + "\"}",
       400, "invalid_argument", "tenant_org_id"},
      {member, "POST", "/api/v1/quotes",
       pkg(R"([{"catalog":"compute-vcpu","quantity":"1","unit":"1CPU"}])") +
           R"(,"price_list":"no such list"})",
       404, "not_found", "price_list"},
      // Numbers too large for exact fixed point are refused, never wrapped (fuzzer finding).
      {member, "POST", "/api/v1/quotes",
       pkg(R"([{"catalog":"compute-memory","quantity":"9000000000000","unit":"100GB"}])") +
           R"(,"price_list":"区价目"})",
       400, "invalid_argument", "package.items[0].quantity"},
      {mu, "POST", "/api/v1/contracts",
       contract(R"([{"catalog":"compute-vcpu","quantity":"2000000000000","unit":"1CPU"}])"), 400,
       "invalid_argument", "package.items[0].quantity"},
      {mu, "POST", pl + "/prices", R"({"service":"compute-memory","amount":"90000000000000"})", 400,
       "invalid_argument", "amount"},
      {mu, "GET", "/api/v1/contracts/" + w.a.contract + "/quote", "", 400, "invalid_argument",
       "price_list"},
      // Requests
      {member, "POST", "/api/v1/requests", req("no-such-service", R"({})"), 404, "not_found",
       "service"},
      {member, "POST", "/api/v1/requests", req("custom-vm", R"({"flavor":"2c4g","vcpu":-1})"), 400,
       "invalid_argument", "params.vcpu"},
      {member, "POST", "/api/v1/requests", req("custom-vm", R"({"flavor":"2c4g","vcpu":"two"})"),
       400, "invalid_argument", "params.vcpu"},
      {member, "POST", "/api/v1/requests", req("custom-vm", R"({"flavor":"64c1t","vcpu":1})"), 400,
       "invalid_argument", "params.flavor"},
      {member, "POST", "/api/v1/requests", req("custom-vm", R"({"vcpu":1})"), 400,
       "invalid_argument", "params.flavor"},
      {member, "POST", "/api/v1/requests",
       req("custom-vm", R"({"flavor":"2c4g","vcpu":1,"gpu":1})"), 400, "invalid_argument",
       "params.gpu"},
      {member, "POST", "/api/v1/requests", req("custom-vm", R"({"flavor":"2c4g","vcpu":65})"), 400,
       "invalid_argument", "params.vcpu"},
      {member, "POST", "/api/v1/requests",
       R"({"service":"custom-vm","org_id":")" + w.a.org +
           R"(","params":{"flavor":"2c4g","vcpu":1}})",
       400, "invalid_argument", "org_id"},
      {ta, "POST", "/api/v1/requests/" + w.a.request + "/approve", R"({"comment":7})", 400,
       "invalid_argument", "comment"},
      {ops, "POST", "/api/v1/fulfilments/" + w.a.fulfilment + "/complete",
       R"({"delivery":"again"})", 409, "conflict", ""},
      // Work orders
      {member, "POST", "/api/v1/workorders",
       R"({"type":"castle","org_id":")" + w.a.system + R"(","title":"x"})", 400, "invalid_argument",
       "type"},
      {member, "POST", "/api/v1/workorders",
       R"({"type":"change","org_id":")" + w.a.system + R"(","title":""})", 400, "invalid_argument",
       "title"},
      {ops, "POST", "/api/v1/workorders/" + w.a.workorder + "/transition",
       R"({"state":"teleported"})", 400, "invalid_argument", "state"},
      {member, "POST", "/api/v1/workorders/" + w.a.workorder + "/attachments",
       R"({"filename":"x.txt","content_base64":"***"})", 400, "invalid_argument", "content_base64"},
      {member, "POST", "/api/v1/workorders/" + w.a.workorder + "/attachments",
       R"({"filename":"../../etc/passwd","content_base64":"eA=="})", 400, "invalid_argument",
       "filename"},
  };
  auto snapshot = [&] {
    std::string out;
    for (const auto& [token, target] : std::vector<std::pair<std::string, std::string>>{
             {admin, "/api/v1/catalog?limit=1000&include_retired=true"},
             {mu, pl + "/prices?history=true"},
             {mu, "/api/v1/price-lists"},
             {mu, "/api/v1/contracts"},
             {ta, "/api/v1/requests?limit=1000"},
             {ta, "/api/v1/vdcs/" + w.a.vdc + "/quota"},
             {ta, "/api/v1/workorders/" + w.a.workorder},
             {ops, "/api/v1/fulfilments?limit=1000"}}) {
      auto r = s.call("GET", target, token);
      EXPECT_EQ(r.status, 200) << target << " " << r.body;
      out += target + " " + r.body + "\n";
    }
    return out;
  };
  std::string before = snapshot();
  for (const auto& c : cases) {
    auto r = s.call(c.method, c.target, c.token, c.body);
    std::string where = c.method + " " + c.target + " " + c.body.substr(0, 160);
    EXPECT_EQ(r.status, c.status) << where << " → " << r.body;
    EXPECT_EQ(r.error_code(), c.code) << where << " → " << r.body;
    if (!c.field.empty()) {
      EXPECT_EQ(r.error_field(), c.field) << where << " → " << r.body;
    }
    ASSERT_TRUE(r.json.is_object()) << where;
  }
  EXPECT_EQ(snapshot(), before);  // nothing half-written
}

// Issue 10 acceptance (STO-02–05): each bad volume input gets a clear 4xx naming what is
// wrong, and nothing is half-made in the store or on the engine.
TEST(BadInput, VolumeRoutesRefuseBadInputAndLeaveNothingBehind) {
  TestServer s;
  World w = build_world(s);
  const std::string member = w.a.tokens["member"], ta = w.a.tokens["tenant-admin"],
                    ops = w.tokens["ops"];
  // Tenant A's volume, grown to 2 GB and attached to its VM; a second VM of A to aim at.
  auto second = request_vm(s, w.a, "second-web", w.a.image);
  std::string vm2(second.json.at("ref").as_string());
  ASSERT_EQ(settled_vm(s, member, vm2).json.at("state").as_string(), "running");
  std::string vol = "/api/v1/volumes/" + w.a.volume;
  ASSERT_EQ(s.call("POST", vol + "/expand", ta, obj({{"size_gb", 2}})).status, 202);
  settled_volume(s, member, w.a.volume);
  ASSERT_EQ(s.call("POST", vol + "/attach", member, obj({{"vm", w.a.vm}})).status, 202);
  ASSERT_EQ(settled_volume(s, member, w.a.volume).json.at("state").as_string(), "in_use");

  auto disk = [&](const std::string& params) {
    return R"({"service":"cloud-disk","org_id":")" + w.a.system + R"(","params":)" + params + "}";
  };
  struct Case {
    std::string token, method, target, body;
    int status;
    std::string code, field;
  };
  std::vector<Case> cases = {
      {member, "POST", "/api/v1/requests", disk(R"({"name":"d","size_gb":0})"), 400,
       "invalid_argument", "params.size_gb"},
      {member, "POST", "/api/v1/requests", disk(R"({"name":"d","size_gb":1.5})"), 400,
       "invalid_argument", "params.size_gb"},
      {member, "POST", "/api/v1/requests", disk(R"({"name":"d","size_gb":-3})"), 400,
       "invalid_argument", "params.size_gb"},
      {member, "POST", "/api/v1/requests", disk(R"({"name":"d","size_gb":5000})"), 409,
       "quota_exceeded", ""},
      {member, "POST", "/api/v1/requests", disk(R"({"name":"d","size_gb":1,"tier":"gold"})"), 400,
       "invalid_argument", "params.tier"},
      {member, "POST", "/api/v1/requests", disk(R"({"name":"d","size_gb":1,"purpose":"fun"})"), 400,
       "invalid_argument", "params.purpose"},
      // Another tenant's volume, or another tenant's VM, does not exist for A.
      {member, "POST", "/api/v1/volumes/" + w.b.volume + "/attach", R"({"vm":")" + w.a.vm + "\"}",
       404, "not_found", ""},
      {member, "GET", "/api/v1/volumes/" + w.b.volume, "", 404, "not_found", ""},
      {member, "POST", "/api/v1/volumes/" + w.b.volume + "/snapshots", R"({"name":"x"})", 404,
       "not_found", ""},
      {member, "POST", vol + "/detach", R"({"vm":")" + w.b.vm + "\"}", 404, "not_found", ""},
      // A non-shareable volume already on a VM.
      {member, "POST", vol + "/attach", R"({"vm":")" + vm2 + "\"}", 409, "conflict", ""},
      // Shrinking, a size that is not whole GB, a size past the quota.
      {ta, "POST", vol + "/expand", R"({"size_gb":1})", 400, "invalid_argument", "size_gb"},
      {ta, "POST", vol + "/expand", R"({"size_gb":2.5})", 400, "invalid_argument", "size_gb"},
      {ta, "POST", vol + "/expand", R"({"size_gb":30000})", 409, "quota_exceeded", ""},
      // Attached: no restore, no delete.
      {member, "POST", vol + "/restore", R"({"snapshot":"base"})", 409, "conflict", ""},
      {member, "DELETE", vol, "", 409, "conflict", ""},
      {member, "POST", vol + "/restore", R"({"snapshot":7})", 400, "invalid_argument", "snapshot"},
      // Tiers: unknown, limits out of range, and not the tenant's to change.
      {ops, "PUT", "/api/v1/storage/tiers/gold", R"({"iops":1000,"bytes_per_sec":1048576})", 404,
       "not_found", ""},
      {ops, "PUT", "/api/v1/storage/tiers/normal", R"({"iops":5,"bytes_per_sec":1048576})", 400,
       "invalid_argument", "iops"},
      {ta, "PUT", "/api/v1/storage/tiers/normal", R"({"iops":1000,"bytes_per_sec":1048576})", 403,
       "permission_denied", ""},
      {member, "GET", "/api/v1/volumes?tier=gold", "", 400, "invalid_argument", "tier"},
  };
  auto snapshot = [&] {
    std::string out;
    for (const auto& [token, target] : std::vector<std::pair<std::string, std::string>>{
             {member, "/api/v1/volumes?limit=100"},
             {member, vol},
             {member, vol + "/snapshots"},
             {ta, "/api/v1/vdcs/" + w.a.vdc + "/quota"},
             {ta, "/api/v1/vdcs/" + w.a.vdc + "/reservations?limit=1000"},
             {ta, "/api/v1/requests?limit=1000"},
             {ops, "/api/v1/storage/tiers"}}) {
      auto r = s.call("GET", target, token);
      EXPECT_EQ(r.status, 200) << target << " " << r.body;
      out += target + " " + r.body + "\n";
    }
    return out;
  };
  std::string before = snapshot();
  for (const auto& c : cases) {
    auto r = s.call(c.method, c.target, c.token, c.body);
    std::string where = c.method + " " + c.target + " " + c.body.substr(0, 160);
    EXPECT_EQ(r.status, c.status) << where << " → " << r.body;
    EXPECT_EQ(r.error_code(), c.code) << where << " → " << r.body;
    if (!c.field.empty()) {
      EXPECT_EQ(r.error_field(), c.field) << where << " → " << r.body;
    }
  }
  settled_volume(s, member, w.a.volume);
  EXPECT_EQ(snapshot(), before);  // nothing half-written in the store
  auto drift = s.call("POST", "/api/v1/storage/reconcile", ops);
  EXPECT_EQ(drift.json.at("items").as_array().size(), 0U) << drift.body;  // nor on the engine
}

TEST(BadInput, TheTestClockExistsOnlyWhenAskedFor) {
  TestServer s;
  auto r =
      s.call("POST", "/api/v1/test/clock", std::string(), std::string(R"({"advance_seconds":60})"));
  EXPECT_EQ(r.status, 404) << r.body;
  auto doc = s.call("GET", "/api/v1/openapi.json");
  EXPECT_EQ(doc.body.find("/api/v1/test/clock"), std::string::npos);
}

TEST(BadInput, ExpiredTokensAreRefused) {
  // A one-minute token lifetime; the test build's server clock moves on request, no waiting.
  TestServer s({"--set", "token_ttl_minutes=1", "--test-clock"});
  std::string t = s.login("admin");
  EXPECT_EQ(s.call("GET", "/api/v1/auth/me", t).status, 200);
  auto moved =
      s.call("POST", "/api/v1/test/clock", std::string(), std::string(R"({"advance_seconds":30})"));
  ASSERT_EQ(moved.status, 200) << moved.body;
  EXPECT_EQ(s.call("GET", "/api/v1/auth/me", t).status, 200);  // not yet
  s.call("POST", "/api/v1/test/clock", std::string(), std::string(R"({"advance_seconds":31})"));
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
  const std::vector<std::string> ids = {"x",
                                        "org-",
                                        "usr-zzzzzzzzzzzzzzzz",
                                        "..%2F..%2Fetc",
                                        "vdc-0123456789abcdef",
                                        "%00",
                                        std::string(300, 'a')};
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

// Issue 11 acceptance (BIL-*): bad usage — an unknown code, a negative quantity, an end before
// its start, another tenant's system, a unit that does not convert, malformed UTF-8, a body or
// a file far too large — gets a clear error naming the line (or the body), and nothing is kept.
TEST(BadInput, UsageIntakeRefusesBadRowsAndKeepsNothing) {
  TestServer s({"--set", "max_body_bytes=65536"});
  World w = build_world(s);
  const std::string ops = w.tokens["ops"], member = w.a.tokens["member"];
  auto count = [&] {
    return s.call("GET", "/api/v1/usage?limit=1", w.a.tokens["tenant-admin"])
        .json.at("total")
        .as_int64();
  };
  const std::int64_t before = count();
  auto event = [&](const std::string& system, const char* code, const char* quantity,
                   const char* unit, const char* end) {
    return json::object{{"event_id", "bad-1"}, {"system", system},
                        {"code", code},        {"quantity", quantity},
                        {"unit", unit},        {"start", "2026-03-01T00:00:00+08:00"},
                        {"end", end}};
  };
  const char* end = "2026-03-01T01:00:00+08:00";
  // Tenant A named, tenant B's system given: the system is not A's.
  json::object another_tenants = event(w.b.system, "storage-normal", "5", "GB", end);
  another_tenants["tenant"] = w.a.org;
  struct Case {
    json::object bad;
    std::string field;
  };
  std::vector<Case> cases = {
      {event(w.a.system, "no-such-item", "1", "GB", end), "line 2.code"},
      {event(w.a.system, "storage-normal", "-5", "GB", end), "line 2.quantity"},
      {event(w.a.system, "storage-normal", "5", "GB", "2026-02-01T00:00:00+08:00"), "line 2.end"},
      {another_tenants, "line 2.tenant"},
      {event(w.a.system, "storage-normal", "5", "Mbps", end), "line 2.unit"},
  };
  json::object good = event(w.a.system, "storage-normal", "1", "GB", end);
  good["event_id"] = "good-1";
  for (const auto& c : cases) {
    // A good event first, then the bad one: the batch is refused whole, naming the bad line.
    auto r = s.call("POST", "/api/v1/usage/events", ops,
                    json::value(json::object{{"events", json::array{good, c.bad}}}));
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_EQ(r.error_field(), c.field) << r.body;
    EXPECT_NE(r.body.find("line 2 ("), std::string::npos) << r.body;
  }
  // Malformed UTF-8 cannot even be JSON: refused as the body, before any row is looked at.
  std::string raw = R"({"content":"event_id,tenant,system,code,quantity,unit,start,end\nx,)" +
                    std::string("\xC3\x28") + R"(,s,c,1,,2026-03-01T00:00:00Z,\n"})";
  auto utf8 = s.call("POST", "/api/v1/usage/import", ops, raw);
  EXPECT_EQ(utf8.status, 400) << utf8.body;
  EXPECT_EQ(utf8.error_field(), "body");
  // A body past the server's limit (64 KiB here) is refused before it is read in full.
  auto big = s.call("POST", "/api/v1/usage/import", ops, std::string(200000, 'x'));
  EXPECT_EQ(big.status, 413);
  EXPECT_EQ(big.error_code(), "payload_too_large");
  EXPECT_EQ(count(), before);

  // Through the CLI: a 1 GB file is refused without being read; a file with bytes that are not
  // UTF-8 is refused naming its line; neither sends anything.
  std::string dir = s.data_dir() + "-bad-usage";
  std::filesystem::create_directories(dir);
  std::string huge = dir + "/huge.csv", latin = dir + "/latin1.csv";
  std::ofstream{huge}.close();
  std::filesystem::resize_file(huge, std::uintmax_t{1} << 30);  // sparse: nothing is written
  std::ofstream(latin) << "event_id,tenant,system,code,quantity,unit,start,end\n"
                       << "x-1,," << w.a.system << ",storage-normal,1,GB,2026-03-01T00:00:00Z,\n"
                       << "x-2,\xB2\xE2\xCA\xD4\xBE\xD6," << w.a.system  // GBK, not UTF-8
                       << ",storage-normal,1,GB,2026-03-01T00:00:00Z,\n";
  std::string out;
  ::setenv("GOVCLOUD_TOKEN", ops.c_str(), 1);
  EXPECT_NE(run_cli({"--server", s.base_url(), "usage", "import", huge}, &out), 0);
  EXPECT_NE(out.find("1024 MiB; at most 64 MiB"), std::string::npos) << out;
  EXPECT_NE(run_cli({"--server", s.base_url(), "usage", "import", latin}, &out), 0);
  EXPECT_NE(out.find("line 3 is not UTF-8"), std::string::npos) << out;
  ::unsetenv("GOVCLOUD_TOKEN");
  std::filesystem::remove_all(dir);
  EXPECT_EQ(count(), before);
}

}  // namespace
}  // namespace govcloud::testing
