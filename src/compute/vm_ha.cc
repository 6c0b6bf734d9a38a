// HA (CMP-14, issue 9 §9): when the heartbeat fences a host, the VMs it held are restarted on
// other hosts without an operator. Each restart is an operation like any other action — begin
// (transaction: place through the scheduler under the VM's own rules, anti-affinity included,
// and record the operation) → engine (define and start on the new host, no transaction held) →
// finish (transaction) — so a server stop in the middle is resumed like the rest (decision 0010).
//
// Fencing means the old host is cut off or powered off (STONITH on real hosts), so a guest never
// runs twice. The system disk is made again from the VM's image on the new host unless its pool
// is shared storage (Ceph RBD, NFS: the storage issues); decision 0010 says so.
#include <spdlog/spdlog.h>

#include <boost/json.hpp>

#include "compute/vm_internal.h"

namespace govcloud {

using namespace vm_detail;
namespace json = boost::json;

namespace {
constexpr const char* kHaKind = "vm.ha-restart";
}  // namespace

int VmService::restart_fenced() {
  auto found = store_.read([&](Tx& tx) -> Result<std::vector<VmId>> {
    std::vector<VmId> out;
    for (const auto& h : tx.compute().all_hosts()) {
      if (h.state != HostState::kFenced) continue;
      for (const auto& vm : tx.compute().vms_on_host(h.id.value))
        if ((vm.state == VmState::kRunning || vm.state == VmState::kStopped) &&
            !tx.operations().target_busy(vm.id.value))
          out.push_back(vm.id);
    }
    return out;
  });
  if (!found.ok()) return 0;
  int begun = 0;
  for (const auto& id : found.value())
    if (begin_ha_restart(id)) ++begun;
  if (begun > 0) spdlog::warn("HA: restarting {} VM(s) of fenced hosts elsewhere", begun);
  return begun;
}

bool VmService::begin_ha_restart(const VmId& id) {
  std::optional<Placement> placed;
  Demand demand;
  HostId old_host;
  bool restarting = false;
  auto begun = store_.transact([&](Tx& tx) -> Result<std::string> {
    auto vm = tx.compute().find_vm(id);
    if (!vm) return not_found("VM");
    auto host = tx.compute().find_host(HostId{vm->host_id});
    if (!host || host->state != HostState::kFenced) return conflict("the VM's host is not fenced");
    if (tx.operations().target_busy(vm->id.value)) return conflict("the VM has an operation");
    if (vm->state != VmState::kRunning && vm->state != VmState::kStopped)
      return conflict("only running and stopped VMs are restarted");
    demand = demand_of(*vm);
    old_host = host->id;
    TimeMs now = clock_.now();
    Operation op;
    op.id = new_id("op");
    op.kind = kHaKind;
    op.target_id = vm->id.value;
    op.org_id = vm->org_id;
    op.org_path = vm->org_path;
    op.user_id = "system";
    op.params = json::serialize(json::object{
        {"action", "ha-restart"}, {"from", vm_state_name(vm->state)}, {"from_host", host->name}});
    op.created_at = op.updated_at = now;
    if (vm->state == VmState::kRunning) record_usage(tx, *vm, "stopped", now);
    auto where = compute_.scheduler().place(demand, vm->id.value);
    if (!where.ok()) {
      // Nowhere to go: the VM is out of service and says why; it holds no host any more.
      op.state = OpState::kFailed;
      op.progress = 100;
      op.step = "failed";
      op.error = "no host can take the VM: " + where.error().message;
      op.finished_at = now;
      vm->state = VmState::kError;
      vm->reason = "HA restart after host " + host->name + " was fenced failed: " + op.error;
      vm->host_id.clear();
    } else {
      placed = where.value();
      op.step = "queued";
      restarting = true;
      vm->host_id = placed->host.value;
      if (vm->state == VmState::kRunning) vm->state = VmState::kStarting;
    }
    vm->updated_at = now;
    tx.operations().insert_operation(op);
    tx.compute().update_vm(*vm);
    audit_vm(tx, clock_, nullptr, RequestContext{"local", "ha"}, kHaKind, *vm,
             restarting ? "accepted" : "failure",
             {{"operation", op.id}, {"from_host", host->name}, {"to_host", vm->host_id}});
    return op.id;
  });
  if (!begun.ok()) {
    if (placed) compute_.scheduler().release(placed->host, demand, id.value, placed->accelerators);
    return false;
  }
  compute_.scheduler().release(old_host, demand, id.value, {});
  if (restarting) {
    std::string op_id = begun.value();
    workers_.submit([this, op_id] { ha_on_engine(op_id); });
  }
  return true;
}

// Idempotent like every engine half: after a server stop it simply runs again.
void VmService::ha_on_engine(const std::string& op_id) {
  auto loaded = load_work(op_id, true);
  if (!loaded.ok()) return finish(op_id, loaded.error().message);
  auto& [op, vm, host, spec] = loaded.value();
  bool was_running = json::parse(op.params).as_object().at("from").as_string() == "running";
  ComputeDriver* d = compute_.driver(host.driver);
  Status done =
      d ? ok_status() : Status{Error{ErrorCode::kConflict, "no driver " + host.driver, {}}};
  if (done.ok()) {
    progress(op_id, 20, "preparing the network on " + host.name);
    done = d->ensure_network(host, spec.network);
  }
  if (done.ok()) {
    progress(op_id, 40, "defining the guest on " + host.name);
    done = d->define(host, spec);
  }
  if (done.ok() && was_running) {
    progress(op_id, 70, "booting on " + host.name);
    done = d->start(host, spec.name);
  }
  if (!done.ok() && d) (void)d->remove(host, spec.name, false);
  finish(op_id, done.ok() ? "" : done.error().message);
}

// The finish of an HA restart, inside VmService::finish's transaction. A failure leaves the VM
// in error with no host (the new host's claim is given back after the commit).
void VmService::finish_ha(Tx& tx, Vm& vm, VmState from, const std::string& failure, TimeMs now,
                          std::optional<std::pair<HostId, Vm>>& released) {
  if (!failure.empty()) {
    released = std::pair{HostId{vm.host_id}, vm};
    vm.state = VmState::kError;
    vm.reason = std::string(kHaKind) + " failed: " + failure;
    vm.host_id.clear();
    return;
  }
  vm.state = from;
  if (from == VmState::kRunning) record_usage(tx, vm, "started", now);
  // The snapshots lived in the disk on the fenced host; the new disk has none.
  for (const auto& snap : tx.compute().snapshots_of(vm.id.value))
    tx.compute().delete_snapshot(snap.id);
}

}  // namespace govcloud
