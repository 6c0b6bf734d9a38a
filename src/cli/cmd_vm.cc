// govcloud vm create | list | show | start | stop | reboot | delete | tag | ops | events |
// console …, and govcloud image list | import | delete (CMP-01–04). `vm create` wraps the request
// flow: one command asks for the VM, and if no approval is needed, waits for it to run.
#include <unistd.h>

#include <boost/json.hpp>
#include <chrono>
#include <iostream>
#include <thread>

#include "cli/cli_internal.h"

namespace govcloud::cli {

namespace json = boost::json;

namespace {

const std::vector<Column> kVmColumns = {
    {"NAME", "name"},           {"STATE", "state"},     {"VCPU", "vcpu"},
    {"MEMORY_MB", "memory_mb"}, {"DISK_GB", "disk_gb"}, {"IP", "ip"},
    {"ARCH", "arch"},           {"REASON", "reason"},   {"ID", "id"}};
const std::vector<Column> kOpColumns = {{"KIND", "kind"},         {"STATE", "state"},
                                        {"PROGRESS", "progress"}, {"STEP", "step"},
                                        {"ERROR", "error"},       {"ID", "id"}};
const std::vector<Column> kImageColumns = {
    {"NAME", "name"},     {"SCOPE", "scope"},   {"ARCH", "arch"}, {"OS", "os_type"},
    {"GB", "virtual_gb"}, {"SHA256", "sha256"}, {"ID", "id"}};

std::string text(const json::value& v, const char* key) {
  auto* f = v.as_object().if_contains(key);
  return f && f->is_string() ? std::string(f->as_string()) : "";
}

// Follows an operation to its end, with a progress bar on a terminal; fails if it failed.
json::value wait_for(const std::string& op_id) {
  bool tty = isatty(STDERR_FILENO) != 0;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(30);
  json::value op;
  while (std::chrono::steady_clock::now() < deadline) {
    op = call("GET", "/api/v1/operations/" + op_id);
    auto progress = op.at("progress").to_number<std::int64_t>();
    if (tty) {
      std::string bar(static_cast<std::size_t>(progress / 5), '#');
      bar.resize(20, ' ');
      std::cerr << "\r[" << bar << "] " << progress << "% " << text(op, "step") << "        "
                << std::flush;
    }
    if (text(op, "state") != "running") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  if (tty) std::cerr << "\n";
  if (text(op, "state") == "failed") fail(text(op, "kind") + " failed: " + text(op, "error"));
  if (text(op, "state") == "running") fail("operation " + op_id + " is still running");
  return op;
}

// Runs an action; with --wait follows it and prints the VM, else prints the operation.
void act(const std::string& vm, const std::string& method, const std::string& target,
         const std::optional<json::value>& body, bool wait) {
  auto op = call(method, target, body);
  if (!wait) return print(op, kOpColumns);
  wait_for(text(op, "id"));
  print(call("GET", "/api/v1/vms/" + vm), kVmColumns);
}

}  // namespace

json::value wait_for_operation(const std::string& op_id) {
  return wait_for(op_id);
}

void register_vm(CLI::App& app) {
  auto* vm = app.add_subcommand("vm", "云主机 (VMs): create, list, start, stop, delete …");
  vm->require_subcommand(1);
  bool tty = isatty(STDOUT_FILENO) != 0;

  struct CreateFlags {
    std::string name, system, vdc, image, arch = "x86", tags;
    int vcpu = 1;
    int memory_gb = 1;
    int disk_gb = 20;
    bool wait = false;
  };
  auto cf = std::make_shared<CreateFlags>();
  cf->wait = tty;
  auto* create = vm->add_subcommand(
      "create", "Request a VM (service cloud-host); waits for it when no approval is needed");
  create->add_option("name", cf->name, "host name")->required();
  create->add_option("--system", cf->system, "business system (业务系统), id or name")
      ->required()
      ->transform(id_or_name("org"));
  create->add_option("--vcpu", cf->vcpu)->required();
  create->add_option("--memory-gb", cf->memory_gb)->required();
  create->add_option("--disk-gb", cf->disk_gb, "system disk (default 20)");
  create->add_option("--image", cf->image, "image id or name")->required();
  create->add_option("--arch", cf->arch, "x86 (default), arm, c86");
  create->add_option("--tags", cf->tags, "comma separated");
  create->add_option("--vdc", cf->vdc, "VDC id or name (default: the system's nearest)")
      ->transform(id_or_name("vdc"));
  create->add_flag("--wait,!--no-wait", cf->wait, "follow creation (default on a terminal)");
  create->callback([cf] {
    json::object req{{"service", "cloud-host"},
                     {"org_id", cf->system},
                     {"params", json::object{{"name", cf->name},
                                             {"vcpu", cf->vcpu},
                                             {"memory_gb", cf->memory_gb},
                                             {"disk_gb", cf->disk_gb},
                                             {"image", cf->image},
                                             {"arch", cf->arch},
                                             {"tags", cf->tags}}}};
    if (!cf->vdc.empty()) req["vdc_id"] = cf->vdc;
    auto r = call("POST", "/api/v1/requests", json::value(req));
    std::string id = text(r, "id");
    if (text(r, "state") == "pending") {
      std::cout << "request " << id << " awaits approval; the VM is made when it is approved\n";
      return;
    }
    if (!cf->wait) return print(r, {{"REQUEST", "id"}, {"STATE", "state"}, {"VM", "ref"}});
    r = call("GET", "/api/v1/requests/" + id);
    std::string vm_id = text(r, "ref");
    if (vm_id.empty()) fail("request " + id + " is " + text(r, "state") + " without a VM");
    auto ops = call("GET", "/api/v1/vms/" + vm_id + "/operations");
    wait_for(text(ops.at("items").at(0), "id"));
    print(call("GET", "/api/v1/vms/" + vm_id), kVmColumns);
  });

  struct ListFlags {
    std::string state, name, ip, tag;
  };
  auto lf = std::make_shared<ListFlags>();
  auto* list = vm->add_subcommand("list", "VMs, by state, name prefix, IP or tag");
  list->add_option("--state", lf->state);
  list->add_option("--name", lf->name, "name prefix");
  list->add_option("--ip", lf->ip);
  list->add_option("--tag", lf->tag);
  list->callback([lf] {
    std::string q = "?limit=500";
    for (const auto& [k, v] : {std::pair{"state", lf->state}, std::pair{"name", lf->name},
                               std::pair{"ip", lf->ip}, std::pair{"tag", lf->tag}})
      if (!v.empty()) q += std::string("&") + k + "=" + query_escape(v);
    print(call("GET", "/api/v1/vms" + q), kVmColumns);
  });

  auto show_id = std::make_shared<std::string>();
  auto* show = vm->add_subcommand("show", "One VM, with the reason of its last failure");
  show->add_option("vm", *show_id, "id or name")->required()->transform(id_or_name("vm"));
  show->callback([show_id] { print(call("GET", "/api/v1/vms/" + *show_id), kVmColumns); });

  auto ops_id = std::make_shared<std::string>();
  auto* ops = vm->add_subcommand("ops", "A VM's operations, newest first");
  ops->add_option("vm", *ops_id, "id or name")->required()->transform(id_or_name("vm"));
  ops->callback(
      [ops_id] { print(call("GET", "/api/v1/vms/" + *ops_id + "/operations"), kOpColumns); });

  auto wait_id = std::make_shared<std::string>();
  auto* wait = vm->add_subcommand("wait", "Follow a VM's latest operation to its end");
  wait->add_option("vm", *wait_id, "id or name")->required()->transform(id_or_name("vm"));
  wait->callback([wait_id] {
    auto ops = call("GET", "/api/v1/vms/" + *wait_id + "/operations");
    if (!ops.at("items").as_array().empty()) wait_for(text(ops.at("items").at(0), "id"));
    print(call("GET", "/api/v1/vms/" + *wait_id), kVmColumns);
  });

  struct ActFlags {
    std::string vm;
    bool wait = false;
    bool force = false;
    bool secure = false;
  };
  for (const char* verb : {"start", "stop", "reboot", "delete"}) {
    auto f = std::make_shared<ActFlags>();
    f->wait = tty;
    std::string v = verb;
    auto* cmd = vm->add_subcommand(
        verb, v == "delete" ? "Delete a VM (--secure wipes its disk)" : "Run " + v + " on a VM");
    cmd->add_option("vm", f->vm, "id or name")->required()->transform(id_or_name("vm"));
    cmd->add_flag("--wait,!--no-wait", f->wait, "follow the operation (default on a terminal)");
    if (v == "stop") cmd->add_flag("--force", f->force, "pull the plug at once");
    if (v == "delete") cmd->add_flag("--secure", f->secure, "overwrite the disk first (CMP-03)");
    cmd->callback([f, v] {
      if (v == "delete")
        return act(f->vm, "DELETE", "/api/v1/vms/" + f->vm + (f->secure ? "?secure=true" : ""),
                   std::nullopt, f->wait);
      act(f->vm, "POST", "/api/v1/vms/" + f->vm + "/" + v,
          v == "stop" ? std::optional<json::value>(json::object{{"force", f->force}})
                      : std::optional<json::value>(json::object{}),
          f->wait);
    });
  }

  struct ChangeFlags {
    std::string vm, name, snapshot;
    int vcpu = 0;
    int memory_gb = 0;
    int disk_gb = 0;
    bool wait = false;
  };
  auto add_change = [&](const char* verb, const char* help) {
    auto f = std::make_shared<ChangeFlags>();
    f->wait = tty;
    auto* cmd = vm->add_subcommand(verb, help);
    cmd->add_option("vm", f->vm, "id or name")->required()->transform(id_or_name("vm"));
    cmd->add_flag("--wait,!--no-wait", f->wait, "follow the operation (default on a terminal)");
    return std::pair{cmd, f};
  };
  {
    auto made = add_change("resize", "Resize a VM (a running one is restarted)");
    auto* cmd = made.first;
    auto f = made.second;
    cmd->add_option("--vcpu", f->vcpu);
    cmd->add_option("--memory-gb", f->memory_gb);
    cmd->add_option("--disk-gb", f->disk_gb, "system disk; grows only");
    cmd->callback([f] {
      json::object body;
      if (f->vcpu != 0) body["vcpu"] = f->vcpu;
      if (f->memory_gb != 0) body["memory_gb"] = f->memory_gb;
      if (f->disk_gb != 0) body["disk_gb"] = f->disk_gb;
      act(f->vm, "POST", "/api/v1/vms/" + f->vm + "/resize", json::value(body), f->wait);
    });
  }
  {
    auto made = add_change("snapshot", "Take a named snapshot of a VM");
    auto* cmd = made.first;
    auto f = made.second;
    cmd->add_option("name", f->name, "snapshot name")->required();
    cmd->callback([f] {
      act(f->vm, "POST", "/api/v1/vms/" + f->vm + "/snapshots",
          json::value(json::object{{"name", f->name}}), f->wait);
    });
  }
  {
    auto made = add_change("revert", "Go back to a snapshot");
    auto* cmd = made.first;
    auto f = made.second;
    cmd->add_option("snapshot", f->snapshot, "snapshot id or name")->required();
    cmd->callback([f] {
      act(f->vm, "POST", "/api/v1/vms/" + f->vm + "/revert",
          json::value(json::object{{"snapshot", f->snapshot}}), f->wait);
    });
  }
  {
    auto made = add_change("delete-snapshot", "Delete a snapshot");
    auto* cmd = made.first;
    auto f = made.second;
    cmd->add_option("snapshot", f->snapshot, "snapshot id or name")->required();
    cmd->callback([f] {
      // The route takes an id; a name is looked up among the VM's snapshots.
      std::string id = f->snapshot;
      auto snaps = call("GET", "/api/v1/vms/" + f->vm + "/snapshots");
      for (const auto& snap : snaps.at("items").as_array())
        if (text(snap, "name") == f->snapshot) id = text(snap, "id");
      act(f->vm, "DELETE", "/api/v1/vms/" + f->vm + "/snapshots/" + id, std::nullopt, f->wait);
    });
  }
  {
    auto made = add_change("clone", "Copy a stopped VM into a new one (left stopped)");
    auto* cmd = made.first;
    auto f = made.second;
    cmd->add_option("name", f->name, "the copy's host name")->required();
    cmd->callback([f] {
      auto op = call("POST", "/api/v1/vms/" + f->vm + "/clone",
                     json::value(json::object{{"name", f->name}}));
      if (!f->wait) return print(op, kOpColumns);
      wait_for(text(op, "id"));
      print(call("GET", "/api/v1/vms/" + text(op, "target_id")), kVmColumns);
    });
  }
  add_vm_console(vm);
  auto snaps_id = std::make_shared<std::string>();
  auto* snaps = vm->add_subcommand("snapshots", "A VM's snapshots");
  snaps->add_option("vm", *snaps_id, "id or name")->required()->transform(id_or_name("vm"));
  snaps->callback([snaps_id] {
    print(call("GET", "/api/v1/vms/" + *snaps_id + "/snapshots"), {{"ID", "id"},
                                                                   {"NAME", "name"},
                                                                   {"STATE", "state"},
                                                                   {"MEMORY", "with_memory"},
                                                                   {"CREATED", "created_at"}});
  });

  auto events_id = std::make_shared<std::string>();
  auto* events = vm->add_subcommand("events", "What the engine reported: watchdog firings");
  events->add_option("vm", *events_id, "id or name")->required()->transform(id_or_name("vm"));
  events->callback([events_id] {
    print(call("GET", "/api/v1/vms/" + *events_id + "/events"),
          {{"AT", "at"}, {"KIND", "kind"}, {"ACTION", "detail"}, {"ID", "id"}});
  });

  auto tf = std::make_shared<std::pair<std::string, std::string>>();
  auto* tag = vm->add_subcommand("tag", "Replace a VM's tags");
  tag->add_option("vm", tf->first, "id or name")->required()->transform(id_or_name("vm"));
  tag->add_option("tags", tf->second, "comma separated")->required();
  tag->callback([tf] {
    print(call("PUT", "/api/v1/vms/" + tf->first + "/tags",
               json::value(json::object{{"tags", tf->second}})),
          kVmColumns);
  });
}

void register_image(CLI::App& app) {
  auto* image = app.add_subcommand("image", "Images (镜像): list, import, delete");
  image->require_subcommand(1);
  image->add_subcommand("list", "Global images and your orgs' private ones")->callback([] {
    print(call("GET", "/api/v1/images?limit=500"), kImageColumns);
  });
  struct ImportFlags {
    std::string name, source, format, scope = "global", org, arch = "x86", os = "linux", kernel,
                                      initrd, cmdline;
  };
  auto f = std::make_shared<ImportFlags>();
  auto* imp = image->add_subcommand(
      "import", "Import a file from the server's image-imports folder (qcow2, raw, vmdk, vhd)");
  imp->add_option("name", f->name)->required();
  imp->add_option("--source", f->source, "file name in <data>/image-imports")->required();
  imp->add_option("--format", f->format, "expected format");
  imp->add_option("--scope", f->scope, "global (default) or private");
  imp->add_option("--org", f->org, "owner of a private image")->transform(id_or_name("org"));
  imp->add_option("--arch", f->arch);
  imp->add_option("--os", f->os, "linux or windows");
  imp->add_option("--kernel", f->kernel, "direct-boot kernel file");
  imp->add_option("--initrd", f->initrd, "direct-boot initrd file");
  imp->add_option("--cmdline", f->cmdline, "kernel command line");
  imp->callback([f] {
    json::object body{{"name", f->name},     {"source", f->source},  {"scope", f->scope},
                      {"arch", f->arch},     {"os_type", f->os},     {"kernel", f->kernel},
                      {"initrd", f->initrd}, {"cmdline", f->cmdline}};
    if (!f->format.empty()) body["format"] = f->format;
    if (!f->org.empty()) body["org_id"] = f->org;
    print(call("POST", "/api/v1/images", json::value(body)), kImageColumns);
  });
  auto del_id = std::make_shared<std::string>();
  auto* del = image->add_subcommand("delete", "Delete an image no VM uses");
  del->add_option("image", *del_id, "id or name")->required()->transform(id_or_name("img"));
  del->callback([del_id] { print(call("DELETE", "/api/v1/images/" + *del_id), {}); });
}

}  // namespace govcloud::cli
