// Volumes (云硬盘): creation through the workflow, reads, tiers, and the volume's part in its
// VMs' lives (decision 0011).
#include <boost/json.hpp>
#include <map>

#include "storage/volume_internal.h"

namespace govcloud {

using namespace volume_detail;
namespace json = boost::json;

namespace {

std::string str_param(const json::object& p, const char* name) {
  auto* v = p.if_contains(name);
  return v && v->is_string() ? std::string(v->as_string()) : "";
}

struct VolumeParams {
  std::string name;
  std::int64_t size_gb = 0;
  std::string tier = "normal";
  VolumePurpose purpose = VolumePurpose::kBusiness;
  bool shareable = false;
  std::optional<VolumeSnapshot> snapshot;
  std::optional<Volume> source;  // the snapshot's volume
  std::vector<std::string> tags;
};

Result<VolumeParams> read_params(Tx& tx, const Org& system, const json::object& p) {
  VolumeParams out;
  out.name = str_param(p, "name");
  if (!valid_volume_name(out.name))
    return invalid("params.name", "a volume name is 1–64 characters without '/' or ','");
  auto* size = p.if_contains("size_gb");
  if (size == nullptr || !size->is_int64() || size->as_int64() < 1 || size->as_int64() > 32768)
    return invalid("params.size_gb", "size_gb is a whole number of GB, 1–32768 (STO-02)");
  out.size_gb = size->as_int64();
  out.tier = str_param(p, "tier").empty() ? "normal" : str_param(p, "tier");
  if (out.tier != "normal" && out.tier != "performance")
    return invalid("params.tier", "tier is normal or performance");
  auto purpose =
      parse_volume_purpose(str_param(p, "purpose").empty() ? "business" : str_param(p, "purpose"));
  if (!purpose) return invalid("params.purpose", "purpose is business or backup");
  out.purpose = *purpose;
  if (out.purpose == VolumePurpose::kBackup && out.tier != "normal")
    return invalid("params.tier", "backup space is normal-tier storage (普通性能存储（备份）)");
  auto* shareable = p.if_contains("shareable");
  out.shareable = shareable != nullptr && shareable->is_bool() && shareable->as_bool();
  if (std::string snap = str_param(p, "snapshot"); !snap.empty()) {
    auto s = tx.storage().find_volume_snapshot(snap);
    std::optional<Volume> src = s ? tx.storage().find_volume(s->volume_id) : std::nullopt;
    // Data stays in its business system: a snapshot of another system's volume is not found.
    if (!s || !src || src->org_id != system.id.value || src->state == VolumeState::kDeleted)
      return Error{ErrorCode::kNotFound, "snapshot '" + snap + "' not found", "params.snapshot"};
    if (s->state != "ready") return conflict("the snapshot is not ready", "params.snapshot");
    if (out.size_gb < s->size_gb)
      return invalid("params.size_gb", "a volume from this snapshot needs at least " +
                                           std::to_string(s->size_gb) + " GB");
    if (src->tier != out.tier || src->shareable != out.shareable)
      return invalid("params.tier",
                     "a volume from a snapshot keeps the tier and sharing of its source");
    out.snapshot = *s;
    out.source = *src;
  }
  std::string tags = str_param(p, "tags");
  std::size_t start = 0;
  while (start < tags.size()) {
    std::size_t end = tags.find(',', start);
    if (end == std::string::npos) end = tags.size();
    std::string t = tags.substr(start, end - start);
    if (!t.empty()) out.tags.push_back(t.substr(0, 64));
    start = end + 1;
  }
  if (out.tags.size() > 20) return invalid("params.tags", "at most 20 tags");
  return out;
}

// Where a new volume's file goes: its source's host, else the up host running most of the
// system's VMs (pools are host-local: a volume is attached on its own host), else any up host.
Result<std::string> choose_host(Tx& tx, const Org& system, const VolumeParams& p,
                                const std::map<std::string, StorageDriver*>& drivers) {
  if (p.source) return p.source->host_id;
  std::map<std::string, int> vms_per_host;
  VmQuery q;
  q.within_paths = {system.path};
  q.limit = 500;
  for (const auto& vm : tx.compute().list_vms(q).items)
    if (!vm.host_id.empty()) ++vms_per_host[vm.host_id];
  std::string best;
  int most = -1;
  for (const auto& h : tx.compute().all_hosts()) {
    if (h.state != HostState::kUp || h.bare_metal || !drivers.contains(h.driver)) continue;
    int n = vms_per_host.contains(h.id.value) ? vms_per_host[h.id.value] : 0;
    if (n > most) {
      most = n;
      best = h.id.value;
    }
  }
  if (best.empty()) return conflict("no host with a storage pool is up");
  return best;
}

}  // namespace

std::optional<VolumeAction> parse_volume_action(std::string_view text) {
  for (VolumeAction a : {VolumeAction::kAttach, VolumeAction::kDetach, VolumeAction::kExpand,
                         VolumeAction::kSnapshot, VolumeAction::kRestore,
                         VolumeAction::kDeleteSnapshot, VolumeAction::kDelete})
    if (text == volume_action_name(a)) return a;
  return std::nullopt;
}

const char* volume_action_name(VolumeAction a) {
  switch (a) {
    case VolumeAction::kAttach:
      return "attach";
    case VolumeAction::kDetach:
      return "detach";
    case VolumeAction::kExpand:
      return "expand";
    case VolumeAction::kSnapshot:
      return "snapshot";
    case VolumeAction::kRestore:
      return "restore";
    case VolumeAction::kDeleteSnapshot:
      return "delete-snapshot";
    case VolumeAction::kDelete:
      return "delete";
  }
  return "attach";
}

VolumeService::VolumeService(Store& store, const Clock& clock, ComputeService& compute,
                             VmService& vms, Workers& workers)
    : store_(store), clock_(clock), compute_(compute), vms_(vms), workers_(workers) {
  vms_.add_action_guard(
      [this](Tx& tx, const Vm& vm, VmAction a) { return guard_vm_action(tx, vm, a); });
  vms_.add_deletion_hook([this](Tx& tx, const Vm& vm, TimeMs now) { on_vm_deleted(tx, vm, now); });
}

void VolumeService::add_driver(StorageDriver& driver) {
  drivers_[driver.kind()] = &driver;
}

StorageDriver* VolumeService::driver(const std::string& kind) {
  auto it = drivers_.find(kind);
  return it == drivers_.end() ? nullptr : it->second;
}

IoLimits VolumeService::default_limits(const std::string& tier) {
  constexpr std::int64_t kMiB = 1 << 20;
  if (tier == "performance") return IoLimits{20000, 350 * kMiB};
  return IoLimits{3000, 150 * kMiB};
}

std::vector<std::pair<std::string, std::string>> VolumeService::online_expansion_os() {
  // virtio-blk reports a capacity change to the guest, which re-reads it: these kernels do.
  return {{"Linux (kernel ≥ 3.6, virtio_blk)",
           "the disk grows at once; grow the partition or file system (growpart, resize2fs, "
           "xfs_growfs)"},
          {"麒麟 Kylin V10 / 统信 UOS V20 / openEuler 20.03+", "as Linux"},
          {"CentOS / RHEL 7, 8, 9; Ubuntu 18.04+; Debian 10+", "as Linux"},
          {"Windows Server 2012 R2 / 2016 / 2019 / 2022 (virtio-win viostor ≥ 0.1.126)",
           "Disk Management → Rescan Disks, then Extend Volume"}};
}

Status VolumeService::start() {
  GC_TRY(store_.transact([&](Tx& tx) -> Status {
    for (const char* tier : {"normal", "performance"})
      if (!tx.storage().find_tier(tier)) {
        IoLimits l = default_limits(tier);
        tx.storage().put_tier(StorageTier{tier, l.iops, l.bytes_per_sec, clock_.now()});
      }
    return ok_status();
  }));
  // Every driver call is idempotent: an operation a stop interrupted is run again to its end.
  auto running = store_.read([&](Tx& tx) -> Result<std::vector<Operation>> {
    return tx.operations().running_operations();
  });
  if (!running.ok()) return running.error();
  for (const auto& op : running.value()) {
    if (op.kind.rfind("volume.", 0) != 0) continue;
    std::string id = op.id;
    if (op.kind == "volume.create")
      workers_.submit([this, id] { create_on_engine(id); });
    else
      workers_.submit([this, id] { act_on_engine(id); });
  }
  return ok_status();
}

Status VolumeService::validate(Tx& tx, const Org& system, const json::object& params) {
  GC_ASSIGN_OR_RETURN(auto p, read_params(tx, system, params));
  if (tx.storage().find_volume_by_name(system.id.value, p.name))
    return conflict("this system already has a volume named '" + p.name + "'", "params.name");
  return ok_status();
}

void VolumeService::fail_request(const std::string& request_id, const std::string& reason) {
  (void)store_.transact([&](Tx& tx) -> Status {
    return finish_provisioning(tx, request_id, "", reason, clock_.now());
  });
}

void VolumeService::provision(const std::string& request_id) {
  std::string volume_id = new_id("vol");
  auto begun = store_.transact([&](Tx& tx) -> Result<Operation> {
    TimeMs now = clock_.now();
    if (auto existing = tx.storage().find_volume_by_request(request_id))
      return conflict("request " + request_id + " already has volume " + existing->id);
    GC_ASSIGN_OR_RETURN(
        auto order, claim_provisioning(tx, request_id, ReservationOwner::kVolume, volume_id, now));
    auto system = tx.find_org(OrgId{order.org_id});
    if (!system) return not_found("the request's system");
    GC_ASSIGN_OR_RETURN(auto p, read_params(tx, *system, order.params));
    if (tx.storage().find_volume_by_name(system->id.value, p.name))
      return conflict("this system already has a volume named '" + p.name + "'", "params.name");
    GC_ASSIGN_OR_RETURN(auto host, choose_host(tx, *system, p, drivers_));
    Volume v;
    v.id = volume_id;
    v.name = p.name;
    v.org_id = system->id.value;
    v.org_path = system->path;
    v.vdc_id = order.vdc_id;
    v.owner = order.owner;
    v.request_id = request_id;
    v.host_id = host;
    v.tier = p.tier;
    v.purpose = p.purpose;
    v.shareable = p.shareable;
    v.size_gb = p.size_gb;
    v.tags = p.tags;
    v.reservation_id = order.reservation_id;
    v.created_at = v.updated_at = now;
    tx.storage().insert_volume(v);
    json::object params{{"action", "create"}, {"request", request_id}};
    if (p.snapshot) params["snapshot"] = p.snapshot->id;
    Operation op;
    op.id = new_id("op");
    op.kind = "volume.create";
    op.target_id = volume_id;
    op.org_id = v.org_id;
    op.org_path = v.org_path;
    op.user_id = order.owner;
    op.params = json::serialize(params);
    op.step = "queued";
    op.progress = 5;
    op.created_at = op.updated_at = now;
    tx.operations().insert_operation(op);
    audit_volume(tx, clock_, nullptr, RequestContext{"local", request_id}, "volume.create", v,
                 "accepted", {{"operation", op.id}, {"request", request_id}, {"host", host}});
    return op;
  });
  if (!begun.ok()) return fail_request(request_id, begun.error().message);
  std::string op_id = begun->id;
  workers_.submit([this, op_id] { create_on_engine(op_id); });
}

Result<Listing<Volume>> VolumeService::list(const Principal& who, VolumeQuery q) {
  q.within_paths = who.paths_for(Action::kVmRead);
  if (q.within_paths.empty()) return denied("not allowed: vm.read");
  if (q.limit < 1 || q.limit > 500) return invalid("limit", "limit must be 1–500");
  if (q.offset < 0) return invalid("offset", "offset must not be negative");
  if (!q.tier.empty() && q.tier != "normal" && q.tier != "performance")
    return invalid("tier", "tier is normal or performance");
  return store_.read(
      [&](Tx& tx) -> Result<Listing<Volume>> { return tx.storage().list_volumes(q); });
}

Result<Volume> VolumeService::get(const Principal& who, const std::string& id) {
  return store_.read([&](Tx& tx) -> Result<Volume> {
    auto v = tx.storage().find_volume(id);
    if (!v || !who.can(Action::kVmRead, v->org_path)) return not_found("volume");
    return *v;
  });
}

Result<std::vector<VolumeAttachment>> VolumeService::attachments_of(const Principal& who,
                                                                    const std::string& id) {
  return store_.read([&](Tx& tx) -> Result<std::vector<VolumeAttachment>> {
    auto v = tx.storage().find_volume(id);
    if (!v || !who.can(Action::kVmRead, v->org_path)) return not_found("volume");
    return tx.storage().attachments_of_volume(id);
  });
}

Result<std::vector<VolumeSnapshot>> VolumeService::snapshots_of(const Principal& who,
                                                                const std::string& id) {
  return store_.read([&](Tx& tx) -> Result<std::vector<VolumeSnapshot>> {
    auto v = tx.storage().find_volume(id);
    if (!v || !who.can(Action::kVmRead, v->org_path)) return not_found("volume");
    return tx.storage().snapshots_of_volume(id);
  });
}

Result<std::vector<Operation>> VolumeService::operations_of(const Principal& who,
                                                            const std::string& id) {
  return store_.read([&](Tx& tx) -> Result<std::vector<Operation>> {
    auto v = tx.storage().find_volume(id);
    if (!v || !who.can(Action::kVmRead, v->org_path)) return not_found("volume");
    return tx.operations().operations_of(id, 50);
  });
}

Result<std::vector<StorageTier>> VolumeService::tiers(const Principal& who) {
  (void)who;  // published like the catalog
  return store_.read(
      [&](Tx& tx) -> Result<std::vector<StorageTier>> { return tx.storage().tiers(); });
}

Result<StorageTier> VolumeService::set_tier(const Principal& who, const std::string& name,
                                            IoLimits limits, const RequestContext& ctx) {
  if (name != "normal" && name != "performance")
    return Error{ErrorCode::kNotFound, "tier '" + name + "' not found", "name"};
  if (limits.iops < 100 || limits.iops > 1'000'000)
    return invalid("iops", "iops is 100–1,000,000 per disk");
  if (limits.bytes_per_sec < (1 << 20) || limits.bytes_per_sec > (std::int64_t{100} << 30))
    return invalid("bytes_per_sec", "bytes_per_sec is 1 MiB/s – 100 GiB/s");
  auto saved = store_.transact([&](Tx& tx) -> Result<StorageTier> {
    auto root = tx.find_root_org();
    if (!root || !who.can(Action::kHostManage, root->path))
      return denied("not allowed: host.manage (tiers are the provider's)");
    StorageTier t{name, limits.iops, limits.bytes_per_sec, clock_.now()};
    tx.storage().put_tier(t);
    write_audit(tx, clock_, &who, ctx,
                AuditEvent{"storage.tier",
                           name,
                           root->id.value,
                           "success",
                           {{"iops", std::to_string(limits.iops)},
                            {"bytes_per_sec", std::to_string(limits.bytes_per_sec)}}});
    return t;
  });
  if (saved.ok()) workers_.submit([this, name] { reapply_limits(name); });
  return saved;
}

void VolumeService::reapply_limits(const std::string& tier) {
  struct Job {
    Host host;
    DiskSpec disk;
  };
  auto jobs = store_.read([&](Tx& tx) -> Result<std::vector<Job>> {
    std::vector<Job> out;
    for (const auto& v : tx.storage().live_volumes()) {
      if (v.tier != tier) continue;
      auto host = tx.compute().find_host(HostId{v.host_id});
      if (!host) continue;
      for (const auto& a : tx.storage().attachments_of_volume(v.id))
        out.push_back(Job{*host, disk_spec(tx, v, a)});
    }
    return out;
  });
  if (!jobs.ok()) return;
  for (const auto& j : jobs.value())
    if (StorageDriver* d = driver(j.host.driver)) (void)d->set_limits(j.host, j.disk);
}

Status VolumeService::guard_vm_action(Tx& tx, const Vm& vm, VmAction action) {
  auto attached = tx.storage().attachments_of_vm(vm.id.value);
  for (const auto& a : attached)
    if (tx.operations().target_busy(a.volume_id))
      return conflict("a volume operation on this VM is running; wait for it to finish");
  if (action == VmAction::kMigrate && !attached.empty())
    return conflict(
        "the VM has volumes in its host's local storage pool; detach them before migrating");
  if (action == VmAction::kSnapshot)
    for (const auto& a : attached)
      if (a.shareable)
        return conflict(
            "a shareable volume is attached: VM snapshots cover qcow2 disks only; detach it or "
            "snapshot the volume itself");
  return ok_status();
}

void VolumeService::on_vm_deleted(Tx& tx, const Vm& vm, TimeMs now) {
  for (const auto& a : tx.storage().attachments_of_vm(vm.id.value)) {
    tx.storage().delete_attachment(a.volume_id, a.vm_id);
    auto v = tx.storage().find_volume(a.volume_id);
    if (!v) continue;
    record_usage(tx, *v, "detached", now);
    if (v->state == VolumeState::kInUse && tx.storage().attachments_of_volume(v->id).empty()) {
      v->state = VolumeState::kAvailable;
      v->updated_at = now;
      tx.storage().update_volume(*v);
    }
    audit_volume(tx, clock_, nullptr, RequestContext{"local", vm.id.value}, "volume.detach", *v,
                 "success", {{"vm", vm.id.value}, {"why", "the VM was deleted"}});
  }
}

}  // namespace govcloud
