// libFuzzer target for request decoding: the whole router (path and id parsing, query
// parameters, JSON bodies against route schemas, handlers) on a real store with the demo data.
// Input: the first line is "METHOD TARGET [USER]" — USER one of admin (the default), demo-mu,
// demo-admin, demo-user, demo-ops, so tenant-side routes (requests, approvals, fulfilment) are
// reached with the right roles —; the rest is the body. $system, $tenant, $mu, $vdc, $request
// and $workorder anywhere in the input stand for the demo business system, tenant, management
// unit, tenant VDC, a pending request and an open work order, whose ids change with every run. Any
// 5xx or crash is a finding.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>

#include "api/router.h"
#include "api/service_set.h"
#include "server/demo.h"

namespace govcloud {
namespace {

struct Fixture {
  Config config;
  SystemClock clock;
  std::unique_ptr<Store> store;
  std::unique_ptr<ServiceSet> set;
  std::unique_ptr<Router> router;
  std::map<std::string, std::string> tokens;        // user → bearer token
  std::map<std::string, std::string> placeholders;  // "$system" → its id in this run

  Fixture() {
    config.access_log = false;
    auto dir =
        std::filesystem::temp_directory_path() / ("govcloud-fuzz-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    store = std::move(open_sqlite_store(dir.string())).value();
    set = std::make_unique<ServiceSet>(*store, clock, config, dir.string());
    if (!set->start().ok()) std::abort();
    if (!set->catalog.seed_builtin().ok()) std::abort();
    router = std::make_unique<Router>(set->view());
    const std::string password = "Gov#Cloud2026";
    if (!set->iam.bootstrap(password).ok()) std::abort();
    if (!seed_demo(set->iam, set->tenancy, set->billing, *store, password).ok()) std::abort();
    for (const char* user : {"admin", "demo-mu", "demo-admin", "demo-user", "demo-ops"}) {
      auto t = set->iam.login(LoginInput{user, password, ""}, RequestContext{"fuzz", "fuzz"});
      if (!t.ok()) std::abort();
      tokens[user] = t->token;
    }
    auto mu = set->iam.authenticate(tokens["demo-mu"]);
    if (!mu.ok()) std::abort();
    for (auto [name, type] :
         {std::pair{"$system", OrgType::kBusinessSystem}, std::pair{"$tenant", OrgType::kTenant},
          std::pair{"$mu", OrgType::kManagementUnit}}) {
      OrgQuery q;
      q.type = type;
      auto orgs = set->tenancy.list_orgs(*mu, q);
      if (!orgs.ok() || orgs->items.empty()) std::abort();
      placeholders[name] = orgs->items.front().id.value;
    }
    VdcQuery vq;
    vq.org = OrgId{placeholders["$tenant"]};
    auto vdcs = set->tenancy.list_vdcs(*mu, vq);
    if (!vdcs.ok() || vdcs->items.empty()) std::abort();
    placeholders["$vdc"] = vdcs->items.front().id.value;
    auto user = set->iam.authenticate(tokens["demo-user"]);
    if (!user.ok()) std::abort();
    NewRequest pending;
    pending.service = "compute-vcpu";
    pending.org = OrgId{placeholders["$system"]};
    pending.params = boost::json::object{{"quantity", 2}};
    auto rq = set->workflow.create_request(*user, pending, RequestContext{"fuzz", "fuzz"});
    if (!rq.ok()) std::abort();
    placeholders["$request"] = std::string(rq->at("id").as_string());
    auto wo = set->workflow.create_work_order(
        *user, WorkOrderInput{"go_live", OrgId{placeholders["$system"]}, "上线", ""},
        RequestContext{"fuzz", "fuzz"});
    if (!wo.ok()) std::abort();
    placeholders["$workorder"] = std::string(wo->at("id").as_string());
    // A price list named "x" so that quotes and price imports get past the lookup.
    auto admin = set->iam.authenticate(tokens["admin"]);
    if (!admin.ok()) std::abort();
    auto root = store->read([](Tx& tx) -> Result<Org> {
      auto r = tx.find_root_org();
      if (!r) return not_found("root");
      return *r;
    });
    if (!root.ok() ||
        !set->billing.create_price_list(*admin, "x", root->id, "", RequestContext{"fuzz", "fuzz"})
             .ok())
      std::abort();
  }
};

}  // namespace
}  // namespace govcloud

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static auto* f = new govcloud::Fixture();
  std::string input(reinterpret_cast<const char*>(data), size);
  for (const auto& [name, id] : f->placeholders)
    for (auto at = input.find(name); at != std::string::npos; at = input.find(name, at + id.size()))
      input.replace(at, name.size(), id);
  auto nl = input.find('\n');
  std::string line = input.substr(0, nl);
  govcloud::HttpRequest req;
  std::string user = "admin";
  if (auto last = line.rfind(' '); last != std::string::npos && last != line.find(' ')) {
    if (auto it = f->tokens.find(line.substr(last + 1)); it != f->tokens.end()) {
      user = it->first;
      line.resize(last);
    }
  }
  auto sp = line.find(' ');
  req.method = line.substr(0, sp);
  req.target = sp == std::string::npos ? "/" : line.substr(sp + 1);
  if (req.target.empty() || req.target[0] != '/') req.target = "/" + req.target;
  req.body = nl == std::string::npos ? "" : input.substr(nl + 1);
  req.content_type = "application/json";
  req.authorization = "Bearer " + f->tokens[user];
  req.remote_ip = "127.0.0.1";
  auto res = f->router->handle(req);
  static const bool trace = std::getenv("GOVCLOUD_FUZZ_TRACE") != nullptr;  // seed checking
  if (trace)
    std::fprintf(stderr, "%d %s %s as %s: %.300s\n", res.status, req.method.c_str(),
                 req.target.c_str(), user.c_str(), res.body.c_str());
  if (res.status >= 500) std::abort();
  return 0;
}
