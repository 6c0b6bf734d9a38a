// An approved cloud-host request becomes a VM (CMP-01): begin (claim the request's quota for the
// VM, place it, give it an address, record the operation) → engine (network, disk and domain,
// boot) on a worker → finish (running, or failed with the reason and everything given back).
#include <boost/json.hpp>
#include <regex>

#include "compute/vm_internal.h"

namespace govcloud {

using namespace vm_detail;
namespace json = boost::json;

namespace {

struct VmParams {
  std::string name;
  int vcpu = 0;
  std::int64_t memory_mb = 0;
  std::int64_t disk_gb = 0;
  Image image;
  Arch arch = Arch::kX86;
  std::vector<std::string> tags;
  std::string anti_affinity_group;
  int min_cpu_mhz = 0;
};

Result<VmParams> read_params(Tx& tx, const Org& system, const json::object& p) {
  VmParams out;
  out.name = str_param(p, "name");
  if (!valid_vm_name(out.name)) return invalid("params.name", kVmNameRule);
  out.vcpu = static_cast<int>(int_param(p, "vcpu"));
  out.memory_mb = int_param(p, "memory_gb") * 1024;
  out.disk_gb = int_param(p, "disk_gb");
  if (out.vcpu < 1 || out.vcpu > 64) return invalid("params.vcpu", "vcpu must be 1–64");
  if (out.memory_mb < 1024 || out.memory_mb > std::int64_t{512} * 1024)
    return invalid("params.memory_gb", "memory_gb must be 1–512");
  auto arch = parse_arch(str_param(p, "arch").empty() ? "x86" : str_param(p, "arch"));
  if (!arch) return invalid("params.arch", "arch must be x86, arm or c86");
  out.arch = *arch;
  std::string image = str_param(p, "image");
  auto img = tx.compute().find_image(image);
  if (!img) img = tx.compute().find_image_by_name(image);
  if (!img || (img->scope != "global" && !path_within(system.path, img->org_path)))
    return Error{ErrorCode::kNotFound, "image '" + image + "' not found", "params.image"};
  if (img->arch != out.arch)
    return invalid("params.arch", "image " + img->name + " is for " + arch_name(img->arch) +
                                      ", not " + arch_name(out.arch));
  if (out.disk_gb < 1 || out.disk_gb > 2048) return invalid("params.disk_gb", "disk_gb: 1–2048");
  if (out.disk_gb < img->virtual_gb)
    return invalid("params.disk_gb", "image " + img->name + " needs a disk of at least " +
                                         std::to_string(img->virtual_gb) + " GB");
  out.image = *img;
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
  std::int64_t mhz = int_param(p, "min_cpu_mhz");
  if (mhz < 0 || mhz > 10000)
    return invalid("params.min_cpu_mhz", "min_cpu_mhz is 0–10000 MHz (CMP-07 主频下限)");
  out.min_cpu_mhz = static_cast<int>(mhz);
  static const std::regex kGroup("^[A-Za-z0-9_-]{0,63}$");
  out.anti_affinity_group = str_param(p, "anti_affinity_group");
  if (!std::regex_match(out.anti_affinity_group, kGroup))
    return invalid("params.anti_affinity_group",
                   "an anti-affinity group is up to 63 letters, digits, '-' or '_'");
  return out;
}

}  // namespace

Status VmService::validate(Tx& tx, const Org& system, const json::object& params) {
  GC_ASSIGN_OR_RETURN(auto p, read_params(tx, system, params));
  if (tx.compute().vm_name_taken(system.id.value, p.name))
    return conflict("this system already has a VM named '" + p.name + "'", "params.name");
  return ok_status();
}

void VmService::fail_request(const std::string& request_id, const std::string& reason) {
  (void)store_.transact([&](Tx& tx) -> Status {
    return finish_provisioning(tx, request_id, "", reason, clock_.now());
  });
}

void VmService::provision(const std::string& request_id) {
  std::string vm_id = new_id("vm");
  std::optional<Placement> placed;
  Demand demand;
  auto begun = store_.transact([&](Tx& tx) -> Result<Operation> {
    TimeMs now = clock_.now();
    if (auto existing = tx.compute().find_vm_by_request(request_id))
      return conflict("request " + request_id + " already has VM " + existing->id.value);
    GC_ASSIGN_OR_RETURN(auto order,
                        claim_provisioning(tx, request_id, ReservationOwner::kVm, vm_id, now));
    auto system = tx.find_org(OrgId{order.org_id});
    auto vdc = tx.find_vdc(VdcId{order.vdc_id});
    if (!system || !vdc) return not_found("the request's system or VDC");
    GC_ASSIGN_OR_RETURN(auto p, read_params(tx, *system, order.params));
    if (tx.compute().vm_name_taken(system->id.value, p.name))
      return conflict("this system already has a VM named '" + p.name + "'", "params.name");
    Vm vm;
    vm.id = VmId{vm_id};
    vm.name = p.name;
    vm.org_id = system->id.value;
    vm.org_path = system->path;
    vm.vdc_id = vdc->id.value;
    vm.owner = order.owner;
    vm.request_id = request_id;
    vm.arch = p.arch;
    vm.vcpu = p.vcpu;
    vm.memory_mb = p.memory_mb;
    vm.disk_gb = p.disk_gb;
    vm.image_id = p.image.id;
    vm.tags = p.tags;
    vm.anti_affinity_group = p.anti_affinity_group;
    auto floor = cpu_floors_.find(vm.arch);
    vm.min_cpu_mhz = std::max(p.min_cpu_mhz, floor == cpu_floors_.end() ? 0 : floor->second);
    vm.reservation_id = order.reservation_id;
    vm.created_at = vm.updated_at = now;
    demand = demand_of(vm);
    auto where = compute_.scheduler().place(demand, vm_id);
    if (!where.ok()) return where.error();
    placed = where.value();
    vm.host_id = placed->host.value;
    GC_ASSIGN_OR_RETURN(auto net, vdc_network(tx, *vdc, now));
    GC_ASSIGN_OR_RETURN(auto addr, allocate_address(tx, net, vm, now));
    vm.network_id = net.id;
    vm.mac = addr.mac;
    vm.ip = addr.ip;
    tx.compute().insert_vm(vm);
    Operation op;
    op.id = new_id("op");
    op.kind = "vm.create";
    op.target_id = vm_id;
    op.org_id = vm.org_id;
    op.org_path = vm.org_path;
    op.user_id = order.owner;
    op.params = json::serialize(json::object{{"action", "create"}, {"request", request_id}});
    op.step = "placed on a host";
    op.progress = 10;
    op.created_at = op.updated_at = now;
    tx.operations().insert_operation(op);
    audit_vm(tx, clock_, nullptr, RequestContext{"local", request_id}, "vm.create", vm, "accepted",
             {{"operation", op.id}, {"request", request_id}, {"host", vm.host_id}});
    return op;
  });
  if (!begun.ok()) {
    if (placed) compute_.scheduler().release(placed->host, demand, vm_id, placed->accelerators);
    // Claimed or not, nothing of the begin transaction stays; the request fails with the reason.
    fail_request(request_id, begun.error().message);
    return;
  }
  std::string op_id = begun->id;
  workers_.submit([this, op_id] { create_on_engine(op_id); });
}

Result<DomainSpec> VmService::domain_spec(Tx& tx, const Vm& vm) {
  auto img = tx.compute().find_image(vm.image_id);
  auto net = tx.compute().find_network(vm.network_id);
  if (!img || !net) return not_found("the VM's image or network");
  DomainSpec s;
  s.name = domain_name(vm);
  s.vcpu = vm.vcpu;
  s.memory_mb = vm.memory_mb;
  s.arch = vm.arch;
  s.image_path = img->path;
  s.image_format = img->format;
  s.kernel = img->kernel;
  s.initrd = img->initrd;
  s.cmdline = img->cmdline;
  s.disk_gb = vm.disk_gb;
  s.network = network_spec(*net);
  s.mac = vm.mac;
  s.ip = vm.ip;
  return s;
}

Result<VmService::EngineWork> VmService::load_work(const std::string& op_id, bool with_spec) {
  return store_.read([&](Tx& tx) -> Result<EngineWork> {
    auto op = tx.operations().find_operation(op_id);
    if (!op) return not_found("operation");
    auto vm = tx.compute().find_vm(VmId{op->target_id});
    if (!vm) return not_found("VM");
    auto host = tx.compute().find_host(HostId{vm->host_id});
    if (!host) return not_found("the VM's host");
    EngineWork w{*op, *vm, *host, {}};
    if (with_spec) {
      GC_ASSIGN_OR_RETURN(w.spec, domain_spec(tx, *vm));
    }
    return w;
  });
}

void VmService::create_on_engine(const std::string& op_id) {
  auto loaded = load_work(op_id, true);
  if (!loaded.ok()) return finish_create(op_id, loaded.error().message);
  auto& [op, vm, host, spec] = loaded.value();
  ComputeDriver* d = compute_.driver(host.driver);
  Status done =
      d ? ok_status() : Status{Error{ErrorCode::kConflict, "no driver " + host.driver, {}}};
  if (done.ok()) {
    progress(op_id, 20, "preparing the network " + spec.network.cidr);
    done = d->ensure_network(host, spec.network);
  }
  if (done.ok()) {
    progress(op_id, 40, "creating the disk and the domain");
    done = d->define(host, spec);
  }
  if (done.ok()) {
    progress(op_id, 70, "booting");
    done = d->start(host, spec.name);
  }
  // A failure rolls back what the engine did: the half-made guest and its disk go.
  if (!done.ok() && d) (void)d->remove(host, spec.name, false);
  finish_create(op_id, done.ok() ? "" : done.error().message);
}

void VmService::finish_create(const std::string& op_id, const std::string& failure) {
  std::optional<Vm> released;
  (void)store_.transact([&](Tx& tx) -> Status {
    auto op = tx.operations().find_operation(op_id);
    if (!op || op->state != OpState::kRunning) return ok_status();
    auto vm = tx.compute().find_vm(VmId{op->target_id});
    if (!vm) return not_found("VM");
    TimeMs now = clock_.now();
    if (failure.empty()) {
      vm->state = VmState::kRunning;
      vm->reason.clear();
      record_usage(tx, *vm, "created", now);
      record_usage(tx, *vm, "started", now);
    } else {
      // The VM stays, in error with the reason, holding nothing: quota, address and host
      // capacity go back through its own lifecycle.
      vm->state = VmState::kError;
      vm->reason = "creation failed: " + failure;
      if (!vm->reservation_id.empty())
        GC_TRY(release_in_tx(tx, ReservationId{vm->reservation_id},
                             {ReservationOwner::kVm, vm->id.value}));
      vm->reservation_id.clear();
      tx.compute().delete_addresses_of_vm(vm->id.value);
      vm->ip.clear();
      released = *vm;
      vm->host_id.clear();
    }
    vm->updated_at = now;
    tx.compute().update_vm(*vm);
    op->state = failure.empty() ? OpState::kSucceeded : OpState::kFailed;
    op->error = failure;
    op->progress = 100;
    op->step = failure.empty() ? "running" : "failed";
    op->updated_at = op->finished_at = now;
    tx.operations().update_operation(*op);
    audit_vm(tx, clock_, nullptr, RequestContext{"local", op->id}, "vm.create", *vm,
             failure.empty() ? "success" : "failure", {{"operation", op->id}, {"error", failure}});
    return finish_provisioning(tx, vm->request_id, vm->id.value, failure, now);
  });
  if (released && !released->host_id.empty())
    compute_.scheduler().release(HostId{released->host_id}, demand_of(*released),
                                 released->id.value, {});
}

}  // namespace govcloud
