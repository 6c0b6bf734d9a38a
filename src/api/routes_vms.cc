// VMs, their operations, images and the reconciler's findings (CMP-01–05, issue 9). Long
// actions answer 202 with an operation at once; GET /operations/{id} follows it.
#include <boost/json.hpp>

#include "api/json_out.h"
#include "api/router.h"

namespace govcloud {

namespace json = boost::json;

namespace {

json::value vm_json(const Vm& v) {
  json::array tags;
  for (const auto& t : v.tags) tags.emplace_back(t);
  return json::object{{"id", v.id.value},
                      {"name", v.name},
                      {"state", vm_state_name(v.state)},
                      {"org_id", v.org_id},
                      {"vdc_id", v.vdc_id},
                      {"owner", v.owner},
                      {"request_id", v.request_id},
                      {"arch", arch_name(v.arch)},
                      {"vcpu", v.vcpu},
                      {"memory_mb", v.memory_mb},
                      {"disk_gb", v.disk_gb},
                      {"disk_tier", v.disk_tier},
                      {"image_id", v.image_id},
                      {"network_id", v.network_id},
                      {"mac", v.mac},
                      {"ip", v.ip},
                      {"tags", std::move(tags)},
                      {"reservation_id", v.reservation_id},
                      {"reason", v.reason},
                      {"min_cpu_mhz", v.min_cpu_mhz},
                      {"created_at", format_iso8601(v.created_at)},
                      {"updated_at", format_iso8601(v.updated_at)}};
}

json::value image_json(const Image& i) {
  return json::object{{"id", i.id},
                      {"name", i.name},
                      {"scope", i.scope},
                      {"org_id", i.org_id},
                      {"arch", arch_name(i.arch)},
                      {"os_type", i.os_type},
                      {"format", i.format},
                      {"size_bytes", i.size_bytes},
                      {"virtual_gb", i.virtual_gb},
                      {"sha256", i.sha256},
                      {"direct_boot", !i.kernel.empty()},
                      {"created_at", format_iso8601(i.created_at)}};
}


void add_action(std::vector<Route>& routes, Services& s, const char* verb, VmAction action,
                const char* summary, BodySchema body, Action needs = Action::kVmOperate) {
  routes.push_back(Route{"POST",
                         std::string("/api/v1/vms/{id:vm}/") + verb,
                         Access::Requires(needs),
                         "compute",
                         summary,
                         std::move(body),
                         {},
                         [&s, action](Call& c) -> Result<Reply> {
                           VmActionInput in;
                           in.action = action;
                           in.force = bool_field(c.body, "force", false);
                           in.vcpu = static_cast<int>(int_field(c.body, "vcpu", 0));
                           in.memory_gb = int_field(c.body, "memory_gb", 0);
                           in.disk_gb = int_field(c.body, "disk_gb", 0);
                           in.snapshot = str_field(c.body, "snapshot");
                           in.name = str_field(c.body, "name");
                           in.host = str_field(c.body, "host");
                           in.idempotency_key = c.http.idempotency_key;
                           GC_ASSIGN_OR_RETURN(auto op,
                                               s.vms.act(*c.who, VmId{c.params["id"]}, in, c.ctx));
                           return accepted(op);
                         },
                         202});
}

}  // namespace

void add_vm_routes(std::vector<Route>& routes, Services& s) {
  routes.push_back(
      Route{"GET",
            "/api/v1/vms",
            Access::Requires(Action::kVmRead),
            "compute",
            "VMs the caller may see, filtered by state, name prefix, IP and tag",
            {},
            {{"state", FieldType::kString, "creating, running, stopped, error, deleted …"},
             {"name", FieldType::kString, "name prefix"},
             {"ip", FieldType::kString, ""},
             {"tag", FieldType::kString, ""},
             {"limit", FieldType::kInteger, ""},
             {"offset", FieldType::kInteger, ""}},
            [&s](Call& c) -> Result<Reply> {
              VmQuery q;
              auto page = page_from(c);
              q.limit = page.limit;
              q.offset = page.offset;
              q.name_prefix = c.query["name"];
              q.ip = c.query["ip"];
              q.tag = c.query["tag"];
              if (!c.query["state"].empty()) {
                q.state = parse_vm_state(c.query["state"]);
                if (!q.state)
                  return invalid("state", "unknown VM state '" + c.query["state"] + "'");
              }
              GC_ASSIGN_OR_RETURN(auto l, s.vms.list(*c.who, q));
              json::array items;
              for (const auto& v : l.items) items.push_back(vm_json(v));
              return json_reply(json::object{{"items", std::move(items)},
                                             {"total", l.total},
                                             {"limit", q.limit},
                                             {"offset", q.offset}});
            }});
  routes.push_back(Route{"GET",
                         "/api/v1/vms/{id:vm}",
                         Access::Requires(Action::kVmRead),
                         "compute",
                         "One VM, with the reason of its last failure",
                         {},
                         {},
                         [&s](Call& c) -> Result<Reply> {
                           GC_ASSIGN_OR_RETURN(auto v, s.vms.get(*c.who, VmId{c.params["id"]}));
                           return json_reply(vm_json(v));
                         }});
  add_action(routes, s, "start", VmAction::kStart, "Start a stopped VM (202, an operation)", {});
  add_action(routes, s, "stop", VmAction::kStop,
             "Stop a VM: graceful, then forced after a timeout; force pulls the plug (202)",
             BodySchema{{{"force", FieldType::kBoolean, false, "pull the plug at once"}}});
  add_action(routes, s, "reboot", VmAction::kReboot, "Reboot a running VM (202)", {});
  add_action(
      routes, s, "resize", VmAction::kResize,
      "Resize a VM: vCPU, memory, system disk (grows only); a running VM is restarted. Needs "
      "quota.hold too: it takes quota without a request (202)",
      BodySchema{{{"vcpu", FieldType::kInteger, false, "new vCPU count", 1, 64},
                  {"memory_gb", FieldType::kInteger, false, "new memory", 1, 512},
                  {"disk_gb", FieldType::kInteger, false, "new system disk size", 1, 2048}}});
  add_action(routes, s, "snapshots", VmAction::kSnapshot,
             "Take a snapshot of the system disk, and of memory when the VM runs (202)",
             BodySchema{{{"name", FieldType::kString, true, "unique per VM", 0, 0, 63}}});
  add_action(routes, s, "revert", VmAction::kRevert,
             "Go back to a snapshot: one taken running resumes running (202)",
             BodySchema{{{"snapshot", FieldType::kString, true, "id or name", 0, 0, 64}}});
  add_action(routes, s, "clone", VmAction::kClone,
             "A new VM with a full copy of this stopped VM's disk, beside it; needs quota.hold "
             "too (202; the operation's target is the copy)",
             BodySchema{{{"name", FieldType::kString, true, "the copy's host name", 0, 0, 63}}});
  add_action(routes, s, "migrate", VmAction::kMigrate,
             "Move a VM to another host of its pool, site and network domain, live when it runs "
             "(CMP-14; the provider's: host.manage; 202)",
             BodySchema{{{"host", FieldType::kString, false,
                          "target host, id or name; empty: the scheduler's choice", 0, 0, 128}}},
             Action::kHostManage);
  routes.push_back(
      Route{"GET",
            "/api/v1/vms/{id:vm}/snapshots",
            Access::Requires(Action::kVmRead),
            "compute",
            "A VM's snapshots, oldest first",
            {},
            {},
            [&s](Call& c) -> Result<Reply> {
              GC_ASSIGN_OR_RETURN(auto snaps, s.vms.snapshots_of(*c.who, VmId{c.params["id"]}));
              json::array items;
              for (const auto& sn : snaps)
                items.push_back(json::object{{"id", sn.id},
                                             {"name", sn.name},
                                             {"state", sn.state},
                                             {"with_memory", sn.with_memory},
                                             {"created_at", format_iso8601(sn.created_at)}});
              return json_reply(json::object{{"items", std::move(items)}});
            }});
  routes.push_back(Route{
      "GET",
      "/api/v1/vms/{id:vm}/events",
      Access::Requires(Action::kVmRead),
      "compute",
      "What the engine reported about a VM on its own, newest first: guest watchdog "
      "firings and the action taken (CMP-15)",
      {},
      {},
      [&s](Call& c) -> Result<Reply> {
        GC_ASSIGN_OR_RETURN(auto events, s.vms.events_of(*c.who, VmId{c.params["id"]}));
        json::array items;
        for (const auto& e : events)
          items.push_back(json::object{
              {"id", e.id}, {"kind", e.kind}, {"detail", e.detail}, {"at", format_iso8601(e.at)}});
        return json_reply(json::object{{"items", std::move(items)}});
      }});
  routes.push_back(Route{"DELETE",
                         "/api/v1/vms/{id:vm}/snapshots/{sid:snap}",
                         Access::Requires(Action::kVmOperate),
                         "compute",
                         "Delete a snapshot (202)",
                         {},
                         {},
                         [&s](Call& c) -> Result<Reply> {
                           VmActionInput in;
                           in.action = VmAction::kDeleteSnapshot;
                           in.snapshot = c.params["sid"];
                           in.idempotency_key = c.http.idempotency_key;
                           GC_ASSIGN_OR_RETURN(auto op,
                                               s.vms.act(*c.who, VmId{c.params["id"]}, in, c.ctx));
                           return accepted(op);
                         },
                         202});
  routes.push_back(
      Route{"DELETE",
            "/api/v1/vms/{id:vm}",
            Access::Requires(Action::kVmOperate),
            "compute",
            "Delete a VM and give back its quota; secure=true overwrites its disk first (202)",
            {},
            {{"secure", FieldType::kBoolean, "overwrite the disk before it is released (CMP-03)"}},
            [&s](Call& c) -> Result<Reply> {
              VmActionInput in;
              in.action = VmAction::kDelete;
              in.secure = c.query["secure"] == "true";
              in.idempotency_key = c.http.idempotency_key;
              GC_ASSIGN_OR_RETURN(auto op, s.vms.act(*c.who, VmId{c.params["id"]}, in, c.ctx));
              return accepted(op);
            },
            202});
  routes.push_back(Route{
      "PUT",
      "/api/v1/vms/{id:vm}/tags",
      Access::Requires(Action::kVmOperate),
      "compute",
      "Replace a VM's tags",
      BodySchema{{{"tags", FieldType::kString, true, "comma separated, at most 20", 0, 0, 1400}}},
      {},
      [&s](Call& c) -> Result<Reply> {
        std::vector<std::string> tags;
        std::string text = str_field(c.body, "tags");
        std::size_t start = 0;
        while (start < text.size()) {
          auto end = text.find(',', start);
          if (end == std::string::npos) end = text.size();
          if (end > start) tags.push_back(text.substr(start, end - start));
          start = end + 1;
        }
        GC_ASSIGN_OR_RETURN(auto v, s.vms.set_tags(*c.who, VmId{c.params["id"]}, tags, c.ctx));
        return json_reply(vm_json(v));
      }});
  routes.push_back(Route{"GET",
                         "/api/v1/vms/{id:vm}/operations",
                         Access::Requires(Action::kVmRead),
                         "compute",
                         "A VM's operations, newest first",
                         {},
                         {},
                         [&s](Call& c) -> Result<Reply> {
                           GC_ASSIGN_OR_RETURN(auto ops,
                                               s.vms.operations_of(*c.who, VmId{c.params["id"]}));
                           json::array items;
                           for (const auto& o : ops) items.push_back(to_json(o));
                           return json_reply(json::object{{"items", std::move(items)}});
                         }});
  routes.push_back(Route{"GET",
                         "/api/v1/operations/{id:op}",
                         Access::Requires(Action::kVmRead),
                         "compute",
                         "An operation: state, progress %, current step, and why it failed",
                         {},
                         {},
                         [&s](Call& c) -> Result<Reply> {
                           GC_ASSIGN_OR_RETURN(auto o, s.vms.get_operation(*c.who, c.params["id"]));
                           return json_reply(to_json(o));
                         }});
  routes.push_back(Route{"GET",
                         "/api/v1/images",
                         Access::Authenticated(),
                         "compute",
                         "Images: global ones and the private ones of orgs the caller sees",
                         {},
                         {{"limit", FieldType::kInteger, ""}, {"offset", FieldType::kInteger, ""}},
                         [&s](Call& c) -> Result<Reply> {
                           auto page = page_from(c);
                           GC_ASSIGN_OR_RETURN(auto l, s.vms.list_images(*c.who, page));
                           json::array items;
                           for (const auto& i : l.items) items.push_back(image_json(i));
                           return json_reply(json::object{{"items", std::move(items)},
                                                          {"total", l.total},
                                                          {"limit", page.limit},
                                                          {"offset", page.offset}});
                         }});
  routes.push_back(Route{"GET",
                         "/api/v1/images/{id:img}",
                         Access::Authenticated(),
                         "compute",
                         "One image",
                         {},
                         {},
                         [&s](Call& c) -> Result<Reply> {
                           GC_ASSIGN_OR_RETURN(auto i, s.vms.get_image(*c.who, c.params["id"]));
                           return json_reply(image_json(i));
                         }});
  routes.push_back(Route{
      "POST",
      "/api/v1/images",
      Access::Requires(Action::kImageManage),
      "compute",
      "Import an image from the server's import folder (qcow2, raw, vmdk, vhd → qcow2)",
      BodySchema{{{"name", FieldType::kString, true, "", 0, 0, 64},
                  {"source", FieldType::kString, true, "a file in <data>/image-imports", 0, 0, 512},
                  {"format", FieldType::kString, false, "expected format", 0, 0, 10},
                  {"scope", FieldType::kString, false, "global (default) or private", 0, 0, 10},
                  {"org_id", FieldType::kString, false, "owner of a private image", 0, 0, 64},
                  {"arch", FieldType::kString, false, "x86 (default), arm, c86", 0, 0, 10},
                  {"os_type", FieldType::kString, false, "linux (default), windows", 0, 0, 10},
                  {"kernel", FieldType::kString, false, "direct boot kernel file", 0, 0, 512},
                  {"initrd", FieldType::kString, false, "direct boot initrd file", 0, 0, 512},
                  {"cmdline", FieldType::kString, false, "kernel command line", 0, 0, 1000}}},
      {},
      [&s](Call& c) -> Result<Reply> {
        NewImage in;
        in.name = str_field(c.body, "name");
        in.source = str_field(c.body, "source");
        in.format = str_field(c.body, "format");
        in.scope = str_field(c.body, "scope").empty() ? "global" : str_field(c.body, "scope");
        if (!str_field(c.body, "org_id").empty()) in.org = OrgId{str_field(c.body, "org_id")};
        if (!str_field(c.body, "arch").empty()) in.arch = str_field(c.body, "arch");
        if (!str_field(c.body, "os_type").empty()) in.os_type = str_field(c.body, "os_type");
        in.kernel = str_field(c.body, "kernel");
        in.initrd = str_field(c.body, "initrd");
        in.cmdline = str_field(c.body, "cmdline");
        GC_ASSIGN_OR_RETURN(auto i, s.vms.import_image(*c.who, in, c.ctx));
        return json_reply(image_json(i), 201);
      },
      201});
  routes.push_back(Route{"DELETE",
                         "/api/v1/images/{id:img}",
                         Access::Requires(Action::kImageManage),
                         "compute",
                         "Delete an image no VM uses",
                         {},
                         {},
                         [&s](Call& c) -> Result<Reply> {
                           GC_TRY(s.vms.delete_image(*c.who, c.params["id"], c.ctx));
                           return json_reply(json::object{{"deleted", true}});
                         }});
  auto drift_reply = [](const std::vector<Drift>& drift) -> Result<Reply> {
    json::array items;
    for (const auto& d : drift)
      items.push_back(json::object{{"host", d.host},
                                   {"domain", d.domain},
                                   {"vm_id", d.vm},
                                   {"kind", d.kind},
                                   {"detail", d.detail}});
    return json_reply(json::object{{"items", std::move(items)}});
  };
  routes.push_back(Route{"GET",
                         "/api/v1/compute/drift",
                         Access::Requires(Action::kPlatformMonitor),
                         "compute",
                         "What the reconciler found: engines and store disagreeing (ops)",
                         {},
                         {},
                         [&s, drift_reply](Call& c) -> Result<Reply> {
                           GC_ASSIGN_OR_RETURN(auto drift, s.vms.last_drift(*c.who));
                           return drift_reply(drift);
                         }});
  routes.push_back(Route{"POST",
                         "/api/v1/compute/reconcile",
                         Access::Requires(Action::kHostManage),
                         "compute",
                         "Compare every engine with the store now, not at the next minute (ops)",
                         {},
                         {},
                         [&s, drift_reply](Call& c) -> Result<Reply> {
                           GC_ASSIGN_OR_RETURN(auto drift, s.vms.reconcile_now(*c.who));
                           return drift_reply(drift);
                         }});
}

}  // namespace govcloud
