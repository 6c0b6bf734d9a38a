// Shared VM helpers: scheduler demand, usage events, audit, and IPAM for the VDC networks.
#include <cstdio>
#include <regex>

#include "compute/vm_internal.h"

namespace govcloud::vm_detail {

std::int64_t int_param(const boost::json::object& p, const char* name) {
  auto* v = p.if_contains(name);
  return v && v->is_int64() ? v->as_int64() : 0;
}

std::string str_param(const boost::json::object& p, const char* name) {
  auto* v = p.if_contains(name);
  return v && v->is_string() ? std::string(v->as_string()) : "";
}

bool valid_vm_name(const std::string& name) {
  static const std::regex kName("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$");
  return std::regex_match(name, kName);
}

std::vector<std::pair<std::string, std::int64_t>> vm_amounts(const Vm& vm) {
  return {
      {"vcpu", vm.vcpu},
      {"memory_gb", vm.memory_mb / 1024},
      {vm.disk_tier == "performance" ? "storage_performance_gb" : "storage_normal_gb", vm.disk_gb}};
}

Demand demand_of(const Vm& vm) {
  Demand d;
  d.vcpu = vm.vcpu;
  d.memory_mb = vm.memory_mb;
  d.disk_gb = vm.disk_gb;
  d.arch = vm.arch;
  d.min_cpu_mhz = vm.min_cpu_mhz;
  if (!vm.anti_affinity_group.empty()) {
    // Groups are per business system: two systems may both call a group "web".
    d.group = vm.org_id + "/" + vm.anti_affinity_group;
    d.rule = GroupRule::kAntiAffinity;
    d.hard = true;
  }
  return d;
}

std::string tenant_of(Tx& tx, const Vm& vm) {
  return tenant_of_path(tx, vm.org_path);
}

void record_usage(Tx& tx, const Vm& vm, const std::string& what, TimeMs now) {
  std::string tenant = tenant_of(tx, vm);
  auto event = [&](const char* code, std::int64_t quantity) {
    tx.operations().insert_usage_event(
        UsageEvent{0, now, what, vm.id.value, code, quantity, tenant, vm.org_id, vm.vdc_id});
  };
  if (what == "started" || what == "stopped") {
    event("compute-vcpu", vm.vcpu);
    event("compute-memory", vm.memory_mb / 1024);
  } else {
    event(vm.disk_tier == "performance" ? "storage-high-perf" : "storage-normal", vm.disk_gb);
  }
}

void audit_vm(Tx& tx, const Clock& clock, const Principal* who, const RequestContext& ctx,
              const std::string& action, const Vm& vm, const std::string& outcome,
              const std::vector<std::pair<std::string, std::string>>& details) {
  AuditEvent e{action, vm.id.value, vm.org_id, outcome, {}};
  e.detail["name"] = vm.name;
  for (const auto& [k, v] : details) e.detail[k] = v;
  write_audit(tx, clock, who, ctx, e);
}

Result<GuestNetwork> vdc_network(Tx& tx, const Vdc& vdc, TimeMs now) {
  if (auto n = tx.compute().find_network_of_vdc(vdc.id.value)) return *n;
  // A /24 of 10.64.0.0/10 (16,384 VDC networks), first tried where the network id points, so
  // two installations driving one host seldom pick the same one, then the next free one.
  if (tx.compute().count_networks() >= std::int64_t{64} * 256)
    return conflict("no guest network address space left");
  GuestNetwork net;
  net.id = new_id("net");
  unsigned start = 2166136261U;
  for (char c : net.id) start = (start ^ static_cast<unsigned char>(c)) * 16777619U;
  unsigned slot = start % (64 * 256);
  auto cidr_of = [](unsigned s) {
    return "10." + std::to_string(64 + s / 256) + "." + std::to_string(s % 256) + ".0/24";
  };
  while (tx.compute().cidr_taken(cidr_of(slot))) slot = (slot + 1) % (64 * 256);
  int a = 64 + static_cast<int>(slot / 256);
  int b = static_cast<int>(slot % 256);
  net.vdc_id = vdc.id.value;
  net.org_path = "";
  // The bridge is named after the network id, not a counter: other govcloud installations
  // driving the same host never pick the same name.
  unsigned h = 2166136261U;
  for (char c : net.id) h = (h ^ static_cast<unsigned char>(c)) * 16777619U;
  char bridge[16];
  std::snprintf(bridge, sizeof bridge, "gcbr%08x", h);
  net.bridge = bridge;
  std::string base = "10." + std::to_string(a) + "." + std::to_string(b) + ".";
  net.cidr = base + "0/24";
  net.gateway = base + "1";
  net.created_at = now;
  tx.compute().insert_network(net);
  return net;
}

Result<Address> allocate_address(Tx& tx, const GuestNetwork& net, const Vm& vm, TimeMs now) {
  std::string base = net.cidr.substr(0, net.cidr.rfind('.') + 1);
  std::vector<bool> taken(256, false);
  for (const auto& a : tx.compute().addresses_of_network(net.id)) {
    int last = std::atoi(a.ip.substr(a.ip.rfind('.') + 1).c_str());
    if (last >= 0 && last < 256) taken[static_cast<std::size_t>(last)] = true;
  }
  // .1 is the gateway, .255 broadcast; guests take .10–.254.
  for (int i = 10; i < 255; ++i) {
    if (taken[static_cast<std::size_t>(i)]) continue;
    // A locally administered MAC from the VM id, unique because the id is.
    unsigned h = 2166136261U;
    for (char c : vm.id.value) h = (h ^ static_cast<unsigned char>(c)) * 16777619U;
    char mac[18];
    std::snprintf(mac, sizeof mac, "52:54:%02x:%02x:%02x:%02x", (h >> 24) & 0xff, (h >> 16) & 0xff,
                  (h >> 8) & 0xff, h & 0xff);
    Address a{net.id, base + std::to_string(i), mac, vm.id.value, now};
    tx.compute().insert_address(a);
    return a;
  }
  return conflict("the VDC network " + net.cidr + " has no free address", "network");
}

NetworkSpec network_spec(const GuestNetwork& net) {
  return NetworkSpec{"gc-" + net.id, net.bridge, net.cidr, net.gateway};
}

}  // namespace govcloud::vm_detail
