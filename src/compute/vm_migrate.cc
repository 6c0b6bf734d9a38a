// Live migration on demand and maintenance drain (CMP-14, issue 9 §9). A migration is an
// operation like the others — begin (transaction: the target claimed through the scheduler
// under the VM's own rules, in the source host's pool, site and network domain, so a VM never
// leaves its 政务外网/互联网 domain) → engine (the driver moves the guest, live when it runs; no
// transaction held) → finish (transaction: the VM's host, and the claim it no longer needs
// given back). Both claims are held while the guest is on its way, as both hosts hold memory.
// Migration is the provider's: host.manage, which ops hold without reading tenants' VMs.
#include <spdlog/spdlog.h>

#include <boost/json.hpp>

#include "compute/vm_internal.h"

namespace govcloud {

using namespace vm_detail;
namespace json = boost::json;

namespace {

Result<Host> host_named(Tx& tx, const std::string& id_or_name) {
  if (auto h = tx.compute().find_host(HostId{id_or_name})) return *h;
  for (auto& h : tx.compute().all_hosts())
    if (h.name == id_or_name) return h;
  return Error{ErrorCode::kNotFound, "no host '" + id_or_name + "'", "host"};
}

}  // namespace

Status VmService::begin_migrate(Tx& tx, Vm& vm, const VmActionInput& in, Operation& op,
                                Deferred& undo) {
  auto source = tx.compute().find_host(HostId{vm.host_id});
  if (!source) return conflict("the VM has no host", "host");
  if (!tx.compute().snapshots_of(vm.id.value).empty())
    return conflict("delete the VM's snapshots first: they stay in the disk on its host",
                    "snapshots");
  Demand demand = demand_of(vm);
  Demand where = demand;
  where.pool = source->pool;
  where.site = source->site;
  where.domain = source->domain;
  Scheduler& sched = compute_.scheduler();
  Result<Placement> placed = Error{ErrorCode::kConflict, "", "host"};
  if (!in.host.empty()) {
    GC_ASSIGN_OR_RETURN(Host target, host_named(tx, in.host));
    if (target.id == source->id) return invalid("host", "the VM is already on " + target.name);
    placed = sched.place_on(target.id, where, vm.id.value);
  } else {
    where.except_host = source->id.value;
    placed = sched.place(where, vm.id.value);
  }
  if (!placed.ok())
    return Error{ErrorCode::kConflict, "no host can take the VM: " + placed.error().message,
                 "host"};
  HostId to = placed->host;
  std::string vm_id = vm.id.value;
  undo.push_back([&sched, to, demand, vm_id] { sched.release(to, demand, vm_id, {}); });
  auto target = tx.compute().find_host(to);
  if (!target) return not_found("the target host");
  if (target->driver != source->driver)
    return conflict("host " + target->name + " runs " + target->driver + " and the VM's host " +
                        source->driver + ": a guest moves between hosts of one engine",
                    "host");
  auto params = json::parse(op.params).as_object();
  params["from_host"] = source->id.value;
  params["to_host"] = to.value;
  params["to_host_name"] = target->name;
  op.params = json::serialize(params);
  return ok_status();
}

void VmService::migrate_on_engine(const std::string& op_id) {
  auto loaded = load_work(op_id, true);
  if (!loaded.ok()) return finish(op_id, loaded.error().message);
  auto& [op, vm, source, spec] = loaded.value();
  auto params = json::parse(op.params).as_object();
  std::string name = domain_name(vm);
  if (vm.host_id != str_param(params, "from_host")) return finish(op_id, "");  // moved already
  auto target = store_.read([&](Tx& tx) -> Result<Host> {
    auto h = tx.compute().find_host(HostId{str_param(params, "to_host")});
    if (!h) return not_found("the target host");
    return *h;
  });
  if (!target.ok()) return finish(op_id, target.error().message);
  ComputeDriver* d = compute_.driver(source.driver);
  if (d == nullptr) return finish(op_id, "no driver " + source.driver);
  progress(op_id, 10, "preparing the network on " + target->name);
  Status done = d->ensure_network(*target, spec.network);
  if (done.ok()) {
    progress(op_id, 30,
             (str_param(params, "from") == "running" ? "moving the running guest to "
                                                     : "moving the guest to ") +
                 target->name);
    done = d->migrate(source, *target, name);
  }
  finish(op_id, done.ok() ? "" : done.error().message);
}

// Inside finish()'s transaction: the VM is where the engine left it; the other claim goes back
// once the transaction commits.
void VmService::finish_migrate(Vm& vm, const json::object& params, VmState from,
                               const std::string& failure, Deferred& after) {
  Scheduler& sched = compute_.scheduler();
  HostId keep{failure.empty() ? str_param(params, "to_host") : str_param(params, "from_host")};
  HostId drop{failure.empty() ? str_param(params, "from_host") : str_param(params, "to_host")};
  Demand demand = demand_of(vm);
  std::string vm_id = vm.id.value;
  after.push_back([&sched, drop, demand, vm_id] { sched.release(drop, demand, vm_id, {}); });
  if (!failure.empty()) vm.reason = "vm.migrate failed: " + failure;
  vm.host_id = keep.value;
  vm.state = from;
}

int VmService::drain_maintenance() {
  struct Found {
    Principal system;
    std::vector<std::pair<VmId, std::string>> vms;  // with the host's name
  };
  auto found = store_.read([&](Tx& tx) -> Result<Found> {
    Found f;
    auto root = tx.find_root_org();
    if (!root) return not_found("platform root");
    // The platform itself, as ops: it may move VMs and read nothing else of them.
    f.system.user = UserId{"system"};
    f.system.username = "system";
    f.system.home_org = root->id;
    f.system.home_path = root->path;
    f.system.grants.push_back(Grant{Role::kOps, BindingId{"system"}, root->id, root->path});
    for (const auto& h : tx.compute().all_hosts()) {
      if (h.state != HostState::kMaintenance) continue;
      for (const auto& vm : tx.compute().vms_on_host(h.id.value))
        if ((vm.state == VmState::kRunning || vm.state == VmState::kStopped) &&
            !tx.operations().target_busy(vm.id.value))
          f.vms.emplace_back(vm.id, h.name);
    }
    return f;
  });
  if (!found.ok()) return 0;
  int begun = 0;
  for (const auto& stuck : found->vms) {
    const auto& id = stuck.first;  // a named reference: clang cannot capture a binding
    const auto& host = stuck.second;
    VmActionInput in;
    in.action = VmAction::kMigrate;
    auto op = act(found->system, id, in, RequestContext{"local", "maintenance-drain"});
    if (op.ok()) {
      ++begun;
      continue;
    }
    // It stays, says why, and is tried again on the next tick.
    std::string why = "host " + host + " is in maintenance; " + op.error().message;
    (void)store_.transact([&](Tx& tx) -> Status {
      auto vm = tx.compute().find_vm(id);
      if (!vm || vm->reason == why || tx.operations().target_busy(id.value)) return ok_status();
      vm->reason = why;
      vm->updated_at = clock_.now();
      tx.compute().update_vm(*vm);
      return ok_status();
    });
  }
  if (begun > 0) spdlog::info("maintenance: migrating {} VM(s) off hosts in maintenance", begun);
  return begun;
}

}  // namespace govcloud
