// libFuzzer target for request decoding: the whole router (path and id parsing, query
// parameters, JSON bodies against route schemas, handlers) on a real store. Input: the first
// line is "METHOD TARGET", the rest is the body. Any 5xx or crash is a finding.
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "api/router.h"
#include "api/service_set.h"

namespace govcloud {
namespace {

struct Fixture {
  Config config;
  SystemClock clock;
  std::unique_ptr<Store> store;
  std::unique_ptr<ServiceSet> set;
  std::unique_ptr<Router> router;
  std::string token;

  Fixture() {
    config.access_log = false;
    auto dir =
        std::filesystem::temp_directory_path() / ("govcloud-fuzz-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    store = std::move(open_sqlite_store(dir.string())).value();
    set = std::make_unique<ServiceSet>(*store, clock, config, dir.string());
    if (!set->catalog.seed_builtin().ok()) std::abort();
    router = std::make_unique<Router>(set->view());
    if (!set->iam.bootstrap("Gov#Cloud2026").ok()) std::abort();
    auto t =
        set->iam.login(LoginInput{"admin", "Gov#Cloud2026", ""}, RequestContext{"fuzz", "fuzz"});
    if (!t.ok()) std::abort();
    token = t->token;
    // A price list named "x" so that quotes and price imports get past the lookup.
    auto admin = set->iam.authenticate(token);
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
  auto nl = input.find('\n');
  std::string line = input.substr(0, nl);
  govcloud::HttpRequest req;
  auto sp = line.find(' ');
  req.method = line.substr(0, sp);
  req.target = sp == std::string::npos ? "/" : line.substr(sp + 1);
  if (req.target.empty() || req.target[0] != '/') req.target = "/" + req.target;
  req.body = nl == std::string::npos ? "" : input.substr(nl + 1);
  req.content_type = "application/json";
  req.authorization = "Bearer " + f->token;
  req.remote_ip = "127.0.0.1";
  auto res = f->router->handle(req);
  if (res.status >= 500) std::abort();
  return 0;
}
