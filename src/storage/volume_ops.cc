// Volume actions as operations (decision 0011): begin (one transaction: rights, state, the
// attachment row or the quota) → the engine on a worker (no transaction held) → finish (one
// transaction: the new state, usage events, audit).
#include <boost/json.hpp>
#include <set>

#include "storage/volume_internal.h"

namespace govcloud {

using namespace volume_detail;
namespace json = boost::json;

struct VolumeService::Work {
  Operation op;
  json::object params;
  Volume volume;
  Host host;
  std::vector<DiskSpec> attached;  // every guest the volume is on
  std::optional<DiskSpec> disk;    // attach, detach: the one this operation is about
  std::optional<VolumeSnapshot> snapshot;
};

namespace {

std::string str(const json::object& p, const char* name) {
  auto* v = p.if_contains(name);
  return v && v->is_string() ? std::string(v->as_string()) : "";
}

Result<VolumeSnapshot> snapshot_of(Tx& tx, const Volume& v, const std::string& id_or_name) {
  for (auto& s : tx.storage().snapshots_of_volume(v.id))
    if (s.id == id_or_name || s.name == id_or_name) return s;
  return Error{ErrorCode::kNotFound, "the volume has no snapshot '" + id_or_name + "'", "snapshot"};
}

// The VM by id, or by name in the volume's business system; one the caller may not operate,
// or of another tenant, is not found.
Result<Vm> vm_for(Tx& tx, const Principal& who, const Volume& v, const std::string& id_or_name) {
  auto vm = tx.compute().find_vm(VmId{id_or_name});
  if (!vm) {
    VmQuery q;
    q.within_paths = {v.org_path};
    q.name_prefix = id_or_name;
    q.limit = 10;
    for (auto& cand : tx.compute().list_vms(q).items)
      if (cand.name == id_or_name && cand.org_id == v.org_id) vm = cand;
  }
  if (!vm || vm->state == VmState::kDeleted || !who.can(Action::kVmRead, vm->org_path) ||
      tenant_of_path(tx, vm->org_path) != tenant_of_path(tx, v.org_path))
    return Error{ErrorCode::kNotFound, "VM '" + id_or_name + "' not found", "vm"};
  if (!who.can(Action::kVmOperate, vm->org_path)) return denied("not allowed: vm.operate");
  return *vm;
}

Status resize_reservation(Tx& tx, Volume& v, std::int64_t size_gb, const std::string& by,
                          TimeMs now) {
  auto vdc = tx.find_vdc(VdcId{v.vdc_id});
  if (!vdc) return not_found("the volume's VDC");
  if (!v.reservation_id.empty())
    GC_TRY(release_in_tx(tx, ReservationId{v.reservation_id}, {ReservationOwner::kVolume, v.id}));
  Volume sized = v;
  sized.size_gb = size_gb;
  GC_ASSIGN_OR_RETURN(auto r, reserve_in_tx(tx, *vdc, volume_amounts(sized),
                                            {ReservationOwner::kVolume, v.id}, by, now));
  v.reservation_id = r.id.value;
  return ok_status();
}

}  // namespace

Result<Operation> VolumeService::act(const Principal& who, const std::string& id,
                                     const VolumeActionInput& in, const RequestContext& ctx) {
  if (in.idempotency_key.size() > 200)
    return invalid("Idempotency-Key", "an idempotency key is at most 200 characters");
  bool fresh = false;
  auto begun = store_.transact([&](Tx& tx) -> Result<Operation> {
    fresh = false;
    if (!in.idempotency_key.empty())
      if (auto first = tx.operations().find_by_idempotency_key(who.user.value, in.idempotency_key))
        return *first;
    auto v = tx.storage().find_volume(id);
    if (!v || !who.can(Action::kVmRead, v->org_path) || v->state == VolumeState::kDeleted)
      return not_found("volume");
    if (!who.can(Action::kVmOperate, v->org_path)) return denied("not allowed: vm.operate");
    if (tx.operations().target_busy(v->id))
      return conflict("the volume has an operation running; wait for it to finish");
    const char* action = volume_action_name(in.action);
    bool stable = v->state == VolumeState::kAvailable || v->state == VolumeState::kInUse;
    if (!stable && !(in.action == VolumeAction::kDelete && v->state == VolumeState::kError))
      return conflict(
          std::string("cannot ") + action + " a volume that is " + volume_state_name(v->state),
          "action");
    TimeMs now = clock_.now();
    json::object params{{"action", action}, {"from", volume_state_name(v->state)}};
    auto attached = tx.storage().attachments_of_volume(v->id);
    VolumeState during = v->state;
    std::string step = "queued";
    switch (in.action) {
      case VolumeAction::kAttach: {
        if (in.vm.empty()) return invalid("vm", "name the VM to attach the volume to");
        GC_ASSIGN_OR_RETURN(auto vm, vm_for(tx, who, *v, in.vm));
        if (vm.state != VmState::kRunning && vm.state != VmState::kStopped)
          return conflict("cannot attach to a VM that is " + std::string(vm_state_name(vm.state)),
                          "vm");
        if (tx.operations().target_busy(vm.id.value))
          return conflict("the VM has an operation running; wait for it to finish", "vm");
        for (const auto& a : attached) {
          if (a.vm_id == vm.id.value) return conflict("the volume is already on this VM", "vm");
          if (!v->shareable)
            return conflict("the volume is attached to VM " + a.vm_id +
                                "; a non-shareable volume is on one VM at a time (STO-03)",
                            "vm");
        }
        if (vm.host_id != v->host_id)
          return conflict("the volume is in host " + v->host_id +
                              "'s local pool and the VM runs on " + vm.host_id +
                              "; local volumes attach on their own host",
                          "vm");
        std::string target = next_target(tx.storage().attachments_of_vm(vm.id.value));
        if (target.empty()) return conflict("the VM has no free disk slot (vdb–vdz)", "vm");
        // The unique index refuses a second writer even if two begins raced past the check.
        if (!tx.storage().insert_attachment(
                VolumeAttachment{v->id, vm.id.value, target, v->shareable, now}))
          return conflict("the volume was attached to another VM just now (STO-03)", "vm");
        params["vm"] = vm.id.value;
        params["target"] = target;
        params["running"] = vm.state == VmState::kRunning;
        during = VolumeState::kAttaching;
        break;
      }
      case VolumeAction::kDetach: {
        std::optional<VolumeAttachment> which;
        if (in.vm.empty()) {
          if (attached.size() != 1)
            return invalid("vm", attached.empty() ? "the volume is not attached"
                                                  : "the volume is on several VMs: name one");
          which = attached.front();
        } else {
          GC_ASSIGN_OR_RETURN(auto vm, vm_for(tx, who, *v, in.vm));
          for (const auto& a : attached)
            if (a.vm_id == vm.id.value) which = a;
          if (!which) return conflict("the volume is not attached to this VM", "vm");
        }
        if (tx.operations().target_busy(which->vm_id))
          return conflict("the VM has an operation running; wait for it to finish", "vm");
        params["vm"] = which->vm_id;
        params["target"] = which->target;
        params["force"] = in.force;
        during = VolumeState::kDetaching;
        break;
      }
      case VolumeAction::kExpand: {
        if (in.size_gb < v->size_gb)
          return invalid("size_gb", "a volume never shrinks: it has " + std::to_string(v->size_gb) +
                                        " GB (STO-04)");
        if (in.size_gb == v->size_gb)
          return invalid("size_gb", "the volume already has " + std::to_string(v->size_gb) + " GB");
        if (in.size_gb > 32768) return invalid("size_gb", "size_gb is at most 32768");
        if (!who.can(Action::kQuotaHold, v->org_path))
          return denied(
              "not allowed: quota.hold (an expansion takes quota without a service request; "
              "ask the tenant administrator)");
        GC_TRY(resize_reservation(tx, *v, in.size_gb, who.user.value, now));
        params["size_gb"] = in.size_gb;
        params["old_size_gb"] = v->size_gb;
        during = VolumeState::kResizing;
        break;
      }
      case VolumeAction::kSnapshot: {
        if (!valid_volume_name(in.name))
          return invalid("name", "a snapshot name is 1–64 characters without '/' or ','");
        for (const auto& s : tx.storage().snapshots_of_volume(v->id))
          if (s.name == in.name) return conflict("the volume has a snapshot of that name", "name");
        VolumeSnapshot s{new_id("vsn"), v->id, in.name,    v->org_path, "",
                         v->size_gb,    0,     "creating", now};
        tx.storage().insert_volume_snapshot(s);
        params["snapshot"] = s.id;
        during = VolumeState::kSnapshotting;
        break;
      }
      case VolumeAction::kRestore: {
        GC_ASSIGN_OR_RETURN(auto s, snapshot_of(tx, *v, in.snapshot));
        if (s.state != "ready") return conflict("the snapshot is not ready", "snapshot");
        if (!attached.empty())
          return conflict(
              "detach the volume before restoring it: a guest would see its data "
              "change under it",
              "snapshot");
        params["snapshot"] = s.id;
        during = VolumeState::kRestoring;
        break;
      }
      case VolumeAction::kDeleteSnapshot: {
        GC_ASSIGN_OR_RETURN(auto s, snapshot_of(tx, *v, in.snapshot));
        if (s.state != "ready") return conflict("the snapshot is not ready", "snapshot");
        s.state = "deleting";
        tx.storage().update_volume_snapshot(s);
        params["snapshot"] = s.id;
        break;  // the volume itself is unchanged; the running operation keeps it busy
      }
      case VolumeAction::kDelete: {
        if (!attached.empty())
          return conflict(
              "the volume is attached to VM " + attached.front().vm_id + "; detach it first",
              "action");
        params["secure"] = in.secure;
        during = VolumeState::kDeleting;
        step = in.secure ? "queued (secure delete: its blocks are overwritten first)" : "queued";
        break;
      }
    }
    Operation op;
    op.id = new_id("op");
    op.kind = std::string("volume.") + action;
    op.target_id = v->id;
    op.org_id = v->org_id;
    op.org_path = v->org_path;
    op.user_id = who.user.value;
    op.idempotency_key = in.idempotency_key;
    op.params = json::serialize(params);
    op.step = step;
    op.created_at = op.updated_at = now;
    tx.operations().insert_operation(op);
    v->state = during;
    v->updated_at = now;
    tx.storage().update_volume(*v);
    std::vector<std::pair<std::string, std::string>> details{{"operation", op.id}};
    if (params.contains("vm")) details.emplace_back("vm", str(params, "vm"));
    audit_volume(tx, clock_, &who, ctx, op.kind, *v, "accepted", details);
    fresh = true;
    return op;
  });
  if (!begun.ok() || !fresh) return begun;  // a repeated idempotency key runs nothing again
  std::string op_id = begun->id;
  workers_.submit([this, op_id] { act_on_engine(op_id); });
  return begun;
}

void VolumeService::progress(const std::string& op_id, int percent, const std::string& step) {
  record_progress(store_, clock_.now(), op_id, percent, step);
}

Result<VolumeService::Work> VolumeService::load_work(const std::string& op_id) {
  return store_.read([&](Tx& tx) -> Result<Work> {
    auto op = tx.operations().find_operation(op_id);
    if (!op) return not_found("operation");
    auto v = tx.storage().find_volume(op->target_id);
    if (!v) return not_found("volume");
    auto host = tx.compute().find_host(HostId{v->host_id});
    if (!host) return not_found("the volume's host");
    Work w{*op, json::parse(op->params).as_object(), *v, *host, {}, std::nullopt, std::nullopt};
    for (const auto& a : tx.storage().attachments_of_volume(v->id)) {
      DiskSpec d = disk_spec(tx, *v, a);
      if (a.vm_id == str(w.params, "vm")) w.disk = d;
      w.attached.push_back(d);
    }
    if (std::string s = str(w.params, "snapshot"); !s.empty())
      w.snapshot = tx.storage().find_volume_snapshot(s);
    return w;
  });
}

void VolumeService::create_on_engine(const std::string& op_id) {
  auto loaded = load_work(op_id);
  if (!loaded.ok()) return finish(op_id, loaded.error().message, 0);
  Work& w = loaded.value();
  StorageDriver* d = driver(w.host.driver);
  if (d == nullptr) return finish(op_id, "no storage driver for " + w.host.driver, 0);
  VolumeSpec spec = volume_spec(w.volume);
  Status done = ok_status();
  if (w.snapshot) {
    progress(op_id, 20, "copying the snapshot's data");
    auto source = store_.read([&](Tx& tx) -> Result<Volume> {
      auto v = tx.storage().find_volume(w.snapshot->volume_id);
      if (!v) return not_found("the snapshot's volume");
      return *v;
    });
    done = source.ok() ? d->create_from_snapshot(w.host, volume_spec(source.value()),
                                                 engine_snapshot(*w.snapshot), spec)
                       : Status{source.error()};
  } else {
    progress(op_id, 20, "creating the volume in the " + w.volume.tier + " pool");
    done = d->create_volume(w.host, spec);
  }
  // A failure rolls back what the engine did.
  if (!done.ok()) (void)d->delete_volume(w.host, spec, false, nullptr);
  finish(op_id, done.ok() ? "" : done.error().message, 0);
}

void VolumeService::act_on_engine(const std::string& op_id) {
  auto loaded = load_work(op_id);
  if (!loaded.ok()) return finish(op_id, loaded.error().message, 0);
  Work& w = loaded.value();
  std::string action = str(w.params, "action");
  if (action == "create") return create_on_engine(op_id);
  StorageDriver* d = driver(w.host.driver);
  if (d == nullptr) return finish(op_id, "no storage driver for " + w.host.driver, 0);
  VolumeSpec spec = volume_spec(w.volume);
  Status done = ok_status();
  std::int64_t used = 0;
  if ((action == "attach" || action == "detach") && !w.disk) {
    done = Error{ErrorCode::kConflict, "the attachment is gone", "vm"};
  } else if (action == "attach") {
    progress(op_id, 30, "attaching as " + w.disk->target);
    done = d->attach(w.host, *w.disk);
  } else if (action == "detach") {
    progress(op_id, 30, "asking the guest to release " + w.disk->target);
    auto* force = w.params.if_contains("force");
    done = d->detach(w.host, *w.disk, force != nullptr && force->as_bool());
  } else if (action == "expand") {
    spec.size_gb = w.params.at("size_gb").as_int64();
    progress(op_id, 30, "growing to " + std::to_string(spec.size_gb) + " GB");
    done = d->grow_volume(w.host, spec, w.attached);
  } else if (!w.snapshot &&
             (action == "snapshot" || action == "restore" || action == "delete-snapshot")) {
    done = Error{ErrorCode::kNotFound, "the snapshot is gone", "snapshot"};
  } else if (action == "snapshot") {
    progress(op_id, 30, w.attached.empty() ? "copying" : "pausing the guests and copying");
    auto r = d->snapshot_volume(w.host, spec, engine_snapshot(*w.snapshot), w.attached);
    if (r.ok()) used = r.value();
    done = r.ok() ? ok_status() : Status{r.error()};
  } else if (action == "restore") {
    progress(op_id, 30, "copying the snapshot's data back");
    done = d->restore_volume(w.host, spec, engine_snapshot(*w.snapshot));
  } else if (action == "delete-snapshot") {
    done = d->delete_volume_snapshot(w.host, spec, engine_snapshot(*w.snapshot));
  } else if (action == "delete") {
    auto snaps = store_.read([&](Tx& tx) -> Result<std::vector<VolumeSnapshot>> {
      return tx.storage().snapshots_of_volume(w.volume.id);
    });
    for (const auto& s : snaps.ok() ? snaps.value() : std::vector<VolumeSnapshot>{})
      if (done.ok()) done = d->delete_volume_snapshot(w.host, spec, engine_snapshot(s));
    auto* secure = w.params.if_contains("secure");
    bool wipe = secure != nullptr && secure->as_bool();
    int last = -1;
    if (done.ok())
      done = d->delete_volume(w.host, spec, wipe, [&](int percent) {
        if (percent / 5 == last / 5) return;  // one progress write per 5 %
        last = percent;
        progress(op_id, 10 + percent * 85 / 100,
                 "overwriting the blocks: " + std::to_string(percent) + "%");
      });
  }
  finish(op_id, done.ok() ? "" : done.error().message, used);
}

void VolumeService::finish(const std::string& op_id, const std::string& failure,
                           std::int64_t used_bytes) {
  (void)store_.transact([&](Tx& tx) -> Status {
    auto op = tx.operations().find_operation(op_id);
    if (!op || op->state != OpState::kRunning) return ok_status();
    auto v = tx.storage().find_volume(op->target_id);
    if (!v) return not_found("volume");
    auto params = json::parse(op->params).as_object();
    std::string action = str(params, "action");
    VolumeState from = parse_volume_state(str(params, "from")).value_or(VolumeState::kError);
    TimeMs now = clock_.now();
    auto attached_after = [&] {
      return tx.storage().attachments_of_volume(v->id).empty() ? VolumeState::kAvailable
                                                               : VolumeState::kInUse;
    };
    std::optional<VolumeSnapshot> snap;
    if (std::string s = str(params, "snapshot"); !s.empty())
      snap = tx.storage().find_volume_snapshot(s);
    if (action == "create") {
      if (failure.empty()) {
        v->state = VolumeState::kAvailable;
        record_usage(tx, *v, "created", now);
      } else {
        // The volume stays, in error with the reason, holding nothing.
        v->state = VolumeState::kError;
        v->reason = "creation failed: " + failure;
        if (!v->reservation_id.empty())
          GC_TRY(release_in_tx(tx, ReservationId{v->reservation_id},
                               {ReservationOwner::kVolume, v->id}));
        v->reservation_id.clear();
      }
      GC_TRY(finish_provisioning(tx, str(params, "request"), v->id, failure, now));
    } else if (action == "attach") {
      if (failure.empty()) {
        record_usage(tx, *v, "attached", now);
      } else {
        tx.storage().delete_attachment(v->id, str(params, "vm"));
      }
      v->state = attached_after();
    } else if (action == "detach") {
      if (failure.empty()) {
        tx.storage().delete_attachment(v->id, str(params, "vm"));
        record_usage(tx, *v, "detached", now);
      }
      v->state = attached_after();
    } else if (action == "expand") {
      if (failure.empty()) {
        v->size_gb = params.at("size_gb").as_int64();
        record_usage(tx, *v, "resized", now);
      } else {
        // The quota goes back to what the unchanged volume holds.
        GC_TRY(resize_reservation(tx, *v, v->size_gb, op->user_id, now));
      }
      v->state = from;
    } else if (action == "snapshot") {
      if (snap && failure.empty()) {
        snap->state = "ready";
        snap->used_bytes = used_bytes;
        tx.storage().update_volume_snapshot(*snap);
        record_snapshot_usage(tx, *v, *snap, "created", now);
      } else if (snap) {
        tx.storage().delete_volume_snapshot(snap->id);
      }
      v->state = from;
    } else if (action == "restore") {
      v->state = from;
    } else if (action == "delete-snapshot") {
      if (snap && failure.empty()) {
        tx.storage().delete_volume_snapshot(snap->id);
        record_snapshot_usage(tx, *v, *snap, "deleted", now);
      } else if (snap) {
        snap->state = "ready";
        tx.storage().update_volume_snapshot(*snap);
      }
    } else if (action == "delete") {
      if (failure.empty()) {
        for (const auto& s : tx.storage().snapshots_of_volume(v->id)) {
          tx.storage().delete_volume_snapshot(s.id);
          record_snapshot_usage(tx, *v, s, "deleted", now);
        }
        if (from != VolumeState::kError) record_usage(tx, *v, "deleted", now);
        if (!v->reservation_id.empty())
          GC_TRY(release_in_tx(tx, ReservationId{v->reservation_id},
                               {ReservationOwner::kVolume, v->id}));
        v->reservation_id.clear();
        v->state = VolumeState::kDeleted;
      } else {
        v->state = from;
      }
    }
    if (!failure.empty() && action != "create") v->reason = op->kind + " failed: " + failure;
    if (failure.empty()) v->reason.clear();
    v->updated_at = now;
    tx.storage().update_volume(*v);
    op->state = failure.empty() ? OpState::kSucceeded : OpState::kFailed;
    op->error = failure;
    op->progress = 100;
    op->step = failure.empty() ? "done" : "failed";
    op->updated_at = op->finished_at = now;
    tx.operations().update_operation(*op);
    std::vector<std::pair<std::string, std::string>> details{{"operation", op->id},
                                                             {"error", failure}};
    if (params.contains("vm")) details.emplace_back("vm", str(params, "vm"));
    audit_volume(tx, clock_, nullptr, RequestContext{"local", op->id}, op->kind, *v,
                 failure.empty() ? "success" : "failure", details);
    return ok_status();
  });
}

std::vector<StorageDrift> VolumeService::reconcile() {
  struct Expect {
    std::vector<Host> hosts;
    std::map<std::string, std::string> attached;  // "<domain>/<volume>" → expected state note
    std::map<std::string, IoLimits> limits;       // by the same key
    std::set<std::string> busy;                   // volumes with an operation running
  };
  auto expect = store_.read([&](Tx& tx) -> Result<Expect> {
    Expect e;
    e.hosts = tx.compute().all_hosts();
    for (const auto& v : tx.storage().live_volumes()) {
      if (tx.operations().target_busy(v.id)) e.busy.insert(engine_name(v.id));
      for (const auto& a : tx.storage().attachments_of_volume(v.id)) {
        std::string key = domain_of(a.vm_id) + "/" + engine_name(v.id);
        e.attached[key] = v.host_id;
        e.limits[key] = limits_of(tx, v.tier);
      }
    }
    return e;
  });
  std::vector<StorageDrift> out;
  if (!expect.ok()) return out;
  Expect& e = expect.value();
  std::set<std::string> seen;
  std::set<std::string> reached;
  for (const auto& h : e.hosts) {
    StorageDriver* d = driver(h.driver);
    if (d == nullptr || h.state == HostState::kFenced) continue;
    auto disks = d->disks(h);
    if (!disks.ok()) continue;
    reached.insert(h.id.value);
    for (const auto& disk : disks.value()) {
      if (e.busy.contains(disk.volume)) continue;  // an operation is changing it right now
      std::string key = disk.domain + "/" + disk.volume;
      seen.insert(key);
      if (!e.attached.contains(key)) {
        out.push_back(StorageDrift{
            h.name, disk.domain, disk.volume, "attached_in_engine_only",
            "the guest has the disk as " + disk.target + "; the store has no such attachment"});
      } else if (!(e.limits[key] == disk.limits)) {
        out.push_back(StorageDrift{h.name, disk.domain, disk.volume, "limits",
                                   "iotune " + std::to_string(disk.limits.iops) + " IOPS / " +
                                       std::to_string(disk.limits.bytes_per_sec) +
                                       " B/s; the tier says " + std::to_string(e.limits[key].iops) +
                                       " / " + std::to_string(e.limits[key].bytes_per_sec)});
      }
    }
  }
  for (const auto& [key, host_id] : e.attached) {
    std::string volume = key.substr(key.find('/') + 1);
    if (seen.contains(key) || !reached.contains(host_id) || e.busy.contains(volume)) continue;
    out.push_back(StorageDrift{host_id, key.substr(0, key.find('/')), volume,
                               "attached_in_store_only",
                               "the store has the attachment; the guest does not have the disk"});
  }
  return out;
}

Result<std::vector<StorageDrift>> VolumeService::reconcile_now(const Principal& who) {
  auto allowed = store_.read([&](Tx& tx) -> Status {
    auto root = tx.find_root_org();
    if (!root || !who.can(Action::kHostManage, root->path))
      return denied("not allowed: host.manage (the reconciler probes every host)");
    return ok_status();
  });
  if (!allowed.ok()) return allowed.error();
  return reconcile();
}

}  // namespace govcloud
