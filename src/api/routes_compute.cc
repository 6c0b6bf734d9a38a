// Hosts (CMP-06, CMP-14): the platform's, seen by ops and sysadmin only (IAM-06).
#include <boost/json.hpp>

#include "api/json_out.h"
#include "api/router.h"

namespace govcloud {

namespace json = boost::json;

namespace {

// With what the scheduler has placed on it (ops' capacity view; no tenant data).
json::value host_json(const Host& h, Scheduler& sched) {
  HostLoad load = sched.load(h.id).value_or(HostLoad{});
  json::array acc;
  for (const auto& a : h.accelerators)
    acc.push_back(json::object{
        {"id", a.id}, {"class", a.cls}, {"model", a.model}, {"memory_gb", a.memory_gb}});
  return json::object{{"id", h.id.value},
                      {"name", h.name},
                      {"site", h.site},
                      {"pool", h.pool},
                      {"domain", h.domain},
                      {"arch", arch_name(h.arch)},
                      {"cpu_model", h.cpu_model},
                      {"cpu_mhz", h.cpu_mhz},
                      {"cores", h.cores},
                      {"memory_mb", h.memory_mb},
                      {"accelerators", std::move(acc)},
                      {"bare_metal", h.bare_metal},
                      {"driver", h.driver},
                      {"uri", h.uri},
                      {"state", host_state_name(h.state)},
                      {"heartbeat_at", h.heartbeat_at ? format_iso8601(h.heartbeat_at) : ""},
                      {"missed_heartbeats", h.missed_heartbeats},
                      {"allocated", json::object{{"vms", load.vms},
                                                 {"vcpu", load.vcpu},
                                                 {"memory_mb", load.memory_mb},
                                                 {"disk_gb", load.disk_gb}}},
                      {"created_at", format_iso8601(h.created_at)}};
}

}  // namespace

void add_compute_routes(std::vector<Route>& routes, Services& s) {
  routes.push_back(Route{"GET",
                         "/api/v1/hosts",
                         Access::Requires(Action::kPlatformMonitor),
                         "compute",
                         "Hosts, filtered by pool, state and architecture (ops, sysadmin)",
                         {},
                         {{"pool", FieldType::kString, ""},
                          {"state", FieldType::kString, "up, down, maintenance, fenced"},
                          {"arch", FieldType::kString, "x86, arm, c86"},
                          {"limit", FieldType::kInteger, ""},
                          {"offset", FieldType::kInteger, ""}},
                         [&s](Call& c) -> Result<Reply> {
                           HostQuery q;
                           q.page = page_from(c);
                           q.pool = c.query["pool"];
                           if (!c.query["state"].empty()) {
                             q.state = parse_host_state(c.query["state"]);
                             if (!q.state)
                               return invalid("state", "state is up, down, maintenance or fenced");
                           }
                           if (!c.query["arch"].empty()) {
                             q.arch = parse_arch(c.query["arch"]);
                             if (!q.arch) return invalid("arch", "arch is x86, arm or c86");
                           }
                           GC_ASSIGN_OR_RETURN(auto l, s.compute.list_hosts(*c.who, q));
                           json::array items;
                           for (const auto& h : l.items)
                             items.push_back(host_json(h, s.compute.scheduler()));
                           return json_reply(json::object{{"items", std::move(items)},
                                                          {"total", l.total},
                                                          {"limit", q.page.limit},
                                                          {"offset", q.page.offset}});
                         }});
  routes.push_back(Route{
      "POST",
      "/api/v1/hosts",
      Access::Requires(Action::kHostManage),
      "compute",
      "Register a host; its architecture, CPU, memory and devices come from its engine",
      BodySchema{
          {{"name", FieldType::kString, true, "", 0, 0, 63},
           {"site", FieldType::kString, true, "数据中心", 0, 0, 63},
           {"pool", FieldType::kString, true, "资源池", 0, 0, 63},
           {"domain", FieldType::kString, true, "network domain: egov, internet, test", 0, 0, 63},
           {"driver", FieldType::kString, true, "libvirt or sim", 0, 0, 20},
           {"uri", FieldType::kString, true, "e.g. qemu:///system, sim://?cores=64", 0, 0, 512},
           {"bare_metal", FieldType::kBoolean, false, "rented whole (CMP-20)"}}},
      {},
      [&s](Call& c) -> Result<Reply> {
        NewHost in{str_field(c.body, "name"),
                   str_field(c.body, "site"),
                   str_field(c.body, "pool"),
                   str_field(c.body, "domain"),
                   str_field(c.body, "driver"),
                   str_field(c.body, "uri"),
                   bool_field(c.body, "bare_metal", false)};
        GC_ASSIGN_OR_RETURN(auto h, s.compute.register_host(*c.who, in, c.ctx));
        return json_reply(host_json(h, s.compute.scheduler()), 201);
      },
      201});
  routes.push_back(Route{"GET",
                         "/api/v1/hosts/{id:host}",
                         Access::Requires(Action::kPlatformMonitor),
                         "compute",
                         "One host",
                         {},
                         {},
                         [&s](Call& c) -> Result<Reply> {
                           GC_ASSIGN_OR_RETURN(auto h,
                                               s.compute.get_host(*c.who, HostId{c.params["id"]}));
                           return json_reply(host_json(h, s.compute.scheduler()));
                         }});
  routes.push_back(
      Route{"POST",
            "/api/v1/hosts/{id:host}/state",
            Access::Requires(Action::kHostManage),
            "compute",
            "Put a host in maintenance or back up (fencing is the heartbeat's)",
            BodySchema{{{"state", FieldType::kString, true, "maintenance or up", 0, 0, 20}}},
            {},
            [&s](Call& c) -> Result<Reply> {
              auto state = parse_host_state(str_field(c.body, "state"));
              if (!state) return invalid("state", "state is maintenance or up");
              GC_ASSIGN_OR_RETURN(
                  auto h, s.compute.set_host_state(*c.who, HostId{c.params["id"]}, *state, c.ctx));
              return json_reply(host_json(h, s.compute.scheduler()));
            }});
}

}  // namespace govcloud
