// Helpers shared by the VM files of the compute module (not part of its face).
#pragma once

#include <boost/json/object.hpp>
#include <string>

#include "compute/vms.h"
#include "tenancy/tenancy.h"

namespace govcloud::vm_detail {

inline std::string domain_name(const Vm& vm) {
  return "gc-" + vm.id.value;
}

// A VM's name is a host name: 1–63 lower-case letters, digits or '-', not at either end.
bool valid_vm_name(const std::string& name);
inline constexpr const char* kVmNameRule =
    "a host name is 1–63 lower-case letters, digits or '-', not starting or ending with '-'";
// The quota a VM of this size holds (what the cloud-host service reserves).
std::vector<std::pair<std::string, std::int64_t>> vm_amounts(const Vm& vm);

// A parameter of a request or an operation, or 0 / "" when absent or of another type.
std::int64_t int_param(const boost::json::object& p, const char* name);
std::string str_param(const boost::json::object& p, const char* name);

// What the scheduler holds for the VM on its host.
Demand demand_of(const Vm& vm);
// The tenant (委办局) a VM's business system belongs to, for usage events.
std::string tenant_of(Tx& tx, const Vm& vm);
// Usage events for metering (issue 11), written in the transaction of the change. `what` is
// started/stopped (vCPU and memory run) or created/deleted (the system disk exists).
void record_usage(Tx& tx, const Vm& vm, const std::string& what, TimeMs now);
// The audit record of a VM action; the VM's org is the node it belongs to.
void audit_vm(Tx& tx, const Clock& clock, const Principal* who, const RequestContext& ctx,
              const std::string& action, const Vm& vm, const std::string& outcome,
              const std::vector<std::pair<std::string, std::string>>& details);

// IPAM for the VDC's guest network: the network (created on first use, a /24 of 10.64.0.0/10)
// and a free address with a MAC derived from the VM id.
Result<GuestNetwork> vdc_network(Tx& tx, const Vdc& vdc, TimeMs now);
Result<Address> allocate_address(Tx& tx, const GuestNetwork& net, const Vm& vm, TimeMs now);
NetworkSpec network_spec(const GuestNetwork& net);

}  // namespace govcloud::vm_detail
