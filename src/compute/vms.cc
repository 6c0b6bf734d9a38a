// VM reads and lifecycle actions (CMP-02): the state machine, operations with idempotency keys,
// and the engine half of start, stop, reboot and delete.
#include <boost/json.hpp>

#include "compute/vm_internal.h"

namespace govcloud {

using namespace vm_detail;
namespace json = boost::json;

std::optional<VmAction> parse_vm_action(std::string_view text) {
  for (VmAction a : {VmAction::kStart, VmAction::kStop, VmAction::kReboot, VmAction::kDelete,
                     VmAction::kResize, VmAction::kSnapshot, VmAction::kRevert,
                     VmAction::kDeleteSnapshot, VmAction::kClone, VmAction::kMigrate})
    if (text == vm_action_name(a)) return a;
  return std::nullopt;
}

const char* vm_action_name(VmAction a) {
  switch (a) {
    case VmAction::kStart:
      return "start";
    case VmAction::kStop:
      return "stop";
    case VmAction::kReboot:
      return "reboot";
    case VmAction::kDelete:
      return "delete";
    case VmAction::kResize:
      return "resize";
    case VmAction::kSnapshot:
      return "snapshot";
    case VmAction::kRevert:
      return "revert";
    case VmAction::kDeleteSnapshot:
      return "delete-snapshot";
    case VmAction::kClone:
      return "clone";
    case VmAction::kMigrate:
      return "migrate";
  }
  return "start";
}

Result<VmState> vm_transition(VmState from, VmAction action) {
  auto refuse = [&] {
    return Error{
        ErrorCode::kConflict,
        std::string("cannot ") + vm_action_name(action) + " a VM that is " + vm_state_name(from),
        "action"};
  };
  switch (action) {
    case VmAction::kStart:
      if (from == VmState::kStopped) return VmState::kStarting;
      return refuse();
    case VmAction::kStop:
      if (from == VmState::kRunning) return VmState::kStopping;
      return refuse();
    case VmAction::kReboot:
      if (from == VmState::kRunning) return VmState::kRebooting;
      return refuse();
    case VmAction::kDelete:
      if (from == VmState::kRunning || from == VmState::kStopped || from == VmState::kError)
        return VmState::kDeleting;
      return refuse();
    case VmAction::kResize:
      if (from == VmState::kRunning || from == VmState::kStopped) return VmState::kResizing;
      return refuse();
    case VmAction::kSnapshot:
    case VmAction::kDeleteSnapshot:
      if (from == VmState::kRunning || from == VmState::kStopped) return VmState::kSnapshotting;
      return refuse();
    case VmAction::kRevert:
      if (from == VmState::kRunning || from == VmState::kStopped) return VmState::kReverting;
      return refuse();
    case VmAction::kClone:
      // A consistent copy needs a disk nobody writes: the source is stopped first.
      if (from == VmState::kStopped) return VmState::kCloning;
      if (from == VmState::kRunning)
        return Error{ErrorCode::kConflict, "stop the VM before cloning it", "action"};
      return refuse();
    case VmAction::kMigrate:
      if (from == VmState::kRunning || from == VmState::kStopped) return VmState::kMigrating;
      return refuse();
  }
  return refuse();
}

VmService::VmService(Store& store, const Clock& clock, ComputeService& compute, Workers& workers,
                     std::string data_dir, std::string storage_dir)
    : store_(store),
      clock_(clock),
      compute_(compute),
      workers_(workers),
      data_dir_(std::move(data_dir)),
      storage_dir_(std::move(storage_dir)) {}

Result<Listing<Vm>> VmService::list(const Principal& who, VmQuery q) {
  q.within_paths = who.paths_for(Action::kVmRead);
  if (q.within_paths.empty()) return denied("not allowed: vm.read");
  if (q.limit < 1 || q.limit > 500) return invalid("limit", "limit must be 1–500");
  if (q.offset < 0) return invalid("offset", "offset must not be negative");
  return store_.read([&](Tx& tx) -> Result<Listing<Vm>> { return tx.compute().list_vms(q); });
}

Result<Vm> VmService::get(const Principal& who, const VmId& id) {
  return store_.read([&](Tx& tx) -> Result<Vm> {
    auto vm = tx.compute().find_vm(id);
    if (!vm || !who.can(Action::kVmRead, vm->org_path)) return not_found("VM");
    return *vm;
  });
}

Result<Operation> VmService::get_operation(const Principal& who, const std::string& id) {
  return store_.read([&](Tx& tx) -> Result<Operation> {
    auto op = tx.operations().find_operation(id);
    if (!op || !who.can(Action::kVmRead, op->org_path)) return not_found("operation");
    return *op;
  });
}

Result<std::vector<Operation>> VmService::operations_of(const Principal& who, const VmId& id) {
  return store_.read([&](Tx& tx) -> Result<std::vector<Operation>> {
    auto vm = tx.compute().find_vm(id);
    if (!vm || !who.can(Action::kVmRead, vm->org_path)) return not_found("VM");
    return tx.operations().operations_of(id.value, 50);
  });
}

Result<Vm> VmService::set_tags(const Principal& who, const VmId& id,
                               const std::vector<std::string>& tags, const RequestContext& ctx) {
  if (tags.size() > 20) return invalid("tags", "at most 20 tags");
  for (const auto& t : tags)
    if (t.empty() || t.size() > 64 || t.find(',') != std::string::npos)
      return invalid("tags", "a tag is 1–64 characters without ','");
  return store_.transact([&](Tx& tx) -> Result<Vm> {
    auto vm = tx.compute().find_vm(id);
    if (!vm || !who.can(Action::kVmRead, vm->org_path)) return not_found("VM");
    if (!who.can(Action::kVmOperate, vm->org_path)) return denied("not allowed: vm.operate");
    if (vm->state == VmState::kDeleted) return conflict("the VM is deleted");
    vm->tags = tags;
    vm->updated_at = clock_.now();
    tx.compute().update_vm(*vm);
    audit_vm(tx, clock_, &who, ctx, "vm.tag", *vm, "success", {});
    return *vm;
  });
}

Result<Operation> VmService::act(const Principal& who, const VmId& id, const VmActionInput& in,
                                 const RequestContext& ctx) {
  if (in.idempotency_key.size() > 200)
    return invalid("Idempotency-Key", "an idempotency key is at most 200 characters");
  Deferred undo;
  auto begun = store_.transact([&](Tx& tx) -> Result<Operation> {
    undo.clear();
    if (!in.idempotency_key.empty())
      if (auto first = tx.operations().find_by_idempotency_key(who.user.value, in.idempotency_key))
        return *first;  // a repeat returns the first operation
    auto vm = tx.compute().find_vm(id);
    if (in.action == VmAction::kMigrate) {
      // Hosts are the provider's: ops move VMs between them without reading what they hold.
      if (!vm ||
          (!who.can(Action::kVmRead, vm->org_path) && !who.can(Action::kHostManage, vm->org_path)))
        return not_found("VM");
      if (!who.can(Action::kHostManage, vm->org_path))
        return denied("not allowed: host.manage (migration is the provider's)");
    } else {
      if (!vm || !who.can(Action::kVmRead, vm->org_path)) return not_found("VM");
      if (!who.can(Action::kVmOperate, vm->org_path)) return denied("not allowed: vm.operate");
    }
    if (tx.operations().target_busy(vm->id.value))
      return conflict("the VM has an operation running; wait for it to finish");
    GC_ASSIGN_OR_RETURN(VmState during, vm_transition(vm->state, in.action));
    for (const auto& guard : guards_) GC_TRY(guard(tx, *vm, in.action));
    TimeMs now = clock_.now();
    Operation op;
    op.id = new_id("op");
    op.kind = std::string("vm.") + vm_action_name(in.action);
    op.target_id = vm->id.value;
    op.org_id = vm->org_id;
    op.org_path = vm->org_path;
    op.user_id = who.user.value;
    op.idempotency_key = in.idempotency_key;
    op.params = json::serialize(json::object{{"action", vm_action_name(in.action)},
                                             {"force", in.force},
                                             {"secure", in.secure},
                                             {"from", vm_state_name(vm->state)}});
    op.step = "queued";
    op.created_at = op.updated_at = now;
    GC_TRY(begin_change(tx, who, *vm, in, op, undo));
    tx.operations().insert_operation(op);
    vm->state = during;
    vm->updated_at = now;
    tx.compute().update_vm(*vm);
    audit_vm(tx, clock_, &who, ctx, op.kind, *vm, "accepted", {{"operation", op.id}});
    return op;
  });
  if (!begun.ok())
    for (auto& u : undo) u();
  if (!begun.ok() || begun->state != OpState::kRunning || begun->step != "queued") return begun;
  std::string op_id = begun->id;
  workers_.submit([this, op_id] { act_on_engine(op_id); });
  return begun;
}

void VmService::progress(const std::string& op_id, int percent, const std::string& step) {
  record_progress(store_, clock_.now(), op_id, percent, step);
}

void VmService::act_on_engine(const std::string& op_id) {
  auto loaded = store_.read([&](Tx& tx) -> Result<std::pair<Operation, std::optional<Host>>> {
    auto op = tx.operations().find_operation(op_id);
    if (!op) return not_found("operation");
    auto vm = tx.compute().find_vm(VmId{op->target_id});
    if (!vm) return not_found("VM");
    return std::pair{
        *op, vm->host_id.empty() ? std::nullopt : tx.compute().find_host(HostId{vm->host_id})};
  });
  if (!loaded.ok()) return;
  auto& [op, host] = loaded.value();
  auto params = json::parse(op.params).as_object();
  std::string action(params.at("action").as_string());
  if (action == "migrate") return migrate_on_engine(op_id);
  if (action != "start" && action != "stop" && action != "reboot" && action != "delete")
    return change_on_engine(op_id);
  std::string name = "gc-" + op.target_id;
  progress(op_id, 10, action == "delete" ? "stopping the guest" : action);
  Status done = ok_status();
  ComputeDriver* d = host ? compute_.driver(host->driver) : nullptr;
  if (action != "delete" && d == nullptr) {
    done = Error{ErrorCode::kConflict, "the VM has no reachable host", "host"};
  } else if (action == "start") {
    done = d->start(*host, name);
  } else if (action == "stop") {
    done = d->stop(*host, name, params.at("force").as_bool());
  } else if (action == "reboot") {
    done = d->reboot(*host, name);
  } else if (d != nullptr) {  // delete; a VM that never reached a host has nothing to remove
    done = d->stop(*host, name, true);
    if (done.ok()) {
      progress(op_id, 50, params.at("secure").as_bool() ? "overwriting the disk" : "removing");
      done = d->remove(*host, name, params.at("secure").as_bool());
    }
  }
  finish(op_id, done.ok() ? "" : done.error().message);
}

// The finish transaction of an action: the VM's new state, what it holds, usage and audit.
void VmService::finish(const std::string& op_id, const std::string& failure) {
  std::optional<std::pair<HostId, Vm>> released;
  Deferred after;
  auto done = store_.transact([&](Tx& tx) -> Status {
    after.clear();
    auto op = tx.operations().find_operation(op_id);
    if (!op || op->state != OpState::kRunning) return ok_status();
    auto vm = tx.compute().find_vm(VmId{op->target_id});
    if (!vm) return not_found("VM");
    auto params = json::parse(op->params).as_object();
    std::string action(params.at("action").as_string());
    VmState from = parse_vm_state(params.at("from").as_string()).value_or(VmState::kError);
    TimeMs now = clock_.now();
    if (action == "ha-restart") {
      finish_ha(tx, *vm, from, failure, now, released);
    } else if (action == "migrate") {
      finish_migrate(*vm, params, from, failure, after);
    } else if (action != "start" && action != "stop" && action != "reboot" && action != "delete") {
      GC_TRY(finish_change(tx, *op, *vm, action, from, failure, now, after));
    } else if (!failure.empty()) {
      vm->state = from;  // nothing changed on the engine that we know of
      vm->reason = op->kind + " failed: " + failure;
    } else if (action == "start") {
      vm->state = VmState::kRunning;
      record_usage(tx, *vm, "started", now);
    } else if (action == "stop") {
      vm->state = VmState::kStopped;
      record_usage(tx, *vm, "stopped", now);
    } else if (action == "reboot") {
      vm->state = VmState::kRunning;
    } else {  // delete: the VM gives back everything it held, through its own lifecycle
      if (from == VmState::kRunning) record_usage(tx, *vm, "stopped", now);
      if (from != VmState::kError) record_usage(tx, *vm, "deleted", now);
      if (!vm->reservation_id.empty())
        GC_TRY(release_in_tx(tx, ReservationId{vm->reservation_id},
                             {ReservationOwner::kVm, vm->id.value}));
      tx.compute().delete_addresses_of_vm(vm->id.value);
      for (const auto& hook : deletion_hooks_) hook(tx, *vm, now);
      for (const auto& snap : tx.compute().snapshots_of(vm->id.value))  // gone with the disk
        tx.compute().delete_snapshot(snap.id);
      if (!vm->host_id.empty()) released = std::pair{HostId{vm->host_id}, *vm};
      vm->reservation_id.clear();
      vm->state = VmState::kDeleted;
    }
    if (failure.empty()) vm->reason.clear();
    vm->updated_at = now;
    tx.compute().update_vm(*vm);
    op->state = failure.empty() ? OpState::kSucceeded : OpState::kFailed;
    op->error = failure;
    op->progress = 100;
    op->step = failure.empty() ? "done" : "failed";
    op->updated_at = op->finished_at = now;
    tx.operations().update_operation(*op);
    audit_vm(tx, clock_, nullptr, RequestContext{"local", op->id}, op->kind, *vm,
             failure.empty() ? "success" : "failure", {{"operation", op->id}, {"error", failure}});
    return ok_status();
  });
  if (!done.ok()) return;
  for (auto& a : after) a();
  if (released)
    compute_.scheduler().release(released->first, demand_of(released->second),
                                 released->second.id.value, {});
}

}  // namespace govcloud
