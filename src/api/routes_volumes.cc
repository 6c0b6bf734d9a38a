// Volumes (云硬盘, STO-01–05, 12, issue 10), their snapshots and the storage tiers. Volumes are
// created by requesting the cloud-disk service (POST /api/v1/requests); every long action
// answers 202 with an operation, followed at GET /api/v1/operations/{id}.
#include <boost/json.hpp>

#include "api/json_out.h"
#include "api/router.h"

namespace govcloud {

namespace json = boost::json;

namespace {

json::object volume_json(const Volume& v) {
  json::array tags;
  for (const auto& t : v.tags) tags.emplace_back(t);
  return json::object{{"id", v.id},
                      {"name", v.name},
                      {"state", volume_state_name(v.state)},
                      {"org_id", v.org_id},
                      {"vdc_id", v.vdc_id},
                      {"owner", v.owner},
                      {"request_id", v.request_id},
                      {"host_id", v.host_id},
                      {"tier", v.tier},
                      {"purpose", volume_purpose_name(v.purpose)},
                      {"shareable", v.shareable},
                      {"size_gb", v.size_gb},
                      {"tags", std::move(tags)},
                      {"reservation_id", v.reservation_id},
                      {"reason", v.reason},
                      {"created_at", format_iso8601(v.created_at)},
                      {"updated_at", format_iso8601(v.updated_at)}};
}

json::value tier_json(const StorageTier& t) {
  return json::object{{"name", t.name},
                      {"iops", t.iops},
                      {"bytes_per_sec", t.bytes_per_sec},
                      {"updated_at", format_iso8601(t.updated_at)}};
}

void add_action(std::vector<Route>& routes, Services& s, const char* verb, VolumeAction action,
                const char* summary, BodySchema body) {
  routes.push_back(Route{"POST",
                         std::string("/api/v1/volumes/{id:vol}/") + verb,
                         Access::Requires(Action::kVmOperate),
                         "storage",
                         summary,
                         std::move(body),
                         {},
                         [&s, action](Call& c) -> Result<Reply> {
                           VolumeActionInput in;
                           in.action = action;
                           in.vm = str_field(c.body, "vm");
                           in.force = bool_field(c.body, "force", false);
                           in.size_gb = int_field(c.body, "size_gb", 0);
                           in.name = str_field(c.body, "name");
                           in.snapshot = str_field(c.body, "snapshot");
                           in.idempotency_key = c.http.idempotency_key;
                           GC_ASSIGN_OR_RETURN(auto op,
                                               s.volumes.act(*c.who, c.params["id"], in, c.ctx));
                           return accepted(op);
                         },
                         202});
}

}  // namespace

void add_volume_routes(std::vector<Route>& routes, Services& s) {
  routes.push_back(Route{
      "GET",
      "/api/v1/volumes",
      Access::Requires(Action::kVmRead),
      "storage",
      "Volumes the caller may see, filtered by state, name prefix, tag, tier or the VM they are on",
      {},
      {{"state", FieldType::kString, "available, in_use, creating, error, deleted …"},
       {"name", FieldType::kString, "name prefix"},
       {"tag", FieldType::kString, ""},
       {"tier", FieldType::kString, "normal or performance"},
       {"vm", FieldType::kString, "attached to this VM (id)"},
       {"limit", FieldType::kInteger, ""},
       {"offset", FieldType::kInteger, ""}},
      [&s](Call& c) -> Result<Reply> {
        VolumeQuery q;
        auto page = page_from(c);
        q.limit = page.limit;
        q.offset = page.offset;
        q.name_prefix = c.query["name"];
        q.tag = c.query["tag"];
        q.tier = c.query["tier"];
        q.vm_id = c.query["vm"];
        if (!c.query["state"].empty()) {
          q.state = parse_volume_state(c.query["state"]);
          if (!q.state) return invalid("state", "unknown volume state '" + c.query["state"] + "'");
          q.include_deleted = true;
        }
        GC_ASSIGN_OR_RETURN(auto l, s.volumes.list(*c.who, q));
        json::array items;
        for (const auto& v : l.items) items.push_back(volume_json(v));
        return json_reply(json::object{{"items", std::move(items)},
                                       {"total", l.total},
                                       {"limit", q.limit},
                                       {"offset", q.offset}});
      }});
  routes.push_back(
      Route{"GET",
            "/api/v1/volumes/{id:vol}",
            Access::Requires(Action::kVmRead),
            "storage",
            "One volume, with the VMs it is on and the reason of its last failure",
            {},
            {},
            [&s](Call& c) -> Result<Reply> {
              GC_ASSIGN_OR_RETURN(auto v, s.volumes.get(*c.who, c.params["id"]));
              GC_ASSIGN_OR_RETURN(auto att, s.volumes.attachments_of(*c.who, c.params["id"]));
              json::object out = volume_json(v);
              json::array on;
              for (const auto& a : att)
                on.push_back(json::object{
                    {"vm_id", a.vm_id}, {"target", a.target}, {"since", format_iso8601(a.since)}});
              out["attachments"] = std::move(on);
              return json_reply(out);
            }});
  add_action(routes, s, "attach", VolumeAction::kAttach,
             "Attach to a VM of the same tenant on the volume's host, live when it runs; a "
             "non-shareable volume is on one VM at a time (STO-03; 202)",
             BodySchema{{{"vm", FieldType::kString, true, "VM id, or name in the volume's system",
                          0, 0, 128}}});
  add_action(routes, s, "detach", VolumeAction::kDetach,
             "Detach from a VM: a running guest must release the disk, unless force (202)",
             BodySchema{{{"vm", FieldType::kString, false, "which VM, when on several", 0, 0, 128},
                         {"force", FieldType::kBoolean, false,
                          "take it out of the VM's definition even if the guest holds it"}}});
  add_action(
      routes, s, "expand", VolumeAction::kExpand,
      "Grow a volume, online when attached to a running VM (STO-04); never shrinks; "
      "needs quota.hold too: it takes quota without a request (202)",
      BodySchema{{{"size_gb", FieldType::kInteger, true, "the new size in whole GB", 1, 32768}}});
  add_action(routes, s, "snapshots", VolumeAction::kSnapshot,
             "Snapshot a volume; guests writing it pause for the copy (STO-05; 202)",
             BodySchema{{{"name", FieldType::kString, true, "unique per volume", 0, 0, 64}}});
  add_action(routes, s, "restore", VolumeAction::kRestore,
             "Put a snapshot's data back into the detached volume (202)",
             BodySchema{{{"snapshot", FieldType::kString, true, "id or name", 0, 0, 64}}});
  routes.push_back(
      Route{"GET",
            "/api/v1/volumes/{id:vol}/snapshots",
            Access::Requires(Action::kVmRead),
            "storage",
            "A volume's snapshots, oldest first, with the space each takes",
            {},
            {},
            [&s](Call& c) -> Result<Reply> {
              GC_ASSIGN_OR_RETURN(auto snaps, s.volumes.snapshots_of(*c.who, c.params["id"]));
              json::array items;
              for (const auto& sn : snaps)
                items.push_back(json::object{{"id", sn.id},
                                             {"name", sn.name},
                                             {"state", sn.state},
                                             {"size_gb", sn.size_gb},
                                             {"used_bytes", sn.used_bytes},
                                             {"created_at", format_iso8601(sn.created_at)}});
              return json_reply(json::object{{"items", std::move(items)}});
            }});
  routes.push_back(Route{"DELETE",
                         "/api/v1/volumes/{id:vol}/snapshots/{sid:vsn}",
                         Access::Requires(Action::kVmOperate),
                         "storage",
                         "Delete a volume's snapshot (202)",
                         {},
                         {},
                         [&s](Call& c) -> Result<Reply> {
                           VolumeActionInput in;
                           in.action = VolumeAction::kDeleteSnapshot;
                           in.snapshot = c.params["sid"];
                           in.idempotency_key = c.http.idempotency_key;
                           GC_ASSIGN_OR_RETURN(auto op,
                                               s.volumes.act(*c.who, c.params["id"], in, c.ctx));
                           return accepted(op);
                         },
                         202});
  routes.push_back(
      Route{"DELETE",
            "/api/v1/volumes/{id:vol}",
            Access::Requires(Action::kVmOperate),
            "storage",
            "Delete a detached volume and its snapshots and give back its quota; secure=true "
            "overwrites its blocks first, with progress (202)",
            {},
            {{"secure", FieldType::kBoolean, "overwrite the blocks before the space is released"}},
            [&s](Call& c) -> Result<Reply> {
              VolumeActionInput in;
              in.action = VolumeAction::kDelete;
              in.secure = c.query["secure"] == "true";
              in.idempotency_key = c.http.idempotency_key;
              GC_ASSIGN_OR_RETURN(auto op, s.volumes.act(*c.who, c.params["id"], in, c.ctx));
              return accepted(op);
            },
            202});
  routes.push_back(Route{"GET",
                         "/api/v1/volumes/{id:vol}/operations",
                         Access::Requires(Action::kVmRead),
                         "storage",
                         "A volume's operations, newest first",
                         {},
                         {},
                         [&s](Call& c) -> Result<Reply> {
                           GC_ASSIGN_OR_RETURN(auto ops,
                                               s.volumes.operations_of(*c.who, c.params["id"]));
                           json::array items;
                           for (const auto& o : ops) items.push_back(to_json(o));
                           return json_reply(json::object{{"items", std::move(items)}});
                         }});
  routes.push_back(Route{"GET",
                         "/api/v1/storage/tiers",
                         Access::Authenticated(),
                         "storage",
                         "Storage tiers and the IOPS and throughput every disk of each gets",
                         {},
                         {},
                         [&s](Call& c) -> Result<Reply> {
                           GC_ASSIGN_OR_RETURN(auto tiers, s.volumes.tiers(*c.who));
                           json::array items;
                           for (const auto& t : tiers) items.push_back(tier_json(t));
                           return json_reply(json::object{{"items", std::move(items)}});
                         }});
  routes.push_back(
      Route{"PUT",
            "/api/v1/storage/tiers/{name}",
            Access::Requires(Action::kHostManage),
            "storage",
            "Change a tier's limits (the provider's); every attached disk of the tier gets them",
            BodySchema{{{"iops", FieldType::kInteger, true, "per disk", 100, 1'000'000},
                        {"bytes_per_sec", FieldType::kInteger, true, "per disk", 1 << 20,
                         std::int64_t{100} << 30}}},
            {},
            [&s](Call& c) -> Result<Reply> {
              GC_ASSIGN_OR_RETURN(
                  auto t, s.volumes.set_tier(*c.who, c.params["name"],
                                             IoLimits{int_field(c.body, "iops", 0),
                                                      int_field(c.body, "bytes_per_sec", 0)},
                                             c.ctx));
              return json_reply(tier_json(t));
            }});
  routes.push_back(Route{"GET",
                         "/api/v1/storage/online-expansion",
                         Access::Authenticated(),
                         "storage",
                         "Guest OSes that see a volume grow without a reboot (STO-04)",
                         {},
                         {},
                         [](Call&) -> Result<Reply> {
                           json::array items;
                           for (const auto& [os, how] : VolumeService::online_expansion_os())
                             items.push_back(json::object{{"os", os}, {"how", how}});
                           return json_reply(json::object{{"items", std::move(items)}});
                         }});
  routes.push_back(
      Route{"POST",
            "/api/v1/storage/reconcile",
            Access::Requires(Action::kHostManage),
            "storage",
            "Compare the disks on every reachable host's guests with the store's attachments (ops)",
            {},
            {},
            [&s](Call& c) -> Result<Reply> {
              GC_ASSIGN_OR_RETURN(auto drift, s.volumes.reconcile_now(*c.who));
              json::array items;
              for (const auto& d : drift)
                items.push_back(json::object{{"host", d.host},
                                             {"domain", d.domain},
                                             {"volume", d.volume},
                                             {"kind", d.kind},
                                             {"detail", d.detail}});
              return json_reply(json::object{{"items", std::move(items)}});
            }});
}

}  // namespace govcloud
