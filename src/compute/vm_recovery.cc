// After a restart, and on an interval: operations a stop interrupted are finished or failed
// (none stays "running" forever), host capacity is rebuilt from what VMs hold, and the
// reconciler compares each engine's guests with the store — drift is recorded and shown to ops,
// never silently "fixed" (decision 0010).
#include <spdlog/spdlog.h>

#include <boost/json.hpp>
#include <map>

#include "compute/vm_internal.h"

namespace govcloud {

using namespace vm_detail;
namespace json = boost::json;

Status VmService::start() {
  listen_to_engines();
  GC_ASSIGN_OR_RETURN(
      auto state, store_.read([&](Tx& tx) -> Result<std::pair<std::vector<Host>, std::vector<Vm>>> {
        return std::pair{tx.compute().all_hosts(), tx.compute().live_vms()};
      }));
  auto& [hosts, vms] = state;
  for (const auto& h : hosts) compute_.scheduler().put_host(h);
  for (const auto& vm : vms)
    if (!vm.host_id.empty() && vm.state != VmState::kError)
      compute_.scheduler().restore(HostId{vm.host_id}, demand_of(vm), vm.id.value, {});

  GC_ASSIGN_OR_RETURN(auto running, store_.read([&](Tx& tx) -> Result<std::vector<Operation>> {
    return tx.operations().running_operations();
  }));
  for (const auto& op : running) {
    std::string id = op.id;
    if (op.kind == "vm.migrate") {
      // The target's claim lived in memory only: a migration under way holds both hosts.
      for (const auto& vm : vms)
        if (vm.id.value == op.target_id)
          compute_.scheduler().restore(
              HostId{str_param(json::parse(op.params).as_object(), "to_host")}, demand_of(vm),
              vm.id.value, {});
    }
    if (op.kind == "vm.create") {
      // Creation is rolled back: whatever the engine made goes, the quota goes back.
      workers_.submit([this, id] {
        auto vm = store_.read([&](Tx& tx) -> Result<std::pair<Vm, std::optional<Host>>> {
          auto op = tx.operations().find_operation(id);
          auto v = op ? tx.compute().find_vm(VmId{op->target_id}) : std::nullopt;
          if (!v) return not_found("VM");
          return std::pair{*v, tx.compute().find_host(HostId{v->host_id})};
        });
        if (vm.ok() && vm->second)
          if (ComputeDriver* d = compute_.driver(vm->second->driver))
            (void)d->remove(*vm->second, domain_name(vm->first), false);
        finish_create(id, "the server stopped while the VM was being created; rolled back");
      });
    } else if (op.kind == "vm.ha-restart") {
      workers_.submit([this, id] { ha_on_engine(id); });
    } else {
      // Start, stop, reboot and delete are idempotent on the engine: they run again.
      workers_.submit([this, id] { act_on_engine(id); });
    }
  }
  if (!running.empty())
    spdlog::info("{} operation(s) interrupted by the last stop are being finished", running.size());
  return ok_status();
}

std::vector<Drift> VmService::reconcile() {
  auto state = store_.read([&](Tx& tx) -> Result<std::pair<std::vector<Host>, std::vector<Vm>>> {
    return std::pair{tx.compute().all_hosts(), tx.compute().live_vms()};
  });
  std::vector<Drift> found;
  if (!state.ok()) return found;
  auto& [hosts, vms] = state.value();
  std::map<std::string, std::vector<const Vm*>> by_host;
  for (const auto& vm : vms)
    if (!vm.host_id.empty()) by_host[vm.host_id].push_back(&vm);
  std::map<std::string, bool> busy;
  (void)store_.read([&](Tx& tx) -> Status {
    for (const auto& op : tx.operations().running_operations()) busy[op.target_id] = true;
    return ok_status();
  });
  for (const auto& h : hosts) {
    if (h.state != HostState::kUp) continue;
    ComputeDriver* d = compute_.driver(h.driver);
    if (d == nullptr) continue;
    auto report = d->probe(h);  // outside any transaction
    if (!report.ok()) continue;
    std::map<std::string, DomainState> engine;
    for (const auto& dom : report->domains) engine[dom.name] = dom.state;
    std::map<std::string, bool> ours;
    for (const Vm* vm : by_host[h.id.value]) {
      std::string name = domain_name(*vm);
      ours[name] = true;
      if (busy[vm->id.value] || (vm->state != VmState::kRunning && vm->state != VmState::kStopped))
        continue;  // changing now, or not on the engine: nothing to compare
      auto it = engine.find(name);
      if (it == engine.end()) {
        found.push_back({h.name, name, vm->id.value, "missing",
                         "the VM is " + std::string(vm_state_name(vm->state)) +
                             " in govcloud but its domain is gone from the host"});
      } else if ((vm->state == VmState::kRunning) != (it->second == DomainState::kRunning)) {
        found.push_back({h.name, name, vm->id.value, "state",
                         "govcloud says " + std::string(vm_state_name(vm->state)) +
                             ", the engine says " + domain_state_name(it->second)});
      }
    }
    for (const auto& [name, st] : engine)
      if (!ours.count(name))
        found.push_back(
            {h.name, name, "", "unknown",
             "a domain govcloud did not create (" + std::string(domain_state_name(st)) + ")"});
  }
  // The store was read before the engines were probed: what changed in between (a VM made,
  // an operation begun or finished) is not drift. Each finding is checked again.
  (void)store_.read([&](Tx& tx) -> Status {
    std::erase_if(found, [&](const Drift& d) {
      std::string id = d.vm.empty() && d.domain.rfind("gc-", 0) == 0 ? d.domain.substr(3) : d.vm;
      auto vm = tx.compute().find_vm(VmId{id});
      if (d.kind == "unknown") return vm.has_value();
      if (!vm || tx.operations().target_busy(vm->id.value)) return true;
      const Vm* before = nullptr;
      for (const auto& v : state.value().second)
        if (v.id.value == id) before = &v;
      return before == nullptr || before->state != vm->state || before->host_id != vm->host_id;
    });
    return ok_status();
  });
  {
    std::lock_guard lock(drift_mu_);
    if (found.size() != drift_.size())
      spdlog::warn("reconciler: {} difference(s) between the engines and the store", found.size());
    drift_ = found;
  }
  return found;
}

namespace {
Status may_at_root(Store& store, const Principal& who, Action action) {
  return store.read([&](Tx& tx) -> Status {
    auto root = tx.find_root_org();
    if (!root || !who.can(action, root->path))
      return denied(std::string("not allowed: ") + action_name(action) +
                    " (drift is the platform's)");
    return ok_status();
  });
}
}  // namespace

Result<std::vector<Drift>> VmService::last_drift(const Principal& who) {
  GC_TRY(may_at_root(store_, who, Action::kPlatformMonitor));
  std::lock_guard lock(drift_mu_);
  return drift_;
}

Result<std::vector<Drift>> VmService::reconcile_now(const Principal& who) {
  GC_TRY(may_at_root(store_, who, Action::kHostManage));
  return reconcile();
}

}  // namespace govcloud
