#include "drivers/sim/sim_compute.h"

namespace govcloud {

Status SimComputeDriver::reach(const Host& host, SimHost*& out) {
  SimHost& h = hosts_[host.id.value];
  if (!h.reachable)
    return Error{ErrorCode::kInternal, "host " + host.name + " does not answer", {}};
  if (!h.fail_next.empty()) {
    std::string message = std::move(h.fail_next);
    h.fail_next.clear();
    return Error{ErrorCode::kInternal, message, {}};
  }
  out = &h;
  return ok_status();
}

Result<HostReport> SimComputeDriver::probe(const Host& host) {
  std::lock_guard lock(mu_);
  SimHost* h = nullptr;
  GC_TRY(reach(host, h));
  HostReport r;
  r.arch = host.arch;
  r.cpu_model = host.cpu_model;
  r.cpu_mhz = host.cpu_mhz;
  r.cores = host.cores;
  r.memory_mb = host.memory_mb;
  for (const auto& [name, state] : h->states) {
    DomainInfo d{name, state, 0, 0};
    if (auto it = h->specs.find(name); it != h->specs.end()) {
      d.vcpu = it->second.vcpu;
      d.memory_mb = it->second.memory_mb;
    }
    r.domains.push_back(d);
  }
  return r;
}

Status SimComputeDriver::define(const Host& host, const DomainSpec& spec) {
  if (spec.name.empty() || spec.vcpu <= 0 || spec.memory_mb <= 0)
    return invalid("spec", "a guest needs a name, vCPU and memory");
  std::lock_guard lock(mu_);
  SimHost* h = nullptr;
  GC_TRY(reach(host, h));
  if (auto it = h->specs.find(spec.name); it != h->specs.end()) {
    if (it->second.vcpu == spec.vcpu && it->second.memory_mb == spec.memory_mb) return ok_status();
    return Error{ErrorCode::kConflict, "a different guest named " + spec.name + " exists", {}};
  }
  h->specs[spec.name] = spec;
  h->states[spec.name] = DomainState::kShutOff;
  return ok_status();
}

Status SimComputeDriver::start(const Host& host, const std::string& name) {
  std::lock_guard lock(mu_);
  SimHost* h = nullptr;
  GC_TRY(reach(host, h));
  auto it = h->states.find(name);
  if (it == h->states.end()) return not_found("guest " + name);
  it->second = DomainState::kRunning;
  return ok_status();
}

Status SimComputeDriver::stop(const Host& host, const std::string& name, bool /*force*/) {
  std::lock_guard lock(mu_);
  SimHost* h = nullptr;
  GC_TRY(reach(host, h));
  auto it = h->states.find(name);
  if (it == h->states.end()) return not_found("guest " + name);
  it->second = DomainState::kShutOff;
  return ok_status();
}

Status SimComputeDriver::remove(const Host& host, const std::string& name, bool wipe) {
  std::lock_guard lock(mu_);
  SimHost* h = nullptr;
  GC_TRY(reach(host, h));
  if (h->states.erase(name) > 0) removed_[name] = wipe;
  h->specs.erase(name);
  return ok_status();
}

Result<DomainInfo> SimComputeDriver::inspect(const Host& host, const std::string& name) {
  std::lock_guard lock(mu_);
  SimHost* h = nullptr;
  GC_TRY(reach(host, h));
  auto it = h->states.find(name);
  if (it == h->states.end()) return not_found("guest " + name);
  DomainInfo d{name, it->second, 0, 0};
  if (auto s = h->specs.find(name); s != h->specs.end()) {
    d.vcpu = s->second.vcpu;
    d.memory_mb = s->second.memory_mb;
  }
  return d;
}

void SimComputeDriver::set_reachable(const HostId& host, bool reachable) {
  std::lock_guard lock(mu_);
  hosts_[host.value].reachable = reachable;
}

void SimComputeDriver::fail_next(const HostId& host, const std::string& message) {
  std::lock_guard lock(mu_);
  hosts_[host.value].fail_next = message;
}

void SimComputeDriver::set_state_behind_our_back(const HostId& host, const std::string& name,
                                                 DomainState state) {
  std::lock_guard lock(mu_);
  hosts_[host.value].states[name] = state;
}

void SimComputeDriver::add_foreign_domain(const HostId& host, const std::string& name) {
  std::lock_guard lock(mu_);
  hosts_[host.value].states[name] = DomainState::kRunning;
}

std::size_t SimComputeDriver::domain_count() const {
  std::lock_guard lock(mu_);
  std::size_t n = 0;
  for (const auto& [id, h] : hosts_) n += h.states.size();
  return n;
}

bool SimComputeDriver::wiped(const std::string& name) const {
  std::lock_guard lock(mu_);
  auto it = removed_.find(name);
  return it != removed_.end() && it->second;
}

}  // namespace govcloud
