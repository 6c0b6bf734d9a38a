// Resize, snapshots and clone (CMP-02, CMP-05): the same begin → engine → finish shape as the
// other actions (decision 0010). Resize and clone take quota without a service request, so they
// also need quota.hold at the VM's system (what a tenant administrator has): a member cannot
// grow past the approval chain. Capacity is claimed at the largest of the old and new sizes while
// the engine works, so whichever way the operation ends, its final size fits without a recount.
#include <boost/json.hpp>
#include <regex>

#include "compute/vm_internal.h"

namespace govcloud {

using namespace vm_detail;
namespace json = boost::json;

namespace {

void add_params(Operation& op, const json::object& extra) {
  auto params = json::parse(op.params).as_object();
  for (const auto& [k, v] : extra) params[k] = v;
  op.params = json::serialize(params);
}

// The VM's quota becomes what `sized` needs: its reservation is given back and a new one taken,
// in the caller's transaction (a refusal names quota.<resource> and rolls both back).
Status resize_reservation(Tx& tx, Vm& vm, const Vm& sized, const std::string& by, TimeMs now) {
  auto vdc = tx.find_vdc(VdcId{vm.vdc_id});
  if (!vdc) return not_found("the VM's VDC");
  if (!vm.reservation_id.empty())
    GC_TRY(
        release_in_tx(tx, ReservationId{vm.reservation_id}, {ReservationOwner::kVm, vm.id.value}));
  GC_ASSIGN_OR_RETURN(auto r, reserve_in_tx(tx, *vdc, vm_amounts(sized),
                                            {ReservationOwner::kVm, vm.id.value}, by, now));
  vm.reservation_id = r.id.value;
  return ok_status();
}

Vm sized(const Vm& vm, int vcpu, std::int64_t memory_mb, std::int64_t disk_gb) {
  Vm v = vm;
  v.vcpu = vcpu;
  v.memory_mb = memory_mb;
  v.disk_gb = disk_gb;
  return v;
}

Result<Snapshot> snapshot_of(Tx& tx, const Vm& vm, const std::string& id_or_name) {
  for (auto& s : tx.compute().snapshots_of(vm.id.value))
    if (s.id == id_or_name || s.name == id_or_name) return s;
  return Error{ErrorCode::kNotFound, "the VM has no snapshot '" + id_or_name + "'", "snapshot"};
}

Status may_take_quota(const Principal& who, const Vm& vm, const char* what) {
  if (who.can(Action::kQuotaHold, vm.org_path)) return ok_status();
  return denied(std::string("not allowed: quota.hold (") + what +
                " takes quota without a service request; ask the tenant administrator)");
}

}  // namespace

Status VmService::begin_change(Tx& tx, const Principal& who, Vm& vm, const VmActionInput& in,
                               Operation& op, Deferred& undo) {
  TimeMs now = clock_.now();
  Scheduler& sched = compute_.scheduler();
  switch (in.action) {
    case VmAction::kStart:
    case VmAction::kStop:
    case VmAction::kReboot:
    case VmAction::kDelete:
      return ok_status();

    case VmAction::kMigrate:
      return begin_migrate(tx, vm, in, op, undo);

    case VmAction::kResize: {
      GC_TRY(may_take_quota(who, vm, "a resize"));
      int vcpu = in.vcpu != 0 ? in.vcpu : vm.vcpu;
      std::int64_t memory_mb = in.memory_gb != 0 ? in.memory_gb * 1024 : vm.memory_mb;
      std::int64_t disk_gb = in.disk_gb != 0 ? in.disk_gb : vm.disk_gb;
      if (vcpu < 1 || vcpu > 64) return invalid("vcpu", "vcpu must be 1–64");
      if (memory_mb < 1024 || memory_mb > std::int64_t{512} * 1024)
        return invalid("memory_gb", "memory_gb must be 1–512");
      if (disk_gb < 1 || disk_gb > 2048) return invalid("disk_gb", "disk_gb must be 1–2048");
      if (disk_gb < vm.disk_gb)
        return conflict(
            "a system disk never shrinks (it has " + std::to_string(vm.disk_gb) + " GB)",
            "disk_gb");
      if (vcpu == vm.vcpu && memory_mb == vm.memory_mb && disk_gb == vm.disk_gb)
        return invalid("vcpu", "the new size is the VM's size: nothing to change");
      if (!tx.compute().snapshots_of(vm.id.value).empty())
        return conflict("delete the VM's snapshots first: a snapshot keeps the old size",
                        "snapshots");
      Vm old = vm;
      Vm big = sized(vm, std::max(vcpu, vm.vcpu), std::max(memory_mb, vm.memory_mb), disk_gb);
      GC_TRY(resize_reservation(tx, vm, big, who.user.value, now));
      HostId host{vm.host_id};
      sched.release(host, demand_of(old), vm.id.value, {});
      auto placed = sched.place_on(host, demand_of(big), vm.id.value);
      if (!placed.ok()) {
        sched.restore(host, demand_of(old), vm.id.value, {});
        return Error{ErrorCode::kConflict,
                     "the VM's host cannot take the new size: " + placed.error().message, "vcpu"};
      }
      undo.push_back([&sched, host, old, big] {
        sched.release(host, demand_of(big), old.id.value, {});
        sched.restore(host, demand_of(old), old.id.value, {});
      });
      add_params(op, json::object{{"vcpu", vcpu},
                                  {"memory_mb", memory_mb},
                                  {"disk_gb", disk_gb},
                                  {"old_vcpu", old.vcpu},
                                  {"old_memory_mb", old.memory_mb},
                                  {"old_disk_gb", old.disk_gb}});
      return ok_status();
    }

    case VmAction::kSnapshot: {
      static const std::regex kSnapName("^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$");
      if (!std::regex_match(in.name, kSnapName))
        return invalid("name", "a snapshot name is 1–63 letters, digits, '.', '_' or '-'");
      auto have = tx.compute().snapshots_of(vm.id.value);
      for (const auto& s : have)
        if (s.name == in.name) return conflict("the VM has a snapshot named " + in.name, "name");
      if (have.size() >= 32) return conflict("a VM keeps at most 32 snapshots", "name");
      Snapshot snap{new_id("snap"),
                    vm.id.value,
                    in.name,
                    vm.org_id,
                    vm.org_path,
                    "creating",
                    vm.state == VmState::kRunning,
                    now};
      tx.compute().insert_snapshot(snap);
      add_params(op, json::object{{"snapshot_id", snap.id}});
      return ok_status();
    }

    case VmAction::kRevert:
    case VmAction::kDeleteSnapshot: {
      GC_ASSIGN_OR_RETURN(auto snap, snapshot_of(tx, vm, in.snapshot));
      if (snap.state != "ready")
        return conflict("snapshot " + snap.name + " is " + snap.state, "snapshot");
      if (in.action == VmAction::kDeleteSnapshot) {
        snap.state = "deleting";
        tx.compute().update_snapshot(snap);
      }
      add_params(op, json::object{{"snapshot_id", snap.id}, {"with_memory", snap.with_memory}});
      return ok_status();
    }

    case VmAction::kClone: {
      GC_TRY(may_take_quota(who, vm, "a clone"));
      if (!valid_vm_name(in.name)) return invalid("name", kVmNameRule);
      if (tx.compute().vm_name_taken(vm.org_id, in.name))
        return conflict("this system already has a VM named '" + in.name + "'", "name");
      Vm copy = vm;
      copy.id = VmId{new_id("vm")};
      copy.name = in.name;
      copy.owner = who.user.value;
      copy.request_id.clear();
      copy.state = VmState::kCreating;
      copy.tags.clear();
      copy.anti_affinity_group.clear();
      copy.reason.clear();
      copy.reservation_id.clear();
      copy.created_at = copy.updated_at = now;
      GC_TRY(resize_reservation(tx, copy, copy, who.user.value, now));
      // The copy is made beside its source: the disk is local to that host.
      HostId host{vm.host_id};
      auto placed = sched.place_on(host, demand_of(copy), copy.id.value);
      if (!placed.ok())
        return Error{ErrorCode::kConflict,
                     "the VM's host has no room for a copy: " + placed.error().message,
                     "placement"};
      undo.push_back(
          [&sched, host, copy] { sched.release(host, demand_of(copy), copy.id.value, {}); });
      auto net = tx.compute().find_network(vm.network_id);
      if (!net) return not_found("the VM's network");
      GC_ASSIGN_OR_RETURN(auto addr, allocate_address(tx, *net, copy, now));
      copy.mac = addr.mac;
      copy.ip = addr.ip;
      tx.compute().insert_vm(copy);
      op.target_id = copy.id.value;  // the operation makes the copy; the source waits, cloning
      add_params(op, json::object{{"source", vm.id.value}});
      return ok_status();
    }
  }
  return ok_status();
}

void VmService::change_on_engine(const std::string& op_id) {
  auto loaded = load_work(op_id, false);
  if (!loaded.ok()) return finish(op_id, loaded.error().message);
  auto& [op, vm, host, spec] = loaded.value();
  if (op.kind == "vm.clone") {
    const Vm& copy = loaded->vm;  // a lambda cannot capture a structured binding (clang 14)
    auto made = store_.read([&](Tx& tx) { return domain_spec(tx, copy); });
    if (!made.ok()) return finish(op_id, made.error().message);
    spec = made.value();
  }
  auto params = json::parse(op.params).as_object();
  std::string action = str_param(params, "action");
  bool was_running = str_param(params, "from") == "running";
  std::string name = domain_name(vm);
  ComputeDriver* d = compute_.driver(host.driver);
  if (d == nullptr) return finish(op_id, "no driver " + host.driver);
  Status done = ok_status();
  if (action == "resize") {
    if (was_running) {
      progress(op_id, 10, "shutting the guest down");
      done = d->stop(host, name, false);
    }
    if (done.ok()) {
      progress(op_id, 40, "resizing");
      done = d->resize(host, name, static_cast<int>(int_param(params, "vcpu")),
                       int_param(params, "memory_mb"), int_param(params, "disk_gb"));
    }
    if (was_running) {
      // Started again either way: a failed resize leaves the guest as it was, running.
      progress(op_id, 70, "starting the guest");
      Status started = d->start(host, name);
      if (done.ok()) done = started;
    }
  } else if (action == "snapshot") {
    progress(op_id, 30, "taking the snapshot");
    done = d->snapshot(host, name, str_param(params, "snapshot_id"));
  } else if (action == "revert") {
    progress(op_id, 30, "reverting to the snapshot");
    done = d->revert(host, name, str_param(params, "snapshot_id"));
  } else if (action == "delete-snapshot") {
    progress(op_id, 30, "deleting the snapshot");
    done = d->delete_snapshot(host, name, str_param(params, "snapshot_id"));
  } else if (action == "clone") {
    progress(op_id, 20, "preparing the network " + spec.network.cidr);
    done = d->ensure_network(host, spec.network);
    if (done.ok()) {
      progress(op_id, 40, "copying the system disk");
      done = d->clone(host, "gc-" + str_param(params, "source"), spec);
    }
    if (!done.ok()) (void)d->remove(host, name, false);  // no half-made copy stays
  } else {
    done = Error{ErrorCode::kInternal, "unknown action " + action, {}};
  }
  finish(op_id, done.ok() ? "" : done.error().message);
}

Status VmService::finish_change(Tx& tx, Operation& op, Vm& vm, const std::string& action,
                                VmState from, const std::string& failure, TimeMs now,
                                Deferred& after) {
  auto params = json::parse(op.params).as_object();
  bool failed = !failure.empty();
  if (failed) vm.reason = op.kind + " failed: " + failure;
  Scheduler& sched = compute_.scheduler();
  if (action == "resize") {
    Vm old = sized(vm, static_cast<int>(int_param(params, "old_vcpu")),
                   int_param(params, "old_memory_mb"), int_param(params, "old_disk_gb"));
    Vm target = sized(vm, static_cast<int>(int_param(params, "vcpu")),
                      int_param(params, "memory_mb"), int_param(params, "disk_gb"));
    Vm big = sized(vm, std::max(old.vcpu, target.vcpu), std::max(old.memory_mb, target.memory_mb),
                   target.disk_gb);
    const Vm& final_size = failed ? old : target;
    GC_TRY(resize_reservation(tx, vm, final_size, "system", now));
    HostId host{vm.host_id};
    after.push_back([&sched, host, big, final_size] {
      sched.release(host, demand_of(big), big.id.value, {});
      sched.restore(host, demand_of(final_size), big.id.value, {});
    });
    if (!failed) {
      // Metering splits the interval: what ran stops at the old size and runs on at the new.
      if (from == VmState::kRunning) record_usage(tx, vm, "stopped", now);
      if (target.disk_gb != old.disk_gb) record_usage(tx, vm, "deleted", now);
      vm.vcpu = target.vcpu;
      vm.memory_mb = target.memory_mb;
      vm.disk_gb = target.disk_gb;
      if (from == VmState::kRunning) record_usage(tx, vm, "started", now);
      if (target.disk_gb != old.disk_gb) record_usage(tx, vm, "created", now);
    }
    vm.state = from;
  } else if (action == "snapshot" || action == "delete-snapshot") {
    auto snap = tx.compute().find_snapshot(str_param(params, "snapshot_id"));
    if (snap) {
      bool gone = action == "snapshot" ? failed : !failed;
      if (gone) {
        tx.compute().delete_snapshot(snap->id);
      } else {
        snap->state = "ready";
        tx.compute().update_snapshot(*snap);
      }
    }
    vm.state = from;
  } else if (action == "revert") {
    // A snapshot taken running resumes running; one taken shut off leaves the VM stopped.
    VmState now_state = failed                               ? from
                        : params.at("with_memory").as_bool() ? VmState::kRunning
                                                             : VmState::kStopped;
    if (from == VmState::kRunning && now_state == VmState::kStopped)
      record_usage(tx, vm, "stopped", now);
    if (from == VmState::kStopped && now_state == VmState::kRunning)
      record_usage(tx, vm, "started", now);
    vm.state = now_state;
  } else if (action == "clone") {
    if (auto source = tx.compute().find_vm(VmId{str_param(params, "source")})) {
      source->state = from;  // the source was stopped before and is again
      source->updated_at = now;
      tx.compute().update_vm(*source);
    }
    if (failed) {
      // Like a failed creation: the copy gives back its quota, address and host claim.
      if (!vm.reservation_id.empty())
        GC_TRY(release_in_tx(tx, ReservationId{vm.reservation_id},
                             {ReservationOwner::kVm, vm.id.value}));
      vm.reservation_id.clear();
      tx.compute().delete_addresses_of_vm(vm.id.value);
      HostId host{vm.host_id};
      Vm copy = vm;
      after.push_back(
          [&sched, host, copy] { sched.release(host, demand_of(copy), copy.id.value, {}); });
      vm.host_id.clear();
      vm.state = VmState::kError;
    } else {
      vm.state = VmState::kStopped;
      vm.reason.clear();
      record_usage(tx, vm, "created", now);
    }
  }
  return ok_status();
}

Result<std::vector<Snapshot>> VmService::snapshots_of(const Principal& who, const VmId& id) {
  return store_.read([&](Tx& tx) -> Result<std::vector<Snapshot>> {
    auto vm = tx.compute().find_vm(id);
    if (!vm || !who.can(Action::kVmRead, vm->org_path)) return not_found("VM");
    return tx.compute().snapshots_of(id.value);
  });
}

}  // namespace govcloud
