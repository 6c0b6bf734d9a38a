// Health, metrics, the OpenAPI document and reference lists.
#include <atomic>
#include <boost/json.hpp>
#include <memory>
#include <mutex>

#include "api/json_out.h"
#include "api/metrics.h"
#include "api/router.h"

namespace govcloud {

namespace json = boost::json;

namespace {

struct Health {
  std::atomic<TimeMs> checked_at{0};
  std::atomic<int> schema_version{0};
};

}  // namespace

void add_system_routes(std::vector<Route>& routes, Services& s) {
  static const TimeMs started = s.clock.now();
  if (s.test_clock != nullptr) {
    routes.push_back(
        Route{"POST",
              "/api/v1/test/clock",
              Access::Public(),
              "system",
              "Test builds only: move the server clock forward",
              BodySchema{{{"advance_seconds", FieldType::kInteger, true, "seconds to move forward",
                           1, std::int64_t{400} * 86400}}},
              {},
              [&s](Call& c) -> Result<Reply> {
                s.test_clock->advance(c.body.at("advance_seconds").as_int64() * kSecondMs);
                return json_reply(json::object{{"now", format_iso8601(s.test_clock->now())}});
              }});
  }
  routes.push_back(Route{"GET",
                         "/healthz",
                         Access::Public(),
                         "system",
                         "Liveness and store check (the store is read at most once a second)",
                         {},
                         {},
                         [&s, health = std::make_shared<Health>()](Call&) -> Result<Reply> {
                           // Probes come often; the store check need not run for each one.
                           TimeMs now = s.clock.now();
                           if (now - health->checked_at.load() >= kSecondMs) {
                             auto v = s.store.read([&](Tx& tx) -> Result<std::string> {
                               return tx.get_meta("audit_head_seq").value_or("0");
                             });
                             if (!v.ok()) return v.error();
                             health->schema_version = s.store.schema_version();
                             health->checked_at = now;
                           }
                           return json_reply(
                               json::object{{"status", "ok"},
                                            {"schema_version", health->schema_version.load()}});
                         }});
  routes.push_back(Route{"GET",
                         "/metrics",
                         Access::Public(),
                         "system",
                         "Prometheus metrics (no tenant data)",
                         {},
                         {},
                         [&s](Call&) -> Result<Reply> {
                           auto head = s.store.read([&](Tx& tx) -> Result<std::string> {
                             return tx.get_meta("audit_head_seq").value_or("0");
                           });
                           Reply r;
                           r.content_type = "text/plain; version=0.0.4";
                           r.raw = s.metrics.render(s.clock.now() - started,
                                                    head.ok() ? std::stoll(head.value()) : 0);
                           return r;
                         }});
  auto cache = std::make_shared<std::pair<std::once_flag, std::string>>();
  routes.push_back(Route{"GET",
                         "/api/v1/openapi.json",
                         Access::Public(),
                         "system",
                         "This API as an OpenAPI 3 document",
                         {},
                         {},
                         [&routes, cache](Call&) -> Result<Reply> {
                           std::call_once(cache->first,
                                          [&] { cache->second = build_openapi(routes); });
                           Reply r;
                           r.content_type = "application/json";
                           r.raw = cache->second;
                           return r;
                         }});
  routes.push_back(Route{
      "GET",
      "/api/v1/resource-kinds",
      Access::Authenticated(),
      "tenancy",
      "Quota-able resources and their units",
      {},
      {},
      [](Call&) -> Result<Reply> {
        json::array items;
        for (const auto& k : resource_kinds()) {
          items.push_back(json::object{
              {"code", k.code}, {"unit", k.unit}, {"name_zh", k.name_zh}, {"name_en", k.name_en}});
        }
        return json_reply(json::object{{"items", std::move(items)}});
      }});
  routes.push_back(Route{"GET",
                         "/api/v1/roles",
                         Access::Authenticated(),
                         "iam",
                         "Built-in roles and the actions each allows",
                         {},
                         {},
                         [](Call&) -> Result<Reply> {
                           json::array items;
                           for (Role r : kAllRoles) {
                             json::array actions;
                             for (int a = 0; a <= static_cast<int>(kLastAction); ++a) {
                               if (role_allows(r, static_cast<Action>(a)))
                                 actions.emplace_back(action_name(static_cast<Action>(a)));
                             }
                             items.push_back(json::object{{"role", role_name(r)},
                                                          {"platform", is_platform_role(r)},
                                                          {"separated_duty", is_separated_duty(r)},
                                                          {"actions", std::move(actions)}});
                           }
                           return json_reply(json::object{{"items", std::move(items)}});
                         }});
}

}  // namespace govcloud
