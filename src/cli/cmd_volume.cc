// govcloud volume create | list | show | attach | detach | expand | snapshot | snapshots |
// restore | delete-snapshot | delete | ops | tiers (STO-01–05, 12). `volume create` wraps the
// request flow like `vm create`; every action takes --wait to follow its progress.
#include <unistd.h>

#include <boost/json.hpp>
#include <iostream>

#include "cli/cli_internal.h"

namespace govcloud::cli {

namespace json = boost::json;

namespace {

const std::vector<Column> kVolumeColumns = {
    {"NAME", "name"},       {"STATE", "state"},         {"SIZE_GB", "size_gb"}, {"TIER", "tier"},
    {"PURPOSE", "purpose"}, {"SHAREABLE", "shareable"}, {"REASON", "reason"},   {"ID", "id"}};
const std::vector<Column> kOpColumns = {{"KIND", "kind"},         {"STATE", "state"},
                                        {"PROGRESS", "progress"}, {"STEP", "step"},
                                        {"ERROR", "error"},       {"ID", "id"}};

std::string text(const json::value& v, const char* key) {
  auto* f = v.as_object().if_contains(key);
  return f && f->is_string() ? std::string(f->as_string()) : "";
}

void act(const std::string& volume, const std::string& method, const std::string& target,
         const std::optional<json::value>& body, bool wait) {
  auto op = call(method, target, body);
  if (!wait) return print(op, kOpColumns);
  wait_for_operation(text(op, "id"));
  print(call("GET", "/api/v1/volumes/" + volume), kVolumeColumns);
}

}  // namespace

void register_volume(CLI::App& app) {
  auto* vol = app.add_subcommand("volume", "云硬盘 (volumes): create, attach, expand, snapshot …");
  vol->require_subcommand(1);
  bool tty = isatty(STDOUT_FILENO) != 0;

  struct CreateFlags {
    std::string name, system, vdc, tier = "normal", purpose = "business", snapshot, tags;
    int size_gb = 0;
    bool shareable = false;
    bool wait = false;
  };
  auto cf = std::make_shared<CreateFlags>();
  cf->wait = tty;
  auto* create = vol->add_subcommand(
      "create", "Request a volume (service cloud-disk); waits for it when no approval is needed");
  create->add_option("name", cf->name, "volume name")->required();
  create->add_option("--system", cf->system, "business system (业务系统), id or name")
      ->required()
      ->transform(id_or_name("org"));
  create->add_option("--size-gb", cf->size_gb, "whole GB (STO-02)")->required();
  create->add_option("--tier", cf->tier, "normal (default) or performance");
  create->add_option("--purpose", cf->purpose, "business (default) or backup (STO-12)");
  create->add_flag("--shareable", cf->shareable, "may be attached to several VMs (STO-03)");
  create->add_option("--from-snapshot", cf->snapshot, "a snapshot id to copy the data from");
  create->add_option("--tags", cf->tags, "comma separated");
  create->add_option("--vdc", cf->vdc, "VDC id or name (default: the system's nearest)")
      ->transform(id_or_name("vdc"));
  create->add_flag("--wait,!--no-wait", cf->wait, "follow creation (default on a terminal)");
  create->callback([cf] {
    json::object params{{"name", cf->name},       {"size_gb", cf->size_gb},     {"tier", cf->tier},
                        {"purpose", cf->purpose}, {"shareable", cf->shareable}, {"tags", cf->tags}};
    if (!cf->snapshot.empty()) params["snapshot"] = cf->snapshot;
    json::object req{{"service", "cloud-disk"}, {"org_id", cf->system}, {"params", params}};
    if (!cf->vdc.empty()) req["vdc_id"] = cf->vdc;
    auto r = call("POST", "/api/v1/requests", json::value(req));
    std::string id = text(r, "id");
    if (text(r, "state") == "pending") {
      std::cout << "request " << id << " awaits approval; the volume is made when it is approved\n";
      return;
    }
    if (!cf->wait) return print(r, {{"REQUEST", "id"}, {"STATE", "state"}, {"VOLUME", "ref"}});
    r = call("GET", "/api/v1/requests/" + id);
    std::string vol_id = text(r, "ref");
    if (vol_id.empty()) fail("request " + id + " is " + text(r, "state") + " without a volume");
    auto ops = call("GET", "/api/v1/volumes/" + vol_id + "/operations");
    wait_for_operation(text(ops.at("items").at(0), "id"));
    print(call("GET", "/api/v1/volumes/" + vol_id), kVolumeColumns);
  });

  struct ListFlags {
    std::string state, name, tag, tier, vm;
  };
  auto lf = std::make_shared<ListFlags>();
  auto* list = vol->add_subcommand("list", "Volumes, by state, name prefix, tag, tier or VM");
  list->add_option("--state", lf->state);
  list->add_option("--name", lf->name, "name prefix");
  list->add_option("--tag", lf->tag);
  list->add_option("--tier", lf->tier);
  list->add_option("--vm", lf->vm, "attached to this VM (id or name)")->transform(id_or_name("vm"));
  list->callback([lf] {
    std::string q = "?limit=500";
    for (const auto& [k, v] :
         {std::pair{"state", lf->state}, std::pair{"name", lf->name}, std::pair{"tag", lf->tag},
          std::pair{"tier", lf->tier}, std::pair{"vm", lf->vm}})
      if (!v.empty()) q += std::string("&") + k + "=" + query_escape(v);
    print(call("GET", "/api/v1/volumes" + q), kVolumeColumns);
  });

  auto show_id = std::make_shared<std::string>();
  auto* show = vol->add_subcommand("show", "One volume, with the VMs it is on");
  show->add_option("volume", *show_id, "id or name")->required()->transform(id_or_name("vol"));
  show->callback([show_id] {
    auto v = call("GET", "/api/v1/volumes/" + *show_id);
    print(v, kVolumeColumns);
    for (const auto& a : v.at("attachments").as_array())
      std::cout << "on VM " << text(a, "vm_id") << " as /dev/" << text(a, "target") << "\n";
  });

  auto ops_id = std::make_shared<std::string>();
  auto* ops = vol->add_subcommand("ops", "A volume's operations, newest first");
  ops->add_option("volume", *ops_id, "id or name")->required()->transform(id_or_name("vol"));
  ops->callback(
      [ops_id] { print(call("GET", "/api/v1/volumes/" + *ops_id + "/operations"), kOpColumns); });

  auto snaps_id = std::make_shared<std::string>();
  auto* snaps = vol->add_subcommand("snapshots", "A volume's snapshots");
  snaps->add_option("volume", *snaps_id, "id or name")->required()->transform(id_or_name("vol"));
  snaps->callback([snaps_id] {
    print(call("GET", "/api/v1/volumes/" + *snaps_id + "/snapshots"), {{"NAME", "name"},
                                                                       {"STATE", "state"},
                                                                       {"SIZE_GB", "size_gb"},
                                                                       {"USED_BYTES", "used_bytes"},
                                                                       {"ID", "id"}});
  });

  struct ActFlags {
    std::string volume, vm, name, snapshot;
    int size_gb = 0;
    bool force = false;
    bool secure = false;
    bool wait = false;
  };
  struct Verb {
    const char* name;
    const char* help;
  };
  for (Verb verb : {Verb{"attach", "Attach to a VM, live when it runs"},
                    Verb{"detach", "Detach from a VM (the guest must release it, or --force)"},
                    Verb{"expand", "Grow to --size-gb, online when attached (STO-04)"},
                    Verb{"snapshot", "Snapshot the volume (--name)"},
                    Verb{"restore", "Put a snapshot's data back (--snapshot); detach first"},
                    Verb{"delete-snapshot", "Delete a snapshot (--snapshot id)"},
                    Verb{"delete", "Delete a detached volume (--secure overwrites it first)"}}) {
    auto f = std::make_shared<ActFlags>();
    f->wait = tty;
    std::string v = verb.name;
    auto* cmd = vol->add_subcommand(v, verb.help);
    cmd->add_option("volume", f->volume, "id or name")->required()->transform(id_or_name("vol"));
    cmd->add_flag("--wait,!--no-wait", f->wait, "follow the operation (default on a terminal)");
    if (v == "attach" || v == "detach") {
      auto* o = cmd->add_option("vm", f->vm, "VM id or name");
      if (v == "attach") o->required();
    }
    if (v == "detach") cmd->add_flag("--force", f->force, "even if the guest holds the disk");
    if (v == "expand") cmd->add_option("--size-gb", f->size_gb, "the new size")->required();
    if (v == "snapshot") cmd->add_option("--name", f->name, "snapshot name")->required();
    if (v == "restore" || v == "delete-snapshot")
      cmd->add_option("--snapshot", f->snapshot, "snapshot id or name")->required();
    if (v == "delete") cmd->add_flag("--secure", f->secure, "overwrite the blocks first");
    cmd->callback([f, v] {
      std::string base = "/api/v1/volumes/" + f->volume;
      if (v == "delete")
        return act(f->volume, "DELETE", base + (f->secure ? "?secure=true" : ""), std::nullopt,
                   f->wait);
      if (v == "delete-snapshot") {
        std::string sid = f->snapshot;
        if (sid.rfind("vsn-", 0) != 0)
          for (const auto& s : call("GET", base + "/snapshots").at("items").as_array())
            if (text(s, "name") == f->snapshot) sid = text(s, "id");
        return act(f->volume, "DELETE", base + "/snapshots/" + sid, std::nullopt, f->wait);
      }
      json::object body;
      if (v == "attach" || (v == "detach" && !f->vm.empty())) body["vm"] = f->vm;
      if (v == "detach") body["force"] = f->force;
      if (v == "expand") body["size_gb"] = f->size_gb;
      if (v == "snapshot") body["name"] = f->name;
      if (v == "restore") body["snapshot"] = f->snapshot;
      act(f->volume, "POST", base + "/" + (v == "snapshot" ? "snapshots" : v), json::value(body),
          f->wait);
    });
  }

  auto* tiers = vol->add_subcommand("tiers", "Storage tiers and their per-disk limits (STO-01)");
  tiers->callback([] {
    print(call("GET", "/api/v1/storage/tiers"),
          {{"TIER", "name"}, {"IOPS", "iops"}, {"BYTES_PER_SEC", "bytes_per_sec"}});
  });
}

}  // namespace govcloud::cli
